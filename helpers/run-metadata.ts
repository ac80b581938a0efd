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
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Unredacted URL of the database under test (never printed). */
    databaseUrl: string;
    runMetadata: RunMetadata;
  }
}
