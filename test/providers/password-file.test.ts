import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { removePasswordFile, writePasswordFile } from '../../helpers/providers/password-file.ts';
import { serverAccount } from '../../helpers/providers/server-account.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-pwfile-test-'));
  made.push(dir);
  return dir;
}

describe('initdb password file', () => {
  test('is mode 0600, owned by the server account, and holds the password', async () => {
    const account = await serverAccount();
    const file = await writePasswordFile(scratchDir(), 'not-a-real-secret', account);
    const stat = fs.statSync(file);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(stat.uid).toBe(account.uid ?? process.getuid?.());
    expect(fs.readFileSync(file, 'utf8')).toBe('not-a-real-secret\n');
    await removePasswordFile(file);
    expect(fs.existsSync(file)).toBe(false);
  });

  test('refuses to write through a file that is already there', async () => {
    const dir = scratchDir();
    await writePasswordFile(dir, 'first', {});
    await expect(writePasswordFile(dir, 'second', {})).rejects.toThrow(/EEXIST/);
  });
});
