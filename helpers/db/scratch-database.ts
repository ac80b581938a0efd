import { randomBytes } from 'node:crypto';
import { connectClient } from './database-connection.ts';
import { withDatabase } from './database-url.ts';
import { quoteIdent } from './sql-identifier.ts';

/** A database of its own for one test, dropped (even with open connections) when disposed. */
export interface ScratchDatabase extends AsyncDisposable {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on the server of `adminUrl`, optionally as a copy of `template`
 * (CREATE DATABASE … TEMPLATE copies files: far faster than migrating again).
 */
export async function createScratchDatabase(
  adminUrl: string,
  options: { readonly template?: string; readonly prefix?: string } = {},
): Promise<ScratchDatabase> {
  const name = `${options.prefix ?? 'mg_scratch'}_${randomBytes(5).toString('hex')}`;
  const admin = await connectClient(adminUrl);
  try {
    await admin.query(
      `CREATE DATABASE ${quoteIdent(name)}${options.template === undefined ? '' : ` TEMPLATE ${quoteIdent(options.template)}`}`,
    );
  } finally {
    await admin.end();
  }
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    const client = await connectClient(adminUrl);
    try {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  return { name, url: withDatabase(adminUrl, name), drop, [Symbol.asyncDispose]: drop };
}
