import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { expect, inject, test } from 'vitest';
import { runTypes } from '../../cli/types/types-command.ts';
import { withDatabase } from '../../helpers/db/database-url.ts';
import { asOwner } from '../../helpers/invariants/as-tenant.ts';
import gateConfig from '../../gate.config.ts';
import type { DB } from '../../invariants/gate-db.d.ts';

// invariants/gate-db.d.ts is what `npx migration-gate types` writes for the reference schema; a migration
// that changes the schema changes it, and `vitest -u` regenerates it.
test('invariants/gate-db.d.ts is the generated DB interface of the migrated reference schema', async () => {
  const databaseUrl = withDatabase(inject('adminUrl'), inject('templateDatabase'));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-reference-types-'));
  try {
    await runTypes({ databaseUrl, out: 'gate-db.d.ts', schema: gateConfig.schema }, dir);
    const generated = await fs.readFile(path.join(dir, 'gate-db.d.ts'), 'utf8');
    await expect(generated).toMatchFileSnapshot('../../invariants/gate-db.d.ts');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  // And it types real queries: a tenant's documents, read as the owner in a rolled-back transaction.
  const titles = await asOwner(
    (db: Kysely<DB>) => db.selectFrom('documents').select(['id', 'title']).limit(1).execute(),
    { databaseUrl, config: gateConfig },
  );
  expect(titles.every((row) => typeof row.title === 'string')).toBe(true);
});
