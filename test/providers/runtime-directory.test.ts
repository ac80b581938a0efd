import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { othersCanEnter, runtimeBase } from '../../helpers/providers/runtime-directory.ts';

const made: string[] = [];
const savedTmpdir = process.env['TMPDIR'];
afterEach(() => {
  if (savedTmpdir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmpdir;
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dirWithMode(mode: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-runtime-test-'));
  fs.chmodSync(dir, mode);
  made.push(dir);
  return dir;
}

describe('where the embedded server keeps its data', () => {
  test('a directory counts as enterable by others only when it and every parent are', async () => {
    const open = dirWithMode(0o755);
    const closed = dirWithMode(0o700);
    fs.mkdirSync(path.join(closed, 'inner'), { mode: 0o755 });
    expect(await othersCanEnter(open)).toBe(true);
    expect(await othersCanEnter(closed)).toBe(false);
    expect(await othersCanEnter(path.join(closed, 'inner'))).toBe(false);
    expect(await othersCanEnter(path.join(open, 'missing'))).toBe(false);
  });

  test('the temp folder, unless the server runs as another user who cannot enter it', async () => {
    const fallback = path.join(dirWithMode(0o755), 'run');
    const privateTemp = dirWithMode(0o700);
    const openTemp = dirWithMode(0o1777);
    process.env['TMPDIR'] = privateTemp;
    expect(await runtimeBase(false, fallback)).toBe(privateTemp);
    expect(await runtimeBase(true, fallback)).toBe(fallback);
    expect(fs.statSync(fallback).mode & 0o777).toBe(0o755);
    process.env['TMPDIR'] = openTemp;
    expect(await runtimeBase(true, fallback)).toBe(openTemp);
  });
});
