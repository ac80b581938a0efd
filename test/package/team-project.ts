import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The team project's files kept beside this module: its migrations and its tsconfig. */
const SOURCE = fileURLToPath(new URL('./team-project', import.meta.url));

/** The application role the stored project names; {@link writeTeamProject} renames it. */
const STORED_APP_ROLE = 'team_app';

/**
 * Writes a fresh team repository at `dir`: its own two-table schema (uuid tenant key, RLS, two
 * migrations), a `package.json`, and a `tsconfig.json` that type-checks the `gate.config.ts` and
 * `vitest.config.ts` that `npx migration-gate init` writes against the package's declarations. No gate
 * config: init writes it. `appRole` replaces the role name in the migrations: roles are server-wide,
 * and the staging run creates it on a shared server.
 */
export async function writeTeamProject(dir: string, appRole: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(appRole)) throw new Error(`"${appRole}" is not a plain role name.`);
  const rename = (text: string): string => text.replaceAll(STORED_APP_ROLE, appRole);
  await fs.mkdir(path.join(dir, 'migrations'), { recursive: true });
  for (const file of await fs.readdir(path.join(SOURCE, 'migrations'))) {
    const sql = await fs.readFile(path.join(SOURCE, 'migrations', file), 'utf8');
    await fs.writeFile(path.join(dir, 'migrations', file), rename(sql));
  }
  await fs.copyFile(path.join(SOURCE, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  const manifest = { name: 'team-project', version: '1.0.0', private: true, type: 'module' };
  await fs.writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Rows for two tenants, written as the owner into a migrated team database (a staging database has data). */
export const TEAM_ROWS_SQL = `
INSERT INTO workspaces (tenant_id, id, name) VALUES
  ('11111111-1111-1111-1111-111111111111', 'aaaaaaaa-0000-0000-0000-000000000001', 'Alpha'),
  ('22222222-2222-2222-2222-222222222222', 'aaaaaaaa-0000-0000-0000-000000000002', 'Beta');
INSERT INTO tasks (tenant_id, workspace_id, title)
  SELECT tenant_id, id, 'task ' || n FROM workspaces, generate_series(1, 3) AS n;
`;

/**
 * The sabotage a team could commit by mistake: a third migration that turns row-level security off on
 * `tasks`, with the expected version of the config init wrote moved to it (as a team adding a migration would).
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
