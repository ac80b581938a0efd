import { describe, expect, test } from 'vitest';
import type { CheckEvidence } from '../../reports/evidence-model.ts';
import { computeDashboard } from '../../reports/dashboard-metrics.ts';
import { renderReadiness } from '../../reports/render-readiness.ts';
import { evaluateGates } from '../../reports/verdict.ts';
import { aCheck, aModel, failingRlsCheck, passingChecks, policy } from './evidence-fixtures.ts';

function render(
  checks: readonly CheckEvidence[],
  overrides: Parameters<typeof aModel>[0] = {},
  gates = policy,
): string {
  const model = aModel({ checks, ...overrides });
  return renderReadiness(model, evaluateGates(model, gates));
}

const measuredChecks: CheckEvidence[] = [
  ...passingChecks(),
  aCheck({ id: 'ce23.rls.force-count', measured: { forced: 13, expected: 14 } }),
  aCheck({ id: 'ce24.fk.count', ce: 'CE-24', measured: { count: 18, minimum: 15 } }),
  aCheck({ id: 'ce24.fk.validated', ce: 'CE-24', measured: { validated: 18, total: 18 } }),
  aCheck({ id: 'ce24.fk.orphans.alerts_analysis_id_fkey', ce: 'CE-24', measured: { orphans: 2 } }),
  aCheck({ id: 'ce24.fk.orphans.clauses_document_id_fkey', ce: 'CE-24', measured: { orphans: '1' } }),
  aCheck({ id: 'ce25.integrity.null-tenant-key.users', ce: 'CE-25', measured: { nullCount: 0 } }),
  aCheck({
    id: 'ce25.integrity.future-timestamps.clauses',
    ce: 'CE-25',
    status: 'skipped',
    measured: { futureCount: 9 },
  }),
  aCheck({
    id: 'ce26.perf.query.a',
    ce: 'CE-26',
    measured: { executionMs: 20, budgetMs: 10, baselineMs: 10 },
  }),
  aCheck({
    id: 'ce26.perf.query.b',
    ce: 'CE-26',
    measured: { executionMs: 4, budgetMs: 10, baselineMs: 10 },
  }),
  aCheck({ id: 'ce20.backup.restore', ce: 'CE-20' }),
];

describe('computeDashboard', () => {
  test('aggregates the well-known checks; skipped checks and absent ones are not measured', () => {
    const dashboard = computeDashboard(aModel({ checks: measuredChecks }));
    expect(dashboard.rlsEnabled?.value).toEqual({ part: 14, whole: 14 });
    expect(dashboard.forceRls?.value).toEqual({ part: 13, whole: 14 });
    expect(dashboard.foreignKeys?.value).toEqual({ count: 18, minimum: 15 });
    expect(dashboard.orphans).toEqual({
      value: 3,
      sources: ['ce24.fk.orphans.alerts_analysis_id_fkey', 'ce24.fk.orphans.clauses_document_id_fkey'],
    });
    expect(dashboard.nullTenantKeys?.value).toBe(0);
    expect(dashboard.futureTimestamps).toBeNull();
    expect(dashboard.queryTiming?.value).toEqual({
      queries: 2,
      averageMs: 12,
      overBudget: 1,
      baselineAverageMs: 10,
    });
    expect(dashboard.migrationsApplied).toEqual({ value: 5, sources: ['ce22.migrations.version'] });
    expect(dashboard.migrationDurationMs).toEqual({ value: 150, sources: ['run metadata'] });
    expect(dashboard.backupVerified?.value).toBe(true);
    expect(dashboard.rollbackTested).toBeNull();
    expect(dashboard.indexUsage).toBeNull();
    expect(dashboard.perSection.find((section) => section.ce === 'CE-24')?.counts.total).toBe(5);
    expect(dashboard.total).toEqual({ passed: 15, failed: 0, skipped: 1, notApplicable: 0, total: 16 });
  });

  test('falls back to run metadata for the migration figures', () => {
    const dashboard = computeDashboard(aModel({ checks: [] }));
    expect(dashboard.migrationsApplied).toEqual({ value: 2, sources: ['run metadata'] });
    expect(dashboard.migrationVersion?.value).toEqual({ version: '005', expected: null });
  });
});

