import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { withDatabase } from '../../helpers/db/database-url.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { EmbeddedProvider } from '../../helpers/providers/embedded-provider.ts';
import gateConfig from '../../gate.config.ts';
import { seedDatabase } from '../../fixtures/bulk-seed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the embedded server the library's own tests share (one database per test). */
    adminUrl: string;
    /** A database migrated to the latest version, to copy with CREATE DATABASE … TEMPLATE. */
    templateDatabase: string;
  }
}

export const TEMPLATE_DATABASE = 'mg_template';

/** One embedded server for the whole `self` run, with a migrated template database on it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await new EmbeddedProvider({ database: 'self' }).start();
  try {
    const admin = await connectClient(database.url);
    try {
      await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
    } finally {
      await admin.end();
    }
    const templateUrl = withDatabase(database.url, TEMPLATE_DATABASE);
    await new Migrator({
      databaseUrl: templateUrl,
      directory: path.resolve(gateConfig.migrations.directory),
    }).migrate();
    // Clones of the template start with fixture tenants, so sabotage cases are judged on real rows.
    await seedDatabase(templateUrl, {
      schema: gateConfig.schema,
      tenants: gateConfig.fixtures.tenants,
      seed: gateConfig.fixtures.seed,
    });
  } catch (error) {
    await database.stop();
    throw error;
  }
  project.provide('adminUrl', database.url);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  return () => database.stop();
}
