import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { runGate } from '../../support/run-gate.ts';
import { runVitestCli } from '../../support/run-vitest-cli.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const template = inject('templateDatabase');
const CE20 = ['suites/ce20-environment.test.ts'];

async function execute(url: string, sql: string): Promise<void> {
  const client = await connectClient(url);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('sabotage: environment and backups (CE-20)', () => {
  test('an unreachable database stops the gate before any check, with one sentence and a non-zero exit', async () => {
    const result = await runVitestCli('staging', {
      DATABASE_URL: 'postgresql://gate:hunter2@127.0.0.1:1/staging',
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'Cannot connect to PostgreSQL at 127.0.0.1:1: the connection was refused',
    );
    expect(result.output).not.toContain('hunter2');
    expect(result.output).not.toMatch(/Verdict: GO/);
  });

  test('control: a migrated database passes every CE-20 check', async () => {
    await using db = await createScratchDatabase(adminUrl, { template });
    const outcome = await runGate({ databaseUrl: db.url, files: CE20 });
    expect(outcome.failed).toEqual([]);
    expect(outcome.checks.map((check) => check.id)).toContain('ce20.backup.restore-tested');
  });

  test('without pg_dump on PATH the environment, backup and verification checks fail', async () => {
    await using db = await createScratchDatabase(adminUrl, { template });
    const emptyBin = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-no-tools-'));
    try {
      const outcome = await runGate({ databaseUrl: db.url, files: CE20, env: { PATH: emptyBin } });
      expect(outcome.decision).toBe('NO-GO');
      for (const id of [
        'ce20.environment',
        'ce20.backup.created',
        'ce20.backup.verified',
        'ce20.backup.restore-tested',
      ]) {
        expect(outcome.failed).toContain(id);
      }
      expect(outcome.reasons.join('\n')).toContain('ce20.backup.created');
    } finally {
      await fs.rm(emptyBin, { recursive: true });
    }
  });

  test('a backup that cannot be restored fails ce20.backup.restore-tested', async () => {
    await using db = await createScratchDatabase(adminUrl, { template });
    // Rows that pass a CHECK only while a session setting is on: pg_dump copies them, pg_restore refuses them.
    await execute(
      db.url,
      `CREATE FUNCTION import_window_open() RETURNS boolean LANGUAGE sql STABLE
         AS $$ SELECT coalesce(current_setting('app.import_window', true), '') = 'open' $$;
       CREATE TABLE legacy_imports (id int PRIMARY KEY, CHECK (import_window_open()));
       SET app.import_window = 'open';
       INSERT INTO legacy_imports VALUES (1), (2);`,
    );
    const outcome = await runGate({ databaseUrl: db.url, files: CE20 });
    expect(outcome.decision).toBe('NO-GO');
    expect(outcome.failed).toEqual(['ce20.backup.restore-tested']);
  });

  test('a write committed during the run fails ce20.post-run.unchanged', async () => {
    await using db = await createScratchDatabase(adminUrl, { template });
    const writer = await connectClient(db.url);
    let stop = false;
    let written = 0;
    // Someone else writes while the gate runs: the gate must notice the database changed under it.
    const writing = (async () => {
      while (!stop) {
        await writer.query(`INSERT INTO tenants (name) VALUES ('written during the gate run')`);
        written++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      const outcome = await runGate({
        databaseUrl: db.url,
        files: ['suites/ce20-post-run-unchanged.test.ts'],
      });
      expect(outcome.decision).toBe('NO-GO');
      expect(outcome.failed).toEqual(['ce20.post-run.unchanged']);
      expect(outcome.reasons.join('\n')).toContain('ce20.post-run.unchanged');
    } finally {
      stop = true;
      await writing;
      await writer.end();
    }
    expect(written).toBeGreaterThan(0);
  });
});
