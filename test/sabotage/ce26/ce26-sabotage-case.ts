import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { seedVolume } from '../../../fixtures/volume-seed.ts';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import gateConfig from '../../../gate.config.ts';
import { runGate, type GateOutcome } from '../../support/run-gate.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { describeSabotageBatch, type SabotageBatchCase, type SabotageFamily } from '../sabotage-batch.ts';

export const CE26 = 'suites/ce26-performance.test.ts';

/**
 * Volume for the sabotage cases: enough that the largest table (alerts) is past the Seq Scan
 * threshold (10 000 rows) and a tenant's share is small enough for an index, small enough to seed in
 * about a second.
 */
const SABOTAGE_VOLUME = { tenants: 20, largestTableRows: 60_000 } as const;

// Seeded once per worker, then cloned per case (CREATE DATABASE … TEMPLATE copies files). The files of
// a worker share this module (isolate: false) and only ever clone it, so none may drop it when it
// ends: it goes with the self-test server when the run ends.
let volumeTemplate: Promise<ScratchDatabase> | undefined;

/** The volume-seeded template, seeded on first use. */
function volumeTemplateDatabase(): Promise<ScratchDatabase> {
  volumeTemplate ??= seededTemplate();
  return volumeTemplate;
}

async function seededTemplate(): Promise<ScratchDatabase> {
  const db = await createScratchDatabase(inject('adminUrl'), {
    template: inject('templateDatabase'),
    prefix: 'mg_ce26_volume',
  });
  await seedVolume(db.url, {
    schema: gateConfig.schema,
    tenantKey: gateConfig.tenancy.tenantKey,
    tenantTable: gateConfig.tenancy.tenantTable,
    ...SABOTAGE_VOLUME,
  });
  return db;
}

/**
 * Clones the migrated template with volume seeded into it, applies `sql` (a file under
 * `test/sabotage/`) as superuser, then runs the real gate's CE-26 suite against it. `during` runs
 * while the gate does (e.g. to hold a connection open). One call at a time per file: runGate sets
 * process.env.
 */
export async function runCe26Case(
  sql: string,
  during?: (url: string) => Promise<AsyncDisposable>,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<GateOutcome> {
  const template = await volumeTemplateDatabase();
  await using db = await createScratchDatabase(inject('adminUrl'), { template: template.name });
  if (sql !== '') {
    const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
    const client = await connectClient(db.url);
    try {
      await client.query(await fs.readFile(path.join(root, sql), 'utf8'));
    } finally {
      await client.end();
    }
  }
  await using _held = during === undefined ? null : await during(db.url);
  return await runGate({ databaseUrl: db.url, files: [CE26], ...(env === undefined ? {} : { env }) });
}

/** The CE-26 family: its suite, SQL in this folder, each run a clone of the volume-seeded template. */
const CE26_FAMILY: SabotageFamily = {
  suites: [CE26],
  sqlDirectory: path.dirname(fileURLToPath(import.meta.url)),
  prefix: 'mg_ce26_batch',
  template: async () => (await volumeTemplateDatabase()).name,
};

/**
 * Several CE-26 sabotages on different queries or independent properties judged by one gate run
 * (the cases' `sql` in this folder): see {@link describeSabotageBatch} for what is asserted and which
 * cases may share a run. Never beside a case whose extra load could fail another's time budget: the
 * suite measures its queries one after another, but a timing check is noisy on shared cores.
 */
export function describeCe26Batch(title: string, cases: readonly SabotageBatchCase[]): void {
  describeSabotageBatch(title, CE26_FAMILY, cases);
}
