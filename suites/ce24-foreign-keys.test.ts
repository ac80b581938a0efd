import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type pg from 'pg';
import { insertRows, seedIsolationTenants } from '../fixtures/index.ts';
import { describeForeignKey, discoverForeignKeys, type ForeignKey } from '../helpers/catalog/foreign-keys.ts';
import {
  expectedDeleteOutcome,
  outcomeMatches,
  probeDeleteBehaviour,
} from '../helpers/probes/fk/fk-delete-behaviour.ts';
import { scanOrphans } from '../helpers/scans/fk-orphans.ts';
import {
  compositeKeyFix,
  probeCrossTenantAttach,
  scanCrossTenant,
  tenantScopedForeignKeys,
  type TenantScopedForeignKey,
} from '../helpers/probes/fk/fk-tenant-consistency.ts';
import { IsolationSession } from '../fixtures/rls-isolation-session.ts';
import { freshScenarioRows } from '../helpers/synthesis/fresh-scenario-rows.ts';
import { discoverIndexes, indexesLeadingWith, rowKeyOf } from '../helpers/catalog/indexes.ts';
import { withReadScope } from '../helpers/scans/integrity-read-scope.ts';
import { withRolledBack } from '../helpers/db/rolled-back.ts';
import { discoverTenantTables } from '../helpers/catalog/tenant-tables.ts';
import { qualifiedName, quoteIdent } from '../helpers/db/sql-identifier.ts';
import {
  WELL_KNOWN_CHECK_IDS,
  WELL_KNOWN_CHECK_PREFIXES,
  checkId,
  defineCheck,
  defineWellKnownCheck,
  notApplicable,
} from '../reports/check-meta.ts';
import { toJsonValue } from '../reports/to-json-value.ts';
import { suitePool } from './support/database.ts';
import { gateSettings } from './support/gate-settings.ts';
import { pendingNote } from './setup/gate-run-record.ts';

const pool = await suitePool();
const settings = gateSettings();
const { foreignKeys, indexes, tenantTables } = await withReadScope(pool, async (client) => ({
  foreignKeys: await discoverForeignKeys(client, settings.schema),
  indexes: await discoverIndexes(client, settings.schema),
  tenantTables: await discoverTenantTables(client, settings),
}));
const tenantScoped = tenantScopedForeignKeys(foreignKeys, tenantTables);
// By object identity: constraint names are unique per table only, not per schema.
const tenantScopeOf = new Map(tenantScoped.map((scoped) => [scoped.fk, scoped]));
const tenantColumnOf = new Map(tenantTables.map((table) => [table.table, table.tenantColumn]));
// A fixture tenant built here uses its own seed, so its ids never collide with committed fixtures.
const FIXTURE_SEED_OFFSET = 24;

const sample = (rows: readonly unknown[]): string => JSON.stringify(rows.slice(0, 5));

describe('CE-24 foreign keys: inventory', () => {
  test(`at least ${settings.foreignKeys.minimumCount} foreign keys exist (every one listed)`, ({ task }) => {
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.foreignKeyCount);
    check.measureAll({
      count: foreignKeys.length,
      minimum: settings.foreignKeys.minimumCount,
      betweenTenantTables: tenantScoped.length,
      tenantEnforcedBySchema: tenantScoped.filter((scoped) => scoped.enforcement === 'schema').length,
      tenantCheckedOnDataOnly: tenantScoped
        .filter((scoped) => scoped.enforcement === 'data-only')
        .map((scoped) => scoped.fk.constraint),
    });
    check.inventory(
      'Foreign keys',
      foreignKeys.map((fk) => inventoryRow(fk, tenantScopeOf.get(fk))),
    );
    expect(
      foreignKeys.length,
      `${foreignKeys.length} foreign keys in ${settings.schema}, fewer than foreignKeys.minimumCount ${settings.foreignKeys.minimumCount}${pendingNote(inject('gateRun'))}`,
    ).toBeGreaterThanOrEqual(settings.foreignKeys.minimumCount);
  });

  test('every foreign key is validated (NOT VALID only where configured as accepted)', ({ task }) => {
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.foreignKeyValidated);
    const notValid = foreignKeys.filter((fk) => !fk.validated);
    const refused = notValid.filter((fk) => !settings.foreignKeys.acceptedNotValid.includes(fk.constraint));
    check.measureAll({
      validated: foreignKeys.length - notValid.length,
      total: foreignKeys.length,
      notValid: notValid.map((fk) => fk.constraint),
      accepted: [...settings.foreignKeys.acceptedNotValid],
    });
    check.offending(
      refused.map((fk) => ({ constraint: fk.constraint, table: fk.table, definition: fk.definition })),
    );
    expect(
      refused.map((fk) => fk.constraint),
      'NOT VALID: existing rows were never checked; VALIDATE CONSTRAINT or list it in foreignKeys.acceptedNotValid',
    ).toEqual([]);
  });

  for (const expected of settings.foreignKeys.critical) {
    test(`critical foreign key ${expected.constraint} exists on ${expected.table}${expected.onDelete === undefined ? '' : ` with ON DELETE ${expected.onDelete}`}`, ({
      task,
    }) => {
      const check = defineCheck(task, {
        id: checkId('CE-24', 'fk', 'critical', expected.constraint),
        ce: 'CE-24',
      });
      const found = foreignKeys.find(
        (fk) => fk.constraint === expected.constraint && fk.table === expected.table,
      );
      check.measureAll({
        exists: found !== undefined,
        definition: found?.definition ?? null,
        onDelete: found?.onDelete ?? null,
        expectedOnDelete: expected.onDelete,
      });
      expect(found, `foreign key ${expected.constraint} on ${expected.table} is missing`).toBeDefined();
      if (expected.onDelete !== undefined) {
        expect(found?.onDelete, `${expected.constraint} declares a different ON DELETE action`).toBe(
          expected.onDelete,
        );
      }
    });
  }
});

