import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { runGate, type GateOutcome } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

/** The CE-23 suite files; `suites/ce23` would match them too, these are explicit. */
export const CE23_SUITES = [
  'suites/ce23-rls-catalog.test.ts',
  'suites/ce23-rls-behaviour.test.ts',
  'suites/ce23-privileges.test.ts',
  'suites/ce23-policy-analysis.test.ts',
] as const;

/** One CE-23 sabotage: SQL that breaks one property, and exactly which checks must turn red. */
export interface Ce23Sabotage {
  /** SQL file name in this folder. */
  readonly sql: string;
  /** Check ids that must fail and be named in the verdict's reasons. */
  readonly mustFail: readonly string[];
  /**
   * Id prefixes other failures may have (the same table's other properties, a count). A failure
   * outside `mustFail` and these is a check that went red for the wrong reason: the test fails.
   */
  readonly mayAlsoFail?: readonly string[];
  /** Checks that must still pass, e.g. behaviour probes of a synthesised table. */
  readonly mustPass?: readonly string[];
  /** Suites run beside CE-23's, e.g. CE-20's for the config-against-schema check. */
  readonly alsoSuites?: readonly string[];
}

/** The CE-23 suites and the sabotage's extra ones. */
export function sabotageSuites(sabotage: Ce23Sabotage): readonly string[] {
  return [...CE23_SUITES, ...(sabotage.alsoSuites ?? [])];
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Applies `file` (in this folder) to the database at `url` as the superuser. */
export async function applySabotage(url: string, file: string): Promise<void> {
  const sql = await fs.readFile(path.join(HERE, file), 'utf8');
  const client = await connectClient(url);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Asserts what {@link Ce23Sabotage} promises about a gate outcome. */
export function expectSabotageCaught(
  outcome: GateOutcome,
  sabotage: Omit<Ce23Sabotage, 'sql' | 'alsoSuites'>,
): void {
  expect(outcome.decision).toBe('NO-GO');
  expect(outcome.failed).toEqual(expect.arrayContaining([...sabotage.mustFail]));
  const reasons = outcome.reasons.join('\n');
  for (const id of sabotage.mustFail) expect(reasons, `verdict reasons name ${id}`).toContain(id);
  const allowed = [...sabotage.mustFail, ...(sabotage.mayAlsoFail ?? [])];
  const stray = outcome.failed.filter(
    (id) => !allowed.some((prefix) => id === prefix || id.startsWith(prefix)),
  );
  expect(stray, 'checks that failed although this sabotage does not touch them').toEqual([]);
  for (const id of sabotage.mustPass ?? []) {
    expect(outcome.checks.find((check) => check.id === id)?.status, `${id} must still pass`).toBe('passed');
  }
}

/**
 * Clones the migrated and seeded template (CREATE DATABASE … TEMPLATE, no re-migration), applies the
 * sabotage, runs the real gate restricted to the CE-23 suites against the clone, and checks that the
 * right checks — table and property — failed. One call at a time per file: runGate sets process.env.
 */
export async function runCe23Sabotage(sabotage: Ce23Sabotage): Promise<GateOutcome> {
  await using db = await createScratchDatabase(inject('adminUrl'), {
    template: inject('templateDatabase'),
    prefix: 'mg_ce23',
  });
  await applySabotage(db.url, sabotage.sql);
  const outcome = await runGate({ databaseUrl: db.url, files: sabotageSuites(sabotage) });
  expectSabotageCaught(outcome, sabotage);
  return outcome;
}
