import { sql } from 'kysely';
import { expect, inject, test } from 'vitest';
import { asOwner, asTenant, defineInvariant } from '../package/index.ts';

interface ViewLeak {
  readonly view: string;
  readonly tenant: string;
  readonly foreignRows: number;
}

// A view runs with its owner's rights unless it is `security_invoker`: over an RLS table owned by the
// same role, it shows every tenant's rows to whoever may read the view. Read as each tenant, a view
// that exposes the tenant key must show that tenant's rows only.
test("no tenant sees another tenant's row through a view it can read", async ({ task, skip }) => {
  const check = defineInvariant(task, 'invariant.views.cross-tenant');
  const { schema, tenancy } = inject('gateConfig');
  const notApplicable = (reason: string): never => {
    check.notApplicable(reason);
    return skip(reason);
  };

  const views = await asOwner(async (db) => {
    const { rows } = await sql<{ view: string; keyed: boolean }>`
      SELECT c.relname AS view,
             EXISTS (SELECT 1 FROM pg_attribute a
                      WHERE a.attrelid = c.oid AND a.attname = ${tenancy.tenantKey}
                        AND a.attnum > 0 AND NOT a.attisdropped) AS keyed
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ${schema} AND c.relkind IN ('v', 'm')
         AND has_table_privilege(${tenancy.appRole}, c.oid, 'SELECT')
       ORDER BY c.relname`.execute(db);
    return rows;
  });
  if (views.length === 0) notApplicable(`no view of schema ${schema} is readable by ${tenancy.appRole}`);
  const keyed = views.filter((view) => view.keyed).map((view) => view.view);
  check.inventory(
    'Views the application role can read',
    views.map((view) => ({ view: view.view, judged: view.keyed ? 'yes' : `no ${tenancy.tenantKey} column` })),
  );
  if (keyed.length === 0) {
    notApplicable(`no view readable by ${tenancy.appRole} exposes the tenant key ${tenancy.tenantKey}`);
  }

  // Two tenants to act as: tenant key values the views hold, as the owner reads them. LIMIT 1 each,
  // so a large view is not scanned (nor sorted) to find them.
  const tenants = await asOwner(async (db) => {
    const found: string[] = [];
    for (const view of keyed) {
      // Up to two lookups a view: the second asks for a tenant other than the first.
      for (let attempt = found.length; attempt < 2; attempt += 1) {
        const { rows } = await sql<{ tenant: string }>`
        SELECT (v.${sql.ref(tenancy.tenantKey)})::text AS tenant FROM ${sql.table(`${schema}.${view}`)} v
         WHERE v.${sql.ref(tenancy.tenantKey)} IS NOT NULL
           AND NOT ((v.${sql.ref(tenancy.tenantKey)})::text = ANY (${found}::text[]))
         LIMIT 1`.execute(db);
        const tenant = rows[0]?.tenant;
        if (tenant === undefined) break;
        found.push(tenant);
      }
      if (found.length === 2) break;
    }
    return found;
  });
  if (tenants.length < 2) {
    notApplicable(
      `the readable views (${keyed.join(', ')}) hold rows of fewer than two tenants as the connecting role reads them: no other tenant's row to leak`,
    );
  }

  const leaks: ViewLeak[] = [];
  for (const tenant of tenants) {
    for (const view of keyed) {
      const foreignRows = await asTenant(tenant, async (db) => {
        const { rows } = await sql<{ foreign_rows: string }>`
          SELECT count(*) AS foreign_rows FROM ${sql.table(`${schema}.${view}`)} v
           WHERE (v.${sql.ref(tenancy.tenantKey)})::text <> ${tenant}`.execute(db);
        return Number(rows[0]?.foreign_rows ?? 0);
      });
      if (foreignRows > 0) leaks.push({ view, tenant, foreignRows });
    }
  }
  check.measureAll({
    views: keyed.length,
    tenants: tenants.length,
    leakingViews: new Set(leaks.map((l) => l.view)).size,
  });
  check.offending(leaks);
  expect(leaks, "views showing another tenant's rows").toEqual([]);
});
