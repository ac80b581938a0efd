import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { readVersion } from '../../helpers/migrations/migration-history.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { EmbeddedProvider } from '../../helpers/providers/embedded-provider.ts';

/** Polls `work` until it resolves, for a server that is restarting after a crash. */
async function eventually<T>(work: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await sleep(250);
    }
  }
}

// A server of its own: SIGKILL of a backend sends the whole cluster through crash recovery, which
// must not disturb the shared server of the other tests.
test('the server killed mid-migration: after crash recovery the version is unchanged and no object of the migration exists', async () => {
  await using database = await new EmbeddedProvider({ database: 'fault' }).start();
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-fault-migrations-'));
  try {
    await fs.writeFile(
      path.join(directory, '001_first.up.sql'),
      'CREATE TABLE first_table (id int PRIMARY KEY);\n',
    );
    await fs.writeFile(path.join(directory, '001_first.down.sql'), 'DROP TABLE first_table;\n');
    await fs.writeFile(
      path.join(directory, '002_slow.up.sql'),
      'CREATE TABLE half_made (id int);\nSELECT pg_sleep(60);\nCREATE TABLE never_made (id int);\n',
    );
    await fs.writeFile(
      path.join(directory, '002_slow.down.sql'),
      'DROP TABLE never_made;\nDROP TABLE half_made;\n',
    );
    const migrator = new Migrator({ databaseUrl: database.url, directory });
    await migrator.migrate({ to: '001' });
    // The embedded server runs with synchronous_commit and fsync off (a throw-away database), so a
    // crash may lose the last commits' WAL still in shared memory; a checkpoint makes 001 durable, as
    // a production server's synchronous commit would.
    const durable = await connectClient(database.url);
    try {
      await durable.query('CHECKPOINT');
    } finally {
      await durable.end();
    }

    const running = migrator.migrate().then(
      () => null,
      (error: unknown) => error,
    );
    const watcher = await connectClient(database.url);
    let pid: number | undefined;
    try {
      pid = await eventually(async () => {
        const found = await watcher.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()`,
        );
        const row = found.rows[0];
        if (row === undefined) throw new Error('the migration has not reached its sleep yet');
        return row.pid;
      });
    } finally {
      await watcher.end().catch(() => undefined);
    }
    // SIGKILL of a backend: the postmaster resets every session and replays the WAL (crash recovery).
    process.kill(pid, 'SIGKILL');
    const failure = await running;
    expect(failure, 'the interrupted migration reports a failure').toBeInstanceOf(Error);

    // The postmaster resets every session once it notices the crash: a connection made before that is
    // killed too, so the whole read is retried until the server has recovered.
    const state = await eventually(async () => {
      const after = await connectClient(database.url);
      try {
        const objects = await after.query<{ name: string }>(
          `SELECT relname AS name FROM pg_class WHERE relname IN ('first_table', 'half_made', 'never_made') ORDER BY 1`,
        );
        return { version: await readVersion(after, 'public'), objects: objects.rows.map((row) => row.name) };
      } finally {
        await after.end().catch(() => undefined);
      }
    });
    expect(state.version).toBe('001');
    expect(state.objects).toEqual(['first_table']);
    // And the next run applies it cleanly: the advisory lock died with the killed session, and a
    // migration that never committed left no history to drift from.
    await fs.writeFile(
      path.join(directory, '002_slow.up.sql'),
      'CREATE TABLE half_made (id int);\nCREATE TABLE never_made (id int);\n',
    );
    const retried = await new Migrator({ databaseUrl: database.url, directory }).migrate();
    expect(retried.to).toBe('002');
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
});
