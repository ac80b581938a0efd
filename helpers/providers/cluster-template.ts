import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  COMPLETE_MARKER,
  isComplete,
  publishEntry,
  removeAbandonedCopies,
  tempEntryPath,
} from './cache-entry.ts';
import type { ServerAccount } from './server-account.ts';

const run = promisify(execFile);

/** An initdb'd cluster kept in the cache, and the superuser password it was made with. */
export interface ClusterTemplate {
  readonly dataDir: string;
  readonly password: string;
}

export interface ClusterTemplateOptions {
  /** Parent of the cache entries (the binaries' cache root). */
  readonly cacheRoot: string;
  /** What the cluster depends on: the binaries' version and location and initdb's arguments. */
  readonly key: string;
  readonly account: ServerAccount;
  /** Runs initdb into `dataDir` (an empty directory the account owns) with `password` for `postgres`. */
  readonly initdb: (dataDir: string, password: string) => Promise<void>;
}

async function readTemplate(entry: string): Promise<ClusterTemplate> {
  const password = (await fs.readFile(path.join(entry, 'password'), 'utf8')).trim();
  return { dataDir: path.join(entry, 'data'), password };
}

/**
 * The cluster initdb makes, made once per binaries build and copied for every server after: initdb
 * costs ~1.1–1.3 s here (mostly system time), a copy ~0.3 s. Made in a temp dir and renamed into
 * place (see publishEntry, as the binaries' cache is), so a concurrent or interrupted run never sees
 * half of one; the entry and its password file are readable by the process's user only. Undefined
 * when it cannot be made (a cache root it may not write): the caller runs initdb itself.
 */
export async function ensureClusterTemplate(
  options: ClusterTemplateOptions,
): Promise<ClusterTemplate | undefined> {
  const { cacheRoot, account } = options;
  const entry = path.join(
    cacheRoot,
    `cluster-${createHash('sha256').update(options.key).digest('hex').slice(0, 16)}`,
  );
  try {
    if (await isComplete(entry)) return await readTemplate(entry);
    await fs.mkdir(cacheRoot, { recursive: true, mode: 0o755 });
    await removeAbandonedCopies(cacheRoot);
    const temp = tempEntryPath(entry);
    try {
      // The server's account runs initdb inside: it must be able to enter the entry, never list it.
      await fs.mkdir(temp, { mode: 0o711 });
      await fs.chmod(temp, 0o711);
      const dataDir = path.join(temp, 'data');
      await fs.mkdir(dataDir, { mode: 0o700 });
      if (account.uid !== undefined && account.gid !== undefined)
        await fs.chown(dataDir, account.uid, account.gid);
      const password = randomBytes(18).toString('base64url');
      await options.initdb(dataDir, password);
      await fs.writeFile(path.join(temp, 'password'), `${password}\n`, { mode: 0o600 });
      await fs.writeFile(path.join(temp, COMPLETE_MARKER), `${new Date().toISOString()}\n`, { mode: 0o600 });
    } catch (error) {
      await fs.rm(temp, { recursive: true, force: true });
      throw error;
    }
    await publishEntry(temp, entry);
    return await readTemplate(entry);
  } catch {
    return undefined;
  }
}

/**
 * Copies the template's files into `dataDir` (empty, owned by the server's account), keeping their
 * owner and modes (`cp -a`, run as this process's user: root keeps the account's ownership).
 */
export async function copyClusterTemplate(template: ClusterTemplate, dataDir: string): Promise<void> {
  await run('cp', ['-a', `${template.dataDir}/.`, dataDir]);
}
