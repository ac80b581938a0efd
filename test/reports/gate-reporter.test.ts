import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { REPORT_DIR_ENV } from '../../reports/report-files.ts';
import { policy } from './evidence-fixtures.ts';
import { evidenceValidator } from './evidence-validator.ts';
import {
  CHECK_META,
  runFixture as runFixtureIn,
  type FixtureOptions,
  type FixtureRun,
} from './run-fixture.ts';

const temporary: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}
/** Runs a fixture and schedules its directory for removal. */
async function runFixture(options: FixtureOptions): Promise<FixtureRun> {
  const run = await runFixtureIn(options);
  temporary.push(run.root);
  return run;
}
afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
});

const importMeta = `import { defineCheck } from ${JSON.stringify(CHECK_META)};\n`;

/** A check in every section of the required gates 1-3 (CE-20 … CE-25): the GO fixture. */
const passingSuites: Record<string, string> = {
  'suites/ce20-environment.test.ts': `test('database answers SELECT version()', async ({ annotate }) => {
  await annotate('PostgreSQL 15.8 (fixture)');
  expect(1).toBe(1);
});
`,
  'suites/ce21-migration-validation.test.ts': `test('every migration parses', () => {
  expect(['001_initial_schema.sql']).toHaveLength(1);
});
`,
  'suites/ce22-migrations.test.ts': `${importMeta}
test('schema is at the expected version', ({ task }) => {
  const check = defineCheck(task, { id: 'ce22.migrations.version', ce: 'CE-22' });
  check.measureAll({ version: '005', expected: '005', applied: 5 });
  expect('005').toBe('005');
});
`,
  'suites/ce23-rls.test.ts': `${importMeta}
describe('documents', () => {
  test('SELECT as own tenant sees its rows', ({ task }) => {
    const check = defineCheck(task, { id: 'ce23.rls.documents.select-own-tenant', ce: 'CE-23' });
    check.measure('rowsSeen', 12).matrix({ table: 'documents', command: 'SELECT', context: 'own-tenant',
      outcome: 'rows: 12 of 12', expected: 'allowed', ok: true });
    expect(12).toBe(12);
  });
});
test('RLS enabled on every tenant table', ({ task }) => {
  defineCheck(task, { id: 'ce23.rls.enabled-count', ce: 'CE-23' }).measureAll({ enabled: 14, expected: 14 });
});
`,
  'suites/ce24-fk.test.ts': `${importMeta}
test('at least the minimum number of foreign keys', ({ task }) => {
  defineCheck(task, { id: 'ce24.fk.count', ce: 'CE-24' }).measureAll({ count: 18, minimum: 15 });
});
`,
  'suites/ce25-integrity.test.ts': `${importMeta}
test('no NULL tenant key', () => {
  expect(0).toBe(0);
});
test('audit trigger records writes', ({ task, skip }) => {
  const check = defineCheck(task, { id: 'ce25.integrity.audit.trigger', ce: 'CE-25' });
  check.notApplicable('the config names no audit table');
  skip('the config names no audit table');
});
`,
};

// The failing fixture needs one skipped and one todo test. Spelled indirectly, so a scan of this
// repository's tests for a leftover skip or todo does not take the fixture's for one.
const SKIPPED_TEST = ['test', 'skip'].join('.');
const TODO_TEST = ['test', 'todo'].join('.');

const failingSuites: Record<string, string> = {
  ...passingSuites,
  'suites/ce23-rls.test.ts': `${importMeta}
describe('documents', () => {
  test('SELECT as own tenant sees its rows', ({ task }) => {
    const check = defineCheck(task, { id: 'ce23.rls.documents.select-own-tenant', ce: 'CE-23' });
    check.measure('rowsSeen', 12).matrix({ table: 'documents', command: 'SELECT', context: 'own-tenant',
      outcome: 'rows: 12 of 12', expected: 'allowed', ok: true });
    check.inventory('Policies', [{ table: 'documents', policy: 'tenant_isolation', command: 'ALL' },
      { table: 'clauses', policy: 'a | b' }]);
  });
  test("UPDATE of another tenant's row affects 0 rows", ({ task }) => {
    const check = defineCheck(task, { id: 'ce23.rls.documents.update-other-tenant', ce: 'CE-23' });
    const rowsAffected = 1;
    check.measure('rowsAffected', rowsAffected)
      .offending([{ id: 'doc-b-1', tenant_id: 'tenant-b', title: 'Annex | B' }])
      .matrix({ table: 'documents', command: 'UPDATE', context: 'other-tenant',
        outcome: rowsAffected + ' rows affected', expected: 'denied', ok: rowsAffected === 0 });
    expect(rowsAffected).toBe(0);
  });
});
${SKIPPED_TEST}('audit_logs: DELETE as other tenant', () => {});
`,
  'suites/ce24-fk.test.ts': `${TODO_TEST}('cascade behaviour of clauses_document_id_fkey');\n`,
  'suites/ce25-integrity.test.ts': `describe('clauses', () => {
  beforeAll(() => { throw new Error('could not connect to postgres://gate:s3cret@db/gate'); });
  test('no NULL tenant key', () => {});
});
`,
};

