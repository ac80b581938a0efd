import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { runGate, type GateOutcome } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import {
  applySabotageFile,
  describeSabotageBatch,
  expectCaseCaught,
  expectNoStrayFailure,
  runSabotageBatch,
  type Sabotage,
  type SabotageBatchCase,
  type SabotageFamily,
} from '../sabotage-batch.ts';

export { expectCaseCaught, expectNoStrayFailure };

/** The CE-23 suite files; `suites/ce23` would match them too, these are explicit. */
export const CE23_SUITES = [
  'suites/ce23-rls-catalog.test.ts',
  'suites/ce23-rls-behaviour.test.ts',
  'suites/ce23-rls-derived.test.ts',
  'suites/ce23-privileges.test.ts',
  'suites/ce23-policy-analysis.test.ts',
] as const;

/** One CE-23 sabotage: SQL (a file in this folder) that breaks one property, and exactly which checks must turn red. */
export type Ce23Sabotage = Sabotage;

/** One case of a {@link describeCe23Batch}: a sabotage, its test's name, and further assertions. */
export type Ce23BatchCase = SabotageBatchCase;

/** The CE-23 suites and the sabotage's extra ones. */
export function sabotageSuites(sabotage: Ce23Sabotage): readonly string[] {
  return [...CE23_SUITES, ...(sabotage.alsoSuites ?? [])];
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The CE-23 family: its suites, SQL in this folder. */
const CE23_FAMILY: SabotageFamily = { suites: CE23_SUITES, sqlDirectory: HERE, prefix: 'mg_ce23_batch' };

/** Applies `file` (in this folder) to the database at `url` as the superuser. */
export async function applySabotage(url: string, file: string): Promise<void> {
  await applySabotageFile(url, HERE, file);
}

/** Asserts what {@link Ce23Sabotage} promises about a gate outcome. */
export function expectSabotageCaught(
  outcome: GateOutcome,
  sabotage: Omit<Ce23Sabotage, 'sql' | 'alsoSuites'>,
): void {
  expectCaseCaught(outcome, sabotage);
  expectNoStrayFailure(outcome, [sabotage]);
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
  const outcome = await runGate({
    databaseUrl: db.url,
    files: sabotageSuites(sabotage),
    rehearsalUrl: inject('adminUrl'),
  });
  expectSabotageCaught(outcome, sabotage);
  return outcome;
}

/**
 * Clones the template once, applies every file of `sql` (in this folder) in order, and runs the gate
 * once with the CE-23 suites and `alsoSuites`. Asserts nothing: the caller judges the shared outcome.
 */
export async function runCe23Batch(
  sql: readonly string[],
  options: {
    readonly alsoSuites?: readonly string[];
    readonly prefix?: string;
    readonly env?: Readonly<Record<string, string | undefined>>;
  } = {},
): Promise<GateOutcome> {
  return await runSabotageBatch(CE23_FAMILY, sql, options);
}

/**
 * Several CE-23 sabotages that touch different tables (or otherwise independent properties) judged
 * by one gate run with the CE-23 suites: see {@link describeSabotageBatch} for what is asserted and
 * which cases may share a run.
 */
export function describeCe23Batch(
  title: string,
  cases: readonly Ce23BatchCase[],
  options: { readonly cleanup?: () => Promise<void> } = {},
): void {
  describeSabotageBatch(title, CE23_FAMILY, cases, options);
}
