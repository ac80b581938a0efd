import { describe, expect, test } from 'vitest';
import { MAX_INVENTORY_ROWS, defineCheck, type CheckMeta } from '../../reports/check-meta.ts';
import { toInventoryEvidence } from '../../reports/collect-evidence.ts';
import type { CheckEvidence } from '../../reports/evidence-model.ts';
import { renderCeReport } from '../../reports/render-ce-report.ts';
import { renderInventories } from '../../reports/render-inventory.ts';
import { evaluateGates } from '../../reports/verdict.ts';
import { aCheck, aModel, policy } from './evidence-fixtures.ts';

const LONG_DEFINITION = `FOREIGN KEY (tenant_id, project_id) REFERENCES projects(tenant_id, id) ${'x'.repeat(400)}`;

/** Records through the real recorder, then collects, as a run would. */
function inventoryCheck(rows: readonly Record<string, string | number | null>[]): CheckEvidence {
  const task: { meta: { check?: CheckMeta } } = { meta: {} };
  defineCheck(task, { id: 'ce24.fk.count', ce: 'CE-24' })
    .measure('count', rows.length)
    .inventory('Foreign keys', rows);
  return aCheck({
    id: 'ce24.fk.count',
    ce: 'CE-24',
    fullName: 'CE-24 foreign keys: inventory > at least 15 foreign keys exist (every one listed)',
    measured: task.meta.check?.measured ?? {},
    inventories: (task.meta.check?.inventories ?? []).map(toInventoryEvidence),
  });
}

const fkCheck = inventoryCheck([
  { constraint: 'documents_project_id_fkey', table: 'documents', 'on delete': 'CASCADE' },
  { constraint: 'clauses_document_id_fkey', table: 'clauses', definition: LONG_DEFINITION },
  { constraint: 'odd | name', table: 'line\nbreak', 'on delete': null },
]);

describe('inventories', () => {
  test('columns are the union of the rows keys, in the order first seen', () => {
    expect(fkCheck.inventories).toEqual([
      expect.objectContaining({
        title: 'Foreign keys',
        columns: ['constraint', 'table', 'on delete', 'definition'],
        total: 3,
      }),
    ]);
  });

  test('every row becomes a table row: escaped, never truncated, a missing key shown as —', () => {
    const section = renderInventories([fkCheck]) ?? '';
    expect(section).toContain(
      '## Inventories\n\n### Foreign keys\n\nFrom check `ce24.fk.count` (✅ passed): 3 rows.',
    );
    expect(section).toContain('| constraint | table | on delete | definition |\n| --- | --- | --- | --- |');
    expect(section).toContain('| documents_project_id_fkey | documents | CASCADE | — |');
    expect(section).toContain(`| clauses_document_id_fkey | clauses | — | ${LONG_DEFINITION} |`);
    expect(section).toContain('| odd \\| name | line ↵ break | null | — |');
    expect(section).not.toContain('…');
  });

  test('without inventories there is no section', () => {
    expect(renderInventories([aCheck({ id: 'ce24.fk.validated', ce: 'CE-24' })])).toBeNull();
  });

  test('an inventory cut by the recorder says how many rows were not recorded', () => {
    const rows = Array.from({ length: MAX_INVENTORY_ROWS + 2 }, (_, index) => ({ table: `t${index}` }));
    const section = renderInventories([inventoryCheck(rows)]) ?? '';
    expect(section).toContain(
      `${MAX_INVENTORY_ROWS} of ${MAX_INVENTORY_ROWS + 2} rows (the rest were not recorded).`,
    );
    expect(section).toContain(`| t${MAX_INVENTORY_ROWS - 1} |`);
    expect(section).not.toContain(`| t${MAX_INVENTORY_ROWS} |`);
  });

  test('the CE report lists the inventory after Results, which only points to it', () => {
    const model = aModel({ checks: [fkCheck] });
    const report = renderCeReport('CE-24', model, evaluateGates(model, policy));
    const results = report.slice(report.indexOf('## Results'), report.indexOf('## Inventories'));
    expect(report.indexOf('## Inventories')).toBeGreaterThan(report.indexOf('## Results'));
    expect(results).toContain('| count: 3, inventory Foreign keys: 3 rows |');
    expect(results).not.toContain('documents_project_id_fkey');
    expect(report).toContain('| documents_project_id_fkey | documents | CASCADE | — |');
  });
});
