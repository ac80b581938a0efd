import { beforeAll, describe, expect, test } from 'vitest';
import type { PolicyFunction, ValueScope } from '../../helpers/policy/context-value.ts';
import { loadPolicyParser } from '../../helpers/policy/policy-ast.ts';
import { analyseTablePolicies, type PolicyFinding } from '../../helpers/policy/policy-analysis.ts';
import type { CatalogPolicy } from '../../helpers/policy/policy-catalog.ts';
import { judgeFindings, validateOverrides } from '../../helpers/policy/policy-severity.ts';
import type { PolicyFindingOverride } from '../../helpers/config/gate-config.ts';

const CTX = "(NULLIF(current_setting('app.current_tenant'::text, true), ''::text))::uuid";
const SCOPED = `(tenant_id = ${CTX})`;

function fn(
  name: string,
  language: string,
  source: string,
  volatility: PolicyFunction['volatility'] = 'stable',
): PolicyFunction {
  return { schema: 'public', name, language, source, volatility };
}

function scopeWith(...functions: PolicyFunction[]): ValueScope {
  return { tenantSetting: 'app.current_tenant', functions: new Map(functions.map((f) => [f.name, f])) };
}

function policy(
  using: string | null,
  withCheck: string | null = null,
  extra: Partial<CatalogPolicy> = {},
): CatalogPolicy {
  return { table: 'docs', name: 'p', permissive: true, command: 'ALL', using, withCheck, ...extra };
}

function rules(policies: readonly CatalogPolicy[], scope = scopeWith()): readonly string[] {
  return analyseTablePolicies({ table: 'docs', tenantColumn: 'tenant_id', policies }, scope).map(
    (finding: PolicyFinding) =>
      `${finding.clause}:${finding.rule}${finding.coveredBy === undefined ? '' : ` covered by ${finding.coveredBy}`}`,
  );
}

beforeAll(() => loadPolicyParser());

describe('scoped comparisons (no finding)', () => {
  test.each([
    ['key = ctx', SCOPED],
    ['ctx = key', `(${CTX} = tenant_id)`],
    [
      '(SELECT current_setting(…))::uuid',
      "(tenant_id = (( SELECT current_setting('app.current_tenant'::text) AS current_setting))::uuid)",
    ],
    [
      'ANY(string_to_array(setting))',
      "(tenant_id = ANY ((string_to_array(current_setting('app.current_tenant'::text), ','::text))::uuid[]))",
    ],
    ['IN (ctx)', `(tenant_id IN (${CTX}))`],
    ['IN (SELECT ctx)', `(tenant_id IN ( SELECT ${CTX}))`],
    ['key::text = setting', "((tenant_id)::text = current_setting('app.current_tenant'::text, true))"],
    ['AND with an extra row filter', `(${SCOPED} AND (status = 'active'::text))`],
    ['OR of two scoped branches', `(${SCOPED} OR ((tenant_id = ${CTX}) AND is_public))`],
    ['OR inside an AND that is scoped', `(${SCOPED} AND (is_public OR (owner = CURRENT_USER)))`],
    ['qualified column', `(docs.tenant_id = ${CTX})`],
    [
      'a claim of a JSON setting',
      "(tenant_id = (((current_setting('app.current_tenant'::text, true))::json ->> 'tenant_id'::text))::uuid)",
    ],
  ])('%s', (_name, using) => {
    expect(rules([policy(using, using)])).toEqual([]);
  });
});