describe('renderReadiness', () => {
  test('GO: one verdict line, every required gate PASS, LOW risk when nothing is missing', () => {
    const checks = [
      ...passingChecks(),
      aCheck({ id: 'ce26.perf.query.a', ce: 'CE-26', measured: { executionMs: 5, budgetMs: 10 } }),
      aCheck({ id: 'ce27.rollback.data-preserved', ce: 'CE-27', measured: { rowsCompared: 346 } }),
    ];
    const text = render(checks);
    expect(text).toMatch(/^Verdict: GO$/m);
    expect(text).not.toMatch(/^Verdict: NO-GO$/m);
    expect(text).toContain(
      '- Every required gate (Gate 1, Gate 2, Gate 3) passed; 8 of 8 checks passed, none failed.',
    );
    expect(text).toContain(
      '| Gate 3 | Security and integrity verification | CE-23, CE-24, CE-25 | yes | 3 | 0 | 0 | 0 | — | ✅ PASS |',
    );
    expect(text).not.toContain('### Mandatory checks');
    expect(text).toContain('Risk level: **LOW**');
    expect(text).toContain('- [x] Gate 1 — Environment validation: PASS (required)');
    expect(text).toContain('- [x] Schema at the expected migration version (at 005, expected 005)');
    expect(text).toContain('- [x] Rollback procedure tested (CE-27)');
    expect(text).toContain('- [ ] CTO sign-off obtained');
  });

  test('NO-GO: the verdict line is followed by the failing check, named by id and test', () => {
    const text = render([...passingChecks(), failingRlsCheck]);
    const lines = text.split('\n');
    const verdictAt = lines.indexOf('Verdict: NO-GO');
    expect(verdictAt).toBeGreaterThan(0);
    expect(lines[verdictAt + 2]).toBe(
      `- Failed check ce23.rls.documents.update-other-tenant — "documents > UPDATE of another tenant's row affects 0 rows" (CE-23, Gate 3)`,
    );
    expect(text).toContain(
      '| Gate 3 | Security and integrity verification | CE-23, CE-24, CE-25 | yes | 3 | 1 | 0 | 0 | — | ❌ FAIL |',
    );
    expect(text).toContain('Risk level: **HIGH**');
    expect(text).toContain('- [ ] No failing checks (1 failed of 7)');
    expect(text).toContain(
      "| `ce23.rls.documents.update-other-tenant` | documents > UPDATE of another tenant's row affects 0 rows | CE-23 | AssertionError: expected 3 to be +0 // Object.is equality | ce23_rls_verification_report.md |",
    );
    expect(text).toContain('- [CE-23 RLS Policy Verification](./ce23_rls_verification_report.md) — ❌ FAIL');
  });

  test('the dashboard is filled from the evidence and says "not measured" where nothing measured', () => {
    const text = render(measuredChecks);
    expect(text).toContain('| RLS enabled | 14/14 (100 %) | ce23.rls.enabled-count |');
    expect(text).toContain('| FORCE RLS | 13/14 (93 %) | ce23.rls.force-count |');
    expect(text).toContain('| Foreign keys | 18 (minimum 15) | ce24.fk.count |');
    expect(text).toContain(
      '| Orphaned records | 3 | ce24.fk.orphans.alerts_analysis_id_fkey, ce24.fk.orphans.clauses_document_id_fkey |',
    );
    expect(text).toContain('| NULL tenant key values | 0 | ce25.integrity.null-tenant-key.users |');
    expect(text).toContain('| Future timestamps | not measured | — |');
    expect(text).toContain(
      '| Average query time | 12 ms over 2 queries (baseline 10 ms) | ce26.perf.query.a, ce26.perf.query.b |',
    );
    expect(text).toContain('| Migrations applied | 5 | ce22.migrations.version |');
    expect(text).toContain('| CE-24 Foreign Key Constraint Verification | 5/5 | 0 | 0 | 0 | 5 |');
    expect(text).toContain('| CE-27 Rollback Procedure Testing | — | — | — | — | not run |');
    expect(text).toContain('| All checks | 15/16 | 0 | 1 | 0 | 16 |');
    // GO, but a skipped check, a regression and over-budget queries raise the risk.
    expect(text).toMatch(/^Verdict: GO$/m);
    expect(text).toContain('Risk level: **MEDIUM**');
    expect(text).toContain(
      '- Average query time 12.0 ms against a baseline of 10.0 ms (20.0 %): above the 10 % tolerance',
    );
    expect(text).toContain('- 1 benchmark query(ies) over budget');
    expect(text).toContain(
      '- 1 check(s) skipped and therefore unverified: ce25.integrity.future-timestamps.clauses',
    );
  });

  test('a partly run required gate: NO-GO naming the sections not run, in the table, risks and checklist', () => {
    const checks = passingChecks().filter((check) => check.ce !== 'CE-23' && check.ce !== 'CE-25');
    const text = render(checks);
    const lines = text.split('\n');
    const verdictAt = lines.indexOf('Verdict: NO-GO');
    expect(verdictAt).toBeGreaterThan(0);
    expect(lines[verdictAt + 2]).toBe(
      '- Gate 3 (Security and integrity verification) is required but CE-23, CE-25 did not run',
    );
    expect(text).toContain(
      '| Gate 3 | Security and integrity verification | CE-23, CE-24, CE-25 | yes | 1 | 0 | 0 | 0 | CE-23, CE-25 | ⚪ NOT RUN |',
    );
    expect(text).toContain(
      '- Gate 3 (Security and integrity verification) was only partly run although it is required: CE-23, CE-25 did not run, so unverified',
    );
    expect(text).toContain(
      '- [ ] Gate 3 — Security and integrity verification: NOT RUN (required) — CE-23, CE-25 did not run',
    );
    expect(text).toContain('Risk level: **HIGH**');
  });

  test('mandatory checks: a missing one is a NO-GO reason and unticked; all passed is GO', () => {
    const gates = { ...policy, mandatoryChecks: ['ce20.post-run.unchanged', 'ce22.migrations.version'] };
    const missing = render(passingChecks(), {}, gates);
    expect(missing).toMatch(/^Verdict: NO-GO$/m);
    expect(missing).toContain('- Mandatory check ce20.post-run.unchanged did not run');
    expect(missing).toContain('| `ce20.post-run.unchanged` | ⚪ did not run |');
    expect(missing).toContain('| `ce22.migrations.version` | ✅ passed |');
    expect(missing).toContain('- Mandatory check(s) did not run: ce20.post-run.unchanged');
    expect(missing).toContain('- [ ] Mandatory check ce20.post-run.unchanged: did not run');
    expect(missing).toContain('- [x] Mandatory check ce22.migrations.version: passed');

    const postRun = aCheck({ id: 'ce20.post-run.unchanged', ce: 'CE-20' });
    const present = render([...passingChecks(), postRun], {}, gates);
    expect(present).toMatch(/^Verdict: GO$/m);
    expect(present).toContain(
      '- Every mandatory check (ce20.post-run.unchanged, ce22.migrations.version) ran and passed.',
    );
    expect(present).toContain('| `ce20.post-run.unchanged` | ✅ passed |');
    expect(present).toContain('- All 2 mandatory checks ran and passed');
  });

  test('run-level problems are reasons too, and nothing in the report carries ANSI codes', () => {
    const text = render(passingChecks(), {
      run: {
        reason: 'failed',
        failedElsewhere: 0,
        unhandledErrors: [{ name: 'Error', message: 'worker exited unexpectedly' }],
      },
    });
    expect(text).toMatch(/^Verdict: NO-GO$/m);
    expect(text).toContain('- Unhandled error during the run: Error: worker exited unexpectedly');
    expect(text).toContain('- [ ] Test run completed without unhandled or setup errors');
    expect(text).not.toContain('\u001b[');
  });
});

