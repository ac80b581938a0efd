import { describe, expect, test } from 'vitest';
import { defineInvariant, type CheckMeta } from '../../reports/check-meta.ts';
import { renderInvariantsReport } from '../../reports/render-invariants-report.ts';
import { renderReadiness } from '../../reports/render-readiness.ts';
import { renderReportSet } from '../../reports/render-report-set.ts';
import { evaluateGates } from '../../reports/verdict.ts';
import { aCheck, aModel, passingChecks, policy } from './evidence-fixtures.ts';

const invariants = [
  aCheck({
    id: 'invariant.tenant-key-index',
    ce: null,
    gate: null,
    fullName: 'invariants > every tenant table has an index led by the tenant key',
    file: 'invariants/tenant-key-index.test.ts',
    status: 'failed',
    measured: { unindexed: 1 },
    errors: [{ name: 'AssertionError', message: 'alerts has no index led by tenant_id' }],
  }),
  aCheck({
    id: 'invariant.views.cross-tenant',
    ce: null,
    gate: null,
    fullName: 'invariants > no view shows another tenant',
    file: 'invariants/views-cross-tenant.test.ts',
    status: 'not-applicable',
    skipReason: 'the schema has no view the application role can read',
  }),
];

describe('Invariants section', () => {
  const model = aModel({ checks: [...passingChecks(), ...invariants] });
  const evaluation = evaluateGates(model, policy);

  test('invariants_report.md lists each invariant, its status and why; a failure turns the verdict NO-GO', () => {
    const report = renderInvariantsReport(model, evaluation);
    expect(report).toContain('# Invariants');
    expect(report).toContain('`invariant.tenant-key-index`');
    expect(report).toContain('the schema has no view the application role can read');
    expect(report).toContain('alerts has no index led by tenant_id');
    expect(evaluation.verdict.decision).toBe('NO-GO');
    expect(evaluation.verdict.reasons.join('\n')).toContain('invariant.tenant-key-index');
  });

  test('the readiness report has an Invariants section and links the report; the set writes it', () => {
    const readiness = renderReadiness(model, evaluation);
    expect(readiness).toContain('## Invariants');
    expect(readiness).toContain('[Invariants](./invariants_report.md)');
    expect(renderReportSet(model, evaluation).map((file) => file.name)).toContain('invariants_report.md');
  });

  test('a run without invariants writes no invariants report', () => {
    const plain = aModel({ checks: passingChecks() });
    const names = renderReportSet(plain, evaluateGates(plain, policy)).map((file) => file.name);
    expect(names).not.toContain('invariants_report.md');
    expect(renderReadiness(plain, evaluateGates(plain, policy))).not.toContain('## Invariants');
  });

  test('defineInvariant records a check of no CE section and refuses a malformed id', () => {
    const task: { meta: { check?: CheckMeta } } = { meta: {} };
    defineInvariant(task, 'invariant.views.cross-tenant').notApplicable('no views');
    expect(task.meta.check).toMatchObject({
      id: 'invariant.views.cross-tenant',
      ce: null,
      notApplicable: 'no views',
    });
    expect(() => defineInvariant({ meta: {} }, 'ce23.views')).toThrow(
      /Invariant id "ce23.views" is malformed/,
    );
  });
});
