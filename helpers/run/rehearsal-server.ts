import { randomBytes } from 'node:crypto';
import { connectClient } from '../db/database-connection.ts';
import { restoreBackup } from './database-backup.ts';
import { EmbeddedProvider } from '../providers/embedded-provider.ts';
import type { StartedDatabase } from '../providers/database-provider.ts';
import { quoteIdent } from '../db/sql-identifier.ts';
import { GateError, errorMessage } from '../gate-error.ts';
import { redactUrl } from '../redact.ts';

/**
 * A superuser URL of an already running server the gate may create and drop databases on: set, the
 * rehearsals restore into scratch databases there instead of starting an embedded server.
 */
export const REHEARSAL_URL_VARIABLE = 'MIGRATION_GATE_REHEARSAL_URL';

/** The rehearsal server, and the name of the database the run's restore goes into on it. */
export interface RehearsalServer extends StartedDatabase {
  /**
   * `restored` on a server of the run's own; on a shared server (MIGRATION_GATE_REHEARSAL_URL) a
   * unique `mg_restored_<hex>`, dropped by `stop()` (clones drop themselves when their check is done).
   */
  readonly restoreName: string;
}

/** Fails with one sentence unless `url` connects as a role that may create databases. */
async function assertMayCreateDatabases(url: string): Promise<void> {
  let allowed: boolean;
  try {
    const client = await connectClient(url);
    try {
      const result = await client.query<{ allowed: boolean }>(
        'SELECT rolsuper OR rolcreatedb AS allowed FROM pg_roles WHERE rolname = current_user',
      );
      allowed = result.rows[0]?.allowed === true;
    } finally {
      await client.end();
    }
  } catch (error) {
    throw new GateError(
      `${REHEARSAL_URL_VARIABLE} (${redactUrl(url)}) does not connect: ${errorMessage(error)}.`,
      { cause: error },
    );
  }
  if (!allowed) {
    throw new GateError(
      `${REHEARSAL_URL_VARIABLE} (${redactUrl(url)}) connects as a role that may not create databases; give a superuser URL.`,
    );
  }
}

/**
 * The run's one throw-away "rehearsal" server: the backup is restored into it once, and the CE-21
 * mirror and the CE-27 cycle work on `CREATE DATABASE … TEMPLATE` clones of that restore (a file copy)
 * instead of each starting a server and restoring the dump again. `url` names its maintenance database.
 * With MIGRATION_GATE_REHEARSAL_URL in `env` that is an already running server (nothing is started;
 * `stop()` drops the restore), else an embedded server of its own (`stop()` deletes it).
 */
export async function startRehearsalServer(
  log?: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RehearsalServer> {
  const shared = env[REHEARSAL_URL_VARIABLE]?.trim();
  if (shared !== undefined && shared !== '') {
    await assertMayCreateDatabases(shared);
    const restoreName = scratchName('mg_restored');
    log?.(
      `rehearsal server: ${redactUrl(shared)} (${REHEARSAL_URL_VARIABLE}), restore database ${restoreName}`,
    );
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await dropOnServer(shared, restoreName);
    };
    return { provider: 'url', url: shared, restoreName, stop, [Symbol.asyncDispose]: stop };
  }
  const started = await new EmbeddedProvider({
    database: 'rehearsal',
    ...(log === undefined ? {} : { log }),
  }).start();
  const stop = (): Promise<void> => started.stop();
  return {
    provider: started.provider,
    url: started.url,
    restoreName: 'restored',
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The URL of database `name` on the server that `serverUrl` points at (same credentials). */
export function databaseUrlOn(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** A database name that no earlier clone on the server used: `prefix_<hex>`. */
export function scratchName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = await connectClient(serverUrl);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Roles the source's policies and grants name, created NOLOGIN on the server (roles are per server). */
export async function copyRoles(sourceUrl: string, serverUrl: string): Promise<void> {
  const source = await connectClient(sourceUrl);
  let roles: string[];
  try {
    const result = await source.query<{ rolname: string }>(
      `SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' AND rolname <> current_user ORDER BY 1`,
    );
    roles = result.rows.map((row) => row.rolname);
  } finally {
    await source.end();
  }
  const client = await connectClient(serverUrl);
  try {
    for (const role of roles) {
      await client.query(
        `DO $$ BEGIN CREATE ROLE ${quoteIdent(role)} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
      );
    }
  } finally {
    await client.end();
  }
}

/** Creates database `name` on the server and restores `backupFile` into it; returns its URL. */
export async function restoreOnServer(
  serverUrl: string,
  name: string,
  backupFile: string,
  sourceUrl: string,
): Promise<string> {
  await copyRoles(sourceUrl, serverUrl);
  await onServer(serverUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  const url = databaseUrlOn(serverUrl, name);
  await restoreBackup(backupFile, url);
  return url;
}

/**
 * `CREATE DATABASE name TEMPLATE template`; returns its URL. Nobody may be connected to the template,
 * and PostgreSQL refuses while its last sessions are still closing, so that refusal is retried briefly.
 */
export async function cloneOnServer(serverUrl: string, template: string, name: string): Promise<string> {
  const strategy = await cloneStrategy(serverUrl, template);
  for (let attempt = 0; ; attempt += 1) {
    try {
      await onServer(
        serverUrl,
        `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}${strategy === undefined ? '' : ` STRATEGY ${strategy}`}`,
      );
      return databaseUrlOn(serverUrl, name);
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** From this size a template is copied file by file rather than through the WAL. */
const FILE_COPY_FROM_BYTES = 64 * 1024 ** 2;

/**
 * PostgreSQL 15 copies a template block by block through the WAL by default, which writes it twice;
 * for a large one `STRATEGY FILE_COPY` (a checkpoint, then a file copy) is faster: 0.29–0.64 s against
 * 0.71–0.97 s at 223 MB here, and the gap grows with the size. Older servers have no choice to make.
 */
async function cloneStrategy(serverUrl: string, template: string): Promise<'FILE_COPY' | undefined> {
  const client = await connectClient(serverUrl);
  try {
    // A size the role may not read (no CONNECT on the template) leaves the server's default.
    const result = await client.query<{ version: number; bytes: string | null }>(
      `SELECT current_setting('server_version_num')::int AS version,
              (SELECT pg_database_size(oid)::text FROM pg_database WHERE datname = $1) AS bytes`,
      [template],
    );
    const row = result.rows[0];
    return row !== undefined && row.version >= 150_000 && Number(row.bytes ?? 0) >= FILE_COPY_FROM_BYTES
      ? 'FILE_COPY'
      : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

/** Drops a clone once its check is done, so the server holds at most the restore and one clone. */
export async function dropOnServer(serverUrl: string, name: string): Promise<void> {
  await onServer(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}
