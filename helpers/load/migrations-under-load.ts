import type pg from 'pg';
import { discoverTenantTables } from '../catalog/tenant-tables.ts';
import { connectClient } from '../db/database-connection.ts';
import { parseDatabaseUrl, withDatabase } from '../db/database-url.ts';
import type { GateConfig } from '../config/gate-config.ts';
import { bookkeepingSchemaOf } from '../migrations/migration-history.ts';
import { compareVersions } from '../migrations/migration-version.ts';
import { loadMigrations, type MigrationFile } from '../migrations/migration-files.ts';
import { Migrator, defaultRollbackTarget, resolveRollbackTarget } from '../migrations/migrator.ts';
import { sizeTenantTables } from '../perf/perf-inputs.ts';
import { readCommandPrivileges } from '../probes/rls/rls-write-reach.ts';
import { cloneOnServer, dropOnServer, scratchName } from '../run/rehearsal-server.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';
import { startLockSampler, type SampledLock } from './lock-sampler.ts';
import { startTenantWorkload, type WorkloadTable, type WorkloadWindow } from './tenant-workload.ts';

/** Default limit on how long a migration may hold ACCESS EXCLUSIVE on a populated table. */
export const DEFAULT_MAX_EXCLUSIVE_LOCK_MS = 2000;
/** How often pg_locks is sampled: the resolution of every lock duration. */
export const LOCK_SAMPLE_INTERVAL_MS = 20;
const WORKLOAD_TENANTS = 4;
const MIGRATOR_APPLICATION = 'migration-gate migrator';

/** One migration applied under the workload. */
export interface MigrationUnderLoad {
  readonly version: string;
  readonly name: string;
  readonly durationMs: number;
  /** Relation locks the migrator held, longest first, each marked populated when it is a table with rows. */
  readonly locks: readonly (SampledLock & { readonly populated: boolean })[];
  readonly workload: WorkloadWindow;
}