describe('gate reporter on a real Vitest run', () => {
  test('NO-GO: writes every report, names the failing check, validates, and sets a non-zero exit code', async () => {
    const outputDir = await tempDir('mg-out-');
    const run = await runFixture({ files: failingSuites, reporter: { outputDir } });

    expect(run.reporter.results).toHaveLength(1);
    const [result] = run.reporter.results;
    expect(result?.decision).toBe('NO-GO');
    expect(result?.reasons).toContain(
      `Failed check ce23.rls.documents.update-other-tenant — "documents > UPDATE of another tenant's row affects 0 rows" (CE-23, Gate 3)`,
    );
    expect(result?.reasons).toContain(
      'Failed check ce25.suite-error.clauses — "clauses (setup or collection error)" (CE-25, Gate 3)',
    );
    // CE-24 has only a todo: failed or not, the gate says which of its sections never ran.
    expect(result?.reasons).toContain(
      'Gate 3 (Security and integrity verification) is required but CE-24 did not run',
    );
    expect(run.exitCode).toBe(1);

    const directory = result?.directory ?? '';
    expect((await readdir(directory)).sort()).toEqual([
      'STAGING_MIGRATION_READINESS_REPORT.md',
      'ce20_pre_migration_state.md',
      'ce21_migration_validation.md',
      'ce22_migration_execution.md',
      'ce23_rls_verification_report.md',
      'ce24_foreign_key_report.md',
      'ce25_data_integrity_report.md',
      'evidence.json',
    ]);

    const readiness = await readFile(join(directory, 'STAGING_MIGRATION_READINESS_REPORT.md'), 'utf8');
    expect(readiness).toMatch(/^Verdict: NO-GO$/m);
    expect(readiness).toContain(
      `- Failed check ce23.rls.documents.update-other-tenant — "documents > UPDATE of another tenant's row affects 0 rows" (CE-23, Gate 3)`,
    );
    expect(readiness).toContain(
      '| Gate 3 | Security and integrity verification | CE-23, CE-24, CE-25 | yes | 1 | 2 | 3 | 0 | CE-24 | ❌ FAIL |',
    );
    expect(readiness).toContain('| Migrations applied | 5 | ce22.migrations.version |');

    const rls = await readFile(join(directory, 'ce23_rls_verification_report.md'), 'utf8');
    expect(rls).toContain('| Server version | PostgreSQL 15.8 (fixture) |');
    expect(rls).toContain('`c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00`');
    expect(rls).toContain('| documents | own-tenant | ✅ rows: 12 of 12 | — | — | — |');
    expect(rls).toContain('| documents | other-tenant | — | — | ❌ 1 rows affected (expected denied) | — |');
    // Recorded before the failing assertion, still in the report.
    expect(rls).toContain('- Measured: rowsAffected: 1');
    expect(rls).toContain('AssertionError: expected 1 to be +0 // Object.is equality');
    expect(rls).toContain('| doc-b-1 | tenant-b | Annex \\| B |');
    expect(rls).toContain('rowsSeen: 12, inventory Policies: 2 rows |');
    expect(rls).toContain(
      '### Policies\n\nFrom check `ce23.rls.documents.select-own-tenant` (✅ passed): 2 rows.',
    );
    expect(rls).toContain('| documents | tenant_isolation | ALL |');
    expect(rls).toContain('| clauses | a \\| b | — |');
    expect(rls).toContain(
      '| `ce23.audit_logs-delete-as-other-tenant` | audit_logs: DELETE as other tenant | marked skip |',
    );

    const integrity = await readFile(join(directory, 'ce25_data_integrity_report.md'), 'utf8');
    expect(integrity).toContain('Error: could not connect to postgres://gate:***@db/gate');
    expect(integrity).not.toContain('s3cret');
    expect(integrity).toContain('not run: the setup of its suite failed');

    for (const name of await readdir(directory)) {
      expect(await readFile(join(directory, name), 'utf8'), name).not.toContain('\u001b[');
    }

    const evidenceText = await readFile(join(directory, 'evidence.json'), 'utf8');
    const evidence = JSON.parse(evidenceText) as {
      checks: { id: string; status: string; notes: string[]; inventories: unknown[] }[];
    };
    const { validate, errorsText } = evidenceValidator();
    expect(validate(evidence), errorsText()).toBe(true);
    expect(Object.fromEntries(evidence.checks.map((check) => [check.id, check.status]))).toEqual({
      'ce20.database-answers-select-version': 'passed',
      'ce21.every-migration-parses': 'passed',
      'ce22.migrations.version': 'passed',
      'ce23.rls.documents.select-own-tenant': 'passed',
      'ce23.rls.documents.update-other-tenant': 'failed',
      'ce23.audit_logs-delete-as-other-tenant': 'skipped',
      'ce24.cascade-behaviour-of-clauses_document_id_fkey': 'skipped',
      'ce25.suite-error.clauses': 'failed',
      'ce25.clauses-no-null-tenant-key': 'skipped',
    });
    expect(
      evidence.checks.find((check) => check.id === 'ce20.database-answers-select-version')?.notes,
    ).toEqual(['PostgreSQL 15.8 (fixture)']);
    expect(
      evidence.checks.find((check) => check.id === 'ce23.rls.documents.select-own-tenant')?.inventories,
    ).toEqual([
      {
        title: 'Policies',
        columns: ['table', 'policy', 'command'],
        rows: [
          { table: 'documents', policy: 'tenant_isolation', command: 'ALL' },
          { table: 'clauses', policy: 'a | b' },
        ],
        total: 2,
      },
    ]);
    expect(await readFile(join(outputDir, 'latest', 'evidence.json'), 'utf8')).toBe(evidenceText);

    // Vitest's own summary stays; the verdict and the report path come after it, plain.
    const verdictLine = `migration-gate: Verdict: NO-GO — ${join(directory, 'STAGING_MIGRATION_READINESS_REPORT.md')}`;
    expect(run.stdout).toContain('Test Files');
    expect(run.stdout).toContain(`${verdictLine}\n  - `);
    expect(run.stdout.indexOf(verdictLine)).toBeGreaterThan(run.stdout.indexOf('Test Files'));
  });

  test('GO when every required gate passed; a second run keeps the first and becomes latest', async () => {
    const outputDir = await tempDir('mg-out-');
    const first = await runFixture({ files: passingSuites, reporter: { outputDir } });
    const second = await runFixture({ files: passingSuites, reporter: { outputDir }, root: first.root });

    for (const run of [first, second]) {
      expect(run.reporter.results.map((result) => [result.decision, result.reasons])).toEqual([['GO', []]]);
      expect(run.exitCode).toBeUndefined();
    }
    const firstDir = first.reporter.results[0]?.directory ?? '';
    const secondDir = second.reporter.results[0]?.directory ?? '';
    expect(firstDir).not.toBe(secondDir);
    expect((await readdir(outputDir)).sort()).toEqual(
      ['latest', first.reporter.results[0]?.runId, second.reporter.results[0]?.runId].sort(),
    );
    expect(await realpath(join(outputDir, 'latest'))).toBe(await realpath(secondDir));

    const readiness = await readFile(join(secondDir, 'STAGING_MIGRATION_READINESS_REPORT.md'), 'utf8');
    expect(readiness).toMatch(/^Verdict: GO$/m);
    expect(readiness).toContain('| RLS enabled | 14/14 (100 %) | ce23.rls.enabled-count |');
    expect(readiness).toContain(
      '| Gate 3 | Security and integrity verification | CE-23, CE-24, CE-25 | yes | 4 | 0 | 0 | 1 | — | ✅ PASS |',
    );
    const evidence = JSON.parse(await readFile(join(secondDir, 'evidence.json'), 'utf8')) as {
      checks: { id: string; status: string; skipReason: string | null }[];
    };
    expect(evidence.checks.find((check) => check.id === 'ce25.integrity.audit.trigger')).toMatchObject({
      status: 'not-applicable',
      skipReason: 'the config names no audit table',
    });
    expect(second.stdout).toContain(
      `migration-gate: Verdict: GO — ${join(secondDir, 'STAGING_MIGRATION_READINESS_REPORT.md')}\n`,
    );
  });

  test('every test passed but a required gate did not run: NO-GO and exit code 1, unless disabled', async () => {
    const onlyRls = { 'suites/ce23-rls.test.ts': passingSuites['suites/ce23-rls.test.ts'] ?? '' };
    const outputDir = await tempDir('mg-out-');
    const enforced = await runFixture({ files: onlyRls, reporter: { outputDir } });
    expect(enforced.stdout).toMatch(/Tests\s+2 passed/);
    expect(enforced.reporter.results[0]?.reasons).toEqual([
      'Gate 1 (Environment validation) is required but NOT RUN: no check of CE-20 ran',
      'Gate 2 (Migration execution) is required but NOT RUN: no check of CE-21, CE-22 ran',
      'Gate 3 (Security and integrity verification) is required but CE-24, CE-25 did not run',
    ]);
    expect(enforced.exitCode).toBe(1);

    const advisory = await runFixture({ files: onlyRls, reporter: { outputDir, exitOnNoGo: false } });
    expect(advisory.reporter.results[0]?.decision).toBe('NO-GO');
    expect(advisory.exitCode).toBeUndefined();
  });

  test('in GitHub Actions the verdict and its reasons are appended to the job summary', async () => {
    const summary = join(await tempDir('mg-summary-'), 'summary.md');
    await writeFile(summary, '# earlier step\n');
    const previous = process.env['GITHUB_STEP_SUMMARY'];
    process.env['GITHUB_STEP_SUMMARY'] = summary;
    try {
      await runFixture({ files: failingSuites, reporter: { outputDir: await tempDir('mg-out-') } });
    } finally {
      if (previous === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
      else process.env['GITHUB_STEP_SUMMARY'] = previous;
    }
    const text = await readFile(summary, 'utf8');
    expect(text.startsWith('# earlier step\n')).toBe(true);
    expect(text).toContain('## migration-gate local: ❌ NO-GO');
    expect(text).toContain('- Failed check ce23.rls.documents.update-other-tenant');
  });

  test('an unwritable report directory is one sentence and NO-GO with exit code 1, not a crash', async () => {
    const blocker = join(await tempDir('mg-out-'), 'a-file');
    await writeFile(blocker, 'not a directory');
    const run = await runFixture({ files: passingSuites, reporter: { outputDir: join(blocker, 'reports') } });
    const [result] = run.reporter.results;
    expect(result?.decision).toBe('NO-GO');
    expect(result?.directory).toBeNull();
    expect(result?.reasons.at(-1)).toMatch(
      /^The reports could not be written to .*a-file\/reports\/.* \(.*\); set MIGRATION_GATE_REPORT_DIR to a writable directory$/,
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`migration-gate: warning: The reports could not be written to ${blocker}/`);
    expect(run.stdout).toContain('migration-gate: Verdict: NO-GO — reports not written');
  });

  test('a filtered run that skips a section of a required gate and a mandatory check is NO-GO', async () => {
    const { 'suites/ce25-integrity.test.ts': _integrity, ...withoutCe25 } = passingSuites;
    const gates = { ...policy, mandatoryChecks: ['ce20.post-run.unchanged', 'ce24.fk.count'] };
    const run = await runFixture({
      files: withoutCe25,
      reporter: { outputDir: await tempDir('mg-out-'), gates },
    });
    expect(run.stdout).toMatch(/Tests\s+6 passed/);
    const [result] = run.reporter.results;
    expect(result?.reasons).toEqual([
      'Gate 3 (Security and integrity verification) is required but CE-25 did not run',
      'Mandatory check ce20.post-run.unchanged did not run',
    ]);
    expect(run.exitCode).toBe(1);
    const readiness = await readFile(result?.readinessReport ?? '', 'utf8');
    expect(readiness).toMatch(/^Verdict: NO-GO$/m);
    expect(readiness).toContain('| yes | 3 | 0 | 0 | 0 | CE-25 | ⚪ NOT RUN |');
    expect(readiness).toContain('| `ce20.post-run.unchanged` | ⚪ did not run |');
    expect(run.stdout).toContain('  - Mandatory check ce20.post-run.unchanged did not run');
  });

  test('a run without tests of a gate project writes and prints nothing', async () => {
    const outputDir = join(await tempDir('mg-out-'), 'never-created');
    const run = await runFixture({ files: passingSuites, project: 'self', reporter: { outputDir } });
    expect(run.stdout).toContain('Test Files');
    expect(run.reporter.results).toEqual([]);
    expect(existsSync(outputDir)).toBe(false);
    expect(run.stdout + run.stderr).not.toContain('migration-gate');
    expect(run.exitCode).toBeUndefined();
  });

  test(`${REPORT_DIR_ENV} chooses the output directory; a run without metadata is NO-GO`, async () => {
    const fromEnv = await tempDir('mg-env-');
    const previous = process.env[REPORT_DIR_ENV];
    process.env[REPORT_DIR_ENV] = fromEnv;
    try {
      const run = await runFixture({ files: passingSuites, metadata: null });
      const [result] = run.reporter.results;
      expect(result?.directory?.startsWith(`${fromEnv}/`)).toBe(true);
      expect(result?.reasons).toEqual([expect.stringContaining('No run metadata')]);
      const rls = await readFile(join(result?.directory ?? '', 'ce23_rls_verification_report.md'), 'utf8');
      expect(rls).toContain('the database this evidence describes is unknown');
    } finally {
      if (previous === undefined) delete process.env[REPORT_DIR_ENV];
      else process.env[REPORT_DIR_ENV] = previous;
    }
  });
});