describe('CE-24 foreign keys: no orphaned rows (anti-join on every key column)', () => {
  for (const fk of foreignKeys) {
    test(`${describeForeignKey(fk)}: no orphaned ${fk.table} rows`, async ({ task }) => {
      const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_PREFIXES.foreignKeyOrphans, fk.constraint);
      const scan = await withReadScope(pool, (client) => scanOrphans(client, fk));
      check.measureAll({ orphans: scan.orphans, validated: fk.validated });
      check.offending(scan.samples);
      expect(scan.orphans, `orphan keys (key → rows): ${sample(scan.samples)}`).toBe(0);
    });
  }
});

describe('CE-24 foreign keys: delete behaviour observed is the one declared (rolled back)', () => {
  const fixtureTenant = sharedFixtureTenant();
  beforeAll(() => fixtureTenant.open());
  afterAll(() => fixtureTenant.close());

  for (const fk of foreignKeys) {
    test(`${fk.constraint}: deleting a ${fk.referencedTable} row ${describeExpectation(fk)}`, async ({
      task,
      skip,
    }) => {
      const check = defineCheck(task, {
        id: checkId('CE-24', 'fk', 'delete-behaviour', fk.constraint),
        ce: 'CE-24',
      });
      const childKey = rowKeyOf(indexes, fk.table);
      expect(
        childKey,
        `${fk.table} has no primary key and no unique key over NOT NULL columns, so its rows cannot be observed across the delete`,
      ).not.toBeNull();
      if (childKey === null) return;
      const childTenantColumn = tenantColumnOf.get(fk.table);
      const { probe, source } = await fixtureTenant.inSavepoint(async (client, tenantId) => {
        if (childTenantColumn !== undefined && tenantId !== undefined) {
          const scope = { column: childTenantColumn, value: tenantId };
          const own = await probeDeleteBehaviour(client, fk, foreignKeys, childKey, { scope });
          if (own !== null) return { probe: own, source: 'fixture tenant' };
        }
        // A table the fixtures could not fill: fall back to rows already in the database.
        return {
          probe: await probeDeleteBehaviour(client, fk, foreignKeys, childKey),
          source: 'existing rows',
        };
      });
      check.measureAll({
        declared: fk.onDelete,
        expected: expectedDeleteOutcome(fk.onDelete),
        observed: probe?.outcome.kind ?? 'no referencing row',
        detail:
          probe?.outcome.kind === 'error' ? `${probe.outcome.code}: ${probe.outcome.message}` : undefined,
        parentKey: toJsonValue(probe?.parentKey),
        childKey: toJsonValue(probe?.childKey),
        attempts: probe?.attempts,
        clearedBlockers: probe === null ? undefined : [...probe.clearedBlockers],
        sample: source,
        fixtureGaps: fixtureTenant.gaps(),
      });
      if (probe === null) {
        // Nothing to delete under: a table the fixtures could not fill (no tenant key to seed by) and
        // that holds no referencing row. The declared action is still judged (ce24.fk.critical.*).
        notApplicable(
          { skip },
          check,
          `no ${fk.table} row references a ${fk.referencedTable} row, in the seeded fixture tenant or anywhere in the database (a table the fixtures cannot fill, e.g. one without the tenant key): no delete could be observed`,
        );
      }
      expect(
        outcomeMatches(fk.onDelete, probe.outcome),
        `ON DELETE ${fk.onDelete} promises "${expectedDeleteOutcome(fk.onDelete)}", observed "${probe.outcome.kind}"` +
          `${probe.outcome.kind === 'error' ? ` (${probe.outcome.code}: ${probe.outcome.message})` : ''} ` +
          `for parent ${JSON.stringify(probe.parentKey)}, child ${JSON.stringify(probe.childKey)}`,
      ).toBe(true);
    });
  }

  const scenario = settings.foreignKeys.cascadeScenario;
  if (scenario !== undefined) {
    test(`plan cascade test: deleting the inserted ${scenario.parent.table} row removes its ${scenario.child.table} row`, async ({
      task,
    }) => {
      const check = defineCheck(task, { id: 'ce24.fk.cascade-scenario', ce: 'CE-24' });
      const parentKey = rowKeyOf(indexes, scenario.parent.table) ?? [];
      const childKey = rowKeyOf(indexes, scenario.child.table) ?? [];
      expect(parentKey.length * childKey.length, 'both scenario tables need a primary key').toBeGreaterThan(
        0,
      );
      const counted = (
        client: pg.ClientBase,
        table: string,
        key: readonly string[],
        row: object,
      ): Promise<number> =>
        client
          .query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${qualifiedName(settings.schema, table)} t,
                    jsonb_populate_record(NULL::${qualifiedName(settings.schema, table)}, $1::jsonb) k
              WHERE ${key.map((column) => `t.${quoteIdent(column)} = k.${quoteIdent(column)}`).join(' AND ')}`,
            [JSON.stringify(row)],
          )
          .then((result) => result.rows[0]?.n ?? -1);
      let substitutions: Readonly<Record<string, string>> = {};
      const observed = await withRolledBack(pool, async (client) => {
        // The configured rows are a template: their ids may exist in the target, so free ones are used.
        const fresh = await freshScenarioRows(client, [scenario.parent, scenario.child], {
          schema: settings.schema,
          tenantTables,
          tenantKey: settings.tenancy.tenantKey,
          tenantTable: settings.tenancy.tenantTable,
        });
        substitutions = fresh.substitutions;
        const [parentRow = scenario.parent.row, childRow = scenario.child.row] = fresh.rows.map(
          (entry) => entry.row,
        );
        await insertRows(client, settings.schema, scenario.parent.table, [parentRow]);
        await insertRows(client, settings.schema, scenario.child.table, [childRow]);
        const before = await counted(client, scenario.child.table, childKey, childRow);
        await client.query('SAVEPOINT cascade_scenario');
        try {
          const deleted = await client.query(
            `DELETE FROM ${qualifiedName(settings.schema, scenario.parent.table)} t
              USING jsonb_populate_record(NULL::${qualifiedName(settings.schema, scenario.parent.table)}, $1::jsonb) k
              WHERE ${parentKey.map((column) => `t.${quoteIdent(column)} = k.${quoteIdent(column)}`).join(' AND ')}`,
            [JSON.stringify(parentRow)],
          );
          const after = await counted(client, scenario.child.table, childKey, childRow);
          return { before, parentDeleted: deleted.rowCount ?? 0, after, refused: null };
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT cascade_scenario');
          return {
            before,
            parentDeleted: 0,
            after: before,
            refused: error instanceof Error ? error.message : String(error),
          };
        }
      });
      const governing = foreignKeys.filter(
        (fk) => fk.table === scenario.child.table && fk.referencedTable === scenario.parent.table,
      );
      const declared = governing.map((fk) => fk.onDelete);
      check.measureAll({
        ...observed,
        declared: governing.map((fk) => `${fk.constraint}: ON DELETE ${fk.onDelete}`),
        freshIds: substitutions,
      });
      expect(observed.before, 'the scenario child row was not inserted').toBe(1);
      expect(
        governing.length,
        `no foreign key from ${scenario.child.table} to ${scenario.parent.table}`,
      ).toBeGreaterThan(0);
      if (declared.every((action) => action === 'CASCADE')) {
        expect(observed.refused, 'the cascade was refused').toBeNull();
        expect(observed.parentDeleted).toBe(1);
        expect(observed.after, 'ON DELETE CASCADE declared, but the child row survived').toBe(0);
      } else {
        expect(
          observed.refused ?? observed.after,
          'not CASCADE: the delete must be refused or leave the child',
        ).not.toBe(0);
      }
    });
  }
});

describe('CE-24 foreign keys: every key is served by an index', () => {
  for (const fk of foreignKeys) {
    test(`${fk.constraint}: an index on ${fk.table} leads with (${fk.columns.join(', ')})`, ({ task }) => {
      const check = defineCheck(task, { id: checkId('CE-24', 'fk', 'index', fk.constraint), ce: 'CE-24' });
      const covering = indexesLeadingWith(indexes, fk.table, fk.columns);
      check.measureAll({ columns: [...fk.columns], indexes: covering.map((index) => index.index) });
      expect(
        covering.map((index) => index.index),
        `no valid, non-partial B-tree index on ${fk.table} leads with (${fk.columns.join(', ')}): every delete of a ${fk.referencedTable} row scans ${fk.table}`,
      ).not.toEqual([]);
    });
  }
});

describe('CE-24 foreign keys: no cross-tenant references', () => {
  // A key that leaves the tenant out is proven, not assumed, open: tenants A and B are seeded in one
  // transaction (rolled back in afterAll) and A tries to attach a child to B's parent.
  const open = tenantScoped.filter((scoped) => scoped.enforcement === 'data-only');
  let session: IsolationSession | undefined;
  let sessionClient: pg.PoolClient | undefined;
  beforeAll(async () => {
    if (open.length === 0) return;
    sessionClient = await pool.connect();
    session = await IsolationSession.open(sessionClient, {
      schema: settings.schema,
      tenancy: settings.tenancy,
      tables: tenantTables.map(({ table, tenantColumn }) => ({ table, tenantColumn })),
      seed: settings.fixtures.seed + FIXTURE_SEED_OFFSET + 1,
    });
  });
  afterAll(async () => {
    await session?.close().catch(() => undefined);
    sessionClient?.release();
  });

  for (const scoped of open) {
    const { fk } = scoped;
    test(`${fk.constraint}: tenant A cannot attach a ${fk.table} row to tenant B's ${fk.referencedTable} (key without ${scoped.childTenantColumn})`, async ({
      task,
    }) => {
      const check = defineCheck(task, {
        id: checkId('CE-24', 'fk', 'cross-tenant', fk.constraint),
        ce: 'CE-24',
      });
      if (session === undefined)
        expect.fail('the CE-24 cross-tenant session was not opened (see beforeAll errors)');
      const attach = await probeCrossTenantAttach(session, scoped);
      const accepted =
        settings.foreignKeys.acceptedCrossTenant?.find((a) => a.constraint === fk.constraint)?.reason ?? null;
      const fix = compositeKeyFix(scoped);
      check.measureAll({
        outcome: attach.kind,
        detail:
          attach.kind === 'attached'
            ? null
            : attach.kind === 'refused'
              ? `${attach.code}: ${attach.message}`
              : attach.reason,
        accepted,
        fix,
      });
      if (attach.kind === 'attached')
        check.offending([
          {
            constraint: fk.constraint,
            table: fk.table,
            references: fk.referencedTable,
            parentOfTenantB: attach.parent,
          },
        ]);
      expect(attach.kind, attach.kind === 'inconclusive' ? attach.reason : '').not.toBe('inconclusive');
      if (accepted !== null) return;
      expect(
        attach.kind,
        `as ${settings.tenancy.appRole} with tenant A set, a ${fk.table} row was attached to tenant B's ${fk.referencedTable}: ${fk.constraint} does not include the tenant key; use ${fix} (or accept it in foreignKeys.acceptedCrossTenant with the reason)`,
      ).toBe('refused');
    });
  }

  for (const scoped of tenantScoped) {
    const { fk } = scoped;
    test(`${fk.constraint}: every ${fk.table} row has its ${fk.referencedTable} row's tenant (${scoped.enforcement === 'schema' ? 'enforced by schema' : 'data only'})`, async ({
      task,
    }) => {
      const check = defineCheck(task, {
        id: checkId('CE-24', 'fk', 'same-tenant', fk.constraint),
        ce: 'CE-24',
      });
      const scan = await withReadScope(pool, (client) => scanCrossTenant(client, scoped));
      check.measureAll({ mismatches: scan.mismatches, enforcement: scoped.enforcement });
      check.offending(scan.samples);
      expect(
        scan.mismatches,
        `rows referencing another tenant's ${fk.referencedTable}: ${sample(scan.samples)}`,
      ).toBe(0);
    });
  }
});

