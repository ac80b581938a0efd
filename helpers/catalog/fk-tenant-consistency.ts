import type pg from 'pg';
import { qualifiedName, quoteIdent } from '../sql-identifier.ts';
import type { ForeignKey } from './foreign-keys.ts';
import type { TenantTable } from './tenant-tables.ts';

/** How a foreign key between two tenant-scoped tables keeps both ends in one tenant. */
export type TenantEnforcement =
  /** The key pairs the child's tenant column with the parent's: a cross-tenant reference cannot be stored. */
  | 'schema'
  /** Nothing in the schema stops it; only the data, as scanned now, shows none. */
  | 'data-only';

/** A foreign key whose referencing and referenced tables both carry a tenant. */
export interface TenantScopedForeignKey {
  readonly fk: ForeignKey;
  readonly childTenantColumn: string;
  readonly parentTenantColumn: string;
  readonly enforcement: TenantEnforcement;
}

/**
 * The foreign keys to check for cross-tenant references: those between two tenant-scoped tables.
 * Enforcement is `schema` when some key position maps the child's tenant column onto the parent's
 * (e.g. `(tenant_id, project_id) → projects (tenant_id, id)`, or `tenant_id → tenants (id)`).
 */
export function tenantScopedForeignKeys(
  foreignKeys: readonly ForeignKey[],
  tenantTables: readonly TenantTable[],
): readonly TenantScopedForeignKey[] {
  const tenantColumn = new Map(tenantTables.map((table) => [table.table, table.tenantColumn]));
  return foreignKeys.flatMap((fk) => {
    const childTenantColumn = fk.referencedSchema === fk.schema ? tenantColumn.get(fk.table) : undefined;
    const parentTenantColumn = tenantColumn.get(fk.referencedTable);
    if (childTenantColumn === undefined || parentTenantColumn === undefined) return [];
    const paired = fk.columns.some(
      (column, i) => column === childTenantColumn && fk.referencedColumns[i] === parentTenantColumn,
    );
    return [
      { fk, childTenantColumn, parentTenantColumn, enforcement: paired ? 'schema' : 'data-only' } as const,
    ];
  });
}

/** Child rows whose parent belongs to another tenant. */
export interface CrossTenantScan {
  readonly mismatches: number;
  /** Child key, child tenant and parent tenant of some mismatching rows. */
  readonly samples: readonly Readonly<Record<string, unknown>>[];
}

/** Joins child to parent on the foreign key and counts rows whose tenants differ (NULL counts as different). */
export async function scanCrossTenant(
  client: pg.ClientBase,
  scoped: TenantScopedForeignKey,
  sampleLimit = 20,
): Promise<CrossTenantScan> {
  const { fk } = scoped;
  const join = fk.columns.map((column, i) => {
    const referenced = fk.referencedColumns[i];
    if (referenced === undefined)
      throw new Error(`Foreign key ${fk.constraint} has fewer referenced than referencing columns.`);
    return `p.${quoteIdent(referenced)} = c.${quoteIdent(column)}`;
  });
  const keys = fk.columns.map((column) => `c.${quoteIdent(column)}`).join(', ');
  const result = await client.query<{ mismatches: number; samples: Record<string, unknown>[] }>(
    `WITH mismatch AS (
       SELECT ${keys}, c.${quoteIdent(scoped.childTenantColumn)} AS child_tenant,
              p.${quoteIdent(scoped.parentTenantColumn)} AS parent_tenant
         FROM ${qualifiedName(fk.schema, fk.table)} c
         JOIN ${qualifiedName(fk.referencedSchema, fk.referencedTable)} p ON ${join.join(' AND ')}
        WHERE c.${quoteIdent(scoped.childTenantColumn)} IS DISTINCT FROM p.${quoteIdent(scoped.parentTenantColumn)})
     SELECT (SELECT count(*) FROM mismatch)::int AS mismatches,
            (SELECT coalesce(json_agg(s), '[]'::json) FROM (SELECT * FROM mismatch LIMIT $1) s) AS samples`,
    [sampleLimit],
  );
  const row = result.rows[0];
  return { mismatches: row?.mismatches ?? 0, samples: row?.samples ?? [] };
}
