import { describe, expect, test } from 'vitest';
import {
  MAX_INVENTORY_ROWS,
  MAX_OFFENDING_ROWS,
  defineCheck,
  type CheckMeta,
} from '../../reports/check-meta.ts';
import { assertCheckId, ceFromModulePath, checkId, slugify } from '../../reports/check-id.ts';
import { toJsonValue } from '../../reports/to-json-value.ts';

function aTask(): { meta: { check?: CheckMeta } } {
  return { meta: {} };
}

describe('defineCheck', () => {
  test('writes every recorded value into task.meta.check at once, before any assertion runs', () => {
    const task = aTask();
    const check = defineCheck(task, { id: 'ce23.rls.documents.update-other-tenant', ce: 'CE-23' });
    expect(task.meta.check).toEqual({
      id: 'ce23.rls.documents.update-other-tenant',
      ce: 'CE-23',
      measured: {},
    });

    check.measure('rowsAffected', 1);
    expect(task.meta.check?.measured).toEqual({ rowsAffected: 1 });

    check
      .measureAll({ executionMs: 4.5, budgetMs: 10, baselineMs: undefined })
      .matrix({
        table: 'documents',
        command: 'UPDATE',
        context: 'other-tenant',
        outcome: '1 rows affected',
        expected: 'denied',
        ok: false,
      })
      .metric({ value: 4.5, unit: 'ms', budget: 10 });
    expect(task.meta.check).toMatchObject({
      measured: { rowsAffected: 1, executionMs: 4.5, budgetMs: 10 },
      accessMatrix: [{ table: 'documents', command: 'UPDATE', ok: false }],
      metric: { value: 4.5, unit: 'ms', budget: 10 },
    });
    expect(task.meta.check?.measured).not.toHaveProperty('baselineMs');
  });

  test('notApplicable records its reason and refuses an empty one', () => {
    const task = aTask();
    const check = defineCheck(task, { id: 'ce25.integrity.audit.trigger', ce: 'CE-25' });
    check.notApplicable('the config names no audit table');
    expect(task.meta.check?.notApplicable).toBe('the config names no audit table');
    expect(() => check.notApplicable('  ')).toThrow(/needs a reason/);
  });

  test('works with the task of a real Vitest test context', ({ task }) => {
    const check = defineCheck(task, { id: 'ce20.self.real-context', ce: 'CE-20' });
    check.measure('seen', true);
    expect(task.meta.check?.measured).toEqual({ seen: true });
  });

  test('offending rows become JSON and are capped, keeping the total', () => {
    const task = aTask();
    const rows = Array.from({ length: MAX_OFFENDING_ROWS + 5 }, (_, index) => ({
      id: index,
      created_at: new Date(Date.UTC(2030, 0, 1)),
      big: 2n ** 64n,
    }));
    defineCheck(task, { id: 'ce25.integrity.future-timestamps.clauses', ce: 'CE-25' }).offending(rows);
    expect(task.meta.check?.offendingTotal).toBe(MAX_OFFENDING_ROWS + 5);
    expect(task.meta.check?.offending).toHaveLength(MAX_OFFENDING_ROWS);
    expect(task.meta.check?.offending?.[0]).toEqual({
      id: 0,
      created_at: '2030-01-01T00:00:00.000Z',
      big: '18446744073709551616',
    });
  });

  test('inventories are published at once, several per check, capped with the total kept', () => {
    const task = aTask();
    const check = defineCheck(task, { id: 'ce23.rls.enabled-count', ce: 'CE-23' });
    check.inventory('Row-level security by table', [{ table: 'documents', 'rls enabled': 'yes' }]);
    expect(task.meta.check?.inventories).toEqual([
      {
        title: 'Row-level security by table',
        rows: [{ table: 'documents', 'rls enabled': 'yes' }],
        total: 1,
      },
    ]);

    const many = Array.from({ length: MAX_INVENTORY_ROWS + 3 }, (_, index) => ({ table: `t${index}` }));
    check.inventory('Policies', many);
    check.inventory('Row-level security by table', [{ table: 'projects' }, { table: 'clauses' }]);
    expect(
      task.meta.check?.inventories?.map(({ title, rows, total }) => [title, rows.length, total]),
    ).toEqual([
      ['Row-level security by table', 2, 2],
      ['Policies', MAX_INVENTORY_ROWS, MAX_INVENTORY_ROWS + 3],
    ]);
    expect(() => check.inventory('  ', [])).toThrow(/non-empty title/);
  });

  test('rejects a malformed id, an id of another section, a second check in one test and a NaN metric', () => {
    expect(() => defineCheck(aTask(), { id: 'RLS documents', ce: 'CE-23' })).toThrow(/malformed/);
    expect(() => defineCheck(aTask(), { id: 'ce24.fk.count', ce: 'CE-23' })).toThrow(
      /does not belong to CE-23/,
    );
    const task = aTask();
    defineCheck(task, { id: 'ce24.fk.count', ce: 'CE-24' });
    expect(() => defineCheck(task, { id: 'ce24.fk.other', ce: 'CE-24' })).toThrow(/one test is one check/);
    expect(() =>
      defineCheck(aTask(), { id: 'ce26.perf.query.x', ce: 'CE-26' }).metric({
        value: Number.NaN,
        unit: 'ms',
      }),
    ).toThrow(/finite/);
  });
});

describe('check ids', () => {
  test('slugify keeps underscores so table names read as they are', () => {
    expect(slugify("UPDATE of another tenant's row > wbs_items")).toBe(
      'update-of-another-tenant-s-row-wbs_items',
    );
    expect(checkId('CE-23', 'rls', 'stakeholder_wbs_raci', 'DELETE other tenant')).toBe(
      'ce23.rls.stakeholder_wbs_raci.delete-other-tenant',
    );
    expect(() => checkId('CE-23', '  ', '!!')).toThrow(/non-empty/);
    expect(() =>
      assertCheckId(checkId('CE-24', 'fk', 'orphans', 'alerts_analysis_id_fkey'), 'CE-24'),
    ).not.toThrow();
  });

  test('the CE section of a suite comes from its file name', () => {
    expect(ceFromModulePath('suites/ce23-rls.test.ts')).toBe('CE-23');
    expect(ceFromModulePath('C:\\repo\\suites\\ce27_rollback.test.ts')).toBe('CE-27');
    expect(ceFromModulePath('suites/ce29-future.test.ts')).toBeNull();
    expect(ceFromModulePath('suites/helpers.test.ts')).toBeNull();
    expect(ceFromModulePath('suites/ce230.test.ts')).toBeNull();
  });
});

describe('toJsonValue', () => {
  test('turns driver values into JSON without losing digits or crashing on cycles', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle['self'] = cycle;
    expect(
      toJsonValue({
        when: new Date('invalid'),
        count: 12345678901234567890n,
        bytes: Buffer.from([0xde, 0xad]),
        missing: undefined,
        ratio: Number.POSITIVE_INFINITY,
        tags: new Set(['a']),
        cycle,
      }),
    ).toEqual({
      when: null,
      count: '12345678901234567890',
      bytes: '\\xdead',
      missing: null,
      ratio: null,
      tags: ['a'],
      cycle: { name: 'loop', self: '[circular]' },
    });
  });
});
