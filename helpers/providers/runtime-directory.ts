import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** True when a user other than the owner (and not in its group) can enter `dir` and every parent. */
export async function othersCanEnter(dir: string): Promise<boolean> {
  let current = path.resolve(dir);
  for (;;) {
    const stat = await fs.stat(current).catch(() => undefined);
    if (stat === undefined || (stat.mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * Where the server's data directory goes: the system temp folder, unless the server runs as another
 * user (root runs it as `postgres`) who cannot enter it (TMPDIR=/root/tmp), then `fallback`.
 */
export async function runtimeBase(runsAsOtherUser: boolean, fallback: string): Promise<string> {
  const temp = os.tmpdir();
  if (!runsAsOtherUser || (await othersCanEnter(temp))) return temp;
  await fs.mkdir(fallback, { recursive: true, mode: 0o755 });
  await fs.chmod(fallback, 0o755).catch(() => undefined);
  return fallback;
}
