import type pg from 'pg';
import type { AppliedMigrationRecord } from '../run-metadata.ts';
import { compareVersions } from './migration-version.ts';

/**
 * Bookkeeping tables. `alembic_version` keeps the single current version the way the plan reads it
 * (`SELECT version_num FROM alembic_version`); `migration_gate_history` keeps one row per applied
 * migration with its checksums and duration.
 */
export const VERSION_TABLE = 'alembic_version';
export const HISTORY_TABLE = 'migration_gate_history';

/** A history row; `downChecksum` is null for a migration without a down script and for rows older than the column. */
export interface HistoryRecord extends AppliedMigrationRecord {
  readonly downChecksum: string | null;
}

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
      duration_ms integer NOT NULL,
      down_checksum text
    );`);
  // Histories written before down checksums were recorded get the column; their rows stay NULL (accepted).
  const column = await client.query(
    `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'down_checksum' AND NOT attisdropped`,
    [`public.${HISTORY_TABLE}`],
  );
  if (column.rowCount === 0) await client.query(`ALTER TABLE public.${HISTORY_TABLE} ADD COLUMN down_checksum text`);
}

async function tableExists(client: pg.ClientBase, table: string): Promise<boolean> {
  const result = await client.query<{ exists: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS exists`,
    [`public.${table}`],
  );
  return result.rows[0]?.exists === true;
}

/** Current version, or null for a database the gate has never migrated (or rolled back before the first). */
export async function readVersion(client: pg.ClientBase): Promise<string | null> {
  if (!(await tableExists(client, VERSION_TABLE))) return null;
  const result = await client.query<{ version_num: string }>(`SELECT version_num FROM public.${VERSION_TABLE}`);
  return result.rows[0]?.version_num ?? null;
}

/** Applied migrations in version order (numerically, whatever the format). */
export async function readHistory(client: pg.ClientBase): Promise<readonly HistoryRecord[]> {
  if (!(await tableExists(client, HISTORY_TABLE))) return [];
  // to_jsonb reads down_checksum when the column exists and yields NULL on an older history table.
  const result = await client.query<{
    version: string;
    name: string;
    checksum: string;
    applied_at: Date;
    duration_ms: number;
    down_checksum: string | null;
  }>(
    `SELECT version, name, checksum, applied_at, duration_ms, to_jsonb(h) ->> 'down_checksum' AS down_checksum
       FROM public.${HISTORY_TABLE} AS h`,
  );
  return result.rows
    .map((row) => ({
      version: row.version,
      name: row.name,
      checksum: row.checksum,
      appliedAt: row.applied_at.toISOString(),
      durationMs: row.duration_ms,
      downChecksum: row.down_checksum,
    }))
    .sort((a, b) => compareVersions(a.version, b.version));
}

export async function recordApplied(
  client: pg.ClientBase,
  migration: { readonly version: string; readonly name: string; readonly checksum: string; readonly downChecksum: string | undefined },
  durationMs: number,
): Promise<void> {
  await client.query(
    `INSERT INTO public.${HISTORY_TABLE} (version, name, checksum, duration_ms, down_checksum) VALUES ($1, $2, $3, $4, $5)`,
    [migration.version, migration.name, migration.checksum, Math.round(durationMs), migration.downChecksum ?? null],
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
