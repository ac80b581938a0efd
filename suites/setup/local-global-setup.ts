import type { TestProject } from 'vitest/node';
import { createProvider } from '../../helpers/providers/create-provider.ts';
import { prepareGateRun } from './prepare-gate-run.ts';

function log(line: string): void {
  process.stdout.write(`[migration-gate local] ${line}\n`);
}

/**
 * `local` project: a throw-away real PostgreSQL (embedded by default; MIGRATION_GATE_PROVIDER=testcontainers
 * or url selects another), migrated and seeded, stopped and deleted when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const major = process.env['MIGRATION_GATE_PG_MAJOR'];
  const provider = createProvider({
    ...(process.env['MIGRATION_GATE_PROVIDER'] === undefined
      ? {}
      : { provider: process.env['MIGRATION_GATE_PROVIDER'] }),
    ...(process.env['DATABASE_URL'] === undefined ? {} : { databaseUrl: process.env['DATABASE_URL'] }),
    ...(major === undefined ? {} : { embeddedMajorVersion: Number(major) }),
    log,
  });
  const database = await provider.start();
  try {
    await prepareGateRun({ project, database, apply: true, log });
  } catch (error) {
    await database.stop();
    throw error;
  }
  return () => database.stop();
}
