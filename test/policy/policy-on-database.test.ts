import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import gateConfig from '../../gate.config.ts';
import { discoverTenantTables } from '../../helpers/catalog/tenant-tables.ts';
import type { PolicyFunction, ValueScope } from '../../helpers/policy/context-value.ts';
import { loadPolicyParser } from '../../helpers/policy/policy-ast.ts';
import { analyseTablePolicies, type PolicyFinding } from '../../helpers/policy/policy-analysis.ts';
import { readPolicyCatalog } from '../../helpers/policy/policy-catalog.ts';
import { probeLeak } from '../../helpers/policy/policy-leak-probe.ts';
import { judgeFindings } from '../../helpers/policy/policy-severity.ts';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { catalogDatabase } from '../catalog/catalog-database.ts';

const SABOTAGE = path.resolve('test/sabotage/ce23');
const { schema, tenancy } = gateConfig;

/** Every finding on every tenant table of a clone of the migrated template, after `sqlFile` ran. */
async function findingsAfter(sqlFile?: string): Promise<readonly PolicyFinding[]> {
  await loadPolicyParser();
  const sql = sqlFile === undefined ? undefined : await fs.readFile(path.join(SABOTAGE, sqlFile), 'utf8');
  await using database = await catalogDatabase({ migrated: true, ...(sql === undefined ? {} : { sql }) });
  const { client } = database;
  const tables = await discoverTenantTables(client, gateConfig);
  const catalog = await readPolicyCatalog(client, {
    schema,
    tables: tables.map((t) => t.table),
    appRole: tenancy.appRole,
  });
  const functions = new Map<string, PolicyFunction>(catalog.functions.map((fn) => [fn.name, fn]));
  const scope: ValueScope = { tenantSetting: tenancy.tenantSetting, functions };
  return tables.flatMap((table) =>
    analyseTablePolicies(
      {
        table: table.table,
        tenantColumn: table.tenantColumn,
        policies: catalog.policies.filter((p) => p.table === table.table),
      },
      scope,
    ),
  );
}

const brief = (findings: readonly PolicyFinding[]) =>
  findings.map(({ table, policy, clause, rule, coveredBy }) => ({ table, policy, clause, rule, coveredBy }));

describe('policy analysis on a real catalog', () => {
  test('the reference schema (002_rls_policies) has no finding at all', async () => {
    expect(brief(await findingsAfter())).toEqual([]);
  });

  test.each([
    ['policy-coalesce-fallback.sql', 'clauses', 'USING', 'setting-fallback'],
    ['policy-is-null-or.sql', 'bom_items', 'USING', 'is-null-branch'],
    ['policy-or-row-attribute.sql', 'projects', 'USING', 'row-attribute-branch'],
    ['policy-update-using-true.sql', 'stakeholder_wbs_raci', 'USING', 'using-true-scoped-check'],
    ['policy-like-setting.sql', 'extractions', 'USING', 'pattern-match-setting'],
    ['policy-unsafe-helper.sql', 'ai_usage_logs', 'USING', 'unsafe-function'],
    ['policy-volatile-function.sql', 'wbs_items', 'USING', 'volatile-function'],
    ['update-using-true.sql', 'analyses', 'USING', 'constant-true'],
    ['update-with-check-true.sql', 'wbs_items', 'WITH CHECK', 'with-check-drops-scope'],
    ['missing-setting-fallback.sql', 'users', 'USING', 'is-null-branch'],
  ] as const)('%s: %s %s breaks %s, an error', async (file, table, clause, rule) => {
    const findings = judgeFindings(await findingsAfter(file), []);
    expect(brief(findings)).toContainEqual(
      expect.objectContaining({ table, clause, rule, coveredBy: undefined }),
    );
    expect(findings.filter((finding) => finding.table !== table)).toEqual([]);
    expect(findings.some((finding) => finding.severity === 'error')).toBe(true);
  });

  test('the clean rewrites — (SELECT …), SQL and PL/pgSQL helpers, ANY(array), IN, a RESTRICTIVE floor — have no error', async () => {
    const findings = judgeFindings(await findingsAfter('policy-clean-rewrites.sql'), []);
    expect(findings.filter((finding) => finding.severity !== 'covered')).toEqual([]);
    // The alerts row-attribute branch is still reported, as covered by the floor.
    expect(brief(findings)).toEqual([
      {
        table: 'alerts',
        policy: 'alerts_tenant_isolation',
        clause: 'USING',
        rule: 'row-attribute-branch',
        coveredBy: 'alerts_tenant_floor',
      },
    ]);
  });

  test.each([
    [
      'policy-or-row-attribute.sql',
      'projects',
      'row-attribute-branch',
      /rows of other tenants visible .* after planting status = archived on 1 row/,
    ],
    [
      'policy-is-null-or.sql',
      'bom_items',
      'is-null-branch',
      /rows visible to the application role with no tenant set/,
    ],
    [
      'policy-coalesce-fallback.sql',
      'clauses',
      'setting-fallback',
      /rows visible to the application role with no tenant set/,
    ],
  ] as const)(
    '%s: a probe as the application role sees the %s leak of %s, and rolls it back',
    async (file, table, rule, seen) => {
      await loadPolicyParser();
      // No archived project before the probe: only the row it plants can show the projects leak.
      const sql =
        (await fs.readFile(path.join(SABOTAGE, file), 'utf8')) +
        "\nUPDATE public.projects SET status = 'active' WHERE status = 'archived';";
      await using database = await catalogDatabase({ migrated: true, sql });
      const { client } = database;
      const catalog = await readPolicyCatalog(client, { schema, tables: [table], appRole: tenancy.appRole });
      const scope: ValueScope = { tenantSetting: tenancy.tenantSetting, functions: new Map() };
      const finding = analyseTablePolicies(
        { table, tenantColumn: 'tenant_id', policies: catalog.policies },
        scope,
      ).find((candidate) => candidate.rule === rule);
      expect(finding).toBeDefined();
      if (finding === undefined) return;
      const before = await client.query<{ digest: string }>(
        `SELECT md5(string_agg(t::text, '' ORDER BY t::text)) AS digest FROM public.${table} t`,
      );
      const unset = await connectClient(database.db.url);
      try {
        await client.query('BEGIN');
        await unset.query('BEGIN');
        const probe = await probeLeak(
          { main: client, unset },
          { schema, table, tenantColumn: 'tenant_id' },
          finding,
          tenancy,
        );
        expect(probe.kind).toBe('confirmed');
        expect(probe.detail).toMatch(seen);
      } finally {
        await client.query('ROLLBACK');
        await unset.end();
      }
      const after = await client.query<{ digest: string }>(
        `SELECT md5(string_agg(t::text, '' ORDER BY t::text)) AS digest FROM public.${table} t`,
      );
      expect(after.rows).toEqual(before.rows);
    },
  );
});