describe('unscoped branches, each with its rule', () => {
  test.each([
    ['OR is_public', `(${SCOPED} OR is_public)`, 'row-attribute-branch'],
    ["OR status = 'archived'", `(${SCOPED} OR (status = 'archived'::text))`, 'row-attribute-branch'],
    [
      'setting IS NULL OR',
      `((current_setting('app.current_tenant'::text, true) IS NULL) OR ${SCOPED})`,
      'is-null-branch',
    ],
    ['tenant_id IS NULL OR', `((tenant_id IS NULL) OR ${SCOPED})`, 'is-null-branch'],
    ['IS NOT DISTINCT FROM', `(tenant_id IS NOT DISTINCT FROM ${CTX})`, 'is-null-branch'],
    ['COALESCE(setting, column)', `(tenant_id = COALESCE(${CTX}, tenant_id))`, 'setting-fallback'],
    [
      'CASE fallback',
      `(tenant_id = CASE WHEN (current_setting('app.current_tenant'::text, true) = ''::text) THEN tenant_id ELSE ${CTX} END)`,
      'setting-fallback',
    ],
    [
      'NULLIF against a column',
      `(tenant_id = (NULLIF(current_setting('app.current_tenant'::text, true), (tenant_id)::text))::uuid)`,
      'setting-fallback',
    ],
    [
      'reads only the session',
      "(current_setting('app.current_tenant'::text, true) IS NOT NULL)",
      'session-only-predicate',
    ],
    ['current_user only', "(CURRENT_USER = 'admin'::name)", 'session-only-predicate'],
    ['true', 'true', 'constant-true'],
    [
      'LIKE against the setting',
      "((tenant_id)::text ~~ (current_setting('app.current_tenant'::text, true) || '%'::text))",
      'pattern-match-setting',
    ],
    [
      '~ against the setting',
      "((tenant_id)::text ~ current_setting('app.current_tenant'::text, true))",
      'pattern-match-setting',
    ],
    [
      'SIMILAR TO the setting',
      "((tenant_id)::text ~ similar_to_escape(current_setting('app.current_tenant'::text, true)))",
      'pattern-match-setting',
    ],
    [
      'another setting',
      "(tenant_id = (current_setting('app.other_tenant'::text, true))::uuid)",
      'unscoped-branch',
    ],
    ['<> the setting', `(tenant_id <> ${CTX})`, 'unscoped-branch'],
  ])('%s → %s', (_name, using, rule) => {
    expect(rules([policy(using, null, { command: 'SELECT' })])).toEqual([`USING:${rule}`]);
  });

  test('a subquery on the policy’s own table is reported (warning by default)', () => {
    const using = `(tenant_id IN ( SELECT d.tenant_id FROM docs d WHERE (d.owner = CURRENT_USER)))`;
    const findings = judgeFindings(
      analyseTablePolicies(
        { table: 'docs', tenantColumn: 'tenant_id', policies: [policy(using, SCOPED)] },
        scopeWith(),
      ),
      [],
    );
    expect(findings.map((f) => [f.rule, f.severity])).toContainEqual([
      'self-referencing-subquery',
      'warning',
    ]);
  });

  test('the finding names the branch at fault, not the whole clause', () => {
    const [finding] = analyseTablePolicies(
      {
        table: 'docs',
        tenantColumn: 'tenant_id',
        policies: [policy(`(${SCOPED} OR is_public)`, SCOPED, { name: 'docs_read', command: 'SELECT' })],
      },
      scopeWith(),
    );
    expect(finding).toMatchObject({
      table: 'docs',
      policy: 'docs_read',
      command: 'SELECT',
      clause: 'USING',
      branch: 'is_public',
    });
  });
});

describe('policy-level rules', () => {
  test('WITH CHECK that drops the scope USING has', () => {
    expect(rules([policy(SCOPED, 'true')])).toEqual(['WITH CHECK:with-check-drops-scope']);
  });

  test('UPDATE USING (true) with a scoped WITH CHECK', () => {
    expect(
      rules([
        policy(SCOPED, SCOPED, { name: 'iso' }),
        policy('true', SCOPED, { name: 'bulk', command: 'UPDATE' }),
      ]),
    ).toEqual(['USING:using-true-scoped-check']);
  });

  test('DELETE USING (true) beside scoped write policies', () => {
    expect(
      rules([
        policy(SCOPED, SCOPED, { name: 'iso' }),
        policy('true', null, { name: 'purge', command: 'DELETE' }),
      ]),
    ).toEqual(['USING:using-true-scoped-check']);
  });

  test('several permissive UPDATE policies whose WITH CHECKs union into a hole', () => {
    const found = rules([
      policy(SCOPED, SCOPED, { name: 'iso', command: 'UPDATE' }),
      policy(SCOPED, "(status = 'draft'::text)", { name: 'drafts', command: 'UPDATE' }),
    ]);
    expect(found).toContain('WITH CHECK:update-check-union');
  });

  test('a safe RESTRICTIVE floor covers permissive holes on every command it spans', () => {
    const floor = policy(SCOPED, SCOPED, { name: 'floor', permissive: false });
    expect(rules([policy('true', 'true', { name: 'open' }), floor])).toEqual([
      'USING:constant-true covered by floor',
      'WITH CHECK:constant-true covered by floor',
    ]);
  });

  test('a restrictive policy that is not itself scoped is no floor', () => {
    const notAFloor = policy("(status <> 'deleted'::text)", null, { name: 'live', permissive: false });
    expect(rules([policy(`(${SCOPED} OR is_public)`, SCOPED), notAFloor])).toEqual([
      'USING:row-attribute-branch',
    ]);
  });

  test('a SELECT-only floor does not cover an ALL policy’s write side', () => {
    const floor = policy(SCOPED, null, { name: 'floor', permissive: false, command: 'SELECT' });
    expect(rules([policy('true', null, { name: 'open' }), floor])).toEqual(['USING:constant-true']);
  });
});

