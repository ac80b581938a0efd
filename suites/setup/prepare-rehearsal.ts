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
import { settleStep, type StepOutcome } from './gate-run-record.ts';
import { largeTableProgress } from './large-table-progress.ts';

/** The run's rehearsal server as the setup started it, where the pre-migration backup is restored. */
export type RehearsalServerRecord = StepOutcome<{
  /** Maintenance database of the rehearsal server (password included: never print it unredacted). */
  readonly serverUrl: string;
  /**
   * The database the backup is restored into: the template of every clone, never connected to by a
   * suite. `restored` on the run's own embedded server, a unique name on a shared one
   * (MIGRATION_GATE_REHEARSAL_URL), dropped when the run ends either way.
   */
  readonly restoreName: string;
}>;

/** The pre-migration backup restored once on the run's rehearsal server, for CE-20, CE-21 and CE-27. */
export type RehearsalRecord = StepOutcome<{
  readonly serverUrl: string;
  /** The restore (see {@link RehearsalServerRecord}'s `restoreName`). */
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
    rehearsalServer: RehearsalServerRecord;
    /**
     * The restore when the setup made it beside its later steps (`local`: beside the seeding); null
     * when the first suite that needs it makes it (see `suites/support/restored-backup.ts`).
     */
    restoredInSetup: RehearsalRecord | null;
  }
}

/** The run's rehearsal server, started at once (beside the dry run and migrations) and stopped at teardown. */
export interface RunRehearsal {
  /** The started server, or why it did not start. */
  server(): Promise<RehearsalServerRecord>;
  stop(): Promise<void>;
}

/** No rehearsal server: none of the suites that restore the backup (CE-20, CE-21, CE-27) is in the run. */
export function noRunRehearsal(reason: string): RunRehearsal {
  return {
    server: async () => ({ ok: 'not-run', reason }),
    stop: async () => undefined,
  };
}

export function startRunRehearsal(
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): RunRehearsal {
  const server = settleStep((): Promise<RehearsalServer> => startRehearsalServer(log, env));
  return {
    async server() {
      const started = await server;
      if (started.ok !== true)
        return {
          ok: false,
          error: `the rehearsal server did not start: ${String(started.ok === false ? started.error : '')}`,
        };
      return { ok: true, value: { serverUrl: started.value.url, restoreName: started.value.restoreName } };
    },
    async stop() {
      const started = await server;
      if (started.ok === true) await started.value.stop();
    },
  };
}

/**
 * Restores the backup into the rehearsal server's restore database and counts its rows. The suites
 * that need it do this on first use (see `suites/support/restored-backup.ts`), so a run narrowed to
 * suites that never read the restore (CE-23, say) spends no pg_restore on it; a run with long steps
 * after the backup (`local`'s seeding) does it in the setup, beside them. A backup or a server that
 * failed leaves it not run or failed, with the reason. Never rejects.
 */
export async function restoreForRehearsal(
  server: RehearsalServerRecord,
  backup: StepOutcome<BackupFile>,
  sourceUrl: string,
  log: (line: string) => void,
  /** The gated schema: it scopes the restore snapshot's summary counts, as it does the preflight's. */
  schema = 'public',
): Promise<RehearsalRecord> {
  if (backup.ok !== true) return { ok: 'not-run', reason: 'the pre-migration backup failed' };
  if (server.ok !== true) return server.ok === false ? server : { ok: false, error: server.reason };
  const { serverUrl, restoreName: database } = server.value;
  try {
    const begun = performance.now();
    await restoreOnServer(serverUrl, database, backup.value.path, sourceUrl);
    const restoreMs = performance.now() - begun;
    log(
      `restore of the backup (pg_restore, ${backup.value.bytes} bytes): done in ${Math.round(restoreMs)} ms`,
    );
    const client = await connectClient(databaseUrlOn(serverUrl, database));
    try {
      const snapshot = await takeSnapshot(client, schema, {
        checksums: false,
        onLargeTable: largeTableProgress('row counts of the restore', log),
      });
      return { ok: true, value: { serverUrl, database, snapshot, restoreMs } };
    } finally {
      await client.end();
    }
  } catch (error) {
    log(`restore of the backup: FAILED — ${errorMessage(error)}`);
    return { ok: false, error: errorMessage(error) };
  }
}
