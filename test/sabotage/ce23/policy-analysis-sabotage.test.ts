import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { CE23_SUITES, applySabotage, describeCe23Batch } from './ce23-sabotage-case.ts';

const analysisOf = (table: string): string => `ce23.rls.${table}.policy-analysis`;

const cases = [
  { sql: 'policy-coalesce-fallback.sql', table: 'clauses', what: 'COALESCE(setting, tenant_id) fallback' },
  { sql: 'policy-is-null-or.sql', table: 'bom_items', what: 'setting IS NULL OR …' },
  { sql: 'policy-or-row-attribute.sql', table: 'projects', what: "OR status = 'archived'" },
  {
    sql: 'policy-update-using-true.sql',
    table: 'stakeholder_wbs_raci',
    what: 'UPDATE USING (true) with a scoped WITH CHECK',
  },
  { sql: 'policy-like-setting.sql', table: 'extractions', what: 'LIKE against the setting' },
  {
    sql: 'policy-unsafe-helper.sql',
    table: 'ai_usage_logs',
    what: 'a helper function returning another setting',
  },
  { sql: 'policy-volatile-function.sql', table: 'wbs_items', what: 'a VOLATILE helper function' },
] as const;

// Each sabotage rewrites the policy of a different table (and its own helper function): one gate run
// judges all seven. A case's `mayAlsoFail` is its own table's prefix, which no other case touches.
describeCe23Batch(
  'sabotage: policies whose parsed expression lets rows through (CE-23 policy analysis)',
  cases.map(({ sql, table, what }) => ({
    name: `${what} on ${table}: NO-GO naming ce23.rls.${table}.policy-analysis`,
    sql,
    mustFail: [analysisOf(table)],
    // The behaviour probes of the same table may see the leak too; nothing else may go red.
    mayAlsoFail: [`ce23.rls.${table}.`],
    mustPass: ['ce23.policy-analysis.rules'],
  })),
);

// Clean rewrites asserting that nothing failed, and a run under another config: one run each.
describe('policy analysis: clean rewrites and a severity override (CE-23)', () => {
  test('correct policies written other ways — (SELECT …), helpers, ANY(array), IN, a RESTRICTIVE floor — stay green', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
      prefix: 'mg_ce23_clean',
    });
    await applySabotage(db.url, 'policy-clean-rewrites.sql');
    const outcome = await runGate({
      databaseUrl: db.url,
      files: CE23_SUITES,
      rehearsalUrl: inject('adminUrl'),
    });
    expect(outcome.failed, 'CE-23 checks that failed on correct policies').toEqual([]);
    for (const table of ['projects', 'documents', 'clauses', 'bom_items', 'alerts']) {
      expect(
        outcome.checks.find((check) => check.id === analysisOf(table))?.status,
        `${table} policy analysis`,
      ).toBe('passed');
    }
  });

  test('a severity override with its reason turns the row-attribute finding into a warning: the check passes', async () => {
    const reason = 'archived projects are published to every tenant on purpose';
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-policy-override-'));
    const config = path.join(dir, 'gate.config.ts');
    await fs.writeFile(
      config,
      [
        `import base from ${JSON.stringify(path.resolve('gate.config.ts'))};`,
        'export default {',
        '  ...base,',
        `  migrations: { ...base.migrations, directory: ${JSON.stringify(path.resolve('migrations'))} },`,
        '  tenancy: {',
        '    ...base.tenancy,',
        `    policyFindings: [{ table: 'projects', rule: 'row-attribute-branch', severity: 'warning', reason: ${JSON.stringify(reason)} }],`,
        '  },',
        '};',
      ].join('\n'),
    );
    try {
      await using db = await createScratchDatabase(inject('adminUrl'), {
        template: inject('templateDatabase'),
        prefix: 'mg_ce23_override',
      });
      await applySabotage(db.url, 'policy-or-row-attribute.sql');
      const outcome = await runGate({
        databaseUrl: db.url,
        files: ['suites/ce23-policy-analysis.test.ts'],
        rehearsalUrl: inject('adminUrl'),
        env: { MIGRATION_GATE_CONFIG: config },
      });
      expect(outcome.checks.find((check) => check.id === analysisOf('projects'))?.status).toBe('passed');
      expect(outcome.checks.find((check) => check.id === 'ce23.policy-analysis.rules')?.status).toBe(
        'passed',
      );
      // Without the override the same database fails the check (the case above): the override decided it.
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
