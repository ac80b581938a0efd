/**
 * The test-side API of the evidence reporter: a test is one check, and it hands the reporter what it
 * measured through typed `task.meta.check`.
 *
 * @example
 * ```ts
 * import type { Kysely } from 'kysely';
 * import { expect, test } from 'vitest';
 * import { asTenant, defineCheck } from 'migration-gate';
 * import type { DB } from './gate-db.js';
 *
 * test("documents: UPDATE of another tenant's row affects 0 rows", async ({ task }) => {
 *   const check = defineCheck<{ rowsAffected: number }>(task, {
 *     id: 'ce23.rls.documents.update-other-tenant',
 *     ce: 'CE-23',
 *   });
 *   // As tenant A, in one transaction that is rolled back; `documentOfB` is a row of tenant B.
 *   const result = await asTenant(tenantA, (db: Kysely<DB>) =>
 *     db.updateTable('documents').set({ title: 'x' }).where('id', '=', documentOfB).executeTakeFirst(),
 *   );
 *   const rowsAffected = Number(result.numUpdatedRows);
 *   check.measure('rowsAffected', rowsAffected);
 *   check.matrix({ table: 'documents', command: 'UPDATE', context: 'other-tenant',
 *     outcome: `${rowsAffected} rows affected`, expected: 'denied', ok: rowsAffected === 0 });
 *   expect(rowsAffected).toBe(0);
 * });
 * ```
 *
 * `defineCheck<M>` types `measure` / `measureAll` with `M`; without it any key and any JSON value go.
 * The checks the readiness dashboard reads are declared once with their measures
 * (`well-known-checks.ts`) and recorded with {@link defineWellKnownCheck}.
 *
 * A test without `defineCheck` still counts: its id is derived from the file's CE number and the
 * slug of its full name, its CE section from the file name (`suites/ce23-rls.test.ts` → CE-23).
 */
import type { CeSection } from '../helpers/config/gate-config.ts';
import { assertCheckId, ceOfCheckId, checkId } from './check-id.ts';
import type { JsonObject, JsonValue } from '../helpers/json-value.ts';
import { toJsonValue } from './to-json-value.ts';

export type { JsonObject, JsonPrimitive, JsonValue } from '../helpers/json-value.ts';
export { checkId, slugify } from './check-id.ts';
export * from './well-known-checks.ts';
import type {
  WellKnownCheckId,
  WellKnownCheckMeasures,
  WellKnownFamilyMeasures,
  WellKnownFamilyPrefix,
} from './well-known-checks.ts';

export const MATRIX_COMMANDS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;
export type MatrixCommand = (typeof MATRIX_COMMANDS)[number];

export const MATRIX_CONTEXTS = ['own-tenant', 'other-tenant', 'no-tenant'] as const;
export type MatrixContext = (typeof MATRIX_CONTEXTS)[number];

/** One cell of the CE-23 access matrix: table × command × tenant context → what happened. */
export interface AccessMatrixCell {
  readonly table: string;
  readonly command: MatrixCommand;
  readonly context: MatrixContext;
  /** What was observed, for a person: `rows: 12 of 12`, `refused 42501`, `0 rows affected`. */
  readonly outcome: string;
  readonly expected: 'allowed' | 'denied';
  /** Whether the outcome matches `expected`. */
  readonly ok: boolean;
}

export const METRIC_UNITS = ['ms', 'count', 'bytes', 'percent'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

/** The headline number of a check (a timing, mostly), shown beside its budget and baseline. */
export interface CheckMetric {
  readonly value: number;
  readonly unit: MetricUnit;
  /** The value must stay at or below this. */
  readonly budget?: number;
  /** The value measured before the migrations, for a regression figure. */
  readonly baseline?: number;
}

/** A named table a check lists in full (every foreign key, every table's RLS state), one record a row. */
export interface CheckInventory {
  readonly title: string;
  /** The rows, capped at {@link MAX_INVENTORY_ROWS}; each key becomes a column of the report's table. */
  readonly rows: readonly JsonObject[];
  /** How many rows there were before the cap. */
  readonly total: number;
}

/** What a test recorded about its check; read by the reporter from `TestCase.meta().check`. */
export interface CheckMeta {
  /** Stable id, `ceNN.` + dot-separated segments; see {@link checkId}. */
  readonly id: string;
  /** Null for an invariant ({@link defineInvariant}): filed under the report's Invariants section. */
  readonly ce: CeSection | null;
  /** Measured values by name: rows seen, rows affected, error codes, plan nodes, timings. */
  readonly measured: Readonly<Record<string, JsonValue>>;
  /** Rows or objects that broke the property (capped at {@link MAX_OFFENDING_ROWS}). */
  readonly offending?: readonly JsonValue[];
  /** How many offending rows there were before the cap. */
  readonly offendingTotal?: number;
  readonly accessMatrix?: readonly AccessMatrixCell[];
  readonly metric?: CheckMetric;
  /** Full listings, in the order recorded; see {@link CheckRecorder.inventory}. */
  readonly inventories?: readonly CheckInventory[];
  /** Why the check cannot judge anything here; see {@link CheckRecorder.notApplicable}. */
  readonly notApplicable?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    /** Evidence of the check this test is; written by {@link defineCheck}. */
    check?: CheckMeta;
  }
}

