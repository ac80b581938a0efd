import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { runGate, type GateOutcome } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { describeSabotageBatch, type SabotageBatchCase } from '../sabotage-batch.ts';

/** The suites a CE-24 / CE-25 sabotage case runs the gate with. */
export const CE24 = 'suites/ce24-foreign-keys.test.ts';
export const CE25 = 'suites/ce25-data-integrity.test.ts';

/** One sabotage: SQL that breaks a property, and the checks that must fail because of it. */
export interface SabotageCase {
  /** Path of the SQL file, relative to `test/sabotage/`. */
  readonly sql: string;
  readonly suites: readonly string[];
  /** Check ids that must be among the failed ones and named in the verdict's reasons. */
  readonly mustFail: readonly string[];
}

const SABOTAGE_ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * Clones the migrated template, applies the sabotage as superuser, runs the real gate (suites +
 * evidence reporter, the restore rehearsal on the shared server) against the clone, and asserts NO-GO
 * with the expected checks failed and named. Returns the outcome for further assertions. One call at
 * a time per file: runGate sets process.env.
 */
export async function runSabotageCase(sabotage: SabotageCase): Promise<GateOutcome> {
  await using db = await createScratchDatabase(inject('adminUrl'), { template: inject('templateDatabase') });
  if (sabotage.sql !== '') {
    const sql = await fs.readFile(path.join(SABOTAGE_ROOT, sabotage.sql), 'utf8');
    const client = await connectClient(db.url);
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
  // The clone is on the shared self-test server: the restore rehearsal uses it too.
  const outcome = await runGate({
    databaseUrl: db.url,
    files: sabotage.suites,
    rehearsalUrl: inject('adminUrl'),
  });
  if (sabotage.mustFail.length > 0) {
    expect(outcome.decision).toBe('NO-GO');
    expect(outcome.failed).toEqual(expect.arrayContaining([...sabotage.mustFail]));
    const reasons = outcome.reasons.join('\n');
    for (const id of sabotage.mustFail) expect(reasons, `verdict reasons name ${id}`).toContain(id);
  }
  return outcome;
}

/**
 * Several CE-24 / CE-25 sabotages on different tables judged by one gate run with `suites` (the cases'
 * `sql` relative to `test/sabotage/`): see {@link describeSabotageBatch} for what is asserted, the
 * stray-failure test included, and which cases may share a run.
 */
export function describeFkIntegrityBatch(
  title: string,
  suites: readonly string[],
  cases: readonly SabotageBatchCase[],
): void {
  describeSabotageBatch(title, { suites, sqlDirectory: SABOTAGE_ROOT, prefix: 'mg_ce24_batch' }, cases);
}
