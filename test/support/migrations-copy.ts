import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A temp copy of a migrations directory (default: the reference `migrations/`), to edit or extend in a
 * test; removed on dispose.
 */
export async function copyMigrations(
  changes: Readonly<Record<string, string | null>> = {},
  from = 'migrations',
): Promise<{ readonly directory: string } & AsyncDisposable> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-migrations-'));
  await fs.cp(path.resolve(from), directory, { recursive: true });
  for (const [file, content] of Object.entries(changes)) {
    const target = path.join(directory, file);
    if (content === null) await fs.rm(target);
    else await fs.writeFile(target, content);
  }
  return { directory, [Symbol.asyncDispose]: () => fs.rm(directory, { recursive: true, force: true }) };
}
