import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The team project's files kept beside this module: its migrations and its two config files. */
const SOURCE = fileURLToPath(new URL('./team-project', import.meta.url));

/**
 * Writes a fresh team repository at `dir`: its own two-table schema (uuid tenant key, RLS, two
 * migrations), `gate.config.ts` and a `vitest.config.ts` that is the preset and nothing else. The
 * config files are stored as `.txt` so this repository's type check does not resolve `migration-gate`.
 */
export async function writeTeamProject(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.cp(path.join(SOURCE, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
  await fs.copyFile(path.join(SOURCE, 'gate.config.ts.txt'), path.join(dir, 'gate.config.ts'));
  await fs.copyFile(path.join(SOURCE, 'vitest.config.ts.txt'), path.join(dir, 'vitest.config.ts'));
  const manifest = { name: 'team-project', version: '1.0.0', private: true, type: 'module' };
  await fs.writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * The sabotage a team could commit by mistake: a third migration that turns row-level security off on
 * `tasks`, with the config's expected version moved to it (as a team adding a migration would).
 */
export async function addRlsOffMigration(dir: string): Promise<void> {
  const migrations = path.join(dir, 'migrations');
  await fs.writeFile(
    path.join(migrations, '003_tasks_rls_off.up.sql'),
    'ALTER TABLE tasks DISABLE ROW LEVEL SECURITY;\n',
  );
  await fs.writeFile(
    path.join(migrations, '003_tasks_rls_off.down.sql'),
    'ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;\n',
  );
  const configFile = path.join(dir, 'gate.config.ts');
  const config = await fs.readFile(configFile, 'utf8');
  const bumped = config.replace("expectedVersion: '002'", "expectedVersion: '003'");
  if (bumped === config) throw new Error(`${configFile} has no expectedVersion '002' to move to '003'.`);
  await fs.writeFile(configFile, bumped);
}
