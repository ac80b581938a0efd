import type pg from 'pg';
import { GateError } from '../gate-error.ts';
import { compareVersions } from './migration-version.ts';

/** Bare names of the history tables {@link readForeignHistory} reads. */
export const FOREIGN_HISTORY_TABLES: readonly string[] = ['schema_migrations', 'flyway_schema_history', '_prisma_migrations'];

/** The migration tools whose history tables the gate reads when its own bookkeeping is absent. */
export type ForeignTool = 'dbmate' | 'golang-migrate' | 'flyway' | 'prisma';

/**
 * What another tool recorded as applied: a staging database migrated by the team's own tool has no
 * `alembic_version` / `migration_gate_history`, and treating it as never migrated would dry-run
 * every migration onto tables that exist.
 */
export interface ForeignHistory {
  readonly tool: ForeignTool;
  /** The table as the connection's search_path finds it, e.g. `public.schema_migrations`. */
  readonly table: string;
  /** The newest applied version, or null when the table records none. */
  readonly version: string | null;
  /** Every applied version (golang-migrate records only the newest: all before it count as applied). */
  readonly applied: readonly string[];
}

/**
 * Reads the history of dbmate (`schema_migrations(version)`), golang-migrate (`schema_migrations(version
 * bigint, dirty boolean)`, one row), Flyway (`flyway_schema_history`, successful rows not undone) or
 * Prisma (`_prisma_migrations`, finished rows not rolled back),
 * found in any schema (one on the search_path first). Null when none is there. A
 * golang-migrate history marked dirty is refused: a migration failed half-way and needs fixing first.
 */
export async function readForeignHistory(client: pg.ClientBase): Promise<ForeignHistory | null> {
  // Any schema: Flyway keeps its history in its first managed schema (often the application's), not
  // necessarily on the search_path. One on the search_path wins, then the first by schema name.
  const found = await client.query<{ table: string; name: string; columns: string[] }>(
    `SELECT c.oid::regclass::text AS table, c.relname::text AS name,
            array(SELECT attname::text FROM pg_attribute
                   WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND c.relname = ANY ($1::text[])
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY array_position(current_schemas(false), n.nspname::text) NULLS LAST, n.nspname,
               array_position($1::text[], c.relname::text)`,
    [FOREIGN_HISTORY_TABLES],
  );
  const first = found.rows.find((r) => r.name !== 'schema_migrations' || r.columns.includes('version'));
  const row =
    first === undefined
      ? undefined
      : {
          table: first.name === 'schema_migrations' ? first.table : null,
          columns: first.columns,
          flyway: first.name === 'flyway_schema_history' ? first.table : null,
          prisma: first.name === '_prisma_migrations' ? first.table : null,
        };
  if (row?.table != null) {
    const table = row.table;
    if (row.columns.includes('dirty')) {
      const state = await client.query<{ version: string; dirty: boolean }>(
        `SELECT version::text AS version, dirty FROM ${table} LIMIT 1`,
      );
      const current = state.rows[0];
      if (current?.dirty === true)
        throw new GateError(
          `golang-migrate marks version ${current.version} dirty in ${table} (a migration failed half-way); fix the database and run \`migrate force\`, then gate again.`,
        );
      return {
        tool: 'golang-migrate',
        table,
        version: current?.version ?? null,
        applied: current === undefined ? [] : [current.version],
      };
    }
    const versions = await client.query<{ version: string }>(`SELECT version::text AS version FROM ${table}`);
    return fromVersions('dbmate', table, versions.rows.map((r) => r.version));
  }
  if (row?.flyway != null) {
    // The newest row of each version decides: an UNDO after it means the version is reverted.
    const versions = await client.query<{ version: string }>(
      `SELECT version FROM (
         SELECT DISTINCT ON (version) version, type, success FROM ${row.flyway}
          WHERE version IS NOT NULL ORDER BY version, installed_rank DESC) AS latest
        WHERE success AND type NOT LIKE 'UNDO%'`,
    );
    return fromVersions('flyway', row.flyway, versions.rows.map((r) => r.version));
  }
  if (row?.prisma != null) {
    // Finished and not marked rolled back (`prisma migrate resolve --rolled-back`).
    const versions = await client.query<{ version: string }>(
      `SELECT split_part(migration_name, '_', 1) AS version FROM ${row.prisma}
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return fromVersions('prisma', row.prisma, versions.rows.map((r) => r.version));
  }
  return null;
}

function fromVersions(tool: ForeignTool, table: string, versions: readonly string[]): ForeignHistory {
  const applied = [...versions].sort(compareVersions);
  return { tool, table, version: applied.at(-1) ?? null, applied };
}

/** `dbmate (public.schema_migrations)`, for messages. */
export function describeForeignHistory(history: ForeignHistory): string {
  return `${history.tool} (${history.table})`;
}
