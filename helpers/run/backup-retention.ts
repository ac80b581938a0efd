import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  BACKUP_LEDGER,
  ensurePrivateDirectory,
  withLedgerLock,
  type BackupLedgerEntry,
} from './database-backup.ts';
import { GateError } from '../gate-error.ts';
import type { BackupRetentionRecord } from './run-metadata.ts';

/** Environment variable that sets how many runs' backups a backup directory keeps. */
export const KEEP_BACKUPS_ENV = 'MIGRATION_GATE_KEEP_BACKUPS';
export const DEFAULT_KEEP_RUNS = 1;

/**
 * How many runs' backups to keep: MIGRATION_GATE_KEEP_BACKUPS, else the config's `backups.keepRuns`,
 * else 1. Read without a typed config field so a config without one is valid; a bad value is one sentence.
 */
export function keepRunsSetting(env: NodeJS.ProcessEnv, config: object): number {
  const fromEnv = env[KEEP_BACKUPS_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const value = Number(fromEnv);
    if (!Number.isInteger(value) || value < 1) {
      throw new GateError(
        `${KEEP_BACKUPS_ENV}=${fromEnv} is not a whole number of runs of at least 1; set it to how many gate runs' backups to keep (default ${DEFAULT_KEEP_RUNS}).`,
      );
    }
    return value;
  }
  const backups: unknown = Reflect.get(config, 'backups');
  const fromConfig: unknown =
    typeof backups === 'object' && backups !== null ? Reflect.get(backups, 'keepRuns') : undefined;
  if (fromConfig === undefined) return DEFAULT_KEEP_RUNS;
  if (typeof fromConfig !== 'number' || !Number.isInteger(fromConfig) || fromConfig < 1) {
    throw new GateError(
      `backups.keepRuns in the gate config is ${JSON.stringify(fromConfig)}; set it to a whole number of runs of at least 1.`,
    );
  }
  return fromConfig;
}

function isLedgerEntry(value: unknown): value is BackupLedgerEntry {
  if (typeof value !== 'object' || value === null) return false;
  const kind: unknown = Reflect.get(value, 'kind');
  const text = (key: string): boolean => typeof Reflect.get(value, key) === 'string';
  return (
    (kind === 'run' && text('runId') && text('startedAt')) ||
    (kind === 'file' && text('path') && text('writtenAt'))
  );
}

async function readLedger(directory: string): Promise<BackupLedgerEntry[]> {
  const text = await fs.readFile(path.join(directory, BACKUP_LEDGER), 'utf8').catch(() => '');
  const entries: BackupLedgerEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isLedgerEntry(parsed)) entries.push(parsed);
    } catch {
      // A torn line from a killed writer: it names no file we could safely delete.
    }
  }
  return entries;
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** With `keepRuns` = N, a run's dumps go when the Nth run after it starts. */
function expiry(directory: string, keepRuns: number): string {
  const when = keepRuns === 1 ? 'the next gate run' : `the ${ordinal(keepRuns)} gate run after this one`;
  return `deleted when ${when} using ${directory} starts (${KEEP_BACKUPS_ENV}=${keepRuns} keeps the last ${keepRuns} run${keepRuns === 1 ? '' : 's'})`;
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type RunEntry = Extract<BackupLedgerEntry, { kind: 'run' }>;
type FileEntry = Extract<BackupLedgerEntry, { kind: 'file' }>;

/**
 * The run a dump belongs to: the latest run started before it whose process wrote it or is the
 * writer's parent (a test worker); failing that, the latest run started before it.
 */
function ownerOf(file: FileEntry, runsByStart: readonly RunEntry[]): RunEntry | undefined {
  const before = runsByStart.filter((run) => run.startedAt <= file.writtenAt);
  const own = before.filter(
    (run) => run.pid !== undefined && (run.pid === file.pid || run.pid === file.ppid),
  );
  return own.at(-1) ?? before.at(-1);
}

/**
 * Registers a gate run in its backup directory (made 0700) and deletes the dumps of runs older than
 * the last `keepRuns` (this one included). A run whose process is still alive keeps its dumps
 * whatever its age: runs sharing a directory never delete each other's backups mid-run. Only dumps
 * the ledger lists are ever deleted, so a directory shared with other files loses nothing else.
 *
 * @example
 * const retention = await startBackupRun('backups', 1);
 * // retention.expires: 'deleted when the next gate run using /repo/backups starts (…)'
 */
export async function startBackupRun(
  directory: string,
  keepRuns: number,
  options: { readonly now?: Date; readonly pid?: number } = {},
): Promise<BackupRetentionRecord> {
  const absolute = path.resolve(directory);
  await ensurePrivateDirectory(absolute);
  const startedAt = (options.now ?? new Date()).toISOString();
  const pid = options.pid ?? process.pid;
  const runId = `${startedAt}-${pid}-${randomBytes(3).toString('hex')}`;
  const removed: string[] = [];
  await withLedgerLock(absolute, async () => {
    const ledger = [...(await readLedger(absolute)), { kind: 'run', runId, startedAt, pid } as const];
    const runs = ledger
      .flatMap((entry) => (entry.kind === 'run' ? [entry] : []))
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    const latest = new Set(runs.slice(-keepRuns));
    const kept = new Set(runs.filter((run) => latest.has(run) || run.runId === runId || alive(run.pid)));
    const survivors: BackupLedgerEntry[] = [];
    for (const entry of ledger) {
      const owner = entry.kind === 'file' ? ownerOf(entry, runs) : undefined;
      const expired = entry.kind === 'run' ? !kept.has(entry) : owner === undefined || !kept.has(owner);
      if (!expired) {
        survivors.push(entry);
        continue;
      }
      if (entry.kind !== 'file') continue;
      const existed = await fs
        .access(entry.path)
        .then(() => true)
        .catch(() => false);
      await fs.rm(entry.path, { force: true });
      if (existed) removed.push(entry.path);
    }
    // Rewritten beside and renamed over, so a reader never sees half a ledger.
    const temp = path.join(absolute, `${BACKUP_LEDGER}.${process.pid}.tmp`);
    await fs.writeFile(temp, survivors.map((entry) => `${JSON.stringify(entry)}\n`).join(''), {
      mode: 0o600,
    });
    await fs.rename(temp, path.join(absolute, BACKUP_LEDGER));
  });
  return { directory: absolute, keepRuns, expires: expiry(absolute, keepRuns), removed };
}
