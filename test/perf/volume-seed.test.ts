import { describe, expect, inject, test } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { insertVolume, seedConfiguredVolume, seedVolume } from '../../fixtures/volume-seed.ts';
import { seedFixtures } from '../../fixtures/seed-fixtures.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { scanOrphans } from '../../helpers/scans/fk-orphans.ts';
import { discoverForeignKeys } from '../../helpers/catalog/foreign-keys.ts';
import { connectClient } from '../../helpers/db/database-connection.ts';
import gateConfig from '../../gate.config.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');

/** Every foreign key of `schema` with orphans, as `constraint: n`. */
async function orphansOf(url: string, schema: string): Promise<readonly string[]> {
  const client = await connectClient(url);
  try {
    const found: string[] = [];
    for (const fk of await discoverForeignKeys(client, schema)) {
      const scan = await scanOrphans(client, fk);
      if (scan.orphans > 0) found.push(`${fk.constraint}: ${scan.orphans}`);
    }
    return found;
  } finally {
    await client.end();
  }
}

describe('volume seeding', () => {
  test('tables isolated through a parent (no tenant key, NOT NULL keys to tenant tables) get rows too, under existing parents', async () => {
    await using db = await createScratchDatabase(adminUrl, { template: inject('templateDatabase') });
    const setup = await connectClient(db.url);
    try {
      await setup.query(await fs.readFile(path.resolve('test/sabotage/ce23/derived-clean.sql'), 'utf8'));
    } finally {
      await setup.end();
    }
    const result = await seedVolume(db.url, {
      schema: gateConfig.schema,
      tenantKey: gateConfig.tenancy.tenantKey,
      tenantTable: gateConfig.tenancy.tenantTable,
      tenants: 4,
      largestTableRows: 2000,
    });
    expect(result.skipped).toEqual([]);
    expect(result.inserted['document_comments'], 'one hop').toBeGreaterThan(0);
    expect(result.inserted['comment_reactions'], 'two hops').toBeGreaterThan(0);
    // The largest table stays a tenant table.
    expect(gateConfig.tenancy.tenantTables).toContain(result.largestTable);
    expect(await orphansOf(db.url, gateConfig.schema)).toEqual([]);
  });

  test('the CE-26 volume on top of synthesised fixtures: every volume tenant gets its rows (no key collides with a fixture row)', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await new Migrator({ databaseUrl: db.url, directory: path.resolve('migrations') }).migrate();
    const { factories: _factories, ...synthesised } = gateConfig.fixtures;
    const performance = gateConfig.performance;
    if (performance === undefined) throw new Error('the reference config has a performance section');
    const config = {
      ...gateConfig,
      fixtures: { ...synthesised, tenants: 3 },
      performance: { ...performance, volume: { tenants: 6, largestTableRows: 1200 } },
    };
    await seedFixtures(db.url, config);
    const volume = await seedConfiguredVolume(db.url, config);
    const client = await connectClient(db.url);
    try {
      const perTenant = await client.query<{ tenant: string; n: number }>(
        `SELECT t::text AS tenant, (SELECT count(*)::int FROM projects p WHERE p.tenant_id = t) AS n
           FROM unnest($1::uuid[]) AS t`,
        [volume?.tenantIds ?? []],
      );
      expect(perTenant.rows).toHaveLength(6);
      expect(perTenant.rows.filter((row) => row.n === 0).map((row) => row.tenant)).toEqual([]);
    } finally {
      await client.end();
    }
  });

  test('fills every tenant table of the reference schema, parents inside the same tenant, no orphans', async () => {
    await using db = await createScratchDatabase(adminUrl, { template: inject('templateDatabase') });
    const result = await seedVolume(db.url, {
      schema: gateConfig.schema,
      tenantKey: gateConfig.tenancy.tenantKey,
      tenantTable: gateConfig.tenancy.tenantTable,
      tenants: 6,
      largestTableRows: 3000,
    });
    expect(result.tenantIds).toHaveLength(6);
    expect(result.skipped).toEqual([]);
    expect(result.largestTable).toBeDefined();
    expect(result.inserted[result.largestTable ?? '']).toBe(3000);
    for (const table of gateConfig.tenancy.tenantTables) {
      expect(result.inserted[table], `rows seeded into ${table}`).toBeGreaterThan(0);
    }
    expect(result.rowsPerSecond).toBeGreaterThan(0);
    expect(await orphansOf(db.url, gateConfig.schema)).toEqual([]);

    const client = await connectClient(db.url);
    try {
      // Composite (tenant_id, parent) keys resolve, so each child is in its parent's tenant.
      const crossTenant = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.tenant_id <> c.tenant_id`,
      );
      expect(crossTenant.rows[0]?.n).toBe(0);
      const perTenant = await client.query<{ n: number }>(
        `SELECT count(DISTINCT tenant_id)::int AS n FROM ${result.largestTable ?? 'missing'}
          WHERE tenant_id::text = ANY ($1::text[])`,
        [result.tenantIds],
      );
      expect(perTenant.rows[0]?.n).toBe(6);
      // ANALYZE ran: the planner knows the volume.
      const stats = await client.query<{ reltuples: number }>(
        `SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = $1::regclass`,
        [result.largestTable ?? 'missing'],
      );
      expect(stats.rows[0]?.reltuples).toBeGreaterThanOrEqual(3000);
    } finally {
      await client.end();
    }
  });

  test.each([
    ['an integer tenant key with a tenants table', 'integer', true],
    ['a text tenant key and no tenants table', 'text', false],
  ])('seeds a schema with %s', async (_what, keyType, withTenantTable) => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      await client.query(`
        ${withTenantTable ? `CREATE TABLE orgs (id ${keyType} GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, label varchar(12) NOT NULL UNIQUE);` : ''}
        CREATE TYPE colour AS ENUM ('red', 'green');
        CREATE TABLE boards (org ${keyType === 'integer' ? 'integer' : 'text'} NOT NULL ${withTenantTable ? 'REFERENCES orgs' : ''},
          code int NOT NULL, title text NOT NULL, tint colour NOT NULL, PRIMARY KEY (org, code));
        CREATE TABLE cards (id bigserial PRIMARY KEY, org ${keyType} NOT NULL, board_code int NOT NULL,
          kind text NOT NULL CHECK (kind IN ('bug', 'task')), points numeric(4,1) NOT NULL, due date NOT NULL,
          done boolean NOT NULL, meta jsonb NOT NULL, note text,
          FOREIGN KEY (org, board_code) REFERENCES boards (org, code));`);
    } finally {
      await client.end();
    }
    const result = await seedVolume(db.url, {
      schema: 'public',
      tenantKey: 'org',
      tenantTable: 'orgs',
      tenants: 4,
      largestTableRows: 1000,
    });
    expect(result.skipped).toEqual([]);
    expect(result.tenantIds).toHaveLength(4);
    expect(result.largestTable).toBe('cards');
    expect(result.inserted['cards']).toBe(1000);
    expect(result.inserted['boards']).toBe(40);
    expect(await orphansOf(db.url, 'public')).toEqual([]);
  });
  test('a large table inserted in concurrent chunks gets exactly the rows one statement inserts', async () => {
    const options = {
      schema: gateConfig.schema,
      tenantKey: gateConfig.tenancy.tenantKey,
      tenantTable: gateConfig.tenancy.tenantTable,
      tenants: 50,
      largestTableRows: 100_001,
    };
    await using chunked = await createScratchDatabase(adminUrl, { template: inject('templateDatabase') });
    await using single = await createScratchDatabase(adminUrl, { template: inject('templateDatabase') });
    const result = await seedVolume(chunked.url, options);
    const client = await connectClient(single.url);
    try {
      // Without the chunk callback every table is one statement in this transaction.
      await client.query('BEGIN');
      await insertVolume(client, options);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    // The generated keys, the tenants and the parents referenced: identical sets on both.
    const digest = async (url: string): Promise<unknown> => {
      const reader = await connectClient(url);
      try {
        const rows = await reader.query(
          `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids,
                  sum(hashtext(id::text || ':' || tenant_id::text || ':' || analysis_id::text))::text AS keys
             FROM ${result.largestTable ?? 'missing'}`,
        );
        return rows.rows[0];
      } finally {
        await reader.end();
      }
    };
    expect(result.inserted[result.largestTable ?? '']).toBe(100_001);
    expect(await digest(chunked.url)).toEqual(await digest(single.url));
    expect(await orphansOf(chunked.url, gateConfig.schema)).toEqual([]);
  });
});

describe('volume seeding: text CHECKs', () => {
  test('a text column whose CHECK refuses the plain shape gets one the database accepted (an e-mail, digits, a letters-only slug)', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      await client.query(`
        CREATE TABLE orgs (id serial PRIMARY KEY, name text NOT NULL,
          slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z]{3,20}$'));
        CREATE TABLE members (
          id serial PRIMARY KEY,
          org_id integer NOT NULL REFERENCES orgs (id),
          email text NOT NULL UNIQUE CHECK (position('@' IN email) > 1),
          code text NOT NULL CHECK (code ~ '^[0-9]+$'),
          handle text NOT NULL CHECK (handle ~ '^[A-Z]+$')
        );`);
    } finally {
      await client.end();
    }
    const result = await seedVolume(db.url, {
      schema: 'public',
      tenantKey: 'org_id',
      tenantTable: 'orgs',
      tenants: 3,
      largestTableRows: 30,
    });
    expect(result.skipped).toEqual([]);
    expect(result.inserted['members']).toBe(30);
    // A second seeding of the same database repeats no value of the unique column.
    const again = await seedVolume(db.url, {
      schema: 'public',
      tenantKey: 'org_id',
      tenantTable: 'orgs',
      tenants: 2,
      largestTableRows: 10,
      seed: 2,
    });
    expect(again.inserted['members']).toBe(10);
    // Letters-only slugs of both seedings: every tenant row kept (none dropped on the unique slug).
    expect(result.inserted['orgs']).toBe(3);
    expect(again.inserted['orgs']).toBe(2);
  });

  test('numbers stay inside their CHECK bounds: BETWEEN, >, < on smallint, integer and numeric, a unique one from its floor', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      await client.query(`
        CREATE TABLE orgs (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE labels (
          id serial PRIMARY KEY,
          org_id integer NOT NULL REFERENCES orgs (id),
          priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 5),
          rank integer NOT NULL CHECK (rank > 10),
          debt integer NOT NULL CHECK (debt < 0),
          weight numeric(3,2) NOT NULL CHECK (weight >= 0.5 AND weight < 1),
          seq integer NOT NULL UNIQUE CHECK (seq >= 100)
        );`);
      const result = await seedVolume(db.url, {
        schema: 'public',
        tenantKey: 'org_id',
        tenantTable: 'orgs',
        tenants: 3,
        largestTableRows: 40,
      });
      expect(result.skipped).toEqual([]);
      expect(result.inserted['labels']).toBe(40);
      const seen = await client.query<{ priorities: number; low_seq: number }>(
        `SELECT count(DISTINCT priority)::int AS priorities, min(seq) AS low_seq FROM labels`,
      );
      // The range is used, not one value: a unique or a wider check would still hold.
      expect(seen.rows[0]).toEqual({ priorities: 5, low_seq: 100 });
    } finally {
      await client.end();
    }
  });
});
