import { describe, expect, inject, test } from 'vitest';
import { connectPool } from '../helpers/db/database-connection.ts';
import {
  emptyTenantSkipReason,
  tenantContexts,
  withTenant,
  withoutTenant,
} from '../helpers/db/tenant-context.ts';
import gateConfig from '../gate.config.ts';
import { createScratchDatabase } from '../helpers/db/scratch-database.ts';

const { tenancy } = gateConfig;

/** The one table of the reference schema this file reads, typed for Kysely. */
interface ProjectsDatabase {
  readonly projects: { readonly id: string; readonly tenant_id: string; readonly name: string };
}

/** A pool of ONE connection: whatever a transaction leaves behind, the next user gets. */
async function singleConnectionPool(url: string) {
  const pool = await connectPool(url, { max: 1 });
  return { pool, [Symbol.asyncDispose]: () => pool.end() };
}

describe('tenant context helpers', () => {
  test('withTenant runs as the application role with the tenant set, and neither survives the transaction', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await using handle = await singleConnectionPool(db.url);
    const { pool } = handle;
    const tenants = await pool.query<{ id: string }>('SELECT id FROM tenants ORDER BY id');
    const tenantA = tenants.rows[0]?.id ?? '';
    expect(tenants.rows.length).toBeGreaterThanOrEqual(2);
    const sessionUser = (await pool.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u;

    const inside = await withTenant(pool, tenancy, tenantA, async ({ client }) => {
      const row = await client.query<{ role: string; tenant: string }>(
        'SELECT current_user AS role, current_setting($1) AS tenant',
        [tenancy.tenantSetting],
      );
      return row.rows[0];
    });
    expect(inside).toEqual({ role: tenancy.appRole, tenant: tenantA });

    // Same physical connection (pool of one): the next user starts clean.
    const after = await pool.query<{ role: string; tenant: string | null }>(
      'SELECT current_user AS role, current_setting($1, true) AS tenant',
      [tenancy.tenantSetting],
    );
    expect(after.rows[0]?.role).toBe(sessionUser);
    expect(after.rows[0]?.tenant ?? '').toBe('');
  });

  test('withTenant sees exactly its tenant rows through typed Kysely; withoutTenant sees none', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await using handle = await singleConnectionPool(db.url);
    const { pool } = handle;
    const owned = await pool.query<{ tenant_id: string; n: number }>(
      'SELECT tenant_id, count(*)::int AS n FROM projects GROUP BY tenant_id ORDER BY tenant_id LIMIT 1',
    );
    const tenantA = owned.rows[0]?.tenant_id ?? '';
    const contexts = tenantContexts<ProjectsDatabase>(pool, tenancy);
    const seen = await contexts.withTenant(tenantA, ({ db: kysely }) =>
      kysely.selectFrom('projects').select(['id', 'tenant_id']).execute(),
    );
    expect(seen.length).toBe(owned.rows[0]?.n);
    expect(new Set(seen.map((row) => row.tenant_id))).toEqual(new Set([tenantA]));
    const none = await contexts.withoutTenant(({ db: kysely }) =>
      kysely.selectFrom('projects').selectAll().execute(),
    );
    expect(none).toEqual([]);
  });

  test('a session-level tenant left on a pooled connection does not leak into withoutTenant', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await using handle = await singleConnectionPool(db.url);
    const { pool } = handle;
    const tenant = (await pool.query<{ id: string }>('SELECT id FROM tenants LIMIT 1')).rows[0]?.id ?? '';
    // What the plan's manual test does: SET at session level, outliving any transaction.
    await pool.query('SELECT set_config($1, $2, false)', [tenancy.tenantSetting, tenant]);
    const visible = await withoutTenant(pool, tenancy, async ({ client }) => {
      const result = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM projects');
      return result.rows[0]?.n;
    });
    expect(visible).toBe(0);
  });

  test('rollback: true leaves nothing behind, and an error rolls back and frees the connection', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await using handle = await singleConnectionPool(db.url);
    const { pool } = handle;
    const tenant = (await pool.query<{ id: string }>('SELECT id FROM tenants LIMIT 1')).rows[0]?.id ?? '';
    const count = async (): Promise<number> =>
      (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM projects')).rows[0]?.n ?? -1;
    const before = await count();
    await withTenant(
      pool,
      tenancy,
      tenant,
      ({ client }) =>
        client.query('INSERT INTO projects (tenant_id, name) VALUES ($1, $2)', [tenant, 'rolled back']),
      { rollback: true },
    );
    expect(await count()).toBe(before);
    await expect(
      withTenant(pool, tenancy, tenant, async ({ client }) => {
        await client.query('INSERT INTO projects (tenant_id, name) VALUES ($1, $2)', [tenant, 'then failed']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // The pool of one would hang here if the failed transaction had kept the connection.
    expect(await count()).toBe(before);
  });
});

describe('tenant context set by the application statement', () => {
  test("the statement runs as the application role with the tenant id; '' is probed only for text keys", async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await using handle = await singleConnectionPool(db.url);
    const settings = {
      ...tenancy,
      tenantContext: {
        sql: "SELECT set_config('request.jwt.claims', json_build_object('tenant_id', $1::text, 'by', current_user)::text, true)",
      },
    };
    const claims = await withTenant(handle.pool, settings, 'tenant-42', async ({ client }) => {
      const row = await client.query<{ claims: string }>(
        "SELECT current_setting('request.jwt.claims') AS claims",
      );
      return JSON.parse(row.rows[0]?.claims ?? '{}') as unknown;
    });
    expect(claims).toEqual({ tenant_id: 'tenant-42', by: tenancy.appRole });
    const empty = await withoutTenant(handle.pool, settings, async ({ client }) => {
      const row = await client.query<{ claims: string }>(
        "SELECT current_setting('request.jwt.claims') AS claims",
      );
      return JSON.parse(row.rows[0]?.claims ?? '{}') as unknown;
    });
    expect(empty).toEqual({ tenant_id: '', by: tenancy.appRole });
    expect(emptyTenantSkipReason(settings, 'text')).toBeNull();
    expect(emptyTenantSkipReason(settings, 'uuid')).toMatch(/no empty value/);
    expect(emptyTenantSkipReason(tenancy, 'uuid')).toBeNull();
  });
});