/** The rehearsal: the pending migrations re-applied on a seeded clone while tenants read and write. */
export interface MigrationLoadRecord {
  /** Version the clone was rolled back to (null: before the first migration). */
  readonly from: string | null;
  readonly tenants: readonly string[];
  readonly tables: readonly string[];
  readonly sampleIntervalMs: number;
  readonly migrations: readonly MigrationUnderLoad[];
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectClient(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Tables of the gate's schema that hold at least one row, by `regclass` text (as the sampler names them). */
async function populatedTables(client: pg.ClientBase, schema: string): Promise<ReadonlySet<string>> {
  const tables = await client.query<{ schema: string; table: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS table, c.oid::regclass::text AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`,
    [schema],
  );
  const populated = new Set<string>();
  for (const row of tables.rows) {
    const result = await client.query<{ has_rows: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${qualifiedName(row.schema, row.table)}) AS has_rows`,
    );
    if (result.rows[0]?.has_rows === true) populated.add(row.name);
  }
  return populated;
}

/** A column of `table` the app role may UPDATE that is no key and no tenant column; null when none. */
async function writableColumn(
  client: pg.ClientBase,
  table: { readonly schema: string; readonly table: string; readonly tenantColumn: string },
  appRole: string,
): Promise<string | null> {
  const result = await client.query<{ column: string }>(
    `SELECT a.attname AS column FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attgenerated = '' AND a.attidentity = '' AND a.attname <> $2
        AND has_column_privilege($3, a.attrelid, a.attname, 'UPDATE')
        AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND a.attnum = ANY (i.indkey))
      ORDER BY a.attnum LIMIT 1`,
    [qualifiedName(table.schema, table.table), table.tenantColumn, appRole],
  );
  return result.rows[0]?.column ?? null;
}

/** A clone of the migrated, seeded database rolled back to the rollback target (see {@link onRollbackClone}). */
export interface RollbackClone {
  readonly url: string;
  /** Version it was rolled back to (null: before the first migration). */
  readonly from: string | null;
  /** The migrations after `from`, in order. */
  readonly pending: readonly MigrationFile[];
  readonly migrator: Migrator;
}

/**
 * On a throw-away server: clones the migrated, seeded database, rolls the clone back to the rollback
 * target (`migrations.rollbackTarget`, else the version before the last) and hands it to `work` (the
 * CE-26 baseline, CE-22 under load). The tables keep the seeded rows the down scripts leave. The clone
 * is dropped afterwards.
 */
export async function onRollbackClone<T>(
  options: { readonly url: string; readonly config: GateConfig },
  work: (clone: RollbackClone) => Promise<T>,
): Promise<T> {
  const { config } = options;
  const serverUrl = withDatabase(options.url, 'postgres');
  const name = scratchName('mg_load');
  const url = await cloneOnServer(serverUrl, parseDatabaseUrl(options.url).database, name);
  try {
    const files = await loadMigrations(config.migrations.directory);
    const from = resolveRollbackTarget(
      files,
      config.migrations.rollbackTarget ?? defaultRollbackTarget(files),
    );
    const migrator = new Migrator({
      databaseUrl: url,
      directory: config.migrations.directory,
      bookkeepingSchema: bookkeepingSchemaOf(config.migrations),
    });
    await migrator.rollback({ to: from ?? 'none' });
    const pending = files.filter((file) => from === null || compareVersions(file.version, from) > 0);
    return await work({ url, from, pending, migrator });
  } finally {
    await dropOnServer(serverUrl, name);
  }
}

/**
 * CE-22 under load, on a {@link RollbackClone}: applies the migrations after the rollback target one by
 * one while a tenant workload runs as the application role, sampling the migrator's locks, so every
 * lock is taken on data.
 */
export async function rehearseMigrationsUnderLoad(
  clone: RollbackClone,
  config: GateConfig,
  log: (line: string) => void,
): Promise<MigrationLoadRecord> {
  const { url, from, pending, migrator } = clone;
  const { tenants, tables } = await withClient(url, async (client) => {
    const sized = await sizeTenantTables(client, await discoverTenantTables(client, config));
    const largest = sized[0]?.table;
    const chosen =
      largest === undefined
        ? []
        : (
            await client.query<{ tenant: string }>(
              `SELECT DISTINCT ${quoteIdent(largest.tenantColumn)}::text AS tenant
                 FROM ${qualifiedName(largest.schema, largest.table)} LIMIT ${WORKLOAD_TENANTS}`,
            )
          ).rows.map((row) => row.tenant);
    // The application never touches a table it may not read (an audit trail its triggers write);
    // the workload's own reads and the write's row lookup need SELECT.
    const privileges = await readCommandPrivileges(
      client,
      config.tenancy.appRole,
      sized.map(({ table }) => table),
    );
    const workloadTables: WorkloadTable[] = [];
    for (const { table } of sized) {
      if (privileges.get(table.table)?.SELECT === false) continue;
      workloadTables.push({
        schema: table.schema,
        table: table.table,
        writeColumn: await writableColumn(client, table, config.tenancy.appRole),
      });
    }
    return { tenants: chosen, tables: workloadTables };
  });
  log(
    `migrations under load: clone rolled back to ${from ?? 'none'}; ${pending.length} migration(s) under a workload of ${tenants.length} tenant(s) on ${tables.length} table(s)`,
  );
  const workload = await startTenantWorkload({ url, tenancy: config.tenancy, tenants, tables });
  const migrations: MigrationUnderLoad[] = [];
  try {
    await workload.window();
    for (const file of pending) {
      const populated = await withClient(url, (client) => populatedTables(client, config.schema));
      const sampler = await startLockSampler(url, MIGRATOR_APPLICATION, LOCK_SAMPLE_INTERVAL_MS);
      const started = performance.now();
      let locks: readonly SampledLock[];
      try {
        await migrator.migrate({ to: file.version });
      } finally {
        locks = await sampler.stop();
      }
      const durationMs = Math.round(performance.now() - started);
      migrations.push({
        version: file.version,
        name: file.name,
        durationMs,
        locks: locks.map((lock) => ({ ...lock, populated: populated.has(lock.relation) })),
        workload: await workload.window(),
      });
    }
  } finally {
    await workload.stop();
  }
  return {
    from,
    tenants,
    tables: tables.map((table) => table.table),
    sampleIntervalMs: LOCK_SAMPLE_INTERVAL_MS,
    migrations,
  };
}
