import { describe, expect, test } from 'vitest';
import { evaluateGates } from '../../reports/verdict.ts';
import { aCheck, aModel, failingRlsCheck, passingChecks, policy } from './evidence-fixtures.ts';

function gate(evaluation: ReturnType<typeof evaluateGates>, id: string): string | undefined {
  return evaluation.gates.find((candidate) => candidate.id === id)?.status;
}

/** The baseline without the checks of `sections`, as a run filtered to the other suites records it. */
function checksWithout(...sections: readonly string[]): ReturnType<typeof passingChecks> {
  return passingChecks().filter((check) => check.ce === null || !sections.includes(check.ce));
}

const MANDATORY = ['ce20.post-run.unchanged', 'ce22.migrations.version', 'ce23.rls.enabled-count'];

describe('evaluateGates', () => {
  test('GO when every required gate passed and nothing failed, even with optional gates NOT RUN', () => {
    const evaluation = evaluateGates(aModel(), policy);
    expect(evaluation.verdict).toEqual({ decision: 'GO', reasons: [] });
    expect(evaluation.gates.map((g) => [g.id, g.status, g.required])).toEqual([
      ['gate1', 'PASS', true],
      ['gate2', 'PASS', true],
      ['gate3', 'PASS', true],
      ['gate4', 'NOT RUN', false],
      ['gate5', 'NOT RUN', false],
    ]);
  });

  test('NO-GO names the failing check by id and test name, and fails its gate', () => {
    const evaluation = evaluateGates(aModel({ checks: [...passingChecks(), failingRlsCheck] }), policy);
    expect(evaluation.verdict.decision).toBe('NO-GO');
    expect(evaluation.verdict.reasons).toEqual([
      `Failed check ce23.rls.documents.update-other-tenant — "documents > UPDATE of another tenant's row affects 0 rows" (CE-23, Gate 3)`,
    ]);
    expect(gate(evaluation, 'gate3')).toBe('FAIL');
  });

  test('a required gate with no checks is NOT RUN and makes the verdict NO-GO', () => {
    const checks = passingChecks().filter((check) => check.ce !== 'CE-20');
    const evaluation = evaluateGates(aModel({ checks }), policy);
    expect(gate(evaluation, 'gate1')).toBe('NOT RUN');
    expect(evaluation.verdict).toEqual({
      decision: 'NO-GO',
      reasons: ['Gate 1 (Environment validation) is required but NOT RUN: no check of CE-20 ran'],
    });
  });

  test('a gate whose checks were all skipped is NOT RUN; skipped beside passed checks still PASS', () => {
    const checks = [
      ...passingChecks().map((check) =>
        check.ce === 'CE-20' ? { ...check, status: 'skipped' as const, durationMs: null } : check,
      ),
      aCheck({ id: 'ce23.rls.documents.select-other-tenant', status: 'skipped', skipReason: 'todo' }),
    ];
    const evaluation = evaluateGates(aModel({ checks }), policy);
    expect(gate(evaluation, 'gate1')).toBe('NOT RUN');
    expect(gate(evaluation, 'gate3')).toBe('PASS');
    expect(evaluation.gates.find((g) => g.id === 'gate3')?.counts).toEqual({
      passed: 3,
      failed: 0,
      skipped: 1,
      notApplicable: 0,
      total: 4,
    });
    expect(evaluation.verdict.decision).toBe('NO-GO');
  });

  test('not-applicable checks are counted apart; a section of only not-applicable checks does not pass its gate', () => {
    const notApplicable = (check: ReturnType<typeof aCheck>) => ({
      ...check,
      status: 'not-applicable' as const,
      durationMs: null,
      skipReason: 'the config names no audit table',
    });
    const checks = passingChecks().map((check) => (check.ce === 'CE-25' ? notApplicable(check) : check));
    const evaluation = evaluateGates(aModel({ checks }), policy);
    const gate3 = evaluation.gates.find((g) => g.id === 'gate3');
    expect(gate3?.status).toBe('NOT RUN');
    expect(gate3?.sectionsNotRun).toEqual(['CE-25']);
    expect(gate3?.bySection.find((section) => section.ce === 'CE-25')?.counts.notApplicable).toBeGreaterThan(
      0,
    );
    expect(gate3?.counts.skipped).toBe(0);
    expect(evaluation.verdict.decision).toBe('NO-GO');
    // Beside a passed check in the same section, a not-applicable one neither passes nor fails.
    const mixed = [
      ...passingChecks(),
      notApplicable(aCheck({ id: 'ce25.integrity.audit.trigger', ce: 'CE-25' })),
    ];
    expect(evaluateGates(aModel({ checks: mixed }), policy).verdict.decision).toBe('GO');
  });

  test('a mandatory check that is not applicable proves nothing, so the verdict is NO-GO', () => {
    const checks = passingChecks().map((check) =>
      check.id === 'ce22.migrations.version'
        ? { ...check, status: 'not-applicable' as const, durationMs: null, skipReason: 'no migrations' }
        : check,
    );
    const evaluation = evaluateGates(aModel({ checks }), {
      ...policy,
      mandatoryChecks: ['ce22.migrations.version'],
    });
    expect(evaluation.verdict.reasons).toContain(
      'Mandatory check ce22.migrations.version is not applicable (no migrations), so it proves nothing',
    );
  });

  test('a required gate with one section run and another not is NOT RUN and names the missing sections', () => {
    // The reviewer's filtered run: CE-24 ran and passed, CE-23 and CE-25 did not run at all.
    const evaluation = evaluateGates(aModel({ checks: checksWithout('CE-23', 'CE-25') }), policy);
    expect(gate(evaluation, 'gate3')).toBe('NOT RUN');
    expect(evaluation.gates.find((g) => g.id === 'gate3')?.sectionsNotRun).toEqual(['CE-23', 'CE-25']);
    expect(evaluation.verdict).toEqual({
      decision: 'NO-GO',
      reasons: ['Gate 3 (Security and integrity verification) is required but CE-23, CE-25 did not run'],
    });
  });

  test('a section whose checks were all skipped did not run, even beside passing sections', () => {
    const checks = [
      ...checksWithout('CE-21'),
      aCheck({ id: 'ce21.migrations.parse', ce: 'CE-21', status: 'skipped', skipReason: 'filtered' }),
    ];
    const evaluation = evaluateGates(aModel({ checks }), policy);
    expect(gate(evaluation, 'gate2')).toBe('NOT RUN');
    expect(evaluation.verdict.reasons).toEqual([
      'Gate 2 (Migration execution) is required but CE-21 did not run',
    ]);
  });

  test('a gate PASSES when every one of its sections ran and passed, with counts per section', () => {
    const evaluation = evaluateGates(aModel(), policy);
    const gate3 = evaluation.gates.find((g) => g.id === 'gate3');
    expect(gate3?.status).toBe('PASS');
    expect(gate3?.sectionsNotRun).toEqual([]);
    expect(gate3?.bySection.map((section) => [section.ce, section.counts.passed])).toEqual([
      ['CE-23', 1],
      ['CE-24', 1],
      ['CE-25', 1],
    ]);
  });

  test('a failing gate still names the sections that did not run', () => {
    const checks = [...checksWithout('CE-25'), failingRlsCheck];
    const evaluation = evaluateGates(aModel({ checks }), policy);
    expect(gate(evaluation, 'gate3')).toBe('FAIL');
    expect(evaluation.verdict.reasons).toEqual([
      expect.stringContaining('Failed check ce23.rls.documents.update-other-tenant'),
      'Gate 3 (Security and integrity verification) is required but CE-25 did not run',
    ]);
  });

  test('a mandatory check that did not run makes the verdict NO-GO and is named', () => {
    const checks = [
      ...passingChecks().filter((check) => check.id !== 'ce23.rls.enabled-count'),
      aCheck({ id: 'ce23.rls.enabled-count', ce: 'CE-23', status: 'skipped', skipReason: 'todo' }),
    ];
    const evaluation = evaluateGates(aModel({ checks }), { ...policy, mandatoryChecks: MANDATORY });
    expect(evaluation.gates.map((g) => g.status).slice(0, 3)).toEqual(['PASS', 'PASS', 'NOT RUN']);
    expect(evaluation.mandatoryChecks).toEqual([
      { id: 'ce20.post-run.unchanged', status: 'missing', skipReason: null },
      { id: 'ce22.migrations.version', status: 'passed', skipReason: null },
      { id: 'ce23.rls.enabled-count', status: 'skipped', skipReason: 'todo' },
    ]);
    expect(evaluation.verdict.decision).toBe('NO-GO');
    expect(evaluation.verdict.reasons).toContain('Mandatory check ce20.post-run.unchanged did not run');
    expect(evaluation.verdict.reasons).toContain(
      'Mandatory check ce23.rls.enabled-count did not run (skipped: todo)',
    );
  });

  test('GO when every mandatory check is present and passed; a failed one is reported once, as a failed check', () => {
    const postRun = aCheck({ id: 'ce20.post-run.unchanged', ce: 'CE-20' });
    const gates = { ...policy, mandatoryChecks: MANDATORY };
    expect(evaluateGates(aModel({ checks: [...passingChecks(), postRun] }), gates).verdict).toEqual({
      decision: 'GO',
      reasons: [],
    });

    const changed = { ...postRun, status: 'failed' as const, fullName: 'database unchanged' };
    const failed = evaluateGates(aModel({ checks: [...passingChecks(), changed] }), gates);
    expect(failed.mandatoryChecks[0]?.status).toBe('failed');
    expect(failed.verdict.reasons).toEqual([
      'Failed check ce20.post-run.unchanged — "database unchanged" (CE-20, Gate 1)',
    ]);
  });

  test('a failing check in an optional gate still makes the verdict NO-GO (the run failed)', () => {
    const slow = aCheck({
      id: 'ce26.perf.query.projects-by-tenant',
      ce: 'CE-26',
      status: 'failed',
      errors: [{ name: 'AssertionError', message: 'expected 40 to be less than 10' }],
    });
    const evaluation = evaluateGates(aModel({ checks: [...passingChecks(), slow] }), policy);
    expect(gate(evaluation, 'gate4')).toBe('FAIL');
    expect(evaluation.verdict.decision).toBe('NO-GO');
    expect(evaluation.verdict.reasons[0]).toContain('ce26.perf.query.projects-by-tenant');
  });

  test('unhandled errors, an interrupted run, failures in other projects and missing metadata each give NO-GO', () => {
    const cases = [
      aModel({
        run: {
          reason: 'failed',
          failedElsewhere: 0,
          unhandledErrors: [{ name: 'TypeError', message: 'x is undefined\nat somewhere' }],
        },
      }),
      aModel({ run: { reason: 'interrupted', failedElsewhere: 0, unhandledErrors: [] } }),
      aModel({ run: { reason: 'failed', failedElsewhere: 2, unhandledErrors: [] } }),
      aModel({ target: null }),
    ];
    const reasons = cases.map((model) => evaluateGates(model, policy).verdict);
    expect(reasons.map((verdict) => verdict.decision)).toEqual(['NO-GO', 'NO-GO', 'NO-GO', 'NO-GO']);
    expect(reasons.map((verdict) => verdict.reasons)).toEqual([
      ['Unhandled error during the run: TypeError: x is undefined'],
      ['The test run was interrupted before it finished'],
      ['The test run failed: 2 failed test(s) outside project "local"'],
      [expect.stringContaining('No run metadata')],
    ]);
  });

  test('a required gate that lists no section can never pass', () => {
    const evaluation = evaluateGates(aModel(), {
      ...policy,
      definitions: [{ id: 'gate1', title: 'Empty', sections: [] }],
      required: ['gate1'],
    });
    expect(gate(evaluation, 'gate1')).toBe('NOT RUN');
    expect(evaluation.verdict.reasons).toEqual([
      'Gate 1 (Empty) is required but NOT RUN: no check of its sections ran',
    ]);
  });

  test('a required gate missing from the definitions is a reason, not a crash', () => {
    const evaluation = evaluateGates(aModel(), {
      definitions: policy.definitions.slice(1),
      required: ['gate1'],
    });
    expect(evaluation.verdict.reasons).toEqual(['Gate 1 is required but gate.config.ts does not define it']);
  });
});
