import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { withDatabase } from '../../helpers/db/database-url.ts';
import { quoteIdent } from '../../helpers/db/sql-identifier.ts';
import { runVitestCli } from '../support/run-vitest-cli.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

const SERVER = process.env['STAGING_ADMIN_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** What `vitest run --project staging` printed, without Vitest's own "RUN vX /dir" banner. */
function withoutBanner(output: string): string {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes of the banner
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  return plain
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s*RUN\s+v\d/.test(line))
    .join('\n');
}

async function staging(env: NodeJS.ProcessEnv): Promise<{ code: number | null; printed: string }> {
  const { code, output } = await runVitestCli('staging', { MIGRATION_GATE_QUIET: '1', ...env });
  return { code, printed: withoutBanner(output) };
}

describe('vitest run --project staging with bad input: one sentence, exit 1, nothing else', () => {
  test('no DATABASE_URL says where to set it, in terms Vitest accepts', async () => {
    const { code, printed } = await staging({ DATABASE_URL: '' });
    expect(code).toBe(1);
    expect(printed).toBe(
      'migration-gate staging: The staging project has no database: set DATABASE_URL=postgresql://user:***@host:5432/database in .env.staging or the environment.',
    );
  });

  test('a malformed DATABASE_URL', async () => {
    const { code, printed } = await staging({ DATABASE_URL: 'not a url' });
    expect(code).toBe(1);
    expect(printed).toBe(
      'migration-gate staging: "not a url" is not a valid database URL; expected postgresql://user:***@host:5432/database.',
    );
  });

  test('a server that refuses the connection', async () => {
    const { code, printed } = await staging({ DATABASE_URL: 'postgresql://gate:s3cret@127.0.0.1:1/c2pro' });
    expect(code).toBe(1);
    expect(printed).toMatch(
      /^migration-gate staging: Cannot connect to PostgreSQL at 127\.0\.0\.1:1: [^\n]+$/,
    );
    expect(printed).not.toContain('s3cret');
  });

  test('a plain login role is stopped before the backup, saying what to grant', async () => {
    const role = `mg_h1_plain_${randomBytes(4).toString('hex')}`;
    await using scratch = await createScratchDatabase(SERVER, { prefix: 'mg_h1_staging' });
    const admin = await connectClient(withDatabase(SERVER, 'postgres'));
    try {
      await admin.query(`CREATE ROLE ${quoteIdent(role)} LOGIN`);
      const url = new URL(scratch.url);
      url.username = role;
      const { code, printed } = await staging({ DATABASE_URL: url.toString() });
      expect(code).toBe(1);
      expect(printed).toMatch(
        new RegExp(
          `^migration-gate staging: The role "${role}" that DATABASE_URL connects as lacks the BYPASSRLS attribute[^\\n]*; as a superuser run: ALTER ROLE "${role}" BYPASSRLS;[^\\n]*$`,
        ),
      );
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
      await admin.end();
    }
  });
});
