import path from 'node:path';
import { afterAll, describe, test } from 'vitest';
import gateConfig from '../../../gate.config.ts';
import { seedDatabase } from '../../../fixtures/bulk-seed.ts';
import { Migrator } from '../../../helpers/migrations/migrator.ts';
import { EmbeddedProvider } from '../../../helpers/providers/embedded-provider.ts';
import type { StartedDatabase } from '../../../helpers/providers/database-provider.ts';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { withDatabase } from '../../../helpers/db/database-url.ts';
import { runGate } from '../../support/run-gate.ts';
import {
  applySabotage,
  expectSabotageCaught,
  sabotageSuites,
  type Ce23Sabotage,
} from './ce23-sabotage-case.ts';

/**
 * Role attributes are cluster-wide: changing c2pro_app on the shared self-test server would void RLS
 * (or break the role) in every other test's database. These cases share one extra embedded server,
 * migrated and seeded once like the template; each case runs on a clone, in turn, and its role
 * change is reverted before the next. The server is also the run's rehearsal server (its roles are
 * the ones under test, so nothing is copied anywhere else).
 */
const ROLE_REVERT = `
  DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'c2pro_application') THEN
      ALTER ROLE c2pro_application RENAME TO c2pro_app;
    END IF;
  END $$;
  ALTER ROLE c2pro_app NOSUPERUSER NOBYPASSRLS;`;

let extraServer: Promise<{ readonly server: StartedDatabase; readonly template: string }> | undefined;

async function startExtraServer(): Promise<{ readonly server: StartedDatabase; readonly template: string }> {
  const server = await new EmbeddedProvider({ database: 'ce23_roles' }).start();
  await new Migrator({
    databaseUrl: server.url,
    directory: path.resolve(gateConfig.migrations.directory),
  }).migrate();
  await seedDatabase(server.url, {
    schema: gateConfig.schema,
    tenants: gateConfig.fixtures.tenants,
    seed: gateConfig.fixtures.seed,
  });
  return { server, template: new URL(server.url).pathname.slice(1) };
}

afterAll(async () => {
  if (extraServer !== undefined) await (await extraServer).server.stop();
});

async function runOnOwnServer(name: string, sabotage: Ce23Sabotage): Promise<void> {
  extraServer ??= startExtraServer();
  const { server, template } = await extraServer;
  // Connected to the maintenance database: a template may have no session of its own open.
  const adminUrl = withDatabase(server.url, 'postgres');
  await using db = await createScratchDatabase(adminUrl, { template, prefix: name });
  try {
    await applySabotage(db.url, sabotage.sql);
    expectSabotageCaught(
      await runGate({ databaseUrl: db.url, files: sabotageSuites(sabotage), rehearsalUrl: server.url }),
      sabotage,
    );
  } finally {
    const client = await connectClient(adminUrl);
    try {
      await client.query(ROLE_REVERT);
    } finally {
      await client.end();
    }
  }
}

describe('sabotage: application role attributes (CE-23)', () => {
  test('BYPASSRLS granted to the app role fails ce23.rls.app-role.no-bypassrls and the cross-tenant probes', async () => {
    await runOnOwnServer('ce23_bypassrls', {
      sql: 'bypassrls-granted.sql',
      mustFail: [
        'ce23.rls.app-role.no-bypassrls',
        'ce23.rls.projects.select-other-tenant',
        'ce23.rls.documents.update-other-tenant',
        'ce23.rls.tenants.select-no-tenant',
        'ce23.rls.manual-cross-tenant',
      ],
      // With RLS bypassed, every behavioural probe of every table may go red.
      mayAlsoFail: ['ce23.rls.'],
    });
  });

  test('SUPERUSER granted to the app role fails ce23.rls.app-role.not-superuser', async () => {
    await runOnOwnServer('ce23_superuser', {
      sql: 'superuser-granted.sql',
      mustFail: ['ce23.rls.app-role.not-superuser', 'ce23.rls.users.select-other-tenant'],
      // A superuser is not refused rewriting the audit trail either (ce23-privileges' probe).
      mayAlsoFail: ['ce23.rls.', 'ce23.privileges.audit-append-only'],
    });
  });

  test('a missing app role fails ce20.config.matches-schema before the suites, and ce23.rls.app-role.exists (and every probe, which cannot act as it)', async () => {
    await runOnOwnServer('ce23_norole', {
      sql: 'app-role-renamed.sql',
      alsoSuites: ['suites/ce20-environment.test.ts'],
      mustFail: [
        'ce20.config.matches-schema',
        'ce23.rls.app-role.exists',
        'ce23.rls.documents.select-own-tenant',
      ],
      mayAlsoFail: ['ce23.rls.'],
    });
  });
});
