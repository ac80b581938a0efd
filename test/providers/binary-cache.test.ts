import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ensureBinaryCache } from '../../helpers/providers/binary-cache.ts';
import { COMPLETE_MARKER } from '../../helpers/providers/cache-entry.ts';
import { embeddedServerVersion } from '../../helpers/providers/embedded-binaries.ts';
import { serverAccount } from '../../helpers/providers/server-account.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A private (0700) directory, like `mktemp -d` or a checkout under /root. */
function privateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cache-test-'));
  fs.chmodSync(dir, 0o700);
  made.push(dir);
  return dir;
}

/** A tiny stand-in for the embedded package's `native/` folder, readable by its owner only. */
function fakeInstallation(): string {
  const source = path.join(privateDir(), 'native');
  for (const folder of ['bin', 'lib', 'share/timezone'])
    fs.mkdirSync(path.join(source, folder), { recursive: true });
  fs.writeFileSync(path.join(source, 'bin', 'postgres'), '#!/bin/sh\necho "postgres (PostgreSQL) 15.99"\n', {
    mode: 0o700,
  });
  fs.writeFileSync(path.join(source, 'lib', 'libpq.so.5.15'), 'library', { mode: 0o600 });
  fs.symlinkSync('libpq.so.5.15', path.join(source, 'lib', 'libpq.so.5'));
  fs.writeFileSync(path.join(source, 'share', 'timezone', 'UTC'), 'tz', { mode: 0o600 });
  for (const dir of ['bin', 'lib', 'share', 'share/timezone']) fs.chmodSync(path.join(source, dir), 0o700);
  return source;
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

describe('binary cache for the embedded server', () => {
  test('copies bin, lib and share into a complete entry every user can read, symlinks kept', async () => {
    const cacheRoot = path.join(privateDir(), 'cache');
    const entry = await ensureBinaryCache({ sourceDir: fakeInstallation(), cacheRoot, version: '15.99' });
    expect(path.basename(entry)).toMatch(/^pg-15\.99-[0-9a-f]{16}$/);
    expect(mode(cacheRoot)).toBe(0o755);
    expect(mode(entry)).toBe(0o755);
    expect(mode(path.join(entry, 'bin', 'postgres'))).toBe(0o755);
    expect(mode(path.join(entry, 'lib', 'libpq.so.5.15'))).toBe(0o644);
    expect(mode(path.join(entry, 'share', 'timezone'))).toBe(0o755);
    expect(fs.readlinkSync(path.join(entry, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.15');
    expect(fs.existsSync(path.join(entry, COMPLETE_MARKER))).toBe(true);
    expect(fs.readdirSync(cacheRoot)).toEqual([path.basename(entry)]);
  });

  test('reuses a complete entry, and replaces one an interrupted copy left without its marker', async () => {
    const cacheRoot = path.join(privateDir(), 'cache');
    const sourceDir = fakeInstallation();
    const first = await ensureBinaryCache({ sourceDir, cacheRoot, version: '15.99' });
    const marker = path.join(first, COMPLETE_MARKER);
    const written = fs.statSync(marker).mtimeMs;
    expect(await ensureBinaryCache({ sourceDir, cacheRoot, version: '15.99' })).toBe(first);
    expect(fs.statSync(marker).mtimeMs).toBe(written);

    fs.rmSync(marker);
    fs.rmSync(path.join(first, 'lib'), { recursive: true });
    expect(await ensureBinaryCache({ sourceDir, cacheRoot, version: '15.99' })).toBe(first);
    expect(fs.existsSync(path.join(first, 'lib', 'libpq.so.5.15'))).toBe(true);
    expect(fs.existsSync(marker)).toBe(true);
  });

  test('concurrent runs agree on one entry and leave no temp copies behind', async () => {
    const cacheRoot = path.join(privateDir(), 'cache');
    const sourceDir = fakeInstallation();
    const entries = await Promise.all(
      [1, 2, 3].map(() => ensureBinaryCache({ sourceDir, cacheRoot, version: '15.99' })),
    );
    expect(new Set(entries).size).toBe(1);
    expect(fs.readdirSync(cacheRoot)).toEqual([path.basename(entries[0] ?? '')]);
  });

  test('a half-made copy left by a killed run is removed; one still being made by a live run is not', async () => {
    const cacheRoot = path.join(privateDir(), 'cache');
    fs.mkdirSync(path.join(cacheRoot, 'pg-15.99-0123456789abcdef.tmp-999999999-abcd1234', 'bin'), {
      recursive: true,
    });
    const live = `pg-15.99-0123456789abcdef.tmp-${process.pid}-abcd1234`;
    fs.mkdirSync(path.join(cacheRoot, live));
    const entry = await ensureBinaryCache({ sourceDir: fakeInstallation(), cacheRoot, version: '15.99' });
    expect(fs.readdirSync(cacheRoot).sort()).toEqual([path.basename(entry), live].sort());
  });

  test('other binaries (another build of the same version) get another entry', async () => {
    const cacheRoot = path.join(privateDir(), 'cache');
    const sourceDir = fakeInstallation();
    const first = await ensureBinaryCache({ sourceDir, cacheRoot, version: '15.99' });
    fs.appendFileSync(path.join(sourceDir, 'lib', 'libpq.so.5.15'), ' patched');
    const second = await ensureBinaryCache({ sourceDir, cacheRoot, version: '15.99' });
    expect(second).not.toBe(first);
    expect(fs.readFileSync(path.join(second, 'lib', 'libpq.so.5.15'), 'utf8')).toBe('library patched');
  });

  test('a cache root that cannot be created is one sentence naming it and the fix', async () => {
    const blocker = path.join(privateDir(), 'a-file');
    fs.writeFileSync(blocker, '');
    const attempt = ensureBinaryCache({
      sourceDir: fakeInstallation(),
      cacheRoot: path.join(blocker, 'cache'),
      version: '15.99',
    });
    await expect(attempt).rejects.toThrow(
      /^Cannot copy the embedded PostgreSQL binaries into .*a-file\/cache \(.*\); make it writable or set MIGRATION_GATE_PG_CACHE/,
    );
  });

  test('the real server binary, unreachable inside a 0700 checkout, runs from the cache as the server user', async () => {
    const account = await serverAccount();
    const { nativeDir } = await embeddedServerVersion();
    const checkout = path.join(privateDir(), 'node_modules', 'native');
    fs.cpSync(nativeDir, checkout, { recursive: true, verbatimSymlinks: true });
    const runAs = (postgres: string) =>
      spawnSync(postgres, ['--version'], { ...account, encoding: 'utf8', cwd: '/' });
    if (account.uid !== undefined) {
      // What every run as root hit before the cache: the postgres user cannot enter the checkout.
      expect(runAs(path.join(checkout, 'bin', 'postgres')).error?.message).toMatch(/EACCES/);
    }
    const entry = await ensureBinaryCache({
      sourceDir: checkout,
      cacheRoot: path.join(os.tmpdir(), `mg-cache-test-${process.pid}`),
      version: 'test',
    });
    made.push(path.dirname(entry));
    const result = runAs(path.join(entry, 'bin', 'postgres'));
    expect(result.error).toBeUndefined();
    expect(result.stdout).toMatch(/^postgres \(PostgreSQL\) 15\.\d+/);
  });
});
