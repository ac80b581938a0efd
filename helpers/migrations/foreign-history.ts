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
 * looked up through the connection's search_path as those tools do. Null when none is there. A
 * golang-migrate history marked dirty is refused: a migration failed half-way and needs fixing first.
 */
export async function readForeignHistory(client: pg.ClientBase): Promise<ForeignHistory | null> {
  const found = await client.query<{
    table: string | null;
    columns: string[] | null;
    flyway: string | null;
    prisma: string | null;
  }>(
    `SELECT to_regclass('schema_migrations')::text AS table,
            (SELECT array_agg(attname::text) FROM pg_attribute
              WHERE attrelid = to_regclass('schema_migrations') AND attnum > 0 AND NOT attisdropped) AS columns,
            to_regclass('flyway_schema_history')::text AS flyway,
            to_regclass('_prisma_migrations')::text AS prisma`,
  );
  const row = found.rows[0];
  if (row?.table != null && row.columns?.includes('version') === true) {
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
