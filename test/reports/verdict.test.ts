import { describe, expect, test } from 'vitest';
import { evaluateGates } from '../../reports/verdict.ts';
import { aCheck, aModel, failingRlsCheck, passingChecks, policy } from './evidence-fixtures.ts';

function gate(evaluation: ReturnType<typeof evaluateGates>, id: string): string | undefined {
  return evaluation.gates.find((candidate) => candidate.id === id)?.status;
}

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
      passed: 1,
      failed: 0,
      skipped: 1,
      total: 2,
    });
    expect(evaluation.verdict.decision).toBe('NO-GO');
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

  test('a required gate missing from the definitions is a reason, not a crash', () => {
    const evaluation = evaluateGates(aModel(), {
      definitions: policy.definitions.slice(1),
      required: ['gate1'],
    });
    expect(evaluation.verdict.reasons).toEqual(['Gate 1 is required but gate.config.ts does not define it']);
  });
});
