/**
 * The readiness dashboard's numbers, aggregated from the well-known checks (see
 * `well-known-checks.ts`). A figure whose checks did not run is `null`: the report says "not measured"
 * instead of a reassuring zero.
 */
import { CE_SECTIONS, type CeSection } from '../helpers/config/gate-config.ts';
import {
  WELL_KNOWN_CHECK_IDS,
  WELL_KNOWN_CHECK_PREFIXES,
  type WellKnownCheckId,
  type WellKnownCheckMeasures,
  type WellKnownFamilyMeasures,
  type WellKnownFamilyPrefix,
} from './well-known-checks.ts';
import type { CheckCounts, CheckEvidence, EvidenceModel } from './evidence-model.ts';
import type { JsonValue } from '../helpers/json-value.ts';
import { countChecks } from './verdict.ts';

/** A figure and the checks (or `run metadata`) it came from. */
export interface Figure<T> {
  readonly value: T;
  readonly sources: readonly string[];
}

export interface Fraction {
  readonly part: number;
  readonly whole: number;
}

export interface Dashboard {
  readonly migrationsApplied: Figure<number> | null;
  readonly migrationVersion: Figure<{
    readonly version: string | null;
    readonly expected: string | null;
  }> | null;
  readonly migrationDurationMs: Figure<number> | null;
  readonly rlsEnabled: Figure<Fraction> | null;
  readonly forceRls: Figure<Fraction> | null;
  readonly foreignKeys: Figure<{ readonly count: number; readonly minimum: number | null }> | null;
  readonly foreignKeysValidated: Figure<Fraction> | null;
  readonly orphans: Figure<number> | null;
  readonly nullTenantKeys: Figure<number> | null;
  readonly futureTimestamps: Figure<number> | null;
  readonly queryTiming: Figure<{
    readonly queries: number;
    readonly averageMs: number;
    readonly overBudget: number;
    readonly baselineAverageMs: number | null;
  }> | null;
  readonly indexUsage: Figure<Fraction> | null;
  readonly connectionLeaks: Figure<number> | null;
  readonly backupVerified: Figure<boolean> | null;
  readonly rollbackTested: Figure<boolean> | null;
  readonly perSection: readonly { readonly ce: CeSection; readonly counts: CheckCounts }[];
  readonly total: CheckCounts;
}

