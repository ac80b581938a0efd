import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { connectClient } from '../helpers/db/database-connection.ts';
import { IsolationSession } from '../fixtures/rls-isolation-session.ts';
import {
  describeDerivation,
  discoverDerivedTenantTables,
  tenantOfRowSql,
  type DerivedTenantTable,
} from '../helpers/catalog/derived-tenant-tables.ts';
import { discoverTenantTables } from '../helpers/catalog/tenant-tables.ts';
import {
  derivedOtherTenantWrite,
  derivedTenantRowIds,
  parentKeyOf,
  reparentSql,
  visibleAmong,
  type DerivedTarget,
} from '../helpers/probes/rls/derived-isolation.ts';
import { describeObservation, isRlsRefusalOf, readWithNoTenant } from '../helpers/probes/rls/rls-probe.ts';
import {
  ALL_COMMANDS_ALLOWED,
  describeOtherTenantWrite,
  isPrivilegeRefusalOf,
  otherTenantContained,
  otherTenantWriteMeasures,
  readCommandPrivileges,
  type CommandPrivileges,
} from '../helpers/probes/rls/rls-write-reach.ts';
import { emptyTenantSkipReason } from '../helpers/db/tenant-context.ts';
import { qualifiedName } from '../helpers/db/sql-identifier.ts';
import { RowSynthesiser } from '../helpers/synthesis/row-synthesis.ts';
import { updateProbeSet, type UpdateProbeSet } from '../helpers/probes/rls/update-probe-column.ts';
import type { JsonValue } from '../helpers/json-value.ts';
import { checkId, defineCheck, notApplicable, type CheckRecorder } from '../reports/check-meta.ts';
import { suitePool } from './support/database.ts';
import { gateSettings } from './support/gate-settings.ts';
import { recordNoTenantRead } from './support/no-tenant-read-record.ts';

// CE-23 for tables isolated through a parent: no tenant key of their own, NOT NULL foreign keys to a
// tenant table (`order_items` → `orders`). Their rows are tenants' rows, so as the application role
// tenant A must not read or write tenant B's, and nothing is readable with no tenant set. Tenants A
// and B get rows in every tenant table and then in every such table, inside transactions that are
// rolled back; a row's tenant is read as the owner through its foreign-key path.
const settings = gateSettings();
const { schema, tenancy } = settings;
const pool = await suitePool();
const { tenantTables, derived, privileges, updateSets } = await (async () => {
  const client = await pool.connect();
  try {
    const tables = (await discoverTenantTables(client, settings)).map(({ table, tenantColumn }) => ({
      table,
      tenantColumn,
    }));
    const found = await discoverDerivedTenantTables(client, schema, tables, tenancy.appRole);
    // UPDATE is judged on the first hop's key, the column the UPDATE probes set.
    const targets = found.map((d) => ({ schema, table: d.table, tenantColumn: d.path[0]?.columns[0] ?? '' }));
    // The UPDATE probe re-points the first hop's key; with column grants that leave it out, it sets a
    // column the role may update instead, so the UPDATE policies are exercised.
    const sets = new Map<string, UpdateProbeSet>();
    for (const target of targets)
      sets.set(target.table, await updateProbeSet(client, target, tenancy.appRole));
    return {
      tenantTables: tables,
      derived: found,
      privileges: await readCommandPrivileges(client, tenancy.appRole, targets),
      updateSets: sets,
    };
  } finally {
    client.release();
  }
})();
const privilegesOf = (table: string): CommandPrivileges => privileges.get(table) ?? ALL_COMMANDS_ALLOWED;
const derivedTenancy = new Map(
  derived.map((d) => [d.table, (alias: string) => tenantOfRowSql(schema, d, alias)]),
);

/** One seeded transaction: tenants A and B in every tenant table, then in every derived table. */
interface DerivedSession {
  readonly session: IsolationSession;
  readonly synthesiser: RowSynthesiser;
  /** Table → tenant → a row of that tenant as stored. */
  readonly rows: ReadonlyMap<string, ReadonlyMap<string, Readonly<Record<string, JsonValue>>>>;
  /** Table → why a tenant has no row there. */
  readonly failures: ReadonlyMap<string, string>;
}

