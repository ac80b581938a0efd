import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { copyMigrations } from '../support/migrations-copy.ts';
import { expectChecksFailed, runGate, type GateOutcome } from '../support/run-gate.ts';

/**
 * The schemas under examples/, written for this project in shapes other than the reference one, each
 * gated by the full `local` gate from its own config (no code knows them): GO as written, NO-GO naming
 * the check when one migration is sabotaged.
 */
interface Example {
  readonly name: string;
  readonly migrations: string;
  /** A migration file of the example, and how the sabotage rewrites it. */
  readonly sabotage: {
    readonly file: string;
    readonly what: string;
    readonly edit: (sql: string) => string;
    readonly mustFail: readonly string[];
    /** The suite whose check it fails: the sabotaged run is narrowed to it. */
    readonly suite: string;
  };
}

const EXAMPLES: readonly Example[] = [
  {
    name: 'serial-dbmate',
    migrations: 'db/migrations',
    sabotage: {
      file: '20240101000003_invoices.sql',
      what: 'the invoices policy falls back to the row itself when no org is set (COALESCE fail-open)',
      edit: (sql) =>
        sql.replaceAll(
          "org_id = (SELECT nullif(current_setting('app.org_id', true), '')::integer)",
          "org_id = COALESCE((SELECT nullif(current_setting('app.org_id', true), '')::integer), org_id)",
        ),
      mustFail: ['ce23.rls.invoices.select-no-tenant'],
      suite: 'suites/ce23-rls-behaviour.test.ts',
    },
  },
  {
    name: 'text-key-single',
    migrations: 'migrations',
    sabotage: {
      file: '000001_init.up.sql',
      what: 'the tenant table in the second schema is left without row-level security',
      edit: (sql) => sql.replace('ALTER TABLE billing.subscriptions ENABLE ROW LEVEL SECURITY;\n', ''),
      mustFail: ['ce23.rls.other-schemas'],
      suite: 'suites/ce23-rls-catalog.test.ts',
    },
  },
  {
    name: 'bigint-identity-app-schema',
    migrations: 'migrations',
    sabotage: {
      file: '003_events.up.sql',
      what: 'one partition of the partitioned events table is granted to the application directly',
      edit: (sql) => `${sql}\nGRANT SELECT ON app.events_p0 TO ledger_app;\n`,
      mustFail: ['ce23.rls.events.partitions'],
      suite: 'suites/ce23-rls-catalog.test.ts',
    },
  },
];

/** The full `local` gate of the example, or only `files` of it (the sabotaged run). */
function gateExample(
  example: Example,
  migrationsDirectory?: string,
  files: readonly string[] = [],
): Promise<GateOutcome> {
  return runGate({
    databaseUrl: 'postgresql://unused@127.0.0.1:1/unused',
    project: 'local',
    files,
    ...(migrationsDirectory === undefined ? {} : { migrationsDirectory }),
    env: { MIGRATION_GATE_CONFIG: path.resolve('examples', example.name, 'gate.config.ts') },
  });
}

describe.each(EXAMPLES)('example $name, gated from its own config', (example) => {
  test('GO as written: every required gate passed, no check failed', async () => {
    const outcome = await gateExample(example);
    expect(outcome.reasons).toEqual([]);
    expect(outcome.decision).toBe('GO');
    expect(outcome.checks.filter((check) => check.status === 'passed').length).toBeGreaterThan(50);
  });

  test(`NO-GO when ${example.sabotage.what}`, async () => {
    const source = path.resolve('examples', example.name, example.migrations);
    const original = await fs.readFile(path.join(source, example.sabotage.file), 'utf8');
    const sabotaged = example.sabotage.edit(original);
    expect(sabotaged, 'the sabotage changed the migration').not.toBe(original);
    await using copy = await copyMigrations({ [example.sabotage.file]: sabotaged }, source);
    // The GO run above proves the whole gate on the example; the sabotage needs only its suite.
    expectChecksFailed(
      await gateExample(example, copy.directory, [example.sabotage.suite]),
      example.sabotage.mustFail,
    );
  });
});