describe('renderReadiness: every tick and mitigation comes from evidence that supports it', () => {
  const rollbackChecks = (rowsCompared: number): CheckEvidence[] => [
    aCheck({ id: 'ce27.rollback.executed', ce: 'CE-27' }),
    aCheck({ id: 'ce27.rollback.data-preserved', ce: 'CE-27', measured: { rowsCompared, probeRows: null } }),
  ];

  test('a rollback cycle over empty tables is not "tested without data loss"', () => {
    const empty = render([...passingChecks(), ...rollbackChecks(0)]);
    expect(empty).not.toContain('Rollback cycle tested on a clone without data loss');
    expect(empty).toContain('- [ ] Rollback procedure tested (CE-27)');
    const withRows = render([...passingChecks(), ...rollbackChecks(346)]);
    expect(withRows).toContain('- Rollback cycle tested on a clone without data loss');
    expect(withRows).toContain('- [x] Rollback procedure tested (CE-27)');
  });

  test('a suite that failed in setup leaves "completed without unhandled or setup errors" unticked', () => {
    const text = render([
      ...passingChecks(),
      aCheck({ id: 'ce25.suite-error.ce25-data-integrity', ce: 'CE-25', status: 'failed' }),
    ]);
    expect(text).toContain(
      '- [ ] Test run completed without unhandled or setup errors (1 suite(s) failed in setup)',
    );
    expect(render(passingChecks())).toContain('- [x] Test run completed without unhandled or setup errors');
  });
});
