import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { copyClusterTemplate, ensureClusterTemplate } from '../../helpers/providers/cluster-template.ts';

let cacheRoot = '';
const account = {};

beforeEach(async () => {
  cacheRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-cluster-cache-'));
});
afterEach(async () => {
  await fs.rm(cacheRoot, { recursive: true, force: true });
});

/** A stand-in for initdb: a file in the data directory naming the password it was given. */
function fakeInitdb(calls: string[]): (dataDir: string, password: string) => Promise<void> {
  return async (dataDir, password) => {
    calls.push(password);
    await fs.writeFile(path.join(dataDir, 'PG_VERSION'), `made with ${password}\n`);
  };
}

describe('cluster template', () => {
  test('is made once and reused; a copy holds its files; the password is the one it was made with', async () => {
    const calls: string[] = [];
    const first = await ensureClusterTemplate({ cacheRoot, key: 'k', account, initdb: fakeInitdb(calls) });
    const again = await ensureClusterTemplate({ cacheRoot, key: 'k', account, initdb: fakeInitdb(calls) });
    expect(calls).toHaveLength(1);
    expect(first).toEqual(again);
    expect(first?.password).toBe(calls[0]);
    const target = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-cluster-copy-'));
    try {
      await copyClusterTemplate(first ?? { dataDir: 'missing', password: '' }, target);
      expect(await fs.readFile(path.join(target, 'PG_VERSION'), 'utf8')).toBe(`made with ${calls[0]}\n`);
    } finally {
      await fs.rm(target, { recursive: true, force: true });
    }
    // Another key (other binaries, other initdb arguments) is another template.
    await ensureClusterTemplate({ cacheRoot, key: 'other', account, initdb: fakeInitdb(calls) });
    expect(calls).toHaveLength(2);
  });

  test('concurrent runs end with one complete template that all of them use', async () => {
    const calls: string[] = [];
    const made = await Promise.all(
      [1, 2, 3].map(() => ensureClusterTemplate({ cacheRoot, key: 'k', account, initdb: fakeInitdb(calls) })),
    );
    expect(made.every((template) => template !== undefined)).toBe(true);
    expect(new Set(made.map((template) => template?.password)).size).toBe(1);
    // No half-made copy is left beside it.
    expect((await fs.readdir(cacheRoot)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  test('an incomplete entry in the way (a killed run of an older layout) is replaced, not used', async () => {
    const calls: string[] = [];
    const first = await ensureClusterTemplate({ cacheRoot, key: 'k', account, initdb: fakeInitdb(calls) });
    const entry = path.dirname(first?.dataDir ?? 'missing');
    await fs.rm(entry, { recursive: true, force: true });
    await fs.mkdir(path.join(entry, 'data'), { recursive: true });
    await fs.writeFile(path.join(entry, 'data', 'PG_VERSION'), 'half\n');
    const made = await ensureClusterTemplate({ cacheRoot, key: 'k', account, initdb: fakeInitdb(calls) });
    expect(calls).toHaveLength(2);
    expect(made?.password).toBe(calls[1]);
    expect(await fs.readFile(path.join(entry, 'data', 'PG_VERSION'), 'utf8')).toBe(`made with ${calls[1]}\n`);
    expect((await fs.readdir(cacheRoot)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  test('an initdb that fails leaves no template and no temp dir: the caller runs initdb itself', async () => {
    const failing = async (): Promise<void> => {
      throw new Error('initdb: disk full');
    };
    expect(await ensureClusterTemplate({ cacheRoot, key: 'k', account, initdb: failing })).toBeUndefined();
    expect(await fs.readdir(cacheRoot)).toEqual([]);
  });
});
