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
  /** CE-27: measures {@link RollbackDataMeasures}. */
  rollbackDataPreserved: 'ce27.rollback.data-preserved',
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

/*
 * The measures interfaces below are the contract between a suite and the dashboard. The required
 * fields are what the dashboard reads; the optional ones are details the suite records for the
 * report. A suite records them through `defineWellKnownCheck` (reports/check-meta.ts), which refuses
 * at compile time a key or a type the interface does not declare.
 */

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
  /** Foreign keys between two tenant-scoped tables. */
  readonly betweenTenantTables?: number;
  /** Of those, how many carry the tenant key in the key itself. */
  readonly tenantEnforcedBySchema?: number;
  /** The constraints whose tenant consistency only a data check can show. */
  readonly tenantCheckedOnDataOnly?: readonly string[];
}

/** `ce24.fk.validated`: foreign keys that are VALID (`convalidated`), out of all found. */
export interface ForeignKeyValidatedMeasures {
  readonly validated: number;
  readonly total: number;
  /** The NOT VALID constraints. */
  readonly notValid?: readonly string[];
  /** The constraints the config accepts as NOT VALID. */
  readonly accepted?: readonly string[];
}

/** `ce24.fk.orphans.<constraint>`: child rows whose parent does not exist. */
export interface OrphanMeasures {
  readonly orphans: number;
  /** Whether the constraint is VALID. */
  readonly validated?: boolean;
}

/** `ce25.integrity.null-tenant-key.<table>`: rows whose tenant key is NULL. */
export interface NullTenantKeyMeasures {
  readonly nullCount: number;
  readonly rowsScanned?: number;
  /** The tenant key column. */
  readonly column?: string;
}

/** `ce25.integrity.future-timestamps.<table>`: rows with a timestamp later than now + clock skew. */
export interface FutureTimestampMeasures {
  readonly futureCount: number;
  readonly rowsScanned?: number;
  readonly columns?: readonly string[];
  readonly clockSkewSeconds?: number;
}

/** `ce26.perf.query.<name>`: one benchmark query; `baselineMs` when a baseline exists. */
export interface QueryTimingMeasures {
  readonly executionMs: number;
  readonly budgetMs: number;
  readonly baselineMs?: number;
  readonly planningMs?: number;
  /** Execution time of every run. */
  readonly runsMs?: readonly number[];
  readonly rows?: number;
  readonly sharedHitBlocks?: number;
  readonly sharedReadBlocks?: number;
  /** The plan's nodes, outermost first. */
  readonly planShape?: readonly string[];
  /** Sequential scans of tables of `seqScanMinRows` rows or more, for a person. */
  readonly seqScans?: readonly string[];
  readonly seqScanMinRows?: number;
  /** The tenant the query ran as. */
  readonly tenant?: string;
  readonly params?: readonly string[];
  readonly sql?: string;
}

/** `ce26.perf.index-usage`: indexes with `idx_scan > 0`, out of all indexes checked. */
export interface IndexUsageMeasures {
  readonly used: number;
  readonly total: number;
  /** `table.index` of every index never scanned that enforces no constraint. */
  readonly unused?: readonly string[];
  readonly failOnUnused?: boolean;
  readonly largestTenantTable?: { readonly table: string; readonly estimatedRows: number } | null;
}

/** `ce26.perf.connection-leaks`: connections left open (or idle in transaction) after the suite. */
export interface ConnectionLeakMeasures {
  readonly leaked: number;
  readonly gateConnections?: number;
  /** `application name: state` of every gate connection. */
  readonly states?: readonly string[];
}

/**
 * `ce27.rollback.data-preserved`: the rows the rollback comparison covered and the probe rows left
 * after it; "Rollback tested" needs one of them above zero (a cycle over empty tables shows nothing).
 */
export interface RollbackDataMeasures {
  readonly rowsCompared: number;
  /** Null when the probe's table is gone after the rollback. */
  readonly probeRows: number | null;
  readonly tablesCompared?: number;
  /** Tables the rolled-back migrations created, legitimately gone. */
  readonly droppedTables?: readonly string[];
  /** Columns (`table.column`) the rolled-back migrations added, legitimately gone: left out of the comparison. */
  readonly droppedColumns?: readonly string[];
}

/** The measures interface of each {@link WELL_KNOWN_CHECK_IDS} entry, by the entry's name. */
interface MeasuresByCheckName {
  readonly migrationVersion: MigrationVersionMeasures;
  readonly rlsEnabledCount: RlsEnabledMeasures;
  readonly forceRlsCount: ForceRlsMeasures;
  readonly foreignKeyCount: ForeignKeyCountMeasures;
  readonly foreignKeyValidated: ForeignKeyValidatedMeasures;
  readonly indexUsage: IndexUsageMeasures;
  readonly connectionLeaks: ConnectionLeakMeasures;
  readonly rollbackDataPreserved: RollbackDataMeasures;
}

/** The measures interface of each measured {@link WELL_KNOWN_CHECK_PREFIXES} family, by its name. */
interface MeasuresByFamilyName {
  readonly foreignKeyOrphans: OrphanMeasures;
  readonly nullTenantKey: NullTenantKeyMeasures;
  readonly futureTimestamps: FutureTimestampMeasures;
  readonly queryTiming: QueryTimingMeasures;
}

type CheckName = keyof typeof WELL_KNOWN_CHECK_IDS;
type FamilyName = keyof MeasuresByFamilyName;

/**
 * Check id → measures interface, e.g. `WellKnownCheckMeasures['ce24.fk.count']` is
 * {@link ForeignKeyCountMeasures}. Every id of {@link WELL_KNOWN_CHECK_IDS} has one (a new id without
 * an entry in `MeasuresByCheckName` does not compile).
 */
export type WellKnownCheckMeasures = {
  readonly [N in CheckName as (typeof WELL_KNOWN_CHECK_IDS)[N]]: MeasuresByCheckName[N];
};

/** Family prefix → measures interface, e.g. `WellKnownFamilyMeasures['ce24.fk.orphans.']` is {@link OrphanMeasures}. */
export type WellKnownFamilyMeasures = {
  readonly [N in FamilyName as (typeof WELL_KNOWN_CHECK_PREFIXES)[N]]: MeasuresByFamilyName[N];
};

/** An id of {@link WELL_KNOWN_CHECK_IDS}. */
export type WellKnownCheckId = keyof WellKnownCheckMeasures;

/** A prefix of {@link WELL_KNOWN_CHECK_PREFIXES} whose checks measure something (not `ce20.backup.`). */
export type WellKnownFamilyPrefix = keyof WellKnownFamilyMeasures;
