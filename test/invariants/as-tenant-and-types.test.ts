import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql, type Generated, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../cli/main.ts';
import { runTypes } from '../../cli/types/types-command.ts';
import { connectClient } from '../../helpers/db/database-connection.ts';
import {
  asOwner,
  asTenant,
  typedContexts,
  type InvariantTarget,
} from '../../helpers/invariants/as-tenant.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/db/scratch-database.ts';
import { quoteIdent } from '../../helpers/db/sql-identifier.ts';
import { defineGateConfig } from '../../helpers/config/gate-config.ts';

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const TENANT_A = '00000000-0000-4000-8000-00000000000a';
const TENANT_B = '00000000-0000-4000-8000-00000000000b';

interface TestDB {
  notes: { id: Generated<number>; tenant_id: string; body: string };
}

describe('asTenant / asOwner and `migration-gate types` on a real database', () => {
  const role = `mg_inv_app_${randomBytes(4).toString('hex')}`;
  let scratch: ScratchDatabase;
  let target: InvariantTarget;

  beforeAll(async () => {
    scratch = await createScratchDatabase(ADMIN_URL, { prefix: 'mg_invariants' });
    const client = await connectClient(scratch.url);
    try {
      await client.query(`CREATE ROLE ${quoteIdent(role)} NOLOGIN`);
      await client.query(`
        CREATE TYPE note_kind AS ENUM ('memo', 'todo');
        CREATE TABLE notes (
          id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          tenant_id uuid NOT NULL,
          body text NOT NULL,
          kind note_kind,
          big bigint,
          meta jsonb,
          tags text[],
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE VIEW note_bodies AS SELECT tenant_id, body FROM notes;
        ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
        CREATE POLICY notes_tenant ON notes USING (tenant_id = nullif(current_setting('app.tenant', true), '')::uuid);
        GRANT SELECT, INSERT ON notes TO ${quoteIdent(role)};
        INSERT INTO notes (tenant_id, body) VALUES ('${TENANT_A}', 'a1'), ('${TENANT_B}', 'b1');`);
    } finally {
      await client.end();
    }
    target = {
      databaseUrl: scratch.url,
      config: defineGateConfig({
        schema: 'public',
        migrations: { directory: 'migrations', expectedVersion: '001' },
        tenancy: {
          tenantKey: 'tenant_id',
          tenantSetting: 'app.tenant',
          appRole: role,
          tenantTables: ['notes'],
        },
        foreignKeys: { minimumCount: 0, critical: [], acceptedNotValid: [] },
        integrity: {},
      }),
    };
  });

  afterAll(async () => {
    await scratch.drop();
    const admin = await connectClient(ADMIN_URL);
    try {
      await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    } finally {
      await admin.end();
    }
  });

  test('asTenant sees only its tenant, as the application role, and its writes are rolled back', async () => {
    const seen = await asTenant(
      TENANT_A,
      async (db: Kysely<TestDB>) => {
        await db.insertInto('notes').values({ tenant_id: TENANT_A, body: 'a2' }).execute();
        const rows = await db.selectFrom('notes').select(['tenant_id', 'body']).orderBy('body').execute();
        const who = await sql<{ role: string }>`SELECT current_user AS role`.execute(db);
        return { rows, role: who.rows[0]?.role };
      },
      target,
    );
    expect(seen.role).toBe(role);
    expect(seen.rows).toEqual([
      { tenant_id: TENANT_A, body: 'a1' },
      { tenant_id: TENANT_A, body: 'a2' },
    ]);
    const { asOwner: owner } = typedContexts<TestDB>(target);
    const all = await owner((db) => db.selectFrom('notes').select('body').orderBy('body').execute());
    expect(all.map((row) => row.body)).toEqual(['a1', 'b1']);
  });

  test('asOwner rolls back too, also when the callback throws', async () => {
    await expect(
      asOwner(async (db: Kysely<TestDB>) => {
        await db.deleteFrom('notes').execute();
        throw new Error('boom');
      }, target),
    ).rejects.toThrow('boom');
    await asOwner(async (db: Kysely<TestDB>) => db.deleteFrom('notes').execute(), target);
    const count = await asOwner(
      async (db: Kysely<TestDB>) =>
        (
          await db
            .selectFrom('notes')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirst()
        )?.n,
      target,
    );
    expect(count).toBe('2');
  });

  test('types writes the DB interface: generated, nullable, enum, bigint, json, array, Date, views', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-types-'));
    try {
      const lines = await runTypes({ databaseUrl: scratch.url, out: 'gate-db.d.ts', schema: 'public' }, dir);
      expect(lines.join('\n')).toContain('2 relations of schema public');
      expect(lines.join('\n')).not.toContain('postgres@127.0.0.1:5432/mg_invariants_x');
      const written = await fs.readFile(path.join(dir, 'gate-db.d.ts'), 'utf8');
      expect(written).toContain('export interface Notes {');
      expect(written).toContain('  id: Generated<number>;');
      expect(written).toContain('  tenant_id: string;');
      expect(written).toContain('  kind: "memo" | "todo" | null;');
      expect(written).toContain('  big: string | null;');
      expect(written).toContain('  meta: unknown | null;');
      expect(written).toContain('  tags: string[] | null;');
      expect(written).toContain('  created_at: Generated<Date>;');
      expect(written).toContain('export interface NoteBodies {');
      expect(written).toContain('  note_bodies: NoteBodies;');
      expect(written).toContain('  notes: Notes;');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('the CLI subcommand writes the file and exits 0; a bad schema exits non-zero', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-types-cli-'));
    const out = path.join(dir, 'nested', 'db.d.ts');
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => stderr.push(chunk) > 0) as typeof process.stderr.write;
    try {
      expect(await runCli(['types', '--database-url', scratch.url, '--schema', 'public', '--out', out])).toBe(
        0,
      );
      expect(await fs.readFile(out, 'utf8')).toContain('export interface DB {');
      expect(
        await runCli(['types', '--database-url', scratch.url, '--schema', 'nowhere', '--out', out]),
      ).not.toBe(0);
      expect(stderr.join('')).toMatch(/^migration-gate: Schema "nowhere" of .* has no tables or views/);
    } finally {
      process.stderr.write = write;
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('types refuses an empty schema in one sentence', async () => {
    await expect(
      runTypes({ databaseUrl: scratch.url, out: 'x.d.ts', schema: 'nowhere' }, os.tmpdir()),
    ).rejects.toThrow(/^Schema "nowhere" of .* has no tables or views: migrate the database first/);
  });
});
