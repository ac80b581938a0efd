import type pg from 'pg';
import { errorMessage } from '../gate-error.ts';
import { pgErrorFields } from '../db/pg-error.ts';
import { withRolledBack } from '../db/rolled-back.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';

export const REWRITE_COMMANDS = ['UPDATE', 'DELETE', 'TRUNCATE'] as const;
export type RewriteCommand = (typeof REWRITE_COMMANDS)[number];

/** What one rewrite attempt as the application role did: refused (the SQLSTATE), or ran. */
export interface RewriteAttempt {
  readonly command: RewriteCommand;
  readonly refused: boolean;
  readonly outcome: string;
}

/**
 * Tries each of `commands` on `table` as `appRole` (SET LOCAL ROLE) inside one transaction that is
 * rolled back: `UPDATE … SET c = DEFAULT WHERE false`, `DELETE … WHERE false` (no row touched even when
 * allowed) and `TRUNCATE` (undone by the rollback; a short lock_timeout keeps it from queueing behind
 * live traffic). The catalog says what the role holds; this shows PostgreSQL refusing it — which a
 * superuser application role, say, is not.
 */
export async function probeRewrites(
  client: pg.ClientBase,
  target: { readonly schema: string; readonly table: string; readonly appRole: string },
  commands: readonly RewriteCommand[],
): Promise<readonly RewriteAttempt[]> {
  const name = qualifiedName(target.schema, target.table);
  const column = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped
      ORDER BY attnum LIMIT 1`,
    [name],
  );
  const first = column.rows[0]?.name;
  const sql: Readonly<Record<RewriteCommand, string>> = {
    // `= DEFAULT`: an identity ALWAYS or generated column refuses any other value (428C9) before
    // privileges are even looked at; the UPDATE privilege on the column is checked all the same.
    UPDATE:
      first === undefined
        ? `UPDATE ${name} SET ctid = ctid WHERE false`
        : `UPDATE ${name} SET ${quoteIdent(first)} = DEFAULT WHERE false`,
    DELETE: `DELETE FROM ${name} WHERE false`,
    TRUNCATE: `TRUNCATE ${name}`,
  };
  const attempts: RewriteAttempt[] = [];
  await withRolledBack(client, async () => {
    await client.query(`SET LOCAL lock_timeout = '2s'`);
    for (const command of commands) {
      await client.query('SAVEPOINT mg_rewrite');
      try {
        await client.query(`SET LOCAL ROLE ${quoteIdent(target.appRole)}`);
        const result = await client.query(sql[command]);
        attempts.push({ command, refused: false, outcome: `ran (${result.rowCount ?? 0} rows)` });
      } catch (error) {
        const { code } = pgErrorFields(error);
        const refused = code === '42501';
        attempts.push({
          command,
          refused,
          outcome: `${refused ? 'refused' : 'failed'} ${String(code)}: ${errorMessage(error)}`,
        });
      }
      await client.query('ROLLBACK TO SAVEPOINT mg_rewrite');
    }
  });
  return attempts;
}
