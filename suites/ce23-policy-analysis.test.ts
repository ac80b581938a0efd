import type pg from 'pg';
import { describe, expect, inject, test } from 'vitest';
import { discoverTenantTables } from '../helpers/catalog/tenant-tables.ts';
import { connectClient } from '../helpers/db/database-connection.ts';
import { followFunction, type PolicyFunction, type ValueScope } from '../helpers/policy/context-value.ts';
import { loadPolicyParser } from '../helpers/policy/policy-ast.ts';
import { analyseTablePolicies } from '../helpers/policy/policy-analysis.ts';
import { readPolicyCatalog } from '../helpers/policy/policy-catalog.ts';
import { isProbeable, probeLeak, type LeakProbe } from '../helpers/policy/policy-leak-probe.ts';
import { POLICY_RULES, POLICY_RULE_IDS } from '../helpers/policy/policy-rules.ts';
import {
  judgeFindings,
  staleOverrides,
  validateOverrides,
  type JudgedFinding,
} from '../helpers/policy/policy-severity.ts';
import { checkId, defineCheck } from '../reports/check-meta.ts';
import { suitePool } from './support/database.ts';
import { gateSettings } from './support/gate-settings.ts';

// CE-23, policy analysis: every permissive policy that binds the application role is parsed with the
// real PostgreSQL parser, split into OR-branches, and each branch must compare the tenant key with the
// tenant setting. Restrictive policies that do so are a floor under the permissive ones. Findings are
// confirmed, where the data allows, by a SELECT as the application role inside a rolled-back transaction.
const settings = gateSettings();
const { schema, tenancy } = settings;
const overrides = tenancy.policyFindings ?? [];
validateOverrides(overrides);
const pool = await suitePool();
await loadPolicyParser();

interface TableResult {
  readonly tenantColumn: string | undefined;
  readonly permissive: number;
  readonly restrictive: number;
  readonly findings: readonly (JudgedFinding & { readonly probe?: LeakProbe })[];
}

const analysis = await (async () => {
  const client = await pool.connect();
  try {
    const discovered = await discoverTenantTables(client, settings);
    const tables = [...new Set([...tenancy.tenantTables, ...discovered.map((table) => table.table)])];
    const catalog = await readPolicyCatalog(client, { schema, tables, appRole: tenancy.appRole });
    const functions = new Map<string, PolicyFunction>();
    for (const fn of catalog.functions) {
      functions.set(`${fn.schema}.${fn.name}`, fn);
      if (!functions.has(fn.name)) functions.set(fn.name, fn);
    }
    const scope: ValueScope = { tenantSetting: tenancy.tenantSetting, functions };
    const results = new Map<string, TableResult>();
    for (const table of tables) {
      const tenantColumn = discovered.find((found) => found.table === table)?.tenantColumn;
      const policies = catalog.policies.filter((policy) => policy.table === table);
      const findings =
        tenantColumn === undefined
          ? []
          : judgeFindings(analyseTablePolicies({ table, tenantColumn, policies }, scope), overrides);
      results.set(table, {
        tenantColumn,
        permissive: policies.filter((policy) => policy.permissive).length,
        restrictive: policies.filter((policy) => !policy.permissive).length,
        findings,
      });
    }
    return { tables, results, functions: catalog.functions, scope };
  } finally {
    client.release();
  }
})();

/** Confirms each probeable finding with a leak probe; one transaction per connection, rolled back. */
async function confirmFindings(): Promise<void> {
  const wanted = [...analysis.results.entries()].filter(([, result]) =>
    result.findings.some((finding) => finding.severity !== 'covered' && isProbeable(finding)),
  );
  if (wanted.length === 0) return;
  const main = await pool.connect();
  // Never pooled: the tenant setting was never defined on it, the state of a fresh application connection.
  const unset: pg.Client = await connectClient(inject('databaseUrl'), {
    applicationName: 'migration-gate ce23 policy probe',
  });
  try {
    await main.query('BEGIN');
    await unset.query('BEGIN');
    for (const [table, result] of wanted) {
      if (result.tenantColumn === undefined) continue;
      const probed = [];
      for (const finding of result.findings) {
        if (finding.severity === 'covered' || !isProbeable(finding)) probed.push(finding);
        else {
          const probe = await probeLeak(
            { main, unset },
            { schema, table, tenantColumn: result.tenantColumn },
            finding,
            tenancy,
          );
          probed.push({ ...finding, probe });
        }
      }
      analysis.results.set(table, { ...result, findings: probed });
    }
  } finally {
    // Everything the probes planted goes; a connection whose ROLLBACK failed is destroyed, not pooled.
    let broken = false;
    await main.query('ROLLBACK').catch(() => {
      broken = true;
    });
    main.release(broken);
    await unset.end();
  }
}
await confirmFindings();

