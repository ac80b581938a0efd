import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/db/scratch-database.ts';
import { quoteIdent } from '../../helpers/db/sql-identifier.ts';

/** A team project in a temp directory with its migrations, migrated into a scratch database. */
export interface InitProject extends AsyncDisposable {
  readonly root: string;
  readonly database: ScratchDatabase;
  /** The schema's application role, unique to this project (roles are cluster-wide). */
  readonly role: string;
  readFile(file: string): Promise<string>;
}

/**
 * Writes `migrations` (file name → SQL, `{role}` replaced by a unique role name) under `directory`,
 * migrates a scratch database with them and links `node_modules/migration-gate` to this checkout so
 * the written config imports the package. Disposing drops the database, the role and the directory.
 */
export async function createInitProject(
  adminUrl: string,
  directory: string,
  migrations: Readonly<Record<string, string>>,
): Promise<InitProject> {
  const role = `init_app_${randomBytes(4).toString('hex')}`;
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-init-'));
  const migrationsDir = path.join(root, directory);
  await fs.mkdir(migrationsDir, { recursive: true });
  for (const [file, sql] of Object.entries(migrations)) {
    await fs.writeFile(path.join(migrationsDir, file), sql.replaceAll('{role}', role));
  }
  await fs.mkdir(path.join(root, 'node_modules'));
  await fs.symlink(
    path.resolve(import.meta.dirname, '../..'),
    path.join(root, 'node_modules', 'migration-gate'),
  );
  const database = await createScratchDatabase(adminUrl, { prefix: 'mg_init' });
  const dispose = async (): Promise<void> => {
    await database.drop();
    const admin = await connectClient(adminUrl);
    try {
      await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    } finally {
      await admin.end();
    }
    await fs.rm(root, { recursive: true, force: true });
  };
  try {
    await new Migrator({ databaseUrl: database.url, directory: migrationsDir }).migrate();
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    root,
    database,
    role,
    readFile: (file) => fs.readFile(path.join(root, file), 'utf8'),
    [Symbol.asyncDispose]: dispose,
  };
}
