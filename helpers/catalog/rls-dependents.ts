import type pg from 'pg';
import type { IsolationTable } from './isolation-types.ts';
import { GateError, errorMessage } from '../gate-error.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';

/**
 * Tables of `schema` whose rows reference `table`'s rows through foreign keys, directly or through
 * one another — every table a DELETE on `table` can cascade into or be blocked by — `table` excluded.
 * `UNION` (not `UNION ALL`) ends the recursion on reference cycles.
 */
export async function referencingTables(
  client: pg.ClientBase,
  schema: string,
  table: string,
): Promise<readonly string[]> {
  const result = await client.query<{ table: string }>(
    `WITH RECURSIVE target AS (
       SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2),
     refs(oid) AS (
       SELECT con.conrelid FROM pg_constraint con
        WHERE con.contype = 'f' AND con.confrelid IN (SELECT oid FROM target)
       UNION
       SELECT con.conrelid FROM pg_constraint con JOIN refs r ON con.confrelid = r.oid
        WHERE con.contype = 'f')
     SELECT c.relname AS table FROM refs
       JOIN pg_class c ON c.oid = refs.oid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.oid NOT IN (SELECT oid FROM target)
      ORDER BY 1`,
    [schema, table],
  );
  return result.rows.map((row) => row.table);
}

/**
 * Deletes `tenantId`'s rows from every table of `tables` in ONE statement (one data-modifying CTE a
 * table): foreign-key checks and cascades run at the end of the statement, when all of them are gone,
 * so neither the order of the tables nor RESTRICT between them matters. Run it as the owner/admin,
 * inside a savepoint that is rolled back.
 */
export async function deleteTenantRows(
  client: pg.ClientBase,
  schema: string,
  tables: readonly IsolationTable[],
  tenantId: string,
): Promise<void> {
  await deleteRowsOfTenant(
    client,
    schema,
    tables.map(({ table, tenantColumn }) => ({
      table,
      tenantOf: (alias: string) => `${alias}.${quoteIdent(tenantColumn)}`,
    })),
    tenantId,
  );
}

/**
 * {@link deleteTenantRows} for tables whose tenant is any SQL expression over the row (`tenantOf`
 * gets the row's alias): a tenant column, or a derived table's path to its parent's. Every CTE reads
 * the statement's one snapshot, so a child's tenant is still found through a parent deleted beside it.
 */
export async function deleteRowsOfTenant(
  client: pg.ClientBase,
  schema: string,
  tables: readonly { readonly table: string; readonly tenantOf: (alias: string) => string }[],
  tenantId: string,
): Promise<void> {
  if (tables.length === 0) return;
  // One parameter a table: tenant columns of different types must not share an inferred type.
  const ctes = tables.map(
    ({ table, tenantOf }, index) =>
      `mg_clear_${index + 1} AS (DELETE FROM ${qualifiedName(schema, table)} AS t WHERE ${tenantOf('t')} = $${index + 1})`,
  );
  try {
    await client.query(
      `WITH ${ctes.join(', ')} SELECT 1`,
      tables.map(() => tenantId),
    );
  } catch (error) {
    throw new GateError(
      `could not clear tenant ${tenantId}'s rows of ${tables.map((t) => t.table).join(', ')} (as the owner, rolled back): ${errorMessage(error)}`,
      { cause: error },
    );
  }
}
