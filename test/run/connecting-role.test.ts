import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { withDatabase } from '../../helpers/db/database-url.ts';
import {
  assertConnectingRole,
  messagesAreEnglish,
  missingPowers,
  type RolePowers,
} from '../../helpers/run/connecting-role.ts';
import { quoteIdent } from '../../helpers/db/sql-identifier.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/db/scratch-database.ts';

/** The system server (trust auth), where a scratch database and plain roles can be made and dropped. */
const SERVER = process.env['STAGING_ADMIN_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const suffix = randomBytes(4).toString('hex');
const LOGIN = `mg_h1_login_${suffix}`;
const APP = `mg_h1_app_${suffix}`;

let scratch: ScratchDatabase;

async function asSuperuser(sql: string): Promise<void> {
  const client = await connectClient(scratch.url);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function checkAs(user: string): Promise<RolePowers> {
  const url = new URL(scratch.url);
  url.username = user;
  const client = await connectClient(url.toString());
  try {
    return await assertConnectingRole(client, 'public', APP);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  scratch = await createScratchDatabase(SERVER, { prefix: 'mg_h1_role' });
  await asSuperuser(`CREATE ROLE ${quoteIdent(LOGIN)} LOGIN; CREATE ROLE ${quoteIdent(APP)} NOLOGIN;
    CREATE TABLE public.accounts (id int PRIMARY KEY); CREATE TABLE public.invoices (id int PRIMARY KEY);
    ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY; ALTER TABLE public.invoices FORCE ROW LEVEL SECURITY;`);
});

afterAll(async () => {
  await scratch.drop();
  const admin = await connectClient(withDatabase(SERVER, 'postgres'));
  try {
    await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(LOGIN)}`);
    await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(APP)}`);
  } finally {
    await admin.end();
  }
});

describe('the staging gate checks the connecting role first', () => {
  test('a plain login role: one sentence naming every missing power and the statements that grant it', async () => {
    await expect(checkAs(LOGIN)).rejects.toThrow(
      `The role "${LOGIN}" that DATABASE_URL connects as lacks the BYPASSRLS attribute, membership in the application role "${APP}", SELECT on 2 table(s) (public.accounts, public.invoices), which the staging gate needs (or connect as a superuser); as a superuser run: ALTER ROLE "${LOGIN}" BYPASSRLS; GRANT "${APP}" TO "${LOGIN}"; GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "${LOGIN}";`,
    );
  });

  test('once granted exactly what the sentence said, the same role passes', async () => {
    await asSuperuser(`ALTER ROLE ${quoteIdent(LOGIN)} BYPASSRLS; GRANT ${quoteIdent(APP)} TO ${quoteIdent(LOGIN)};
      GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO ${quoteIdent(LOGIN)};`);
    await expect(checkAs(LOGIN)).resolves.toMatchObject({
      role: LOGIN,
      superuser: false,
      bypassRls: true,
      memberOfAppRole: true,
      unreadableTables: [],
    });
  });

  test('a table created later without a grant is named', async () => {
    await asSuperuser('CREATE TABLE public.late_table (id int)');
    await expect(checkAs(LOGIN)).rejects.toThrow(/lacks SELECT on 1 table\(s\) \(public\.late_table\)/);
    await asSuperuser('DROP TABLE public.late_table');
  });

  test('a sequence without SELECT (pg_dump reads it) is named with its own GRANT', async () => {
    await asSuperuser('CREATE SEQUENCE public.invoice_numbers');
    await expect(checkAs(LOGIN)).rejects.toThrow(
      `lacks SELECT on 1 sequence(s) (public.invoice_numbers), which the staging gate needs (or connect as a superuser); as a superuser run: GRANT SELECT ON ALL SEQUENCES IN SCHEMA "public" TO "${LOGIN}";`,
    );
    await asSuperuser(`GRANT SELECT ON ALL SEQUENCES IN SCHEMA "public" TO ${quoteIdent(LOGIN)}`);
    await expect(checkAs(LOGIN)).resolves.toMatchObject({ unreadableSequences: [] });
    await asSuperuser('DROP SEQUENCE public.invoice_numbers');
  });

  test('a superuser passes without any grant', async () => {
    await expect(checkAs('postgres')).resolves.toMatchObject({ superuser: true });
  });
});

describe('message language', () => {
  const powers: RolePowers = {
    role: 'gate_login',
    superuser: false,
    bypassRls: true,
    memberOfAppRole: true,
    schemaUsage: true,
    unreadableTables: [],
    unreadableSequences: [],
    messagesLocale: 'de_DE.UTF-8',
  };

  test('a role that gets server messages in another language is stopped with the statement that fixes it', () => {
    expect(missingPowers(powers, 'public', 'app')).toEqual({
      missing: ['server messages in English (lc_messages is de_DE.UTF-8)'],
      fixes: [`ALTER ROLE ${quoteIdent('gate_login')} SET lc_messages = 'C';`],
    });
    expect(missingPowers({ ...powers, superuser: true }, 'public', 'app').missing).toEqual([]);
  });

  test('C, POSIX and English locales (and the unset default) count as English', () => {
    for (const locale of ['', 'C', 'C.UTF-8', 'POSIX', 'en_US.UTF-8', 'en'])
      expect(messagesAreEnglish(locale)).toBe(true);
    for (const locale of ['de_DE.UTF-8', 'fr_FR', 'es']) expect(messagesAreEnglish(locale)).toBe(false);
  });
});