/** Offending rows kept per check; the rest are counted, because meta travels between processes. */
export const MAX_OFFENDING_ROWS = 100;

/**
 * Rows kept per inventory. An inventory is meant to be read in full, so the cap is far above any real
 * schema (tens of keys, tens of tables); it only stops a runaway listing from bloating the meta that
 * travels from the worker. The rows past it are counted in `total`.
 */
export const MAX_INVENTORY_ROWS = 1000;

/**
 * What a check with declared measures records: an object type each of whose fields is JSON, e.g.
 * `interface OrphanMeasures { orphans: number; validated?: boolean }`. Optional fields are values a
 * check may leave out. Interfaces qualify (the constraint maps `M`'s own keys, it asks for no index
 * signature).
 */
export type MeasureShape<M> = { readonly [K in keyof M]: JsonValue | undefined };

/** What {@link TypedCheckRecorder.measureAll} takes: some of `M`'s fields; `undefined` ones are left out. */
export type MeasuredValues<M> = { readonly [K in keyof M]?: M[K] | undefined };

/** What every recorder does besides measuring; `Self` is the recorder each call returns. */
export interface CheckRecorderBase<Self> {
  readonly id: string;
  /** Records the rows or objects that broke the property; Dates, bigints and Buffers become JSON. */
  offending(rows: readonly unknown[]): Self;
  /** Adds one access-matrix cell (CE-23). */
  matrix(cell: AccessMatrixCell): Self;
  /** Sets the headline metric of the check. */
  metric(metric: CheckMetric): Self;
  /**
   * Records a listing the report shows in full as a table titled `title` under `## Inventories`, e.g.
   * `check.inventory('Foreign keys', [{ constraint: 'documents_project_id_fkey', table: 'documents' }])`.
   * A check may record several; a later call with the same title replaces that inventory. Rows past
   * {@link MAX_INVENTORY_ROWS} are counted, not kept.
   */
  inventory(title: string, rows: readonly Readonly<Record<string, JsonValue>>[]): Self;
  /**
   * Marks the check "not applicable" because what it judges is absent (the config leaves the input out,
   * the schema has no such object). The reporter shows it as `not applicable — <reason>`: never a pass,
   * never a failure. Stop the test right after with the context's `skip(reason)`:
   * `check.notApplicable(reason); return skip(reason);` — or use {@link notApplicable}.
   */
  notApplicable(reason: string): Self;
}

/** Records a check's evidence; every call writes to `task.meta.check` at once. Any key, any JSON value. */
export interface CheckRecorder extends CheckRecorderBase<CheckRecorder> {
  /** Records one measured value under `key` (a later call with the same key replaces it). */
  measure(key: string, value: JsonValue): CheckRecorder;
  /** Records several measured values; `undefined` values are left out. */
  measureAll<T extends { readonly [K in keyof T]: JsonValue | undefined }>(values: T): CheckRecorder;
}

/**
 * A {@link CheckRecorder} whose measured values are typed by `M` (from `defineCheck<M>` or
 * {@link defineWellKnownCheck}): a key `M` does not declare, or a value of another type, does not
 * compile. It goes wherever a `CheckRecorder` is expected, and records exactly the same evidence.
 */
export interface TypedCheckRecorder<M> extends CheckRecorderBase<TypedCheckRecorder<M>> {
  /** Records one measured value under `key` (a later call with the same key replaces it). */
  measure<K extends keyof M & string>(key: K, value: Exclude<M[K], undefined>): TypedCheckRecorder<M>;
  /** Records several measured values; `undefined` values are left out. */
  measureAll(values: MeasuredValues<M>): TypedCheckRecorder<M>;
}

