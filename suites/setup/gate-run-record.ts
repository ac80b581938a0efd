import type {} from 'vitest';
import type { DatabaseSnapshot, SnapshotDifference } from '../../helpers/run/database-snapshot.ts';
import type { BackupFile } from '../../helpers/run/database-backup.ts';
import type { TimedMigration } from '../../helpers/migrations/migrator.ts';
import type { SecuritySnapshot } from '../../helpers/privileges/security-snapshot.ts';
import type { ConfigProblem } from '../../helpers/config/config-against-catalog.ts';
import { errorMessage } from '../../helpers/gate-error.ts';

/** A step of the run that globalSetup performed: its result, or the one-sentence error it hit. */
export type StepOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: 'not-run'; readonly reason: string };

/** The outcome of `work`: its value, or its error as one sentence (never a rejection). */
export function settleStep<T>(work: () => Promise<T>): Promise<StepOutcome<T>> {
  return work().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: errorMessage(error) }),
  );
}

/** What globalSetup did before the suites ran; suites turn each step into checks with evidence. */
export interface GateRunRecord {
  readonly project: string;
  /** Snapshot before anything was changed (CE-20 state documentation). */
  readonly preflight: DatabaseSnapshot;
  readonly backup: StepOutcome<BackupFile>;
  readonly dryRun: StepOutcome<{
    readonly from: string | null;
    readonly executed: readonly TimedMigration[];
    readonly totalMs: number;
  }>;
  /**
   * The config compared with the catalog as the pending migrations leave it (inside the dry run): what
   * it names that is not there. Not run when the dry run failed.
   */
  readonly configCheck: StepOutcome<readonly ConfigProblem[]>;
  /**
   * Tables or schema the dry run changed: must be empty. `rows` says how rows were compared: by
   * checksum, or by count only when the run applies and seeds nothing, so that the preflight is the
   * baseline and `ce20.post-run.unchanged` compares every row's checksum after the dry run anyway.
   */
  readonly dryRunTrace: {
    readonly tables: readonly SnapshotDifference[];
    readonly schemaChanged: boolean;
    readonly rows?: 'checksums' | 'counts';
  };
  readonly migrate: StepOutcome<{
    readonly from: string | null;
    readonly to: string | null;
    readonly applied: readonly TimedMigration[];
  }>;
  /** Fixtures committed to the throw-away database (`local` only). */
  readonly seeded: StepOutcome<Readonly<Record<string, number>>>;
  /** Snapshot the run must leave unchanged: after setup, before the suites. */
  readonly baseline: DatabaseSnapshot;
  /** Policies, grants and RLS flags before the dry run and apply: the CE-23 security diff's "before". */
  readonly securityBefore?: SecuritySnapshot;
  /** The version `securityBefore` was taken at (`local`: the rollback target), null before the run's migrations. */
  readonly securityBeforeVersion?: string | null;
  /** The same, inside the dry run's transaction after the pending migrations, before its rollback. */
  readonly securityAfterDryRun?: SecuritySnapshot;
}

/**
 * The setup applied no migration and committed no fixture, so the source is still what its
 * pre-migration backup holds: that backup (and its restore) stands for the post-migration state.
 */
export function changedNothing(run: Pick<GateRunRecord, 'migrate' | 'seeded'>): boolean {
  return run.migrate.ok === 'not-run' && run.seeded.ok === 'not-run';
}

/**
 * Migrations the run only dry-ran (staging without MIGRATION_GATE_APPLY): pending, so what they create
 * is not in the database the suites judge. Empty when the run applied them or had none pending.
 */
export function dryRunOnlyMigrations(run: Pick<GateRunRecord, 'migrate' | 'dryRun'>): readonly string[] {
  return run.migrate.ok !== true && run.dryRun.ok === true
    ? run.dryRun.value.executed.map((migration) => migration.name)
    : [];
}

/** `(004_x, 005_y pending and only dry-run …)` for a message about something missing; '' when none. */
export function pendingNote(run: Pick<GateRunRecord, 'migrate' | 'dryRun'>): string {
  const pending = dryRunOnlyMigrations(run);
  return pending.length === 0
    ? ''
    : ` (${pending.join(', ')} pending and only dry-run in this run: what they create is not there yet)`;
}

declare module 'vitest' {
  export interface ProvidedContext {
    gateRun: GateRunRecord;
  }
}
