import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { BACKUP_LEDGER, appendToLedger } from '../../helpers/run/database-backup.ts';
import { keepRunsSetting, startBackupRun } from '../../helpers/run/backup-retention.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function backupDir(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-retention-test-'));
  made.push(parent);
  return path.join(parent, 'backups');
}

/** A pid no process has (above any pid_max): a run that has finished. */
const FINISHED = 999_999_000;

/** A run that starts at `minute` as process `pid` and writes one dump (as createBackup records it). */
async function run(
  directory: string,
  minute: number,
  keep: number,
  pid: number = FINISHED + minute,
): Promise<{ file: string; removed: readonly string[] }> {
  const now = new Date(Date.UTC(2026, 0, 1, 0, minute));
  const retention = await startBackupRun(directory, keep, { now, pid });
  const file = path.join(directory, `gate_run${minute}.dump`);
  fs.writeFileSync(file, 'dump', { mode: 0o600 });
  await appendToLedger(directory, {
    kind: 'file',
    path: file,
    writtenAt: new Date(now.getTime() + 1000).toISOString(),
    pid: pid + 100_000,
    ppid: pid,
  });
  return { file, removed: retention.removed };
}

describe('backup retention (MIGRATION_GATE_KEEP_BACKUPS)', () => {
  test("keeping 1 run: each run deletes the previous run's dumps when it starts, and only those", async () => {
    const directory = backupDir();
    const first = await run(directory, 1, 1);
    const foreign = path.join(directory, 'someone-elses.dump');
    fs.writeFileSync(foreign, 'not ours');
    const second = await run(directory, 2, 1);
    expect(second.removed).toEqual([first.file]);
    expect(fs.existsSync(first.file)).toBe(false);
    expect(fs.existsSync(second.file)).toBe(true);
    // Not in the ledger: never touched.
    expect(fs.existsSync(foreign)).toBe(true);
  });

  test("keeping 2 runs: a run's dumps survive one later run and go with the second", async () => {
    const directory = backupDir();
    const first = await run(directory, 1, 2);
    const second = await run(directory, 2, 2);
    expect(second.removed).toEqual([]);
    const third = await run(directory, 3, 2);
    expect(third.removed).toEqual([first.file]);
    expect([second.file, third.file].every((file) => fs.existsSync(file))).toBe(true);
    // The ledger forgets what it deleted.
    expect(fs.readFileSync(path.join(directory, BACKUP_LEDGER), 'utf8')).not.toContain('run1.dump');
  });

  test('a run still in progress keeps its dumps, however many runs started after it', async () => {
    const directory = backupDir();
    // This test process stands for a long staging run that is still going.
    const running = await run(directory, 1, 1, process.pid);
    const second = await run(directory, 2, 1);
    const third = await run(directory, 3, 1);
    expect(second.removed).toEqual([]);
    expect(third.removed).toEqual([second.file]);
    expect(fs.existsSync(running.file)).toBe(true);
  });

  test('the directory is made 0700 (also when it existed, wider) and the record says where and when', async () => {
    const directory = backupDir();
    fs.mkdirSync(directory, { mode: 0o755 });
    fs.chmodSync(directory, 0o755);
    const retention = await startBackupRun(directory, 3, { pid: FINISHED });
    expect(fs.statSync(directory).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(directory, BACKUP_LEDGER)).mode & 0o777).toBe(0o600);
    expect(retention).toEqual({
      directory,
      keepRuns: 3,
      removed: [],
      expires: `deleted when the 3rd gate run after this one using ${directory} starts (MIGRATION_GATE_KEEP_BACKUPS=3 keeps the last 3 runs)`,
    });
    expect((await startBackupRun(directory, 1, { pid: FINISHED })).expires).toBe(
      `deleted when the next gate run using ${directory} starts (MIGRATION_GATE_KEEP_BACKUPS=1 keeps the last 1 run)`,
    );
  });

  test('how many runs to keep: the environment, else the config, else 1; a bad value is one sentence', () => {
    expect(keepRunsSetting({}, {})).toBe(1);
    expect(keepRunsSetting({}, { backups: { keepRuns: 4 } })).toBe(4);
    expect(keepRunsSetting({ MIGRATION_GATE_KEEP_BACKUPS: '2' }, { backups: { keepRuns: 4 } })).toBe(2);
    expect(() => keepRunsSetting({ MIGRATION_GATE_KEEP_BACKUPS: '0' }, {})).toThrow(
      /^MIGRATION_GATE_KEEP_BACKUPS=0 is not a whole number of runs of at least 1; set it to how many/,
    );
    expect(() => keepRunsSetting({}, { backups: { keepRuns: 'all' } })).toThrow(
      /^backups\.keepRuns in the gate config is "all"; set it to a whole number/,
    );
  });
});
