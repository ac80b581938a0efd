import type pg from 'pg';
import type { IsolationTable } from '../../catalog/isolation-types.ts';
import { tenantOfRowSql, type DerivedTenantTable } from '../../catalog/derived-tenant-tables.ts';
import { deleteRowsOfTenant, referencingTables } from '../../catalog/rls-dependents.ts';
import { qualifiedName, quoteIdent } from '../../db/sql-identifier.ts';
import type { JsonValue } from '../../json-value.ts';
import type { ProbeContext, RlsProbe, Observation } from './rls-probe.ts';
import { classifyWrite, rowsChanged, type OtherTenantWrite, type WriteCommand } from './rls-write-reach.ts';
import { updateProbeAssignment, type UpdateProbeSet } from './update-probe-column.ts';

// Probes of a table isolated through its parent (no tenant key of its own). A row's tenant is read
// as the owner through the foreign-key path (tenantOfRowSql); as the application role the parents'
// own policies would hide it. Rows are named by ctid, which stays put inside the probes' one
// transaction: every attempt that writes is rolled back before the next reads.

/** The derived table and where its tenant is, with the schema it lives in. */
export interface DerivedTarget {
  readonly schema: string;
  readonly derived: DerivedTenantTable;
  /**
   * What the WHERE-less UPDATE sets when the role may not update the first hop's key (column grants):
   * another column it may update (see updateProbeSet); left out, or `tenant`, the key is re-pointed.
   */
  readonly updateSet?: UpdateProbeSet;
}

/** ctids (as text) of the rows of `target` that belong to `tenantId`, read as the owner. */
export async function derivedTenantRowIds(
  client: pg.ClientBase,
  target: DerivedTarget,
  tenantId: string,
): Promise<readonly string[]> {
  const { schema, derived } = target;
  const result = await client.query<{ id: string }>(
    `SELECT t.ctid::text AS id FROM ${qualifiedName(schema, derived.table)} AS t
      WHERE ${tenantOfRowSql(schema, derived, 't')} = $1`,
    [tenantId],
  );
  return result.rows.map((row) => row.id);
}

/** How many of the rows `ids` the statement's context sees: `SELECT count(*) … WHERE ctid = ANY(…)`. */
export async function visibleAmong(
  probe: RlsProbe,
  context: ProbeContext,
  target: DerivedTarget,
  ids: readonly string[],
): Promise<Observation<{ n: number }>> {
  return probe.attempt<{ n: number }>(
    context,
    `SELECT count(*)::int AS n FROM ${qualifiedName(target.schema, target.derived.table)} AS t
      WHERE t.ctid = ANY ($1::tid[])`,
    [ids],
  );
}

/** md5 of each row of `target` that belongs to `tenantId` (as the owner), sorted: a multiset to diff. */
async function derivedRowDigests(
  client: pg.ClientBase,
  target: DerivedTarget,
  tenantId: string,
): Promise<readonly string[]> {
  const { schema, derived } = target;
  const result = await client.query<{ digest: string }>(
    `SELECT md5((t.*)::text) AS digest FROM ${qualifiedName(schema, derived.table)} AS t
      WHERE ${tenantOfRowSql(schema, derived, 't')} = $1 ORDER BY 1`,
    [tenantId],
  );
  return result.rows.map((row) => row.digest);
}

/** The first hop's foreign-key columns of `row`, as text parameters in column order. */
export function parentKeyOf(
  derived: DerivedTenantTable,
  row: Readonly<Record<string, JsonValue>>,
): (string | null)[] {
  const step = derived.path[0];
  if (step === undefined) return [];
  return step.columns.map((column) => textParam(row[column]));
}

