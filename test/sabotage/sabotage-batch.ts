import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { runGate, type GateOutcome } from '../support/run-gate.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

/** One sabotage: SQL that breaks one property, and exactly which checks must turn red. */
export interface Sabotage {
  /** SQL file name, relative to the batch's `sqlDirectory`. */
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
  /** Suites run beside the batch's own, e.g. CE-20's for the config-against-schema check. */
  readonly alsoSuites?: readonly string[];
}

/** One case of a {@link describeSabotageBatch}: a sabotage, its test's name, and further assertions. */
export interface SabotageBatchCase extends Omit<Sabotage, 'sql'> {
  /** SQL file name, relative to the batch's `sqlDirectory`; left out when `during` is the whole sabotage. */
  readonly sql?: string;
  /**
   * Held while the gate runs, after every file is applied (e.g. a connection left idle in
   * transaction), disposed when it finishes.
   */
  readonly during?: (url: string) => Promise<AsyncDisposable>;
  /** The case's own test name. */
  readonly name: string;
  /** Further assertions on the shared outcome (e.g. the readiness report names the check). */
  readonly also?: (outcome: GateOutcome) => void;
}

/** Where a family of sabotages lives and which suites judge it. */
export interface SabotageFamily {
  /** Suite files every run of the family includes (a case's `alsoSuites` are added). */
  readonly suites: readonly string[];
  /** Absolute directory the cases' `sql` paths are relative to. */
  readonly sqlDirectory: string;
  /** Prefix of the scratch databases (default `mg_sabotage_batch`). */
  readonly prefix?: string;
  /**
   * Name of the database each run clones (default the migrated and seeded `templateDatabase`), asked
   * for when a run starts, e.g. a template with volume seeded into it once per file.
   */
  readonly template?: () => Promise<string>;
}

/** Applies `file` (relative to `sqlDirectory`) to the database at `url` as the superuser. */
export async function applySabotageFile(url: string, sqlDirectory: string, file: string): Promise<void> {
  const sql = await fs.readFile(path.join(sqlDirectory, file), 'utf8');
  const client = await connectClient(url);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** NO-GO, each of the sabotage's `mustFail` failed and is named in the reasons, each `mustPass` passed. */
export function expectCaseCaught(
  outcome: GateOutcome,
  sabotage: Pick<Sabotage, 'mustFail' | 'mustPass'>,
): void {
  expect(outcome.decision).toBe('NO-GO');
  expect(outcome.failed).toEqual(expect.arrayContaining([...sabotage.mustFail]));
  const reasons = outcome.reasons.join('\n');
  for (const id of sabotage.mustFail) expect(reasons, `verdict reasons name ${id}`).toContain(id);
  for (const id of sabotage.mustPass ?? []) {
    expect(outcome.checks.find((check) => check.id === id)?.status, `${id} must still pass`).toBe('passed');
  }
}

/**
 * No check failed outside the union of the sabotages' `mustFail` and `mayAlsoFail`: a check that went
 * red although none of the sabotages applied to the database touches it.
 */
export function expectNoStrayFailure(
  outcome: GateOutcome,
  sabotages: readonly Pick<Sabotage, 'mustFail' | 'mayAlsoFail'>[],
): void {
  const allowed = sabotages.flatMap((sabotage) => [...sabotage.mustFail, ...(sabotage.mayAlsoFail ?? [])]);
  const stray = outcome.failed.filter(
    (id) => !allowed.some((prefix) => id === prefix || id.startsWith(prefix)),
  );
  expect(stray, 'checks that failed although no sabotage applied touches them').toEqual([]);
}

/**
 * Clones the migrated and seeded template (or the family's `template`) on the shared self-test server
 * (CREATE DATABASE … TEMPLATE, no re-migration), applies every file of `sql` in order, holds what each
 * of `during` returns, and runs the gate once with the family's suites and `alsoSuites`, the restore
 * rehearsal on the same server. Asserts nothing: the caller judges the shared outcome. One call at a
 * time per file: runGate sets process.env.
 */
export async function runSabotageBatch(
  family: SabotageFamily,
  sql: readonly string[],
  options: {
    readonly alsoSuites?: readonly string[];
    readonly prefix?: string;
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** Held (in order) while the gate runs, disposed (in reverse) when it finishes. */
    readonly during?: readonly ((url: string) => Promise<AsyncDisposable>)[];
  } = {},
): Promise<GateOutcome> {
  if (new Set(sql).size !== sql.length)
    throw new Error(`a batch applies each SQL file once: ${sql.join(', ')}`);
  await using db = await createScratchDatabase(inject('adminUrl'), {
    template: family.template === undefined ? inject('templateDatabase') : await family.template(),
    prefix: options.prefix ?? family.prefix ?? 'mg_sabotage_batch',
  });
  for (const file of sql) await applySabotageFile(db.url, family.sqlDirectory, file);
  const held: AsyncDisposable[] = [];
  try {
    for (const hold of options.during ?? []) held.push(await hold(db.url));
    // Awaited here: what is held is released, and the database dropped, when this function returns.
    return await runGate({
      databaseUrl: db.url,
      files: [...new Set([...family.suites, ...(options.alsoSuites ?? [])])],
      rehearsalUrl: inject('adminUrl'),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
  } finally {
    for (const resource of held.reverse()) await resource[Symbol.asyncDispose]();
  }
}

/**
 * Several sabotages that touch different tables (or otherwise independent properties) judged by one
 * gate run: a `describe` whose `beforeAll` applies all of them to one clone (the SQL files in order,
 * then each case's `during` held while the gate runs) and runs the gate once,
 * one `test` per case asserting that case's `mustFail`, reasons and `mustPass` on the shared outcome
 * (a case that is no longer caught fails under its own name), and one `test` that no check failed
 * outside the union of every case's `mustFail` and `mayAlsoFail`.
 *
 * Only for cases that can share a database: no two on the same table, no clean negative beside a
 * sabotage, no `mayAlsoFail` wide enough to hide another case's strays (a table's own prefix is the
 * widest), and no two failing the same aggregate check (a count) so each case's failure is its own.
 */
export function describeSabotageBatch(
  title: string,
  family: SabotageFamily,
  cases: readonly SabotageBatchCase[],
  options: { readonly cleanup?: () => Promise<void> } = {},
): void {
  describe(title, () => {
    let outcome: GateOutcome | undefined;
    beforeAll(async () => {
      const unnamed = cases.filter((sabotage) => sabotage.sql === undefined && sabotage.during === undefined);
      if (unnamed.length > 0)
        throw new Error(
          `a batch case needs sql or during: ${unnamed.map((sabotage) => sabotage.name).join(', ')}`,
        );
      const during = cases.flatMap((sabotage) => (sabotage.during === undefined ? [] : [sabotage.during]));
      outcome = await runSabotageBatch(
        family,
        cases.flatMap((sabotage) => (sabotage.sql === undefined ? [] : [sabotage.sql])),
        {
          alsoSuites: cases.flatMap((sabotage) => sabotage.alsoSuites ?? []),
          ...(during.length === 0 ? {} : { during }),
        },
      );
    });
    afterAll(async () => {
      await options.cleanup?.();
    });
    const shared = (): GateOutcome => {
      if (outcome === undefined) throw new Error('the batch gate run did not finish (see beforeAll)');
      return outcome;
    };
    for (const sabotage of cases) {
      test(sabotage.name, () => {
        expectCaseCaught(shared(), sabotage);
        sabotage.also?.(shared());
      });
    }
    test("no check failed outside the batched cases' mustFail and mayAlsoFail", () => {
      expectNoStrayFailure(shared(), cases);
    });
  });
}
