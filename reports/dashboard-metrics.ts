/**
 * The readiness dashboard's numbers, aggregated from the well-known checks (see
 * `well-known-checks.ts`). A figure whose checks did not run is `null`: the report says "not measured"
 * instead of a reassuring zero.
 */
import { CE_SECTIONS, type CeSection } from '../helpers/config/gate-config.ts';
import { WELL_KNOWN_CHECK_IDS, WELL_KNOWN_CHECK_PREFIXES } from './well-known-checks.ts';
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

/** Checks that judged something: neither skipped nor not applicable. */
function ran(checks: readonly CheckEvidence[]): CheckEvidence[] {
  return checks.filter((check) => check.status === 'passed' || check.status === 'failed');
}

/**
 * The rollback cycle tested without data loss: every CE-27 check that ran passed, and the data check
 * compared real rows (a cycle over empty tables shows nothing about data).
 */
function rollbackTestedOn(checks: readonly CheckEvidence[]): Figure<boolean> | null {
  const family = allPassed(checks, (check) => check.ce === 'CE-27');
  if (family === null) return null;
  const data = byId(checks, 'ce27.rollback.data-preserved');
  const rows = data === undefined ? null : numberAt(data.measured, 'rowsCompared');
  const probe = data === undefined ? null : numberAt(data.measured, 'probeRows');
  const sawData = (rows !== null && rows > 0) || (probe !== null && probe > 0);
  return { value: family.value && data?.status === 'passed' && sawData, sources: family.sources };
}

function byId(checks: readonly CheckEvidence[], id: string): CheckEvidence | undefined {
  return ran(checks).find((check) => check.id === id);
}

function fraction(
  checks: readonly CheckEvidence[],
  id: string,
  part: string,
  whole: string,
): Figure<Fraction> | null {
  const check = byId(checks, id);
  if (check === undefined) return null;
  const partValue = numberAt(check.measured, part);
  const wholeValue = numberAt(check.measured, whole);
  if (partValue === null || wholeValue === null) return null;
  return { value: { part: partValue, whole: wholeValue }, sources: [check.id] };
}

/** Sum of `key` over the checks whose id starts with `prefix`; null when none of them measured it. */
function sum(checks: readonly CheckEvidence[], prefix: string, key: string): Figure<number> | null {
  const measured = ran(checks).flatMap((check) => {
    const value = check.id.startsWith(prefix) ? numberAt(check.measured, key) : null;
    return value === null ? [] : [{ id: check.id, value }];
  });
  if (measured.length === 0) return null;
  return {
    value: measured.reduce((total, item) => total + item.value, 0),
    sources: measured.map((item) => item.id),
  };
}

function single(checks: readonly CheckEvidence[], id: string, key: string): Figure<number> | null {
  const check = byId(checks, id);
  const value = check === undefined ? null : numberAt(check.measured, key);
  return check === undefined || value === null ? null : { value, sources: [check.id] };
}

function migrationFigures(
  model: EvidenceModel,
): Pick<Dashboard, 'migrationsApplied' | 'migrationVersion' | 'migrationDurationMs'> {
  const check = byId(model.checks, WELL_KNOWN_CHECK_IDS.migrationVersion);
  const applied = check === undefined ? null : numberAt(check.measured, 'applied');
  const fromMetadata = model.target === null ? null : model.target.migrations;
  return {
    migrationsApplied:
      check !== undefined && applied !== null
        ? { value: applied, sources: [check.id] }
        : fromMetadata === null
          ? null
          : { value: fromMetadata.length, sources: ['run metadata'] },
    migrationVersion:
      check !== undefined
        ? {
            value: {
              version: stringAt(check.measured, 'version'),
              expected: stringAt(check.measured, 'expected'),
            },
            sources: [check.id],
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
  const queries = ran(checks).flatMap((check) => {
    if (!check.id.startsWith(WELL_KNOWN_CHECK_PREFIXES.queryTiming)) return [];
    const executionMs = numberAt(check.measured, 'executionMs');
    if (executionMs === null) return [];
    return [
      {
        id: check.id,
        executionMs,
        budgetMs: numberAt(check.measured, 'budgetMs'),
        baselineMs: numberAt(check.measured, 'baselineMs'),
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
  const foreignKeyCheck = byId(checks, WELL_KNOWN_CHECK_IDS.foreignKeyCount);
  const foreignKeyCount = foreignKeyCheck === undefined ? null : numberAt(foreignKeyCheck.measured, 'count');
  return {
    ...migrationFigures(model),
    rlsEnabled: fraction(checks, WELL_KNOWN_CHECK_IDS.rlsEnabledCount, 'enabled', 'expected'),
    forceRls: fraction(checks, WELL_KNOWN_CHECK_IDS.forceRlsCount, 'forced', 'expected'),
    foreignKeys:
      foreignKeyCheck === undefined || foreignKeyCount === null
        ? null
        : {
            value: { count: foreignKeyCount, minimum: numberAt(foreignKeyCheck.measured, 'minimum') },
            sources: [foreignKeyCheck.id],
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