/** A stored row's value as a text parameter (PostgreSQL casts it to the column's type); NULL stays NULL. */
function textParam(value: JsonValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `UPDATE t SET <first-hop key> = $1…`: points every row it reaches at one parent. It reads no column
 * (a constant on the right of SET, no WHERE), so only the UPDATE policies decide what it reaches.
 */
export function reparentSql(target: DerivedTarget): string {
  const step = target.derived.path[0];
  const sets = (step?.columns ?? []).map((column, i) => `${quoteIdent(column)} = $${i + 1}`).join(', ');
  return `UPDATE ${qualifiedName(target.schema, target.derived.table)} SET ${sets}`;
}

/**
 * The WHERE-less UPDATE of the other-tenant probe: every reached row re-pointed at the acting tenant's
 * parent, or (column grants without the key) another updatable column set to NULL or to the acting
 * tenant's own value of it. A constant either way: the statement reads no column.
 */
function updateStatement(
  target: DerivedTarget,
  actorParent: readonly (string | null)[],
  actorRow: Readonly<Record<string, JsonValue>>,
): { readonly sql: string; readonly params: readonly unknown[] } {
  const set = target.updateSet;
  if (set === undefined || set.kind === 'tenant') return { sql: reparentSql(target), params: actorParent };
  const sql = `UPDATE ${qualifiedName(target.schema, target.derived.table)} SET ${updateProbeAssignment(set)}`;
  if (set.kind === 'null') return { sql, params: [] };
  return { sql, params: [textParam(actorRow[set.column])] };
}

/**
 * A WHERE-less DELETE, or an UPDATE pointing every reached row at `actorParent` (a parent of the
 * acting tenant: a no-op on its own rows), run as tenant `actor` and judged by what it did to tenant
 * `other`'s rows, read as the owner right after it; everything is rolled back. Before a DELETE the
 * actor's rows of the tables that reference this one (tenant tables, or derived tables) are deleted
 * as the owner, so a RESTRICT on the actor's own dependents cannot abort the statement.
 */
export async function derivedOtherTenantWrite(
  probe: RlsProbe,
  target: DerivedTarget,
  command: WriteCommand,
  tenants: {
    readonly actor: string;
    readonly other: string;
    readonly actorParent: readonly (string | null)[];
    /** One of the acting tenant's rows, as stored: the value a `value` update set writes. */
    readonly actorRow: Readonly<Record<string, JsonValue>>;
    readonly tenantTables: readonly IsolationTable[];
    readonly derivedTables: readonly DerivedTenantTable[];
  },
): Promise<OtherTenantWrite> {
  const { schema, derived } = target;
  return probe.rolledBack(async () => {
    if (command === 'DELETE') {
      const referencing = new Set(await referencingTables(probe.client, schema, derived.table));
      await deleteRowsOfTenant(
        probe.client,
        schema,
        [
          ...tenants.tenantTables
            .filter((t) => referencing.has(t.table))
            .map((t) => ({
              table: t.table,
              tenantOf: (alias: string) => `${alias}.${quoteIdent(t.tenantColumn)}`,
            })),
          ...tenants.derivedTables
            .filter((d) => referencing.has(d.table))
            .map((d) => ({ table: d.table, tenantOf: (alias: string) => tenantOfRowSql(schema, d, alias) })),
        ],
        tenants.actor,
      );
    }
    const own = await derivedTenantRowIds(probe.client, target, tenants.actor);
    const before = await derivedRowDigests(probe.client, target, tenants.other);
    const actor = { kind: 'tenant', tenantId: tenants.actor } as const;
    const update = updateStatement(target, tenants.actorParent, tenants.actorRow);
    let observation = await probe.attempt(
      actor,
      command === 'DELETE' ? `DELETE FROM ${qualifiedName(schema, derived.table)}` : update.sql,
      command === 'DELETE' ? [] : update.params,
      { keep: true },
    );
    // A constraint refusing the chosen column's constant says nothing about reach: re-point the key.
    if (
      command === 'UPDATE' &&
      !observation.ok &&
      observation.code.startsWith('23') &&
      update.sql !== reparentSql(target)
    )
      observation = await probe.attempt(actor, reparentSql(target), tenants.actorParent, { keep: true });
    const after = observation.ok ? await derivedRowDigests(probe.client, target, tenants.other) : before;
    return {
      outcome: classifyWrite(observation, derived.table),
      ownRows: own.length,
      otherRows: before.length,
      otherTouched: rowsChanged(before, after),
    };
  });
}
