import type pg from 'pg';
import type { IsolationTable } from './isolation-types.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';
import { readOutsideTenancyTables, type OutsideTenancyTable } from './outside-tenancy.ts';
import { discoverColumns } from './columns.ts';
import { discoverForeignKeys } from './foreign-keys.ts';

/** One foreign-key hop of a derivation: the child's columns and the parent key they reference. */
export interface DerivationStep {
  readonly constraint: string;
  readonly columns: readonly string[];
  readonly parentTable: string;
  readonly parentColumns: readonly string[];
}

/**
 * A table without the tenant key whose rows belong to a tenant through NOT NULL foreign keys — a
 * child isolated through its parent (`order_items` → `orders`), with policies such as
 * `USING (EXISTS (SELECT 1 FROM orders o WHERE o.id = order_id))`.
 */
export interface DerivedTenantTable {
  readonly table: string;
  /** The hops from this table to a tenant table, this table's own first. */
  readonly path: readonly DerivationStep[];
  /** The tenant table at the end of the path and the column that carries its tenant. */
  readonly tenantTable: string;
  readonly tenantColumn: string;
  readonly rlsEnabled: boolean;
  readonly rlsForced: boolean;
  readonly policies: number;
}

/** Derivations deeper than this are not followed (a row four hops from its tenant is listed, not probed). */
export const MAX_DERIVATION_DEPTH = 3;

/**
 * The tables of `schema` the application role may read or write that have no tenant key but reach a
 * tenant table through NOT NULL foreign keys (at most {@link MAX_DERIVATION_DEPTH} hops): their rows
 * are tenants' rows too, so they must be isolated like the tenant tables. A nullable key is not
 * followed (a row with NULL there belongs to nobody); among several keys the first by constraint
 * name on the shortest path is used.
 */
export async function discoverDerivedTenantTables(
  client: pg.ClientBase,
  schema: string,
  tenantTables: readonly IsolationTable[],
  appRole: string,
): Promise<readonly DerivedTenantTable[]> {
  // Candidates: what the role can reach outside the tenant tables (the lookup tables among them have
  // no path to a tenant table and fall out below).
  const candidates = await readOutsideTenancyTables(
    client,
    schema,
    tenantTables.map((t) => t.table),
    appRole,
  );
  if (candidates.length === 0) return [];
  // The schema's foreign keys whose columns are all NOT NULL (a row with a NULL key belongs to nobody).
  const notNull = new Set(
    (await discoverColumns(client, schema)).filter((c) => !c.nullable).map((c) => `${c.table}.${c.name}`),
  );
  const keys = (await discoverForeignKeys(client, schema)).filter(
    (fk) =>
      fk.referencedSchema === schema &&
      fk.referencedTable !== fk.table &&
      fk.columns.every((column) => notNull.has(`${fk.table}.${column}`)),
  );
  const reached = new Map<string, { path: DerivationStep[]; tenantTable: string; tenantColumn: string }>(
    tenantTables.map((t) => [t.table, { path: [], tenantTable: t.table, tenantColumn: t.tenantColumn }]),
  );
  const derived: DerivedTenantTable[] = [];
  // Breadth first: a table is derived through the shortest path, tables one hop away first.
  for (let depth = 1; depth <= MAX_DERIVATION_DEPTH; depth += 1) {
    const found: [OutsideTenancyTable, DerivationStep, string][] = [];
    for (const candidate of candidates) {
      if (reached.has(candidate.table)) continue;
      const key = keys.find(
        (k) => k.table === candidate.table && reached.get(k.referencedTable)?.path.length === depth - 1,
      );
      if (key === undefined) continue;
      const step = {
        constraint: key.constraint,
        columns: key.columns,
        parentTable: key.referencedTable,
        parentColumns: key.referencedColumns,
      };
      found.push([candidate, step, key.referencedTable]);
    }
    for (const [candidate, step, parent] of found) {
      const through = reached.get(parent);
      if (through === undefined) continue;
      const entry = {
        path: [step, ...through.path],
        tenantTable: through.tenantTable,
        tenantColumn: through.tenantColumn,
      };
      reached.set(candidate.table, entry);
      derived.push({
        table: candidate.table,
        ...entry,
        rlsEnabled: candidate.rlsEnabled,
        rlsForced: candidate.rlsForced,
        policies: candidate.policies,
      });
    }
  }
  return derived;
}

/**
 * SQL for the tenant of the row `alias` of a derived table: a scalar subquery that joins the path's
 * parents (each hop references a unique key, so it yields one value, or NULL when a parent is missing).
 * Read it as the owner: as the application role the parents' own policies would hide other tenants.
 */
export function tenantOfRowSql(schema: string, derived: DerivedTenantTable, alias: string): string {
  const hops = derived.path.map((step, index) => ({ step, name: `mg_p${index + 1}` }));
  const joins = hops.map(({ step, name }, index) => {
    const child = index === 0 ? alias : (hops[index - 1]?.name ?? alias);
    const on = step.columns
      .map(
        (column, i) =>
          `${name}.${quoteIdent(step.parentColumns[i] ?? column)} = ${child}.${quoteIdent(column)}`,
      )
      .join(' AND ');
    return { from: `${qualifiedName(schema, step.parentTable)} AS ${name}`, on };
  });
  const [first, ...rest] = joins;
  const last = hops.at(-1)?.name ?? alias;
  if (first === undefined) return `${alias}.${quoteIdent(derived.tenantColumn)}`;
  const body = rest.map((join) => ` JOIN ${join.from} ON ${join.on}`).join('');
  return `(SELECT ${last}.${quoteIdent(derived.tenantColumn)} FROM ${first.from}${body} WHERE ${first.on})`;
}

/** `orders.id ← order_items.order_id`, for reports: the path as the foreign keys read. */
export function describeDerivation(derived: DerivedTenantTable): string {
  let child = derived.table;
  const hops = derived.path.map((step) => {
    const text = `${child}(${step.columns.join(', ')}) → ${step.parentTable}(${step.parentColumns.join(', ')})`;
    child = step.parentTable;
    return text;
  });
  return `${hops.join(', ')}; tenant in ${derived.tenantTable}.${derived.tenantColumn}`;
}
