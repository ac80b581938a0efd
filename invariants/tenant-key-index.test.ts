import { sql } from 'kysely';
import { expect, inject, test } from 'vitest';
import { asOwner, defineInvariant } from '../package/index.ts';

// Every table that carries the tenant key must have an index whose FIRST column is that key: every
// query the application runs is filtered by tenant (RLS adds the predicate), and without such an
// index each one scans the whole table across all tenants.
test('every tenant table has an index whose first column is the tenant key', async ({ task, skip }) => {
  const check = defineInvariant(task, 'invariant.tenant-key-index');
  const { schema, tenancy } = inject('gateConfig');
  const tables = await asOwner(async (db) => {
    const { rows } = await sql<{ table: string; indexes: string[] }>`
      SELECT c.relname AS table,
             coalesce(array_agg(ic.relname::text ORDER BY ic.relname) FILTER (
               WHERE i.indkey[0] = a.attnum AND i.indisvalid), '{}') AS indexes
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = ${tenancy.tenantKey}
                           AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_index i ON i.indrelid = c.oid
        LEFT JOIN pg_class ic ON ic.oid = i.indexrelid
       WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       GROUP BY c.relname
       ORDER BY c.relname`.execute(db);
    return rows;
  });
  if (tables.length === 0) {
    const reason = `no table of schema ${schema} has the tenant key column ${tenancy.tenantKey}`;
    check.notApplicable(reason);
    return skip(reason);
  }
  check.inventory(
    'Tenant-key indexes',
    tables.map((row) => ({ table: row.table, indexes: row.indexes.join(', ') || '—' })),
  );
  const unindexed = tables.filter((row) => row.indexes.length === 0).map((row) => row.table);
  check.measureAll({ tenantTables: tables.length, unindexed: unindexed.length });
  check.offending(unindexed.map((table) => ({ table, missing: `an index led by ${tenancy.tenantKey}` })));
  expect(unindexed, `tables without an index led by ${tenancy.tenantKey}`).toEqual([]);
});
