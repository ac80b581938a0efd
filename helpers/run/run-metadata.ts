import type {} from 'vitest';
/** Facts about the database a gate run verified; handed from globalSetup to tests and the reporter. */

export interface AppliedMigrationRecord {
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: string;
  readonly durationMs: number;
}

export interface RunMetadata {
  /** Vitest project that ran the gate: `local`, `staging`, … */
  readonly project: string;
  readonly provider: 'embedded' | 'url' | 'testcontainers';
  readonly database: {
    /** Connection URL with the password redacted. */
    readonly url: string;
    readonly name: string;
    readonly serverVersion: string;
  };
  readonly migrations: {
    /** `alembic_version.version_num`, or null when the database has none. */
    readonly version: string | null;
    readonly applied: readonly AppliedMigrationRecord[];
  };
  readonly startedAt: string;
  /** Where this run's pg_dump backups are and when they are deleted (MIGRATION_GATE_KEEP_BACKUPS). */
  readonly backups?: BackupRetentionRecord;
}

/** The retention of a run's backups, for the report to say where they are and when they go. */
export interface BackupRetentionRecord {
  /** Absolute path of the backup directory (mode 0700; each dump 0600). */
  readonly directory: string;
  /** How many gate runs' backups the directory keeps, this run's included. */
  readonly keepRuns: number;
  /** When this run's backups are deleted, as a sentence for the report. */
  readonly expires: string;
  /** Dumps of older runs this run deleted when it started. */
  readonly removed: readonly string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Unredacted URL of the database under test (never printed). */
    databaseUrl: string;
    runMetadata: RunMetadata;
  }
}
