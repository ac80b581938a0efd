import type pg from 'pg';
import type { JsonValue } from '../../json-value.ts';
import { qualifiedName, quoteIdent } from '../../db/sql-identifier.ts';
import type { Candidate } from '../../catalog/isolation-types.ts';
import type { RlsProbe } from '../rls/rls-probe.ts';
import type { ForeignKey } from '../../catalog/foreign-keys.ts';
import type { TenantTable } from '../../catalog/tenant-tables.ts';

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

/**
 * What happened when tenant A tried to attach a new child row to tenant B's parent through a foreign
 * key that leaves the tenant out: it was stored (the leak), refused (by a policy, a privilege, or a
 * trigger that refuses even the owner), or the probe could not tell.
 */
export type CrossTenantAttach =
  | { readonly kind: 'attached'; readonly parent: Readonly<Record<string, JsonValue>> }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string }
  | { readonly kind: 'inconclusive'; readonly reason: string };

/** The seeded session the probe needs: tenants A and B in every tenant table, inside one open transaction. */
export interface AttachProbeSession {
  readonly probe: RlsProbe;
  readonly tenantA: string;
  readonly tenantB: string;
  candidate(table: string, owner: 'A' | 'B'): Promise<Candidate>;
  insertSql(table: string, row: Readonly<Record<string, JsonValue>>): string;
}

/**
 * As the application role with tenant A set, inserts a child row of A whose foreign-key columns name
 * tenant B's parent row (parents and the child synthesised inside the caller's rolled-back
 * transaction; see {@link IsolationSession}). The foreign-key check runs as the owner and ignores RLS,
 * so a key without the tenant lets it through. The same row is tried as the owner first: when even the
 * owner is refused with the same error, something in the schema (a trigger) enforces the tenant.
 */
export async function probeCrossTenantAttach(
  session: AttachProbeSession,
  scoped: TenantScopedForeignKey,
): Promise<CrossTenantAttach> {
  const { fk } = scoped;
  const parent = await session.probe.client.query<{ row: Record<string, JsonValue> }>(
    `SELECT to_jsonb(p.*) AS row FROM ${qualifiedName(fk.referencedSchema, fk.referencedTable)} AS p
      WHERE ${await session.probe.tenantEquals('p', fk.referencedSchema, fk.referencedTable, scoped.parentTenantColumn)} LIMIT 1`,
    [session.tenantB],
  );
  const parentRow = parent.rows[0]?.row;
  if (parentRow === undefined)
    return { kind: 'inconclusive', reason: `tenant B has no ${fk.referencedTable} row to point at` };
  const candidate = await session.candidate(fk.table, 'A');
  if (!candidate.ok)
    return { kind: 'inconclusive', reason: `no ${fk.table} row of tenant A: ${candidate.reason}` };
  const row: Record<string, JsonValue> = { ...candidate.row };
  for (const [i, column] of fk.columns.entries()) {
    const referenced = fk.referencedColumns[i];
    if (referenced === undefined) return { kind: 'inconclusive', reason: `${fk.constraint} is malformed` };
    row[column] = parentRow[referenced] ?? null;
  }
  const sql = session.insertSql(fk.table, row);
  const params = [JSON.stringify(row)];
  const asOwner = await session.probe.attempt({ kind: 'owner' }, sql, params);
  const asTenantA = await session.probe.attempt({ kind: 'tenant', tenantId: session.tenantA }, sql, params);
  if (asTenantA.ok) return { kind: 'attached', parent: parentRow };
  if (asOwner.ok || asOwner.code === asTenantA.code)
    return { kind: 'refused', code: asTenantA.code, message: asTenantA.message };
  return {
    kind: 'inconclusive',
    reason: `the probe row is refused even as the owner (${asOwner.code}: ${asOwner.message}), so tenant A's refusal (${asTenantA.code}) proves nothing`,
  };
}

/** The fix to name: the key pairs the tenant columns, e.g. `FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id)`. */
export function compositeKeyFix(scoped: TenantScopedForeignKey): string {
  const { fk } = scoped;
  const parent =
    fk.referencedSchema === fk.schema
      ? quoteIdent(fk.referencedTable)
      : qualifiedName(fk.referencedSchema, fk.referencedTable);
  const child = [scoped.childTenantColumn, ...fk.columns].map(quoteIdent).join(', ');
  const referenced = [scoped.parentTenantColumn, ...fk.referencedColumns].map(quoteIdent).join(', ');
  return `FOREIGN KEY (${child}) REFERENCES ${parent} (${referenced}), with UNIQUE (${referenced}) on ${parent}`;
}
