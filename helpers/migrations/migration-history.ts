import type pg from 'pg';
import type { AppliedMigrationRecord } from '../run-metadata.ts';

/**
 * Bookkeeping tables. `alembic_version` keeps the single current version the way the plan reads it
 * (`SELECT version_num FROM alembic_version`); `migration_gate_history` keeps one row per applied
 * migration with its checksum and duration.
 */
export const VERSION_TABLE = 'alembic_version';
export const HISTORY_TABLE = 'migration_gate_history';

export async function ensureHistoryTables(client: pg.ClientBase): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS public.${VERSION_TABLE} (
      version_num varchar(32) NOT NULL PRIMARY KEY
    );
    CREATE TABLE IF NOT EXISTS public.${HISTORY_TABLE} (
      version text PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      duration_ms integer NOT NULL
    );`);
}

async function tableExists(client: pg.ClientBase, table: string): Promise<boolean> {
  const result = await client.query<{ exists: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS exists`,
    [`public.${table}`],
  );
  return result.rows[0]?.exists === true;
}

/** Current version, or null for a database the gate has never migrated. */
export async function readVersion(client: pg.ClientBase): Promise<string | null> {
  if (!(await tableExists(client, VERSION_TABLE))) return null;
  const result = await client.query<{ version_num: string }>(`SELECT version_num FROM public.${VERSION_TABLE}`);
  return result.rows[0]?.version_num ?? null;
}

export async function readHistory(client: pg.ClientBase): Promise<readonly AppliedMigrationRecord[]> {
  if (!(await tableExists(client, HISTORY_TABLE))) return [];
  const result = await client.query<{
    version: string;
    name: string;
    checksum: string;
    applied_at: Date;
    duration_ms: number;
  }>(`SELECT version, name, checksum, applied_at, duration_ms FROM public.${HISTORY_TABLE} ORDER BY version::int`);
  return result.rows.map((row) => ({
    version: row.version,
    name: row.name,
    checksum: row.checksum,
    appliedAt: row.applied_at.toISOString(),
    durationMs: row.duration_ms,
  }));
}

export async function recordApplied(
  client: pg.ClientBase,
  migration: { version: string; name: string; checksum: string },
  durationMs: number,
): Promise<void> {
  await client.query(
    `INSERT INTO public.${HISTORY_TABLE} (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)`,
    [migration.version, migration.name, migration.checksum, Math.round(durationMs)],
  );
  await setVersion(client, migration.version);
}

export async function recordReverted(client: pg.ClientBase, version: string, previous: string | null): Promise<void> {
  await client.query(`DELETE FROM public.${HISTORY_TABLE} WHERE version = $1`, [version]);
  await setVersion(client, previous);
}

async function setVersion(client: pg.ClientBase, version: string | null): Promise<void> {
  await client.query(`DELETE FROM public.${VERSION_TABLE}`);
  if (version !== null) await client.query(`INSERT INTO public.${VERSION_TABLE} (version_num) VALUES ($1)`, [version]);
}
