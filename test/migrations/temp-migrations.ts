import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A temp migrations directory holding exactly `files` (name → content); removed on dispose. */
export async function tempMigrations(
  files: Readonly<Record<string, string>>,
): Promise<{ readonly directory: string } & AsyncDisposable> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-formats-'));
  for (const [file, content] of Object.entries(files)) {
    // A name with a folder (`20240101120000_init/migration.sql`, Prisma's layout) gets the folder.
    await fs.mkdir(path.dirname(path.join(directory, file)), { recursive: true });
    await fs.writeFile(path.join(directory, file), content);
  }
  return { directory, [Symbol.asyncDispose]: () => fs.rm(directory, { recursive: true, force: true }) };
}
