import { describe, expect, expectTypeOf, test } from 'vitest';
import {
  WELL_KNOWN_CHECK_IDS,
  WELL_KNOWN_CHECK_PREFIXES,
  defineCheck,
  defineWellKnownCheck,
  notApplicable,
  type CheckMeta,
  type CheckRecorder,
  type TypedCheckRecorder,
  type ForeignKeyCountMeasures,
  type MeasureShape,
  type OrphanMeasures,
  type WellKnownCheckId,
  type WellKnownCheckMeasures,
  type WellKnownFamilyMeasures,
  type WellKnownFamilyPrefix,
} from '../../reports/check-meta.ts';
import { ceOfCheckId, checkId, slugify } from '../../reports/check-id.ts';

function aTask(): { meta: { check?: CheckMeta } } {
  return { meta: {} };
}

// Every well-known measures interface is JSON, as `defineCheck<M>` requires (a compile-time check).
type EveryMeasuresIsJson = {
  readonly [Id in WellKnownCheckId]: MeasureShape<WellKnownCheckMeasures[Id]>;
} & { readonly [P in WellKnownFamilyPrefix]: MeasureShape<WellKnownFamilyMeasures[P]> };
expectTypeOf<WellKnownCheckMeasures & WellKnownFamilyMeasures>().toExtend<EveryMeasuresIsJson>();

describe('defineWellKnownCheck', () => {
  test('records an exact id under its CE section, typed by its measures interface', () => {
    const task = aTask();
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.foreignKeyCount);
    expectTypeOf(check).toEqualTypeOf<TypedCheckRecorder<ForeignKeyCountMeasures>>();
    check.measureAll({ count: 18, minimum: 15, tenantCheckedOnDataOnly: ['a_fkey'] }).measure('count', 19);
    expect(task.meta.check).toEqual({
      id: 'ce24.fk.count',
      ce: 'CE-24',
      measured: { count: 19, minimum: 15, tenantCheckedOnDataOnly: ['a_fkey'] },
    });
  });

  test('makes a family member id with checkId, the same id the template strings made', () => {
    const task = aTask();
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_PREFIXES.foreignKeyOrphans, 'Alerts_FKey');
    expectTypeOf(check).toEqualTypeOf<TypedCheckRecorder<OrphanMeasures>>();
    check.measure('orphans', 0);
    expect(task.meta.check).toMatchObject({ id: 'ce24.fk.orphans.alerts_fkey', ce: 'CE-24' });
    expect(check.id).toBe(`${WELL_KNOWN_CHECK_PREFIXES.foreignKeyOrphans}${slugify('Alerts_FKey')}`);

    for (const [prefix, ce, parts] of [
      [WELL_KNOWN_CHECK_PREFIXES.nullTenantKey, 'CE-25', ['integrity', 'null-tenant-key']],
      [WELL_KNOWN_CHECK_PREFIXES.futureTimestamps, 'CE-25', ['integrity', 'future-timestamps']],
      [WELL_KNOWN_CHECK_PREFIXES.queryTiming, 'CE-26', ['perf', 'query']],
    ] as const) {
      expect(defineWellKnownCheck(aTask(), prefix, 'wbs_items').id).toBe(`${prefix}wbs_items`);
      expect(checkId(ce, ...parts, 'wbs_items')).toBe(`${prefix}wbs_items`);
    }
    expect(
      defineWellKnownCheck(aTask(), WELL_KNOWN_CHECK_PREFIXES.queryTiming, 'projects', 'By Tenant').id,
    ).toBe('ce26.perf.query.projects.by-tenant');
  });

  test('every well-known id and prefix names its CE section; a family needs its member', () => {
    for (const id of [...Object.values(WELL_KNOWN_CHECK_IDS), ...Object.values(WELL_KNOWN_CHECK_PREFIXES)]) {
      expect(ceOfCheckId(id), id).not.toBeNull();
    }
    expect(ceOfCheckId('ce29.x')).toBeNull();
    expect(ceOfCheckId('invariant.x')).toBeNull();
    expect(() => defineWellKnownCheck(aTask(), WELL_KNOWN_CHECK_PREFIXES.foreignKeyOrphans)).toThrow(
      /needs the parts/,
    );
  });

  test('a typed recorder still goes where an untyped one is expected', () => {
    const check = defineWellKnownCheck(aTask(), WELL_KNOWN_CHECK_IDS.rollbackDataPreserved);
    const untyped: CheckRecorder = check;
    untyped.measure('anything', 'goes');
    expect(() =>
      notApplicable(
        {
          skip: (note) => {
            throw new Error(`skipped: ${note ?? ''}`);
          },
        },
        check,
        'no table survives',
      ),
    ).toThrow(/skipped: no table survives/);
  });

  test('a wrong key or a wrong type for a well-known check does not compile', () => {
    const count = defineWellKnownCheck(aTask(), WELL_KNOWN_CHECK_IDS.foreignKeyCount);
    // @ts-expect-error: ForeignKeyCountMeasures has no `foreignKeys`.
    count.measure('foreignKeys', 18);
    // @ts-expect-error: `count` is a number.
    count.measure('count', '18');
    // @ts-expect-error: ForeignKeyCountMeasures has no `counted`.
    count.measureAll({ counted: 18, minimum: 15 });
    // @ts-expect-error: `minimum` is a number.
    count.measureAll({ count: 18, minimum: null });

    const orphans = defineWellKnownCheck(aTask(), WELL_KNOWN_CHECK_PREFIXES.nullTenantKey, 'users');
    // @ts-expect-error: NullTenantKeyMeasures counts `nullCount`, not `orphans`.
    orphans.measure('orphans', 0);

    const version = defineWellKnownCheck(aTask(), WELL_KNOWN_CHECK_IDS.migrationVersion);
    // @ts-expect-error: `applied` is a number.
    version.measureAll({ version: '005', expected: '005', applied: [1, 2] });
    version.measureAll({ version: null, expected: '005', applied: 2 });

    // @ts-expect-error: not a well-known id (a family prefix needs its member's parts).
    defineWellKnownCheck(aTask(), 'ce24.fk.counted');
    // @ts-expect-error: an exact id takes no parts.
    expect(() => defineWellKnownCheck(aTask(), WELL_KNOWN_CHECK_IDS.foreignKeyCount, 'x')).toThrow(
      /takes no parts/,
    );

    const typed = defineCheck<{ rowsAffected: number }>(aTask(), { id: 'ce23.rls.x.update', ce: 'CE-23' });
    typed.measure('rowsAffected', 0);
    // @ts-expect-error: a typo of `rowsAffected`.
    typed.measure('rowsAfected', 0);

    // Untyped checks take any key and any JSON value, as before.
    defineCheck(aTask(), { id: 'ce23.rls.y', ce: 'CE-23' })
      .measure('rowsAffected', '0')
      .measureAll({ anything: [1, 'two'], left: undefined });
  });
});
