import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { versionOf } from './support/database-facts.ts';
import { createScratchDatabase } from '../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const bin = path.resolve('bin/migration-gate.mjs');
const migrations = path.resolve('migrations');

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, DATABASE_URL: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('migration-gate CLI', () => {
  test('migrate, status, rollback --to 003, dry-run and migrate again, with progress and no password printed', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const common = ['--database-url', db.url, '--migrations', migrations];
    const password = decodeURIComponent(new URL(db.url).password);

    const migrate = await cli(['migrate', ...common]);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/applied 001_initial_schema in \d+/);
    expect(migrate.stdout).toContain('version: none → 005 (5 applied)');
    expect(await versionOf(db.url)).toBe('005');

    const rollback = await cli(['rollback', '--to', '003', ...common]);
    expect(rollback.code).toBe(0);
    expect(await versionOf(db.url)).toBe('003');

    const status = await cli(['status', ...common]);
    expect(status.stdout).toContain('version: 003');
    expect(status.stdout).toContain('pending 004_indexes_optimization');

    const dryRun = await cli(['dry-run', ...common]);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/004_indexes_optimization: \d+/);
    expect(dryRun.stdout).toMatch(/estimated execution time: .*; version stays 003/);
    expect(await versionOf(db.url)).toBe('003');

    const again = await cli(['migrate', ...common]);
    expect(again.stdout).toContain('version: 003 → 005 (2 applied)');
    for (const result of [migrate, rollback, status, dryRun, again]) {
      expect(result.stdout + result.stderr).not.toContain(password);
    }
  });

  test('--env NAME reads DATABASE_URL from .env.NAME', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-cli-'));
    try {
      await fs.writeFile(path.join(cwd, '.env.staging'), `DATABASE_URL=${db.url}\n`);
      const result = await cli(['migrate', '--env', 'staging', '--to', '002', '--migrations', migrations], {
        cwd,
      });
      expect(result.code).toBe(0);
      expect(await versionOf(db.url)).toBe('002');
      const missing = await cli(['status', '--env', 'production', '--migrations', migrations], { cwd });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/--env production needs .*\.env\.production with DATABASE_URL/);
    } finally {
      await fs.rm(cwd, { recursive: true, force: true });
    }
  });

  test.each([
    [['status'], /No database given: pass --database-url URL or --env NAME, or set DATABASE_URL\./],
    [
      ['status', '--database-url', 'localhost:5432/db'],
      /is not a valid database URL|is not a PostgreSQL URL/,
    ],
    [['status', '--database-url', 'postgresql://u:hunter2@127.0.0.1:1/db'], /the connection was refused/],
    [['rollback', '--database-url', 'postgresql://u@127.0.0.1:1/db'], /required option '--to <version>'/],
    [
      ['status', '--database-url', 'postgresql://u:hunter2@127.0.0.1:1/db', '--env', 'staging'],
      /Pass either --database-url or --env NAME, not both/,
    ],
    [['status', '--database-url', 'postgresql://u:hun/ter2@127.0.0.1:1/db'], /percent-encode/],
    [['status', '--database-url', 'postgresql://u:hunter2@x@127.0.0.1:1/db'], /the connection was refused/],
    [
      ['status', '--database-url', 'postgresql://u@127.0.0.1:1/db', '--connect-timeout', 'soon'],
      /--connect-timeout "soon"/,
    ],
  ])(
    'bad input %j: one clear line on stderr, non-zero exit, no stack, no password',
    async (args, message) => {
      const result = await cli(args);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stderr).not.toContain('hunter2');
      expect(result.stderr).not.toMatch(/hun|ter2/);
    },
  );

  test('a server that accepts TCP but never answers gives a clear time-out, not a hang', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const started = performance.now();
      // The default, the URL's connect_timeout, and the --connect-timeout flag over it: three
      // independent runs against the same silent server, side by side.
      const [result, fromUrl, fromFlag] = await Promise.all([
        cli(['status', '--database-url', `postgresql://u:pw@127.0.0.1:${port}/db`]),
        cli(['status', '--database-url', `postgresql://u:pw@127.0.0.1:${port}/db?connect_timeout=2`]),
        cli([
          'status',
          '--database-url',
          `postgresql://u:pw@127.0.0.1:${port}/db?connect_timeout=9`,
          '--connect-timeout',
          '1',
        ]),
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no answer within 5000 ms/);
      expect(fromUrl.stderr).toMatch(/no answer within 2000 ms/);
      expect(fromFlag.code).toBe(1);
      expect(fromFlag.stderr).toMatch(/no answer within 1000 ms/);
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('a migration that fails is named with its line, and the database stays where it was', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-cli-broken-'));
    try {
      await fs.cp(migrations, dir, { recursive: true });
      await fs.writeFile(
        path.join(dir, '006_broken.up.sql'),
        'SELECT 1;\nALTER TABLE no_such_table ADD COLUMN x int;\n',
      );
      const result = await cli(['migrate', '--database-url', db.url, '--migrations', dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /migration 006_broken\.up\.sql failed at line 2: relation "no_such_table" does not exist \(SQLSTATE 42P01\); the database stays at version 005, unchanged\./,
      );
      expect(await versionOf(db.url)).toBe('005');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('status flags applied migrations whose files are gone or have no down file; rollback refuses over them, naming the file', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-cli-missing-'));
    try {
      await fs.cp(migrations, dir, { recursive: true });
      expect((await cli(['migrate', '--database-url', db.url, '--migrations', dir])).code).toBe(0);
      await fs.rm(path.join(dir, '004_indexes_optimization.down.sql'));
      await fs.rm(path.join(dir, '005_audit_logging.up.sql'));
      await fs.rm(path.join(dir, '005_audit_logging.down.sql'));
      const common = ['--database-url', db.url, '--migrations', dir];
      const status = await cli(['status', ...common]);
      expect(status.code).toBe(1);
      expect(status.stdout).toContain('MISSING 005_audit_logging was applied but its files are gone');
      expect(status.stdout).toContain(
        'NO DOWN 004_indexes_optimization: 004_indexes_optimization.down.sql is missing',
      );
      const rollback = await cli(['rollback', '--to', '003', ...common]);
      expect(rollback.code).toBe(1);
      expect(rollback.stderr).toMatch(
        /Cannot roll back to 003: 005_audit_logging was applied but its files are no longer in/,
      );
      await fs.cp(
        path.join(migrations, '005_audit_logging.up.sql'),
        path.join(dir, '005_audit_logging.up.sql'),
      );
      await fs.cp(
        path.join(migrations, '005_audit_logging.down.sql'),
        path.join(dir, '005_audit_logging.down.sql'),
      );
      const again = await cli(['rollback', '--to', '003', ...common]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(
        /004_indexes_optimization has no down migration 004_indexes_optimization\.down\.sql/,
      );
      expect(await versionOf(db.url)).toBe('005');
      const none = await cli([
        'rollback',
        '--to',
        'none',
        '--database-url',
        db.url,
        '--migrations',
        migrations,
      ]);
      expect(none.code).toBe(0);
      expect(none.stdout).toContain('version: 005 → none (5 reverted)');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('--bookkeeping-schema NAME keeps alembic_version and the history in that schema', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const common = [
      '--database-url',
      db.url,
      '--migrations',
      migrations,
      '--bookkeeping-schema',
      'gate_meta',
    ];
    const migrate = await cli(['migrate', '--to', '003', ...common]);
    expect(migrate.code).toBe(0);
    const status = await cli(['status', ...common]);
    expect(status.stdout).toContain('version: 003');
    // Without the option the CLI reads public, where nothing was written.
    const elsewhere = await cli(['status', '--database-url', db.url, '--migrations', migrations]);
    expect(elsewhere.stdout).toContain('version: none');
    const rollback = await cli(['rollback', '--to', '002', ...common]);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain('version: 003 → 002 (1 reverted)');
  });
});
