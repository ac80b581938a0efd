import type pg from 'pg';
import { GateError } from '../gate-error.ts';
import { quoteIdent } from '../db/sql-identifier.ts';

/** What the role the staging gate connects as may do, read from the catalog. */
export interface RolePowers {
  readonly role: string;
  readonly superuser: boolean;
  readonly bypassRls: boolean;
  /** null when the application role does not exist (the suites report that themselves). */
  readonly memberOfAppRole: boolean | null;
  readonly schemaUsage: boolean;
  /** Tables of the schema the role cannot SELECT from, schema-qualified, in name order. */
  readonly unreadableTables: readonly string[];
  /** Sequences of the schema the role cannot SELECT from (pg_dump reads each one's state). */
  readonly unreadableSequences: readonly string[];
  /** The session's `lc_messages` as the role gets it (a non-superuser cannot change it). */
  readonly messagesLocale: string;
}

/**
 * Whether server messages come in English: where a probe must tell which table refused a statement,
 * PostgreSQL says so only in the message text (no structured field carries it).
 */
export function messagesAreEnglish(locale: string): boolean {
  return locale === '' || /^(C|POSIX|en)([_.@-]|$)/i.test(locale);
}

/** Reads the connecting role's powers over `schema` and the application role `appRole`. */
export async function readRolePowers(
  client: pg.Client,
  schema: string,
  appRole: string,
): Promise<RolePowers> {
  const role = await client.query<{
    role: string;
    superuser: boolean;
    bypass_rls: boolean;
    member: boolean | null;
    schema_usage: boolean;
  }>(
    `SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass_rls,
            CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $2)
                 THEN pg_has_role(current_user, $2, 'MEMBER') END AS member,
            COALESCE(has_schema_privilege(n.oid, 'USAGE'), false) AS schema_usage
       FROM pg_roles r
       LEFT JOIN pg_namespace n ON n.nspname = $1
      WHERE r.rolname = current_user`,
    [schema, appRole],
  );
  const row = role.rows[0];
  if (row === undefined) throw new GateError('The connecting role is not in pg_roles; check DATABASE_URL.');
  const unreadable = await client.query<{ name: string; kind: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind::text AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'S')
        AND NOT has_table_privilege(c.oid, 'SELECT')
      ORDER BY c.relname`,
    [schema],
  );
  const locale = await client.query<{ lc_messages: string }>('SHOW lc_messages');
  const named = (kinds: readonly string[]): string[] =>
    unreadable.rows.filter((relation) => kinds.includes(relation.kind)).map((relation) => relation.name);
  return {
    role: row.role,
    superuser: row.superuser,
    bypassRls: row.bypass_rls,
    memberOfAppRole: row.member,
    schemaUsage: row.schema_usage,
    unreadableTables: named(['r', 'p']),
    unreadableSequences: named(['S']),
    messagesLocale: locale.rows[0]?.lc_messages ?? '',
  };
}

/**
 * What the role lacks for the staging gate and the statements that grant it; empty when it may run.
 * A superuser may do everything. Otherwise: BYPASSRLS (the isolation tests seed tenants that FORCE
 * ROW LEVEL SECURITY would hide, and pg_dump must see every row), membership in the application
 * role (`SET LOCAL ROLE`), and SELECT on every table and sequence (backup, "nothing changed" fingerprint).
 */
export function missingPowers(
  powers: RolePowers,
  schema: string,
  appRole: string,
): { readonly missing: readonly string[]; readonly fixes: readonly string[] } {
  if (powers.superuser) return { missing: [], fixes: [] };
  const role = quoteIdent(powers.role);
  const missing: string[] = [];
  const fixes: string[] = [];
  if (!powers.bypassRls) {
    missing.push('the BYPASSRLS attribute');
    fixes.push(`ALTER ROLE ${role} BYPASSRLS;`);
  }
  if (powers.memberOfAppRole === false) {
    missing.push(`membership in the application role ${quoteIdent(appRole)}`);
    fixes.push(`GRANT ${quoteIdent(appRole)} TO ${role};`);
  }
  if (!powers.schemaUsage) {
    missing.push(`USAGE on schema ${quoteIdent(schema)}`);
    fixes.push(`GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${role};`);
  }
  if (!messagesAreEnglish(powers.messagesLocale)) {
    // A superuser's sessions switch to 'C' themselves; other roles keep the server's language.
    missing.push(`server messages in English (lc_messages is ${powers.messagesLocale})`);
    fixes.push(`ALTER ROLE ${role} SET lc_messages = 'C';`);
  }
  const lists = [
    { names: powers.unreadableTables, noun: 'table', all: 'TABLES' },
    { names: powers.unreadableSequences, noun: 'sequence', all: 'SEQUENCES' },
  ];
  for (const { names, noun, all } of lists) {
    if (names.length === 0) continue;
    const more = names.length > 3 ? ', …' : '';
    missing.push(`SELECT on ${names.length} ${noun}(s) (${names.slice(0, 3).join(', ')}${more})`);
    fixes.push(`GRANT SELECT ON ALL ${all} IN SCHEMA ${quoteIdent(schema)} TO ${role};`);
  }
  return { missing, fixes };
}

/**
 * Stops the staging run before anything is read or written when the connecting role cannot do the
 * gate's work: one sentence naming what is missing and the statements (run as a superuser) that fix it.
 */
export async function assertConnectingRole(
  client: pg.Client,
  schema: string,
  appRole: string,
): Promise<RolePowers> {
  const powers = await readRolePowers(client, schema, appRole);
  const { missing, fixes } = missingPowers(powers, schema, appRole);
  if (missing.length > 0) {
    throw new GateError(
      `The role ${quoteIdent(powers.role)} that DATABASE_URL connects as lacks ${missing.join(', ')}, which the staging gate needs (or connect as a superuser); as a superuser run: ${fixes.join(' ')}`,
    );
  }
  return powers;
}