/**
 * One row of the CE-24 foreign-key inventory. `tenant` says how a cross-tenant reference is kept out:
 * by the key itself (it pairs the tenant columns), only by the data scan of this run, or not at all
 * because one end carries no tenant.
 */
function inventoryRow(fk: ForeignKey, scoped: TenantScopedForeignKey | undefined): Record<string, string> {
  const target =
    fk.referencedSchema === fk.schema ? fk.referencedTable : `${fk.referencedSchema}.${fk.referencedTable}`;
  // A PG15 column list on SET NULL / SET DEFAULT changes what a delete touches, so it is shown.
  const setColumns =
    (fk.onDelete === 'SET NULL' || fk.onDelete === 'SET DEFAULT') &&
    fk.deleteSetColumns.length < fk.columns.length
      ? ` (${fk.deleteSetColumns.join(', ')})`
      : '';
  return {
    constraint: fk.constraint,
    table: fk.table,
    columns: fk.columns.join(', '),
    references: `${target}(${fk.referencedColumns.join(', ')})`,
    'on delete': `${fk.onDelete}${setColumns}`,
    'on update': fk.onUpdate,
    validated: fk.validated ? 'yes' : 'NOT VALID',
    tenant:
      scoped === undefined
        ? 'not tenant-scoped'
        : scoped.enforcement === 'schema'
          ? 'enforced by schema'
          : `key without the tenant: probed by ${checkId('CE-24', 'fk', 'cross-tenant', fk.constraint)}`,
  };
}