async function openDerivedSession(client: pg.ClientBase, seed: number): Promise<DerivedSession> {
  const session = await IsolationSession.open(client, { schema, tenancy, tables: tenantTables, seed });
  const synthesiser = new RowSynthesiser(client, schema, tenancy, { derivedTenancy });
  const rows = new Map<string, Map<string, Readonly<Record<string, JsonValue>>>>();
  const failures = new Map<string, string>();
  // Discovery order is shortest path first: a derived parent has its rows before its children.
  for (const table of derived) {
    for (const tenantId of [session.tenantA, session.tenantB]) {
      const inserted = await synthesiser.insert(table.table, tenantId);
      if (!inserted.ok) {
        failures.set(table.table, inserted.reason);
        continue;
      }
      rows.set(table.table, (rows.get(table.table) ?? new Map()).set(tenantId, inserted.row));
    }
  }
  return { session, synthesiser, rows, failures };
}

let mainClient: pg.PoolClient | undefined;
let unsetClient: pg.Client | undefined;
let main: DerivedSession | undefined;
let unset: DerivedSession | undefined;

beforeAll(async () => {
  if (derived.length === 0) return;
  mainClient = await pool.connect();
  main = await openDerivedSession(mainClient, settings.fixtures.seed + 2);
  // A connection of its own on which the tenant setting is never defined (see ce23-rls-behaviour).
  unsetClient = await connectClient(inject('databaseUrl'), {
    applicationName: 'migration-gate ce23 derived unset',
  });
  unset = await openDerivedSession(unsetClient, settings.fixtures.seed + 3);
});

afterAll(async () => {
  await main?.session.close().catch(() => undefined);
  await unset?.session.close().catch(() => undefined);
  mainClient?.release();
  await unsetClient?.end();
});

/** Why `table` is shared across tenants on purpose (`tenancy.sharedChildTables`), or undefined. */
const sharedReason = (table: string): string | undefined =>
  tenancy.sharedChildTables?.find((shared) => shared.table === table)?.reason;

/** The seeded session, failing the check with the reason when the table has no rows of A and B. */
function seeded(table: string, which: DerivedSession | undefined): DerivedSession {
  if (which === undefined) throw new Error('CE-23 derived sessions were not opened (see beforeAll errors).');
  const failure = which.failures.get(table);
  if (failure !== undefined)
    expect.fail(`${table}: the gate could not give tenants A and B rows: ${failure}`);
  return which;
}

function rowOf(s: DerivedSession, table: string, tenantId: string): Readonly<Record<string, JsonValue>> {
  const row = s.rows.get(table)?.get(tenantId);
  if (row === undefined) expect.fail(`${table}: no seeded row of tenant ${tenantId}`);
  return row;
}

test(`row-level security is enabled (and forced, as on the tenant tables) on every table isolated through a parent (${derived.length})`, ({
  task,
  skip,
}) => {
  const check = defineCheck(task, { id: 'ce23.rls.derived-tables', ce: 'CE-23' });
  if (derived.length === 0)
    notApplicable(
      { skip },
      check,
      `no table of ${schema} that ${tenancy.appRole} can reach lacks ${tenancy.tenantKey} yet belongs to a tenant through NOT NULL foreign keys`,
    );
  // FORCE as tenancy.forceRlsTables asks of tenant tables: left out, every one; a list, those named.
  const mustForce = (table: string): boolean =>
    tenancy.forceRlsTables === undefined || tenancy.forceRlsTables.includes(table);
  const judged = derived.filter((d) => sharedReason(d.table) === undefined);
  const problems = judged.flatMap((d) => [
    ...(d.rlsEnabled
      ? []
      : [{ table: d.table, problem: 'row-level security is disabled', path: describeDerivation(d) }]),
    ...(d.rlsForced || !mustForce(d.table)
      ? []
      : [{ table: d.table, problem: 'FORCE ROW LEVEL SECURITY is not set', path: describeDerivation(d) }]),
  ]);
  check.measureAll({ derivedTables: derived.length, problems: problems.length });
  check.inventory(
    'Tables isolated through a parent (tenant read through the foreign keys)',
    derived.map((d) => ({
      table: d.table,
      path: describeDerivation(d),
      'rls enabled': d.rlsEnabled ? 'yes' : 'no',
      forced: d.rlsForced ? 'yes' : 'no',
      policies: d.policies,
      shared: sharedReason(d.table) ?? 'no',
    })),
  );
  check.offending(problems);
  expect(
    problems.map((p) => `${p.table}: ${p.problem}`),
    `tables whose rows belong to tenants through their parents, readable by ${tenancy.appRole}, that row-level security does not bind: ${problems.map((p) => `${p.table}: ${p.problem}`).join('; ')}`,
  ).toEqual([]);
});

