import type { TestProject } from 'vitest/node';
import { parseDatabaseUrl, withDatabase } from '../../helpers/db/database-url.ts';
import { errorMessage } from '../../helpers/gate-error.ts';
import { cloneOnServer, dropOnServer, scratchName } from '../../helpers/run/rehearsal-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * `local`: a TEMPLATE clone of the migrated, seeded database on the run's own server, which the
     * CE-27 cycle clones instead of dumping and restoring the source; null when there is none.
     */
    seededTemplate: string | null;
  }
}

/**
 * Clones the seeded database once the setup's sessions are closed (no suite has connected yet, and
 * the suites only write in rolled-back transactions, so it stays exactly the source's state). A clone
 * that cannot be made is one log line: CE-27 then backs the source up as on any other server.
 * Returns the teardown that drops it.
 */
export async function provideSeededTemplate(
  project: TestProject,
  databaseUrl: string,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const serverUrl = withDatabase(databaseUrl, 'postgres');
  const name = scratchName('mg_seeded');
  try {
    await cloneOnServer(serverUrl, parseDatabaseUrl(databaseUrl).database, name);
  } catch (error) {
    log(
      `copy of the seeded database for CE-27: not made (${errorMessage(error)}); CE-27 backs the source up instead`,
    );
    project.provide('seededTemplate', null);
    return async () => undefined;
  }
  project.provide('seededTemplate', name);
  return () => dropOnServer(serverUrl, name);
}