function describeExpectation(fk: ForeignKey): string {
  switch (expectedDeleteOutcome(fk.onDelete)) {
    case 'deleted':
      return `removes its ${fk.table} rows (CASCADE)`;
    case 'set-null':
      return `nulls ${fk.table}(${fk.deleteSetColumns.join(', ')}) (SET NULL)`;
    case 'changed':
      return `resets ${fk.table}(${fk.deleteSetColumns.join(', ')}) (SET DEFAULT)`;
    default:
      return `that has ${fk.table} rows is refused (${fk.onDelete})`;
  }
}

/**
 * One transaction for the delete-behaviour block, with a fixture tenant seeded once: each test
 * deletes inside a savepoint it rolls back, so every test starts from the same synthetic tenant and
 * the whole block ends in ROLLBACK. Deleting our own synthetic rows, never a customer's, is what makes
 * the experiment safe on staging.
 */
function sharedFixtureTenant(): {
  open(): Promise<void>;
  close(): Promise<void>;
  gaps(): Record<string, string> | undefined;
  inSavepoint<T>(work: (client: pg.ClientBase, tenantId: string | undefined) => Promise<T>): Promise<T>;
} {
  let client: pg.PoolClient | undefined;
  let tenantId: string | undefined;
  let failures: ReadonlyMap<string, string> = new Map();
  return {
    async open() {
      client = await pool.connect();
      await client.query('BEGIN');
      const seeded = await seedIsolationTenants(client, {
        schema: settings.schema,
        tenancy: settings.tenancy,
        tables: tenantTables,
        seed: settings.fixtures.seed + FIXTURE_SEED_OFFSET,
        tenants: 1,
      });
      tenantId = seeded.tenantIds[0];
      failures = seeded.failures;
    },
    async close() {
      if (client === undefined) return;
      // A connection whose ROLLBACK failed may still hold the fixture tenant: destroy it, never pool it.
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(!rolledBack);
      client = undefined;
    },
    gaps() {
      return failures.size === 0 ? undefined : Object.fromEntries(failures);
    },
    async inSavepoint(work) {
      if (client === undefined)
        throw new Error('the fixture tenant transaction is not open (its beforeAll failed)');
      const open = client;
      await open.query('SAVEPOINT fk_delete_test');
      try {
        return await work(open, tenantId);
      } finally {
        await open.query('ROLLBACK TO SAVEPOINT fk_delete_test');
        await open.query('RELEASE SAVEPOINT fk_delete_test');
      }
    },
  };
}
