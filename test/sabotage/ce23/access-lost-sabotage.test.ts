import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { Migrator } from '../../../helpers/migrations/migrator.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { copyMigrations } from '../../support/migrations-copy.ts';
import { errorsOf, runGate } from '../../support/run-gate.ts';
import { expectSabotageCaught } from './ce23-sabotage-case.ts';

// A pending migration (staging, dry-run only) that takes a privilege away from the application: the
// isolation probes all pass, and the application breaks in production. Beside it, a narrowing that
// keeps the access (table-level UPDATE replaced by a column grant) must not count as lost.
describe('sabotage: the application loses a privilege it held (CE-23)', () => {
  test('REVOKE DELETE on bom_items fails ce23.privileges.app-access-kept naming it; UPDATE narrowed to a column is kept', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await new Migrator({ databaseUrl: db.url, directory: path.resolve('migrations') }).rollback({
      to: '005',
    });
    await using copy = await copyMigrations({
      '006_tighten.up.sql': `REVOKE DELETE ON public.bom_items FROM c2pro_app;
        REVOKE UPDATE ON public.wbs_items FROM c2pro_app;
        GRANT UPDATE (name) ON public.wbs_items TO c2pro_app;`,
      '006_tighten.down.sql': `GRANT DELETE ON public.bom_items TO c2pro_app;
        REVOKE UPDATE (name) ON public.wbs_items FROM c2pro_app;
        GRANT UPDATE ON public.wbs_items TO c2pro_app;`,
    });
    const outcome = await runGate({
      databaseUrl: db.url,
      files: ['suites/ce23-privileges.test.ts'],
      migrationsDirectory: copy.directory,
      rehearsalUrl: inject('adminUrl'),
      env: { MIGRATION_GATE_CONFIG: path.resolve('test/sabotage/configs/narrow-grants.gate.config.ts') },
    });
    expectSabotageCaught(outcome, { mustFail: ['ce23.privileges.app-access-kept'] });
    const messages = errorsOf(outcome, 'ce23.privileges.app-access-kept');
    expect(messages).toContain('public.bom_items grant DELETE to c2pro_app');
    expect(messages).not.toContain('wbs_items');
  });
});