/** A number from a measured value; numeric strings count, because PostgreSQL returns bigints as text. */
export function numberAt(measured: Readonly<Record<string, JsonValue>>, key: string): number | null {
  const value = measured[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

function stringAt(measured: Readonly<Record<string, JsonValue>>, key: string): string | null {
  const value = measured[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

/** The fields of `M` that hold a number (optional or nullable ones too). */
type NumberKey<M> = { [K in keyof M]-?: NonNullable<M[K]> extends number ? K : never }[keyof M] & string;

/** The fields of `M` that hold a string (optional or nullable ones too). */
type StringKey<M> = { [K in keyof M]-?: NonNullable<M[K]> extends string ? K : never }[keyof M] & string;

/**
 * A check that ran, with typed reads of what it measured: the keys are the fields of its measures
 * interface `M` (`well-known-checks.ts`), so a field the suite does not record does not compile here.
 * A value that is absent or of another kind at run time (evidence from another version) reads null.
 */
interface Measured<M> {
  readonly check: CheckEvidence;
  number(key: NumberKey<M>): number | null;
  string(key: StringKey<M>): string | null;
}

/** The one typed accessor of the dashboard: `check`'s measured values, read as measures `M`. */
function measured<M>(check: CheckEvidence): Measured<M> {
  return {
    check,
    number: (key) => numberAt(check.measured, key),
    string: (key) => stringAt(check.measured, key),
  };
}

/** Checks that judged something: neither skipped nor not applicable. */
function ran(checks: readonly CheckEvidence[]): CheckEvidence[] {
  return checks.filter((check) => check.status === 'passed' || check.status === 'failed');
}

/** The well-known check `id`, if it ran. */
function wellKnown<Id extends WellKnownCheckId>(
  checks: readonly CheckEvidence[],
  id: Id,
): Measured<WellKnownCheckMeasures[Id]> | undefined {
  const check = ran(checks).find((candidate) => candidate.id === id);
  return check === undefined ? undefined : measured(check);
}

/** The checks of the family `prefix` that ran. */
function family<P extends WellKnownFamilyPrefix>(
  checks: readonly CheckEvidence[],
  prefix: P,
): Measured<WellKnownFamilyMeasures[P]>[] {
  return ran(checks)
    .filter((check) => check.id.startsWith(prefix))
    .map((check) => measured(check));
}

/**
 * The rollback cycle tested without data loss: every CE-27 check that ran passed, and the data check
 * compared real rows (a cycle over empty tables shows nothing about data).
 */
function rollbackTestedOn(checks: readonly CheckEvidence[]): Figure<boolean> | null {
  const cycle = allPassed(checks, (check) => check.ce === 'CE-27');
  if (cycle === null) return null;
  const data = wellKnown(checks, WELL_KNOWN_CHECK_IDS.rollbackDataPreserved);
  const rows = data?.number('rowsCompared') ?? null;
  const probe = data?.number('probeRows') ?? null;
  const sawData = (rows !== null && rows > 0) || (probe !== null && probe > 0);
  return { value: cycle.value && data?.check.status === 'passed' && sawData, sources: cycle.sources };
}

function fraction<Id extends WellKnownCheckId>(
  checks: readonly CheckEvidence[],
  id: Id,
  part: NumberKey<WellKnownCheckMeasures[Id]>,
  whole: NumberKey<WellKnownCheckMeasures[Id]>,
): Figure<Fraction> | null {
  const read = wellKnown(checks, id);
  if (read === undefined) return null;
  const partValue = read.number(part);
  const wholeValue = read.number(whole);
  if (partValue === null || wholeValue === null) return null;
  return { value: { part: partValue, whole: wholeValue }, sources: [read.check.id] };
}

/** Sum of `key` over the family `prefix`; null when none of its checks measured it. */
function sum<P extends WellKnownFamilyPrefix>(
  checks: readonly CheckEvidence[],
  prefix: P,
  key: NumberKey<WellKnownFamilyMeasures[P]>,
): Figure<number> | null {
  const values = family(checks, prefix).flatMap((read) => {
    const value = read.number(key);
    return value === null ? [] : [{ id: read.check.id, value }];
  });
  if (values.length === 0) return null;
  return {
    value: values.reduce((total, item) => total + item.value, 0),
    sources: values.map((item) => item.id),
  };
}

function single<Id extends WellKnownCheckId>(
  checks: readonly CheckEvidence[],
  id: Id,
  key: NumberKey<WellKnownCheckMeasures[Id]>,
): Figure<number> | null {
  const read = wellKnown(checks, id);
  const value = read?.number(key) ?? null;
  return read === undefined || value === null ? null : { value, sources: [read.check.id] };
}

function migrationFigures(
  model: EvidenceModel,
): Pick<Dashboard, 'migrationsApplied' | 'migrationVersion' | 'migrationDurationMs'> {
  const read = wellKnown(model.checks, WELL_KNOWN_CHECK_IDS.migrationVersion);
  const applied = read?.number('applied') ?? null;
  const fromMetadata = model.target === null ? null : model.target.migrations;
  return {
    migrationsApplied:
      read !== undefined && applied !== null
        ? { value: applied, sources: [read.check.id] }
        : fromMetadata === null
          ? null
          : { value: fromMetadata.length, sources: ['run metadata'] },
    migrationVersion:
      read !== undefined
        ? {
            value: { version: read.string('version'), expected: read.string('expected') },
            sources: [read.check.id],
          }
        : model.target === null
          ? null
          : { value: { version: model.target.migrationVersion, expected: null }, sources: ['run metadata'] },
    migrationDurationMs:
      fromMetadata === null || fromMetadata.length === 0
        ? null
        : {
            value: fromMetadata.reduce((total, migration) => total + migration.durationMs, 0),
            sources: ['run metadata'],
          },
  };
}

function queryTiming(checks: readonly CheckEvidence[]): Dashboard['queryTiming'] {
  const queries = family(checks, WELL_KNOWN_CHECK_PREFIXES.queryTiming).flatMap((read) => {
    const executionMs = read.number('executionMs');
    if (executionMs === null) return [];
    return [
      {
        id: read.check.id,
        executionMs,
        budgetMs: read.number('budgetMs'),
        baselineMs: read.number('baselineMs'),
      },
    ];
  });
  if (queries.length === 0) return null;
  const average = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const baselines = queries.flatMap((query) => (query.baselineMs === null ? [] : [query.baselineMs]));
  return {
    value: {
      queries: queries.length,
      averageMs: average(queries.map((query) => query.executionMs)),
      overBudget: queries.filter((query) => query.budgetMs !== null && query.executionMs > query.budgetMs)
        .length,
      // A baseline average only compares like with like when every query has a baseline.
      baselineAverageMs: baselines.length === queries.length ? average(baselines) : null,
    },
    sources: queries.map((query) => query.id),
  };
}

/** True when every check of the family ran and passed; null when none ran. */
function allPassed(
  checks: readonly CheckEvidence[],
  predicate: (check: CheckEvidence) => boolean,
): Figure<boolean> | null {
  const family = ran(checks).filter(predicate);
  if (family.length === 0) return null;
  return {
    value: family.every((check) => check.status === 'passed'),
    sources: family.map((check) => check.id),
  };
}

/** Aggregates the dashboard from the evidence. */
export function computeDashboard(model: EvidenceModel): Dashboard {
  const { checks } = model;
  const foreignKeyCount = wellKnown(checks, WELL_KNOWN_CHECK_IDS.foreignKeyCount);
  const count = foreignKeyCount?.number('count') ?? null;
  return {
    ...migrationFigures(model),
    rlsEnabled: fraction(checks, WELL_KNOWN_CHECK_IDS.rlsEnabledCount, 'enabled', 'expected'),
    forceRls: fraction(checks, WELL_KNOWN_CHECK_IDS.forceRlsCount, 'forced', 'expected'),
    foreignKeys:
      foreignKeyCount === undefined || count === null
        ? null
        : {
            value: { count, minimum: foreignKeyCount.number('minimum') },
            sources: [foreignKeyCount.check.id],
          },
    foreignKeysValidated: fraction(checks, WELL_KNOWN_CHECK_IDS.foreignKeyValidated, 'validated', 'total'),
    orphans: sum(checks, WELL_KNOWN_CHECK_PREFIXES.foreignKeyOrphans, 'orphans'),
    nullTenantKeys: sum(checks, WELL_KNOWN_CHECK_PREFIXES.nullTenantKey, 'nullCount'),
    futureTimestamps: sum(checks, WELL_KNOWN_CHECK_PREFIXES.futureTimestamps, 'futureCount'),
    queryTiming: queryTiming(checks),
    indexUsage: fraction(checks, WELL_KNOWN_CHECK_IDS.indexUsage, 'used', 'total'),
    connectionLeaks: single(checks, WELL_KNOWN_CHECK_IDS.connectionLeaks, 'leaked'),
    backupVerified: allPassed(checks, (check) => check.id.startsWith(WELL_KNOWN_CHECK_PREFIXES.backup)),
    rollbackTested: rollbackTestedOn(checks),
    perSection: CE_SECTIONS.map((ce) => ({
      ce,
      counts: countChecks(checks.filter((check) => check.ce === ce)),
    })),
    total: countChecks(checks),
  };
}