/** The part of Vitest's test context that {@link notApplicable} needs. */
export interface SkippableContext {
  readonly skip: (note?: string) => never;
}

/**
 * Records `reason` as why `check` is not applicable and stops the test (Vitest's `skip`).
 *
 * @example
 * ```ts
 * test('audit trigger records writes', ({ task, skip }) => {
 *   const check = defineCheck(task, { id: 'ce25.integrity.audit.trigger', ce: 'CE-25' });
 *   if (integrity.audit === undefined) notApplicable({ skip }, check, 'the config names no audit table');
 *   …
 * });
 * ```
 */
export function notApplicable(context: SkippableContext, check: CheckRecorder, reason: string): never {
  check.notApplicable(reason);
  return context.skip(reason);
}

/** The part of Vitest's test context `task` that {@link defineCheck} needs. */
export interface TaskWithMeta {
  readonly meta: { check?: CheckMeta };
}

/**
 * Declares that the running test is the check `init.id` of section `init.ce` and returns a recorder.
 * Call it first in the test, so values recorded before a failing assertion still reach the report.
 * Throws on a malformed id, an id outside `init.ce`, or a second call in the same test.
 *
 * `M` (optional) declares what the check measures: `defineCheck<{ rowsAffected: number }>(task, …)`
 * makes `check.measure('rowsAfected', 1)` or `check.measure('rowsAffected', '1')` a compile error. It
 * changes nothing at run time. A check the dashboard reads uses {@link defineWellKnownCheck}, which
 * takes `M` from the id.
 */
export function defineCheck(
  task: TaskWithMeta,
  init: { readonly id: string; readonly ce: CeSection },
): CheckRecorder;
export function defineCheck<M extends MeasureShape<M>>(
  task: TaskWithMeta,
  init: { readonly id: string; readonly ce: CeSection },
): TypedCheckRecorder<M>;
export function defineCheck(
  task: TaskWithMeta,
  init: { readonly id: string; readonly ce: CeSection },
): CheckRecorder {
  assertCheckId(init.id, init.ce);
  return recordCheck(task, init, 'defineCheck');
}

/**
 * Declares that the running test is a well-known check (one the readiness dashboard reads, see
 * `well-known-checks.ts`) and returns a recorder typed with its measures interface. The CE section
 * comes from the id. Either an exact id, or a family prefix and the parts naming the member, which
 * {@link checkId} slugifies:
 *
 * ```ts
 * const count = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.foreignKeyCount);
 * count.measureAll({ count: 12, minimum: 10 }); // ForeignKeyCountMeasures
 * const orphans = defineWellKnownCheck(task, WELL_KNOWN_CHECK_PREFIXES.foreignKeyOrphans, fk.constraint);
 * orphans.measure('orphans', 0); // id `ce24.fk.orphans.<constraint>`, OrphanMeasures
 * ```
 */
export function defineWellKnownCheck<Id extends WellKnownCheckId>(
  task: TaskWithMeta,
  id: Id,
): TypedCheckRecorder<WellKnownCheckMeasures[Id]>;
export function defineWellKnownCheck<P extends WellKnownFamilyPrefix>(
  task: TaskWithMeta,
  family: P,
  ...parts: readonly string[]
): TypedCheckRecorder<WellKnownFamilyMeasures[P]>;
export function defineWellKnownCheck(
  task: TaskWithMeta,
  idOrFamily: WellKnownCheckId | WellKnownFamilyPrefix,
  ...parts: readonly string[]
): CheckRecorder {
  const ce = ceOfCheckId(idOrFamily);
  if (ce === null) throw new Error(`Well-known check ${JSON.stringify(idOrFamily)} names no CE section.`);
  const isFamily = idOrFamily.endsWith('.');
  if (isFamily !== parts.length > 0) {
    throw new Error(
      isFamily
        ? `defineWellKnownCheck(${JSON.stringify(idOrFamily)}): a family prefix needs the parts that name its member.`
        : `defineWellKnownCheck(${JSON.stringify(idOrFamily)}): an exact id takes no parts, got ${JSON.stringify(parts)}.`,
    );
  }
  // `ce24.fk.orphans.` + [constraint] → checkId('CE-24', 'fk', 'orphans', constraint).
  const id = isFamily ? checkId(ce, ...idOrFamily.split('.').slice(1, -1), ...parts) : idOrFamily;
  return defineCheck(task, { id, ce });
}

