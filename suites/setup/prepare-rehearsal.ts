import type {} from 'vitest';
import type { BackupFile } from '../../helpers/run/database-backup.ts';
import { takeSnapshot, type DatabaseSnapshot } from '../../helpers/run/database-snapshot.ts';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { errorMessage } from '../../helpers/gate-error.ts';
import {
  databaseUrlOn,
  restoreOnServer,
  startRehearsalServer,
  type RehearsalServer,
} from '../../helpers/run/rehearsal-server.ts';
import type { StepOutcome } from './gate-run-record.ts';
import { largeTableProgress } from './large-table-progress.ts';

/** The pre-migration backup restored once on the run's rehearsal server, for CE-20, CE-21 and CE-27. */
export type RehearsalRecord = StepOutcome<{
  /** Maintenance database of the rehearsal server (password included: never print it unredacted). */
  readonly serverUrl: string;
  /**
   * The restore: the template of every clone, never connected to by a suite. `restored` on the run's
   * own embedded server, a unique name on a shared one (MIGRATION_GATE_REHEARSAL_URL).
   */
  readonly database: string;
  /**
   * Row counts of the restore and its schema checksum, without row checksums (every `checksum` is
   * `''`): CE-20 compares the counts with the preflight, and no other suite reads it (CE-21 and CE-27
   * fingerprint their own clones).
   */
  readonly snapshot: DatabaseSnapshot;
  readonly restoreMs: number;
}>;

declare module 'vitest' {
  export interface ProvidedContext {
    rehearsal: RehearsalRecord;
  }
}

/** The run's rehearsal server, started at once (beside the dry run and migrations) and stopped at teardown. */
export interface RunRehearsal {
  /** Restores the backup once it exists; a backup that failed leaves the restore not run. */
  restore(backup: StepOutcome<BackupFile>): void;
  record(): Promise<RehearsalRecord>;
  stop(): Promise<void>;
}

export function startRunRehearsal(
  sourceUrl: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  /** The gated schema: it scopes the restore snapshot's summary counts, as it does the preflight's. */
  schema = 'public',
): RunRehearsal {
  const server: Promise<StepOutcome<RehearsalServer>> = startRehearsalServer(log, env).then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error: errorMessage(error) }),
  );
  let restored: Promise<RehearsalRecord> = Promise.resolve({
    ok: 'not-run',
    reason: 'there is no backup to restore',
  });
  return {
    restore(backup) {
      restored = (async (): Promise<RehearsalRecord> => {
        if (backup.ok !== true) return { ok: 'not-run', reason: 'the pre-migration backup failed' };
        const started = await server;
        if (started.ok !== true) {
          return {
            ok: false,
            error: `the rehearsal server did not start: ${String(started.ok === false ? started.error : '')}`,
          };
        }
        try {
          const begun = performance.now();
          const database = started.value.restoreName;
          await restoreOnServer(started.value.url, database, backup.value.path, sourceUrl);
          const restoreMs = performance.now() - begun;
          log(
            `restore of the backup (pg_restore, ${backup.value.bytes} bytes): done in ${Math.round(restoreMs)} ms`,
          );
          const client = await connectClient(databaseUrlOn(started.value.url, database));
          try {
            const snapshot = await takeSnapshot(client, schema, {
              checksums: false,
              onLargeTable: largeTableProgress('row counts of the restore', log),
            });
            return {
              ok: true,
              value: { serverUrl: started.value.url, database, snapshot, restoreMs },
            };
          } finally {
            await client.end();
          }
        } catch (error) {
          log(`restore of the backup: FAILED — ${errorMessage(error)}`);
          return { ok: false, error: errorMessage(error) };
        }
      })();
    },
    record: () => restored,
    async stop() {
      await restored.catch(() => undefined);
      const started = await server;
      if (started.ok === true) await started.value.stop();
    },
  };
}
