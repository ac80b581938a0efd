import path from 'node:path';
import { describe, test } from 'vitest';
import gateConfig from '../../../gate.config.ts';
import { seedDatabase } from '../../../fixtures/bulk-seed.ts';
import { Migrator } from '../../../helpers/migrations/migrator.ts';
import { EmbeddedProvider } from '../../../helpers/providers/embedded-provider.ts';
import { runGate } from '../../support/run-gate.ts';
import {
  applySabotage,
  expectSabotageCaught,
  sabotageSuites,
  type Ce23Sabotage,
} from './ce23-sabotage-case.ts';

/**
 * Role attributes are cluster-wide: changing c2pro_app on the shared self-test server would void RLS
 * (or break the role) in every other test's database. Each of these cases gets an embedded server
 * of its own, migrated and seeded like the template.
 */
async function runOnOwnServer(name: string, sabotage: Ce23Sabotage): Promise<void> {
  const server = await new EmbeddedProvider({ database: name }).start();
  try {
    await new Migrator({
      databaseUrl: server.url,
      directory: path.resolve(gateConfig.migrations.directory),
    }).migrate();
    await seedDatabase(server.url, {
      schema: gateConfig.schema,
      tenants: gateConfig.fixtures.tenants,
      seed: gateConfig.fixtures.seed,
    });
    await applySabotage(server.url, sabotage.sql);
    expectSabotageCaught(
      await runGate({ databaseUrl: server.url, files: sabotageSuites(sabotage) }),
      sabotage,
    );
  } finally {
    await server.stop();
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