/** Ids of invariants: `invariant.` followed by dot-separated `[a-z0-9_-]` segments. */
const INVARIANT_ID_PATTERN = /^invariant(\.[a-z0-9_-]+)+$/;

/**
 * Declares that the running test is the invariant `id` (`invariant.…`), a check of the team's own that
 * belongs to no CE section: the reporter files it under "Invariants" (`invariants_report.md`), and a
 * failed invariant turns the verdict NO-GO like any failed check. A test that should count in a CE
 * section calls {@link defineCheck} instead.
 *
 * @example
 * ```ts
 * test('every project has an owner', async ({ task }) => {
 *   const check = defineInvariant(task, 'invariant.projects.owner');
 *   …
 * });
 * ```
 */
export function defineInvariant(task: TaskWithMeta, id: string): CheckRecorder {
  if (!INVARIANT_ID_PATTERN.test(id)) {
    throw new Error(
      `Invariant id ${JSON.stringify(id)} is malformed: use "invariant." plus dot-separated [a-z0-9_-] segments, e.g. "invariant.tenant-key-index".`,
    );
  }
  return recordCheck(task, { id, ce: null }, 'defineInvariant');
}

function recordCheck(
  task: TaskWithMeta,
  init: { readonly id: string; readonly ce: CeSection | null },
  caller: string,
): CheckRecorder {
  if (task.meta.check !== undefined) {
    throw new Error(
      `${caller}(${JSON.stringify(init.id)}): this test already is check ${JSON.stringify(task.meta.check.id)}; one test is one check.`,
    );
  }
  const measured: Record<string, JsonValue> = {};
  const cells: AccessMatrixCell[] = [];
  let offending: readonly JsonValue[] | undefined;
  let offendingTotal: number | undefined;
  let metric: CheckMetric | undefined;
  const inventories: CheckInventory[] = [];
  let notApplicableReason: string | undefined;

  const publish = (): void => {
    task.meta.check = {
      id: init.id,
      ce: init.ce,
      measured: { ...measured },
      ...(offending === undefined ? {} : { offending, offendingTotal }),
      ...(cells.length === 0 ? {} : { accessMatrix: [...cells] }),
      ...(metric === undefined ? {} : { metric }),
      ...(inventories.length === 0 ? {} : { inventories: [...inventories] }),
      ...(notApplicableReason === undefined ? {} : { notApplicable: notApplicableReason }),
    };
  };

  const recorder: CheckRecorder = {
    id: init.id,
    measure(key, value) {
      measured[key] = toJsonValue(value);
      publish();
      return recorder;
    },
    measureAll(values) {
      for (const [key, value] of Object.entries(values as Record<string, JsonValue | undefined>)) {
        if (value !== undefined) measured[key] = toJsonValue(value);
      }
      publish();
      return recorder;
    },
    offending(rows) {
      offending = rows.slice(0, MAX_OFFENDING_ROWS).map(toJsonValue);
      offendingTotal = rows.length;
      publish();
      return recorder;
    },
    matrix(cell) {
      cells.push({ ...cell });
      publish();
      return recorder;
    },
    metric(value) {
      if (!Number.isFinite(value.value)) {
        throw new Error(
          `Check ${init.id}: metric value must be a finite number, got ${String(value.value)}.`,
        );
      }
      metric = { ...value };
      publish();
      return recorder;
    },
    inventory(title, rows) {
      if (title.trim().length === 0) {
        throw new Error(`Check ${init.id}: an inventory needs a non-empty title.`);
      }
      const recorded: CheckInventory = {
        title,
        rows: rows.slice(0, MAX_INVENTORY_ROWS).map(toJsonRecord),
        total: rows.length,
      };
      const existing = inventories.findIndex((inventory) => inventory.title === title);
      if (existing === -1) inventories.push(recorded);
      else inventories[existing] = recorded;
      publish();
      return recorder;
    },
    notApplicable(reason) {
      if (reason.trim().length === 0) {
        throw new Error(`Check ${init.id}: "not applicable" needs a reason a reviewer can read.`);
      }
      notApplicableReason = reason;
      publish();
      return recorder;
    },
  };
  publish();
  return recorder;
}

/** One inventory row as plain JSON; a row typed as JSON may still carry a Date or bigint at run time. */
function toJsonRecord(row: Readonly<Record<string, JsonValue>>): JsonObject {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, toJsonValue(value)]));
}
