import { inject } from 'vitest';
import type pg from 'pg';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/db/scratch-database.ts';

/** A scratch database (a clone of the migrated template, or empty) with one connected client. */
export interface CatalogDatabase extends AsyncDisposable {
  readonly db: ScratchDatabase;
  readonly client: pg.Client;
}

/** Opens a scratch database for a catalog test; `sql` runs first, as superuser. */
export async function catalogDatabase(
  options: { readonly migrated?: boolean; readonly sql?: string } = {},
): Promise<CatalogDatabase> {
  const db = await createScratchDatabase(inject('adminUrl'), {
    ...(options.migrated === true ? { template: inject('templateDatabase') } : {}),
    prefix: 'mg_catalog',
  });
  const client = await connectClient(db.url);
  if (options.sql !== undefined) await client.query(options.sql);
  return {
    db,
    client,
    async [Symbol.asyncDispose]() {
      await client.end();
      await db.drop();
    },
  };
}
