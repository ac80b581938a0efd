/**
 * Check ids and measured keys that feed the readiness dashboard. Suites record them; the dashboard
 * aggregates them and prints "not measured" when a check is absent, so a renamed id shows up as a gap
 * in the report instead of a silently wrong number.
 *
 * Exact ids name one check; prefixes name a family (one check per table or constraint) whose values
 * the dashboard sums.
 */

/** One check of the whole run, by exact id. */
export const WELL_KNOWN_CHECK_IDS = {
  /** CE-22: measures {@link MigrationVersionMeasures}. */
  migrationVersion: 'ce22.migrations.version',
  /** CE-23: measures {@link RlsEnabledMeasures}. */
  rlsEnabledCount: 'ce23.rls.enabled-count',
  /** CE-23: measures {@link ForceRlsMeasures}. */
  forceRlsCount: 'ce23.rls.force-count',
  /** CE-24: measures {@link ForeignKeyCountMeasures}. */
  foreignKeyCount: 'ce24.fk.count',
  /** CE-24: measures {@link ForeignKeyValidatedMeasures}. */
  foreignKeyValidated: 'ce24.fk.validated',
  /** CE-26: measures {@link IndexUsageMeasures}. */
  indexUsage: 'ce26.perf.index-usage',
  /** CE-26: measures {@link ConnectionLeakMeasures}. */
  connectionLeaks: 'ce26.perf.connection-leaks',
} as const;

/** A family of checks, by id prefix; the part after the prefix names the table, constraint or query. */
export const WELL_KNOWN_CHECK_PREFIXES = {
  /** CE-20: every `ce20.backup.*` check passed → "Backup verified". No measured key is read. */
  backup: 'ce20.backup.',
  /** CE-24: one check per foreign key; measures {@link OrphanMeasures}. */
  foreignKeyOrphans: 'ce24.fk.orphans.',
  /** CE-25: one check per tenant-scoped table; measures {@link NullTenantKeyMeasures}. */
  nullTenantKey: 'ce25.integrity.null-tenant-key.',
  /** CE-25: one check per table (or column); measures {@link FutureTimestampMeasures}. */
  futureTimestamps: 'ce25.integrity.future-timestamps.',
  /** CE-26: one check per benchmark query; measures {@link QueryTimingMeasures}. */
  queryTiming: 'ce26.perf.query.',
} as const;

/** `ce22.migrations.version`: the version the database is at, the one expected, and how many were applied. */
export interface MigrationVersionMeasures {
  readonly version: string | null;
  readonly expected: string;
  readonly applied: number;
}

/** `ce23.rls.enabled-count`: tenant-scoped tables with RLS enabled, out of those expected. */
export interface RlsEnabledMeasures {
  readonly enabled: number;
  readonly expected: number;
}

/** `ce23.rls.force-count`: tables with FORCE ROW LEVEL SECURITY, out of those expected. */
export interface ForceRlsMeasures {
  readonly forced: number;
  readonly expected: number;
}

/** `ce24.fk.count`: foreign keys found in the schema, and the configured minimum. */
export interface ForeignKeyCountMeasures {
  readonly count: number;
  readonly minimum: number;
}

/** `ce24.fk.validated`: foreign keys that are VALID (`convalidated`), out of all found. */
export interface ForeignKeyValidatedMeasures {
  readonly validated: number;
  readonly total: number;
}

/** `ce24.fk.orphans.<constraint>`: child rows whose parent does not exist. */
export interface OrphanMeasures {
  readonly orphans: number;
}

/** `ce25.integrity.null-tenant-key.<table>`: rows whose tenant key is NULL. */
export interface NullTenantKeyMeasures {
  readonly nullCount: number;
}

/** `ce25.integrity.future-timestamps.<table>`: rows with a timestamp later than now + clock skew. */
export interface FutureTimestampMeasures {
  readonly futureCount: number;
}

/** `ce26.perf.query.<name>`: one benchmark query; `baselineMs` when a baseline exists. */
export interface QueryTimingMeasures {
  readonly executionMs: number;
  readonly budgetMs: number;
  readonly baselineMs?: number;
}

/** `ce26.perf.index-usage`: indexes with `idx_scan > 0`, out of all indexes checked. */
export interface IndexUsageMeasures {
  readonly used: number;
  readonly total: number;
}

/** `ce26.perf.connection-leaks`: connections left open (or idle in transaction) after the suite. */
export interface ConnectionLeakMeasures {
  readonly leaked: number;
}
