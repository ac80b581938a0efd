import { describe, expect, test } from 'vitest';
import { renderCeReport } from '../../reports/render-ce-report.ts';
import { renderPerfChart } from '../../reports/render-perf-chart.ts';
import { evaluateGates } from '../../reports/verdict.ts';
import { aCheck, aModel, policy } from '../reports/evidence-fixtures.ts';

const perfCheck = (name: string, value: number, budget: number) =>
  aCheck({
    id: `ce26.perf.query.${name}`,
    ce: 'CE-26',
    measured: { executionMs: value, budgetMs: budget },
    metric: { value, unit: 'ms', budget },
  });

describe('CE-26 chart', () => {
  test('bars are the median per query, the line its budget, in a Mermaid xychart', () => {
    const chart = renderPerfChart([
      perfCheck('projects-of-tenant', 0.0291, 10),
      perfCheck('list.alerts', 0.691, 50),
      aCheck({ id: 'ce26.perf.index-usage', ce: 'CE-26', measured: { used: 3, total: 4 } }),
    ]);
    expect(chart).toContain('```mermaid\nxychart-beta\n');
    expect(chart).toContain('    x-axis ["projects-of-tenant", "list.alerts"]');
    expect(chart).toContain('    y-axis "ms" 0 --> 55');
    expect(chart).toContain('    bar [0.029, 0.691]');
    expect(chart).toContain('    line [10, 50]');
  });

  test('no timed query, no chart; the CE-26 report carries the chart, others do not', () => {
    expect(renderPerfChart([aCheck({ id: 'ce26.perf.connection-leaks', ce: 'CE-26' })])).toBeNull();
    const model = aModel({ checks: [perfCheck('projects-of-tenant', 2, 10)] });
    const evaluation = evaluateGates(model, policy);
    expect(renderCeReport('CE-26', model, evaluation)).toContain('## Query times');
    expect(renderCeReport('CE-23', model, evaluation)).not.toContain('xychart-beta');
  });
});
