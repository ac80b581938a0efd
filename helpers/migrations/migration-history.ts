import type pg from 'pg';
import type { AppliedMigrationRecord } from '../run/run-metadata.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';
import { compareVersions } from './migration-version.ts';
import { readForeignHistory, type ForeignHistory } from './foreign-history.ts';

/**
 * Bookkeeping tables. `alembic_version` keeps the single current version the way the plan reads it
 * (`SELECT version_num FROM alembic_version`); `migration_gate_history` keeps one row per applied
 * migration with its checksums and duration. Both live in one schema, `public` unless configured
 * (`migrations.bookkeepingSchema`); every function here takes it.
 */
export const VERSION_TABLE = 'alembic_version';
export const HISTORY_TABLE = 'migration_gate_history';

/** Where the bookkeeping tables live unless `migrations.bookkeepingSchema` says otherwise. */
export const DEFAULT_BOOKKEEPING_SCHEMA = 'public';

/** The configured bookkeeping schema (`migrations.bookkeepingSchema`), or `public`. */
export function bookkeepingSchemaOf(migrations: { readonly bookkeepingSchema?: string | undefined }): string {
  return migrations.bookkeepingSchema ?? DEFAULT_BOOKKEEPING_SCHEMA;
}

/** A history row; `downChecksum` is null for a migration without a down script and for rows older than the column. */
export interface HistoryRecord extends AppliedMigrationRecord {
  readonly downChecksum: string | null;
}

/** `schema.table` of both bookkeeping tables, unquoted, the way snapshots and catalogs name tables. */
export function bookkeepingTableNames(schema: string): readonly string[] {
  return [`${schema}.${VERSION_TABLE}`, `${schema}.${HISTORY_TABLE}`];
}

/** Creates the schema (when missing) and both tables in it; adds columns a history written by an older gate lacks. */
export async function ensureHistoryTables(client: pg.ClientBase, schema: string): Promise<void> {
  // Only when missing: CREATE SCHEMA checks the CREATE privilege on the database even when the schema
  // exists, which a staging migration role often lacks.
  const present = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (present.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  // A database another tool migrated: the gate's version starts where that tool's history ends.
  const adopted = (await tableExists(client, schema, VERSION_TABLE)) ? null : await readForeignHistory(client);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, VERSION_TABLE)} (
      version_num varchar(32) NOT NULL PRIMARY KEY
    );
    CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, HISTORY_TABLE)} (
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
    [qualifiedName(schema, HISTORY_TABLE)],
  );
  if (column.rowCount === 0) {
    await client.query(`ALTER TABLE ${qualifiedName(schema, HISTORY_TABLE)} ADD COLUMN down_checksum text`);
  }
  if (adopted?.version != null) await setVersion(client, schema, adopted.version);
}

async function tableExists(client: pg.ClientBase, schema: string, table: string): Promise<boolean> {
  const result = await client.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [
    qualifiedName(schema, table),
  ]);
  return result.rows[0]?.exists === true;
}

/** The other tool's history when it, not the gate, keeps this database's migrations (no gate bookkeeping yet). */
export async function foreignHistoryInCharge(client: pg.ClientBase, schema: string): Promise<ForeignHistory | null> {
  return (await tableExists(client, schema, VERSION_TABLE)) ? null : readForeignHistory(client);
}

/** Current version, or null for a database the gate has never migrated (or rolled back before the first). */
export async function readVersion(client: pg.ClientBase, schema: string): Promise<string | null> {
  // Not migrated by the gate: the version another tool (dbmate, golang-migrate, Flyway) recorded.
  if (!(await tableExists(client, schema, VERSION_TABLE))) return (await readForeignHistory(client))?.version ?? null;
  const result = await client.query<{ version_num: string }>(
    `SELECT version_num FROM ${qualifiedName(schema, VERSION_TABLE)}`,
  );
  return result.rows[0]?.version_num ?? null;
}

/** Applied migrations in version order (numerically, whatever the format). */
export async function readHistory(client: pg.ClientBase, schema: string): Promise<readonly HistoryRecord[]> {
  if (!(await tableExists(client, schema, HISTORY_TABLE))) return [];
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
       FROM ${qualifiedName(schema, HISTORY_TABLE)} AS h`,
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
  schema: string,
  migration: { readonly version: string; readonly name: string; readonly checksum: string; readonly downChecksum: string | undefined },
  durationMs: number,
): Promise<void> {
  await client.query(
    `INSERT INTO ${qualifiedName(schema, HISTORY_TABLE)} (version, name, checksum, duration_ms, down_checksum) VALUES ($1, $2, $3, $4, $5)`,
    [migration.version, migration.name, migration.checksum, Math.round(durationMs), migration.downChecksum ?? null],
  );
  await setVersion(client, schema, migration.version);
  await mirrorForeignVersion(client, migration, 'applied');
}

export async function recordReverted(
  client: pg.ClientBase,
  schema: string,
  version: string,
  previous: string | null,
): Promise<void> {
  await client.query(`DELETE FROM ${qualifiedName(schema, HISTORY_TABLE)} WHERE version = $1`, [version]);
  await setVersion(client, schema, previous);
  await mirrorForeignVersion(client, { version }, 'reverted', previous);
}

/**
 * Keeps dbmate's, golang-migrate's or Prisma's history in step with what the gate applied or
 * reverted, so the team's own tool does not run a migration again (or skip one) afterwards. Prisma's
 * row gets the sha256 of `migration.sql` as its checksum, as Prisma records it; a reverted one is
 * deleted. Flyway's history holds checksums of its own making and is left alone.
 */
async function mirrorForeignVersion(
  client: pg.ClientBase,
  migration: { readonly version: string; readonly name?: string; readonly checksum?: string },
  change: 'applied' | 'reverted',
  previous: string | null = null,
): Promise<void> {
  const { version } = migration;
  const foreign = await readForeignHistory(client);
  if (foreign?.tool === 'prisma') {
    await client.query(
      change === 'applied'
        ? `INSERT INTO ${foreign.table} (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (gen_random_uuid()::text, $1, now(), $2, now(), 1)`
        : `DELETE FROM ${foreign.table} WHERE split_part(migration_name, '_', 1) = $1`,
      change === 'applied' ? [migration.checksum ?? '', migration.name ?? version] : [version],
    );
    return;
  }
  if (foreign?.tool === 'dbmate') {
    await client.query(
      change === 'applied'
        ? `INSERT INTO ${foreign.table} (version) SELECT $1::text WHERE NOT EXISTS (SELECT 1 FROM ${foreign.table} WHERE version::text = $1::text)`
        : `DELETE FROM ${foreign.table} WHERE version::text = $1::text`,
      [version],
    );
  } else if (foreign?.tool === 'golang-migrate') {
    const target = change === 'applied' ? version : previous;
    await client.query(`DELETE FROM ${foreign.table}`);
    if (target !== null)
      await client.query(`INSERT INTO ${foreign.table} (version, dirty) VALUES ($1::bigint, false)`, [target]);
  }
}

async function setVersion(client: pg.ClientBase, schema: string, version: string | null): Promise<void> {
  await client.query(`DELETE FROM ${qualifiedName(schema, VERSION_TABLE)}`);
  if (version !== null) {
    await client.query(`INSERT INTO ${qualifiedName(schema, VERSION_TABLE)} (version_num) VALUES ($1)`, [version]);
  }
}
