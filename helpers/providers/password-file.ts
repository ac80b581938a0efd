import fs from 'node:fs/promises';
import path from 'node:path';
import type { ServerAccount } from './server-account.ts';

/** Name of the password file initdb reads, inside the server's own directory. */
export const PASSWORD_FILE_NAME = 'initdb-password';

/**
 * Writes the superuser password for `initdb --pwfile` as mode 0600, owned by the server's account,
 * inside `dir` (the server's directory, which stop() and the reaper delete). Never in a shared
 * temp folder, where an interrupted run would leave it behind.
 */
export async function writePasswordFile(
  dir: string,
  password: string,
  account: ServerAccount,
): Promise<string> {
  const file = path.join(dir, PASSWORD_FILE_NAME);
  // 'wx': never follow or reuse a file someone planted there.
  await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  await fs.chmod(file, 0o600);
  if (account.uid !== undefined && account.gid !== undefined) await fs.chown(file, account.uid, account.gid);
  return file;
}

/** Removes the password file, retrying while something else (an exiting initdb) still holds it. */
export async function removePasswordFile(file: string): Promise<void> {
  await fs.rm(file, { force: true, maxRetries: 5, retryDelay: 100 });
}