function findingRow(finding: JudgedFinding & { readonly probe?: LeakProbe }): Record<string, string> {
  return {
    policy: finding.policy,
    command: finding.command,
    clause: finding.clause,
    rule: finding.rule,
    severity: finding.severity,
    branch: finding.branch,
    detail: finding.detail,
    ...(finding.overrideReason === undefined ? {} : { 'override reason': finding.overrideReason }),
    ...(finding.coveredBy === undefined ? {} : { 'covered by': `restrictive policy ${finding.coveredBy}` }),
    ...(finding.probe === undefined ? {} : { probe: `${finding.probe.kind}: ${finding.probe.detail}` }),
  };
}

function describeFinding(finding: JudgedFinding): string {
  return `${finding.table}.${finding.policy} (${finding.command}) ${finding.clause} [${finding.rule}]: ${finding.branch} — ${finding.detail}`;
}

describe('CE-23 policy analysis: rules and helper functions', () => {
  test('the policy-analysis rules and helper functions; every severity override names an analysed table', ({
    task,
  }) => {
    const check = defineCheck(task, { id: 'ce23.policy-analysis.rules', ce: 'CE-23' });
    check.inventory(
      'Policy-analysis rules',
      POLICY_RULE_IDS.map((rule) => ({
        rule,
        'default severity': POLICY_RULES[rule].severity,
        overrides: overrides
          .filter((entry) => entry.rule === rule)
          .map((entry) => `${entry.table}: ${entry.severity} (${entry.reason})`)
          .join('; '),
        meaning: POLICY_RULES[rule].title,
      })),
    );
    check.inventory(
      'Functions called by policies',
      analysis.functions.map((fn) => {
        const value = followFunction(fn, analysis.scope);
        return {
          function: `${fn.schema}.${fn.name}()`,
          language: fn.language,
          volatility: fn.volatility,
          returns:
            value.kind === 'context' || value.kind === 'context-array'
              ? `the tenant setting (${value.kind})`
              : value.kind === 'function' || value.kind === 'fallback'
                ? value.detail
                : 'something other than the tenant setting',
        };
      }),
    );
    const stale = staleOverrides(overrides, analysis.tables);
    check.measureAll({
      rules: POLICY_RULE_IDS.length,
      overrides: overrides.length,
      functions: analysis.functions.length,
    });
    check.offending(stale.map((entry) => ({ ...entry, problem: 'names no tenant table of the schema' })));
    expect(
      stale.map((entry) => `${entry.table} / ${entry.rule}`),
      'tenancy.policyFindings entries for tables the gate does not analyse (renamed or dropped?)',
    ).toEqual([]);
  });
});

describe.each(analysis.tables)('CE-23 %s (policy analysis)', (table) => {
  test(`${table}: every permissive policy for ${tenancy.appRole} scopes the tenant on every OR-branch`, async ({
    task,
    skip,
    annotate,
  }) => {
    const check = defineCheck(task, { id: checkId('CE-23', 'rls', table, 'policy-analysis'), ce: 'CE-23' });
    const result = analysis.results.get(table);
    if (result?.tenantColumn === undefined) {
      const reason = `${table} is not a tenant-scoped table of ${schema} (missing, or without ${tenancy.tenantKey}); ce23.rls.expected-tables-present reports it`;
      check.notApplicable(reason);
      return skip(reason);
    }
    if (result.permissive === 0) {
      const reason = `no permissive policy of ${table} applies to ${tenancy.appRole}: it sees no row (default deny); ce23.rls.${table}.has-policy judges that`;
      check.notApplicable(reason);
      return skip(reason);
    }
    const errors = result.findings.filter((finding) => finding.severity === 'error');
    const warnings = result.findings.filter((finding) => finding.severity === 'warning');
    const covered = result.findings.filter((finding) => finding.severity === 'covered');
    check.measureAll({
      tenantColumn: result.tenantColumn,
      permissivePolicies: result.permissive,
      restrictivePolicies: result.restrictive,
      errors: errors.length,
      warnings: warnings.length,
      coveredByRestrictive: covered.length,
      confirmedByProbe: result.findings.filter((finding) => finding.probe?.kind === 'confirmed').length,
    });
    check.offending(result.findings.map(findingRow));
    // Shown in the report whatever the outcome, so a warning and its override reason are read, not lost.
    if (result.findings.length > 0)
      check.inventory(`Policy findings on ${table}`, result.findings.map(findingRow));
    for (const finding of warnings) {
      await annotate(
        `warning: ${describeFinding(finding)}${finding.overrideReason === undefined ? '' : ` (override: ${finding.overrideReason})`}`,
        'warning',
      );
    }
    for (const finding of covered) {
      await annotate(
        `covered by restrictive policy ${finding.coveredBy ?? ''}: ${describeFinding(finding)}`,
        'notice',
      );
    }
    expect(
      errors.map((finding) => {
        const probe =
          finding.probe === undefined ? '' : ` [probe ${finding.probe.kind}: ${finding.probe.detail}]`;
        return `${describeFinding(finding)}${probe}`;
      }),
      `policies of ${table} that let rows through without the tenant comparison`,
    ).toEqual([]);
  });
});