describe('functions followed one level deep', () => {
  const helperCall = '(tenant_id = current_tenant_id())';

  test.each([
    ['SQL body returning the setting', fn('current_tenant_id', 'sql', `SELECT ${CTX}`)],
    [
      'SQL body in (SELECT …)',
      fn('current_tenant_id', 'sql', "SELECT (SELECT current_setting('app.current_tenant', true))::uuid"),
    ],
    [
      'SQL-standard RETURN body',
      fn(
        'current_tenant_id',
        'sql-standard',
        "RETURN (current_setting('app.current_tenant'::text, true))::uuid",
      ),
    ],
    [
      'PL/pgSQL RETURN',
      fn(
        'current_tenant_id',
        'plpgsql',
        `\nBEGIN\n  -- the tenant; RETURN in a comment is not code\n  RETURN ${CTX};\nEND\n`,
      ),
    ],
  ])('%s: scoped', (_name, helper) => {
    expect(rules([policy(helperCall, helperCall)], scopeWith(helper))).toEqual([]);
  });

  test.each([
    [
      'another setting',
      fn(
        'current_tenant_id',
        'plpgsql',
        "BEGIN RETURN current_setting('app.requested_tenant', true)::uuid; END",
      ),
      'unsafe-function',
    ],
    [
      'a table lookup',
      fn('current_tenant_id', 'sql', 'SELECT tenant_id FROM users WHERE id = 1'),
      'unsafe-function',
    ],
    [
      'a COALESCE fallback',
      fn('current_tenant_id', 'sql', `SELECT COALESCE(${CTX}, '00000000-0000-0000-0000-000000000000'::uuid)`),
      'unsafe-function',
    ],
    ['language C', fn('current_tenant_id', 'c', 'tenant_of'), 'unknown-function'],
    [
      'RETURN QUERY',
      fn('current_tenant_id', 'plpgsql', 'BEGIN RETURN QUERY SELECT 1; END'),
      'unknown-function',
    ],
    [
      'a helper calling a helper (not followed)',
      fn('current_tenant_id', 'sql', 'SELECT other_helper()'),
      'unsafe-function',
    ],
  ])('%s → %s', (_name, helper, rule) => {
    expect(rules([policy(helperCall, SCOPED)], scopeWith(helper))).toContain(`USING:${rule}`);
  });

  test('a VOLATILE helper is a finding even when it returns the setting', () => {
    const helper = fn('current_tenant_id', 'sql', `SELECT ${CTX}`, 'volatile');
    expect(rules([policy(helperCall, SCOPED)], scopeWith(helper))).toEqual(['USING:volatile-function']);
  });

  test('a helper returning an array of tenants, with ANY', () => {
    const helper = fn(
      'tenant_ids',
      'plpgsql',
      "BEGIN RETURN string_to_array(current_setting('app.current_tenant', true), ',')::uuid[]; END",
    );
    const using = '(tenant_id = ANY (tenant_ids()))';
    expect(rules([policy(using, using)], scopeWith(helper))).toEqual([]);
  });
});

describe('severity', () => {
  const overrides: PolicyFindingOverride[] = [
    {
      table: 'docs',
      rule: 'row-attribute-branch',
      severity: 'warning',
      reason: 'public templates are shared on purpose',
    },
  ];

  test('defaults per rule, an override per table with its reason', () => {
    const findings = analyseTablePolicies(
      { table: 'docs', tenantColumn: 'tenant_id', policies: [policy(`(${SCOPED} OR is_public)`, 'true')] },
      scopeWith(),
    );
    const judged = judgeFindings(findings, overrides);
    expect(judged.map((f) => [f.rule, f.severity, f.overrideReason])).toEqual([
      ['row-attribute-branch', 'warning', 'public templates are shared on purpose'],
      ['constant-true', 'error', undefined],
    ]);
    expect(
      judgeFindings(
        findings.map((f) => ({ ...f, table: 'other' })),
        overrides,
      )[0]?.severity,
    ).toBe('error');
  });

  test('an override without a reason, or naming an unknown rule, is refused in one sentence', () => {
    expect(() => validateOverrides([{ ...overrides[0], reason: ' ' } as PolicyFindingOverride])).toThrow(
      /tenancy\.policyFindings\[0\] \(docs \/ row-attribute-branch\) needs a reason/,
    );
    expect(() =>
      validateOverrides([
        {
          table: 'docs',
          rule: 'no-such-rule',
          severity: 'warning',
          reason: 'x',
        } as unknown as PolicyFindingOverride,
      ]),
    ).toThrow(/unknown rule "no-such-rule"/);
  });
});
