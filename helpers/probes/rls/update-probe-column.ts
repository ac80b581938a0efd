import type pg from 'pg';
import { quoteIdent } from '../../db/sql-identifier.ts';

/**
 * What a WHERE-less UPDATE probe sets: the tenant column to the acting tenant (a no-op on its own
 * rows) when the application role may update it; else a column it may update, to NULL when the
 * column is nullable, or to a value of the column's own type read from one of the acting tenant's
 * rows. Either way the right-hand side is a constant, so the statement reads no column and only the
 * UPDATE policies decide which rows it reaches.
 */
export type UpdateProbeSet =
  | { readonly kind: 'tenant'; readonly column: string }
  | { readonly kind: 'null'; readonly column: string }
  | { readonly kind: 'value'; readonly column: string; readonly type: string };

interface UpdatableColumn {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly unique: boolean;
}

/**
 * The column the UPDATE probes of `table` set (see {@link UpdateProbeSet}), or the tenant column when
 * the role may update no column at all (the statement is then refused on privilege, as it should be).
 * Only a column no unique index covers is set, so setting many rows to one value cannot collide.
 */
export async function updateProbeSet(
  client: pg.ClientBase,
  target: { readonly schema: string; readonly table: string; readonly tenantColumn: string },
  appRole: string,
): Promise<UpdateProbeSet> {
  const result = await client.query<UpdatableColumn>(
    `SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
            EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND x.indisunique
                     AND a.attnum = ANY (x.indkey::int2[])) AS unique
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relname = $2
        AND a.attidentity <> 'a' AND a.attgenerated = ''
        AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $3)
        AND has_column_privilege($3, c.oid, a.attnum, 'UPDATE')
      ORDER BY a.attnum`,
    [target.schema, target.table, appRole],
  );
  const columns = result.rows;
  if (columns.length === 0 || columns.some((column) => column.name === target.tenantColumn))
    return { kind: 'tenant', column: target.tenantColumn };
  const free = columns.filter((column) => !column.unique);
  const nullable = free.find((column) => column.nullable);
  if (nullable !== undefined) return { kind: 'null', column: nullable.name };
  // Only unique columns: one value for all of the tenant's rows would collide, so the probe keeps the
  // tenant column (refused on privilege) and the UPDATE policy stays to the policy analysis.
  const chosen = free[0];
  if (chosen === undefined) return { kind: 'tenant', column: target.tenantColumn };
  return { kind: 'value', column: chosen.name, type: chosen.type };
}

/**
 * The SET item of a probe UPDATE: `"col" = $1` (the tenant), `"col" = NULL`, or `"col" = $1::type`
 * (a value of the column's own type). A constant either way: it reads no column.
 */
export function updateProbeAssignment(set: UpdateProbeSet): string {
  const value = set.kind === 'tenant' ? '$1' : set.kind === 'null' ? 'NULL' : `$1::${set.type}`;
  return `${quoteIdent(set.column)} = ${value}`;
}
