import type pg from 'pg';
import { qualifiedName } from './sql-identifier.ts';

/** Row count and content checksum of one table. */
export interface TableFingerprint {
  readonly table: string;
  readonly rows: number;
  readonly checksum: string;
}

/** What "nothing changed" is compared against: every user table's rows plus the schema's shape. */
export interface DatabaseSnapshot {
  readonly takenAt: string;
  readonly tables: readonly TableFingerprint[];
  /** md5 over columns, constraints, indexes, policies and RLS flags of the user schemas. */
  readonly schemaChecksum: string;
  readonly counts: {
    readonly tables: number;
    readonly policies: number;
    readonly foreignKeys: number;
    readonly indexes: number;
  };
}

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'`;

/**
 * Fingerprints a database. Row checksums hash every row's text form in a stable order, so this
 * reads whole tables: cheap on staging-sized data, slow on huge tables (documented in README).
 */
export async function takeSnapshot(client: pg.ClientBase): Promise<DatabaseSnapshot> {
  const tables = await client.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS schema, c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMAS}
      ORDER BY 1, 2`,
  );
  const fingerprints: TableFingerprint[] = [];
  for (const { schema, table } of tables.rows) {
    const name = qualifiedName(schema, table);
    const result = await client.query<{ rows: string; checksum: string }>(
      `SELECT count(*)::text AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS checksum
         FROM ${name} AS t`,
    );
    const row = result.rows[0];
    fingerprints.push({
      table: `${schema}.${table}`,
      rows: Number(row?.rows ?? 0),
      checksum: row?.checksum ?? '',
    });
  }
  const shape = await client.query<{
    checksum: string;
    tables: string;
    policies: string;
    fks: string;
    indexes: string;
  }>(
    `WITH cols AS (
       SELECT string_agg(format('%s.%s.%s:%s:%s:%s', table_schema, table_name, column_name, data_type, is_nullable, column_default), ',' ORDER BY table_schema, table_name, column_name) AS v
         FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')),
     cons AS (
       SELECT string_agg(format('%s:%s:%s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)), ',' ORDER BY c.conrelid::regclass::text, c.conname) AS v
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE ${USER_SCHEMAS}),
     idx AS (
       SELECT string_agg(indexdef, ',' ORDER BY indexdef) AS v FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')),
     pol AS (
       SELECT string_agg(format('%s.%s.%s:%s:%s:%s:%s', schemaname, tablename, policyname, permissive, cmd, qual, with_check), ',' ORDER BY schemaname, tablename, policyname) AS v
         FROM pg_policies),
     rls AS (
       SELECT string_agg(format('%s:%s:%s', c.oid::regclass, c.relrowsecurity, c.relforcerowsecurity), ',' ORDER BY c.oid::regclass::text) AS v
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMAS})
     SELECT md5(concat_ws('|', cols.v, cons.v, idx.v, pol.v, rls.v)) AS checksum,
            (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')::text AS tables,
            (SELECT count(*) FROM pg_policies WHERE schemaname = 'public')::text AS policies,
            (SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public')::text AS fks,
            (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public')::text AS indexes
       FROM cols, cons, idx, pol, rls`,
  );
  const summary = shape.rows[0];
  return {
    takenAt: new Date().toISOString(),
    tables: fingerprints,
    schemaChecksum: summary?.checksum ?? '',
    counts: {
      tables: Number(summary?.tables ?? 0),
      policies: Number(summary?.policies ?? 0),
      foreignKeys: Number(summary?.fks ?? 0),
      indexes: Number(summary?.indexes ?? 0),
    },
  };
}

export interface SnapshotDifference {
  readonly table: string;
  readonly before: { readonly rows: number; readonly checksum: string } | null;
  readonly after: { readonly rows: number; readonly checksum: string } | null;
}

/** Tables whose rows differ, appeared or vanished between two snapshots, plus whether the schema changed. */
export function compareSnapshots(
  before: DatabaseSnapshot,
  after: DatabaseSnapshot,
): { readonly tables: readonly SnapshotDifference[]; readonly schemaChanged: boolean } {
  const differences: SnapshotDifference[] = [];
  const afterByName = new Map(after.tables.map((table) => [table.table, table]));
  for (const table of before.tables) {
    const other = afterByName.get(table.table);
    afterByName.delete(table.table);
    if (other === undefined || other.rows !== table.rows || other.checksum !== table.checksum) {
      differences.push({
        table: table.table,
        before: { rows: table.rows, checksum: table.checksum },
        after: other === undefined ? null : { rows: other.rows, checksum: other.checksum },
      });
    }
  }
  for (const table of afterByName.values()) {
    differences.push({
      table: table.table,
      before: null,
      after: { rows: table.rows, checksum: table.checksum },
    });
  }
  return { tables: differences, schemaChanged: before.schemaChecksum !== after.schemaChecksum };
}
