import { expect, test } from 'vitest';
import type { AccessMatrixCell } from '../../reports/check-meta.ts';
import { renderAccessMatrix } from '../../reports/render-access-matrix.ts';

const cell = (overrides: Partial<AccessMatrixCell>): AccessMatrixCell => ({
  table: 'documents',
  command: 'SELECT',
  context: 'own-tenant',
  outcome: 'rows: 12 of 12',
  expected: 'allowed',
  ok: true,
  ...overrides,
});

test('no cells, no matrix', () => {
  expect(renderAccessMatrix([])).toBeNull();
});

test('one row per table and context, one column per command, failures marked with the expectation', () => {
  const markdown = renderAccessMatrix([
    cell({ table: 'projects' }),
    cell({}),
    cell({ command: 'DELETE', context: 'other-tenant', outcome: '0 rows affected', expected: 'denied' }),
    cell({
      command: 'INSERT',
      context: 'no-tenant',
      outcome: 'inserted 1 row',
      expected: 'denied',
      ok: false,
    }),
  ]);
  expect(markdown).toContain(
    '4 cells across 2 tables; **1 outcome(s) do not match their expectation** (❌).',
  );
  expect(markdown).toContain(
    [
      '| Table | Context | SELECT | INSERT | UPDATE | DELETE |',
      '| --- | --- | --- | --- | --- | --- |',
      '| documents | own-tenant | ✅ rows: 12 of 12 | — | — | — |',
      '| documents | other-tenant | — | — | — | ✅ 0 rows affected |',
      '| documents | no-tenant | — | ❌ inserted 1 row (expected denied) | — | — |',
      '| projects | own-tenant | ✅ rows: 12 of 12 | — | — | — |',
    ].join('\n'),
  );
});

test('all cells as expected says so', () => {
  expect(renderAccessMatrix([cell({})])).toContain(
    '1 cell across 1 table; every outcome matches its expectation.',
  );
});