describe.each(derived)('CE-23 $table (isolated through a parent)', (table: DerivedTenantTable) => {
  const updateSet = updateSets.get(table.table);
  const target: DerivedTarget = { schema, derived: table, ...(updateSet === undefined ? {} : { updateSet }) };
  const idOf = (property: string): string => checkId('CE-23', 'rls', table.table, property);
  const via = describeDerivation(table);
  const shared = sharedReason(table.table);
  /** A table shared across tenants on purpose is not judged for isolation, and says so. */
  const judged = (check: CheckRecorder, skip: (note?: string) => never): void => {
    if (shared !== undefined)
      notApplicable(
        { skip },
        check,
        `tenancy.sharedChildTables: ${table.table} is shared across tenants (${shared})`,
      );
  };

  /** `owner`'s rows of the table (read as the owner) and how many of them tenant A's SELECT sees. */
  const seenByTenantA = async (s: DerivedSession, owner: string) => {
    const ids = await derivedTenantRowIds(s.session.probe.client, target, owner);
    const seen = await visibleAmong(
      s.session.probe,
      { kind: 'tenant', tenantId: s.session.tenantA },
      target,
      ids,
    );
    return { ids, seen, visible: seen.ok ? (seen.rows[0]?.n ?? 0) : 0 };
  };

  test(`${table.table}: SELECT as tenant A returns all of A's rows (control)`, async ({ task, skip }) => {
    const check = defineCheck(task, { id: idOf('select-own-tenant'), ce: 'CE-23' });
    judged(check, skip);
    const s = seeded(table.table, main);
    if (!privilegesOf(table.table).SELECT)
      notApplicable({ skip }, check, `${tenancy.appRole} holds no SELECT on ${table.table}`);
    const { ids: own, seen, visible } = await seenByTenantA(s, s.session.tenantA);
    check.measureAll({ ownRows: own.length, visibleRows: visible, via });
    check.matrix({
      table: table.table,
      command: 'SELECT',
      context: 'own-tenant',
      outcome: seen.ok ? `rows: ${visible} of ${own.length}` : describeObservation(seen),
      expected: 'allowed',
      ok: seen.ok && visible === own.length && own.length > 0,
    });
    expect(seen.ok, `SELECT as tenant A was refused: ${seen.ok ? '' : seen.message}`).toBe(true);
    expect(own.length, `${table.table} has no rows of tenant A to see`).toBeGreaterThan(0);
    expect(visible, `tenant A sees ${visible} of its ${own.length} rows of ${table.table} (${via})`).toBe(
      own.length,
    );
  });

  test(`${table.table}: SELECT as tenant A returns none of tenant B's rows`, async ({ task, skip }) => {
    const check = defineCheck(task, { id: idOf('select-other-tenant'), ce: 'CE-23' });
    judged(check, skip);
    const s = seeded(table.table, main);
    const { ids: other, seen, visible: leaked } = await seenByTenantA(s, s.session.tenantB);
    check.measureAll({ otherTenantRows: other.length, visible: leaked, via });
    check.matrix({
      table: table.table,
      command: 'SELECT',
      context: 'other-tenant',
      outcome: seen.ok ? `rows: ${leaked} of ${other.length}` : describeObservation(seen),
      expected: 'denied',
      ok: leaked === 0,
    });
    expect(other.length, `${table.table} has no rows of tenant B to hide`).toBeGreaterThan(0);
    expect(
      leaked,
      `tenant A sees ${leaked} of tenant B's ${other.length} rows in ${table.table} (${via})`,
    ).toBe(0);
  });

  test(`${table.table}: with no tenant set, SELECT returns 0 rows or is refused`, async ({ task, skip }) => {
    const check = defineCheck(task, { id: idOf('select-no-tenant'), ce: 'CE-23' });
    judged(check, skip);
    const s = seeded(table.table, main);
    const u = seeded(table.table, unset);
    const sql = `SELECT count(*)::int AS n FROM ${qualifiedName(schema, table.table)}`;
    const emptySkipped = emptyTenantSkipReason(tenancy, s.session.seed.keyType);
    const read = await readWithNoTenant(
      { empty: s.session.probe, unset: u.session.probe },
      sql,
      emptySkipped,
    );
    recordNoTenantRead(check, table.table, read, emptySkipped);
    expect(
      { settingEmpty: read.settingEmpty, settingNeverSet: read.settingNeverSet },
      `${table.table} is readable with no tenant set (fail open)`,
    ).toEqual({ settingEmpty: 0, settingNeverSet: 0 });
  });

  test(`${table.table}: INSERT of a row under tenant B's parent is refused`, async ({ task, skip }) => {
    const check = defineCheck(task, { id: idOf('insert-other-tenant'), ce: 'CE-23' });
    judged(check, skip);
    const s = seeded(table.table, main);
    const built = await s.synthesiser.candidate(table.table, s.session.tenantB);
    if (!built.ok) expect.fail(`${table.table}: the gate could not build a row of tenant B: ${built.reason}`);
    const proof = await s.synthesiser.insertRow(table.table, built.row, { keep: false });
    if (!proof.ok)
      expect.fail(`${table.table}: the row of tenant B is not insertable even as the owner: ${proof.reason}`);
    const result = await s.session.probe.attempt(
      { kind: 'tenant', tenantId: s.session.tenantA },
      s.session.insertSql(table.table, built.row),
      [JSON.stringify(built.row)],
    );
    const ok =
      isRlsRefusalOf(result, table.table) ||
      (!privilegesOf(table.table).INSERT && isPrivilegeRefusalOf(result, table.table));
    check.measureAll({
      outcome: describeObservation(result, 'rows inserted'),
      error: result.ok ? null : result.message,
    });
    check.matrix({
      table: table.table,
      command: 'INSERT',
      context: 'other-tenant',
      outcome: describeObservation(result, 'rows inserted'),
      expected: 'denied',
      ok,
    });
    expect(result.ok, `tenant A inserted a row of ${table.table} under tenant B's parent (${via})`).toBe(
      false,
    );
    expect(
      ok,
      `the refusal did not come from ${table.table}'s own policy: ${result.ok ? '' : result.message}`,
    ).toBe(true);
  });

  for (const command of ['UPDATE', 'DELETE'] as const) {
    test(`${table.table}: ${command} as tenant A affects none of tenant B's rows`, async ({ task, skip }) => {
      const check = defineCheck(task, { id: idOf(`${command.toLowerCase()}-other-tenant`), ce: 'CE-23' });
      judged(check, skip);
      const s = seeded(table.table, main);
      const write = await derivedOtherTenantWrite(s.session.probe, target, command, {
        actor: s.session.tenantA,
        other: s.session.tenantB,
        actorParent: parentKeyOf(table, rowOf(s, table.table, s.session.tenantA)),
        actorRow: rowOf(s, table.table, s.session.tenantA),
        tenantTables,
        derivedTables: derived,
      });
      const outcome = describeOtherTenantWrite(write);
      const ok = otherTenantContained(write);
      check.measureAll(otherTenantWriteMeasures(write));
      check.matrix({ table: table.table, command, context: 'other-tenant', outcome, expected: 'denied', ok });
      expect(write.otherRows, `${table.table} has no rows of tenant B to protect`).toBeGreaterThan(0);
      expect(
        ok,
        `a WHERE-less ${command} as tenant A reached beyond its own rows of ${table.table} (${via}): ${outcome}${write.outcome.kind === 'ran' ? '' : ` — ${write.outcome.message}`}`,
      ).toBe(true);
    });
  }

  test(`${table.table}: UPDATE moving tenant A's row under tenant B's parent is refused`, async ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: idOf('update-move-to-other-tenant'), ce: 'CE-23' });
    judged(check, skip);
    const s = seeded(table.table, main);
    const destination = parentKeyOf(table, rowOf(s, table.table, s.session.tenantB));
    // No WHERE and a constant SET (see reparentSql): only the UPDATE policies decide; A's rows only.
    const result = await s.session.probe.attempt(
      { kind: 'tenant', tenantId: s.session.tenantA },
      reparentSql(target),
      destination,
    );
    const refused =
      isRlsRefusalOf(result, table.table) ||
      (!privilegesOf(table.table).UPDATE && isPrivilegeRefusalOf(result, table.table));
    // Reaching none of A's rows moves nothing across tenants either (an append-only child).
    const ok = refused || (result.ok && result.rowCount === 0);
    check.measureAll({
      outcome: describeObservation(result, 'rows moved'),
      error: result.ok ? null : result.message,
    });
    check.matrix({
      table: table.table,
      command: 'UPDATE',
      context: 'other-tenant',
      outcome: `move A→B: ${describeObservation(result, 'rows moved')}`,
      expected: 'denied',
      ok,
    });
    expect(
      ok,
      `moving tenant A's rows of ${table.table} under tenant B's parent (${via}): ${result.ok ? `${result.rowCount} rows moved` : result.message}`,
    ).toBe(true);
  });
});
