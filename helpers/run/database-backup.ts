import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GateError, errorMessage } from '../gate-error.ts';
import { parseDatabaseUrl } from '../db/database-url.ts';

const run = promisify(execFile);

export interface BackupFile {
  readonly path: string;
  readonly bytes: number;
  readonly durationMs: number;
  readonly pgDumpVersion: string;
}

/** URL query parameters libpq understands, and the environment variable the client tools read them from. */
const QUERY_TO_ENVIRONMENT: Readonly<Record<string, string>> = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  sslcrl: 'PGSSLCRL',
  options: 'PGOPTIONS',
  application_name: 'PGAPPNAME',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
};

/**
 * libpq settings for the client tools, so the password travels in the environment, not argv, and
 * TLS settings such as `?sslmode=verify-full` hold for pg_dump as they do for the gate's own queries.
 */
export function clientEnvironment(url: string): NodeJS.ProcessEnv {
  const target = new URL(url);
  const fromQuery: Record<string, string> = {};
  for (const [key, value] of target.searchParams) {
    const variable = QUERY_TO_ENVIRONMENT[key];
    if (variable !== undefined) fromQuery[variable] = value;
  }
  return {
    ...process.env,
    PGHOST: target.searchParams.get('host') ?? target.hostname,
    PGPORT: target.port || '5432',
    PGUSER: decodeURIComponent(target.username) || 'postgres',
    PGPASSWORD: decodeURIComponent(target.password),
    PGDATABASE: decodeURIComponent(target.pathname.replace(/^\//, '')),
    ...fromQuery,
  };
}

async function toolVersion(tool: string): Promise<string> {
  try {
    const { stdout } = await run(tool, ['--version']);
    return stdout.trim();
  } catch (error) {
    throw new GateError(
      `${tool} was not found on PATH (${errorMessage(error)}); install the PostgreSQL client tools (Debian: apt-get install postgresql-client).`,
      { cause: error },
    );
  }
}

/** Ledger of the dumps written into a backup directory, one JSON line each (see backup-retention.ts). */
export const BACKUP_LEDGER = '.migration-gate-backups.jsonl';

/**
 * One line of the ledger: a gate run that started (`pid`: the Vitest main process, where globalSetup
 * runs), or a dump that was written (`pid` / `ppid` of the writer: a test worker's parent is that
 * main process, which ties the dump to its run even while other runs share the directory).
 */
export type BackupLedgerEntry =
  | { readonly kind: 'run'; readonly runId: string; readonly startedAt: string; readonly pid?: number }
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly writtenAt: string;
      readonly pid?: number;
      readonly ppid?: number;
    };

/** The backup directory, created or tightened to 0700: dumps hold every row of the database. */
export async function ensurePrivateDirectory(directory: string): Promise<void> {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  await fs.chmod(directory, 0o700);
}

const LOCK_STALE_MS = 30_000;

/**
 * Runs `work` holding the ledger's lock file, so a run rewriting the ledger (retention) never drops a
 * line another process appends meanwhile. A lock older than 30 s is a killed holder's and is taken over.
 */
export async function withLedgerLock<T>(directory: string, work: () => Promise<T>): Promise<T> {
  const lock = path.join(directory, `${BACKUP_LEDGER}.lock`);
  for (let attempt = 0; ; attempt += 1) {
    try {
      await (await fs.open(lock, 'wx', 0o600)).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - ((await fs.stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS || attempt > 1_500) await fs.rm(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { force: true });
  }
}

/** Appends one entry to the directory's ledger, under its lock. */
export async function appendToLedger(directory: string, entry: BackupLedgerEntry): Promise<void> {
  await withLedgerLock(directory, () =>
    fs.appendFile(path.join(directory, BACKUP_LEDGER), `${JSON.stringify(entry)}\n`, { mode: 0o600 }),
  );
}

/**
 * `pg_dump -Fc` of the whole database into `directory`, named like the plan's backups. The file is
 * mode 0600 in a 0700 directory from its first byte, and recorded in the directory's ledger so the
 * retention of later runs (MIGRATION_GATE_KEEP_BACKUPS) removes it.
 */
export async function createBackup(url: string, directory: string, label: string): Promise<BackupFile> {
  const pgDumpVersion = await toolVersion('pg_dump');
  const { database } = parseDatabaseUrl(url);
  const writtenAt = new Date();
  const stamp = writtenAt.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  await ensurePrivateDirectory(directory);
  const file = path.join(directory, `${database}_${label}_${stamp}.dump`);
  // Created 0600 before pg_dump opens it: pg_dump truncates and keeps the mode, whatever the umask.
  await fs.writeFile(file, '', { mode: 0o600 });
  await fs.chmod(file, 0o600);
  await appendToLedger(directory, {
    kind: 'file',
    path: file,
    writtenAt: writtenAt.toISOString(),
    pid: process.pid,
    ppid: process.ppid,
  });
  const started = performance.now();
  try {
    await run('pg_dump', ['--format=custom', '--blobs', '--no-password', `--file=${file}`], {
      env: clientEnvironment(url),
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    await fs.rm(file, { force: true });
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new GateError(
      `pg_dump failed: ${stderr || errorMessage(error)}; check that ${pgDumpVersion} can dump this server.`,
      {
        cause: error,
      },
    );
  }
  const { size } = await fs.stat(file);
  return { path: file, bytes: size, durationMs: performance.now() - started, pgDumpVersion };
}

/** What `pg_restore --list` reads from a custom-format dump's header and table of contents. */
export interface BackupContents {
  readonly format: string | null;
  /** `TOC Entries` as the header states it. */
  readonly declaredEntries: number | null;
  /** Entries actually listed. */
  readonly entries: readonly string[];
  readonly dumpedFrom: string | null;
}

/** Reads a dump's table of contents via `pg_restore --list`; an unreadable file fails here. */
export async function listBackup(file: string): Promise<BackupContents> {
  await toolVersion('pg_restore');
  let stdout: string;
  try {
    ({ stdout } = await run('pg_restore', ['--list', file], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new GateError(`pg_restore cannot read ${file}: ${stderr || errorMessage(error)}.`, {
      cause: error,
    });
  }
  const lines = stdout.split('\n');
  const header = (label: string): string | null =>
    lines
      .find((line) => line.startsWith(`;     ${label}:`))
      ?.split(':')
      .slice(1)
      .join(':')
      .trim() ?? null;
  const declared = header('TOC Entries');
  return {
    format: header('Format'),
    declaredEntries: declared === null ? null : Number(declared),
    entries: lines.filter((line) => line.trim() !== '' && !line.startsWith(';')),
    dumpedFrom: header('Dumped from database version'),
  };
}

/** Session settings of a restore (user-settable, so on a shared server too). */
const RESTORE_SESSION_OPTIONS = '-c maintenance_work_mem=256MB -c synchronous_commit=off';

/** Parallel restore jobs: `min(4, os.availableParallelism())`. */
export function restoreJobs(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Whether `pg_restore --jobs` can read this dump: a custom-format file (`PGDMP` header, with data
 * offsets pg_restore can seek to) or a directory-format dump; not a tar archive or plain SQL.
 */
async function allowsParallelRestore(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (stat === undefined) return false;
  if (stat.isDirectory()) return true;
  const handle = await fs.open(file, 'r');
  try {
    const header = Buffer.alloc(5);
    await handle.read(header, 0, 5, 0);
    return header.toString('latin1') === 'PGDMP';
  } finally {
    await handle.close();
  }
}

/**
 * Restores a dump into an (empty) database; errors from pg_restore fail the restore. A custom-format
 * dump is restored with `--jobs` ({@link restoreJobs}: tables loaded and indexes built in parallel);
 * the restore is not one transaction (`--single-transaction` excludes `--jobs`), so a failed restore
 * leaves a partial database, which callers drop with the scratch database it went into.
 */
export async function restoreBackup(file: string, targetUrl: string): Promise<void> {
  const env = clientEnvironment(targetUrl);
  try {
    await run('pg_restore', await restoreArguments(file, parseDatabaseUrl(targetUrl).database), {
      // The restore's sessions only: index builds in memory, and no wait for a WAL flush per commit.
      env: { ...env, PGOPTIONS: `${env['PGOPTIONS'] ?? ''} ${RESTORE_SESSION_OPTIONS}`.trim() },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new GateError(`pg_restore of ${file} failed: ${stderr || errorMessage(error)}.`, { cause: error });
  }
}

/** The `pg_restore` arguments {@link restoreBackup} runs: `--jobs` only for a dump that allows it. */
export async function restoreArguments(file: string, database: string): Promise<string[]> {
  const jobs = (await allowsParallelRestore(file)) ? restoreJobs() : 1;
  return [
    '--no-password',
    '--exit-on-error',
    '--no-owner',
    ...(jobs > 1 ? [`--jobs=${jobs}`] : []),
    `--dbname=${database}`,
    file,
  ];
}
