import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { connectClient } from '../helpers/db/database-connection.ts';
import { IsolationSession, type Candidate } from '../fixtures/rls-isolation-session.ts';
import {
  readWithNoTenant,
  describeObservation,
  isRlsRefusalOf,
  type Observation,
  type ProbeContext,
} from '../helpers/probes/rls/rls-probe.ts';
import {
  ALL_COMMANDS_ALLOWED,
  describeOtherTenantWrite,
  describeWriteOutcome,
  isPrivilegeRefusalOf,
  isUnsettableColumnRefusal,
  noTenantContained,
  noTenantWrite,
  otherTenantContained,
  otherTenantWriteMeasures,
  otherTenantWrite,
  readCommandPrivileges,
  type CommandPrivileges,
  type WriteOutcome,
  type WriteTarget,
} from '../helpers/probes/rls/rls-write-reach.ts';
import { updateProbeSet, type UpdateProbeSet } from '../helpers/probes/rls/update-probe-column.ts';
import { freshScenarioRows } from '../helpers/synthesis/fresh-scenario-rows.ts';
import { discoverTenantTables } from '../helpers/catalog/tenant-tables.ts';
import { emptyTenantSkipReason } from '../helpers/db/tenant-context.ts';
import { qualifiedName, quoteIdent } from '../helpers/db/sql-identifier.ts';
import { checkId, defineCheck, notApplicable, type MatrixCommand } from '../reports/check-meta.ts';
import { pendingNote } from './setup/gate-run-record.ts';
import { suitePool } from './support/database.ts';
import { gateSettings } from './support/gate-settings.ts';
import { recordNoTenantRead } from './support/no-tenant-read-record.ts';

// CE-23, behaviour half: as the application role with tenants A and B seeded in every tenant table,
// each command in each tenant context is tried and its observed outcome recorded in the access
// matrix. Two connections, each one transaction that is rolled back at the end: `main` (tenant
// contexts, and "no tenant" as an empty setting) and `unset` (the setting never defined at all).
const settings = gateSettings();
const { schema, tenancy } = settings;
const pool = await suitePool();
const { discovered, privileges, updateSets } = await (async () => {
  const client = await pool.connect();
  try {
    const tables = await discoverTenantTables(client, settings);
    // What the app role may do decides what the own-tenant probes expect (append-only: no UPDATE/DELETE).
    const targets = tables.map(({ table, tenantColumn }) => ({ schema, table, tenantColumn }));
    // What the WHERE-less UPDATE probes set: another updatable column when the tenant key is not one,
    // so the UPDATE policies are exercised, not only the privilege on the tenant key.
    const sets = new Map<string, UpdateProbeSet>();
    for (const target of targets)
      sets.set(target.table, await updateProbeSet(client, target, tenancy.appRole));
    return {
      discovered: tables,
      privileges: await readCommandPrivileges(client, tenancy.appRole, targets),
      updateSets: sets,
    };
  } finally {
    client.release();
  }
})();
const privilegesOf = (table: string): CommandPrivileges => privileges.get(table) ?? ALL_COMMANDS_ALLOWED;

interface Target {
  readonly table: string;
  /** Null when gate.config.ts expects the table but the catalog has no such tenant-scoped table. */
  readonly tenantColumn: string | null;
}

const targets: readonly Target[] = [
  ...discovered.map(({ table, tenantColumn }) => ({ table, tenantColumn })),
  ...tenancy.tenantTables
    .filter((table) => !discovered.some((found) => found.table === table))
    .map((table) => ({ table, tenantColumn: null })),
];
const isolationTables = discovered.map(({ table, tenantColumn }) => ({ table, tenantColumn }));

let mainClient: pg.PoolClient | undefined;
let unsetClient: pg.Client | undefined;
let main: IsolationSession | undefined;
let unset: IsolationSession | undefined;

beforeAll(async () => {
  mainClient = await pool.connect();
  // A connection of its own, never pooled, so the tenant setting has never been defined on it.
  unsetClient = await connectClient(inject('databaseUrl'), { applicationName: 'migration-gate ce23 unset' });
  main = await IsolationSession.open(mainClient, {
    schema,
    tenancy,
    tables: isolationTables,
    seed: settings.fixtures.seed,
  });
  // Another seed: the two open transactions must not insert the same keys and wait on each other.
  unset = await IsolationSession.open(unsetClient, {
    schema,
    tenancy,
    tables: isolationTables,
    seed: settings.fixtures.seed + 1,
  });
});

afterAll(async () => {
  await main?.close().catch(() => undefined);
  await unset?.close().catch(() => undefined);
  mainClient?.release();
  await unsetClient?.end();
});

function session(which: IsolationSession | undefined): IsolationSession {
  if (which === undefined)
    throw new Error('CE-23 isolation sessions were not opened (see beforeAll errors).');
  return which;
}

/** The table's tenant column and a seeded session, or a failure that says why not. */
function prepared(
  target: Target,
  which: IsolationSession | undefined,
): { column: string; s: IsolationSession } {
  if (target.tenantColumn === null) {
    expect.fail(
      `${target.table} is expected to be tenant-scoped (gate.config.ts) but does not exist in ${schema} or has no ${tenancy.tenantKey} column${pendingNote(inject('gateRun'))}`,
    );
  }
  const s = session(which);
  const failure = s.seedFailure(target.table);
  if (failure !== null)
    expect.fail(`${target.table}: the gate could not give tenants A and B rows: ${failure}`);
  return { column: target.tenantColumn, s };
}

function candidateRow(candidate: Candidate, table: string): Candidate & { ok: true } {
  if (!candidate.ok) expect.fail(`${table}: the gate could not build a row to insert: ${candidate.reason}`);
  return candidate;
}

describe.each(targets)('CE-23 $table (behaviour)', (target) => {
  const { table } = target;
  const name = qualifiedName(schema, table);
  const idOf = (property: string): string => checkId('CE-23', 'rls', table, property);
  const isTenantTable = table === tenancy.tenantTable;
  const updateSet = updateSets.get(table);
  const writeTargetOf = (column: string): WriteTarget => ({
    schema,
    table,
    tenantColumn: column,
    ...(updateSet === undefined ? {} : { updateSet }),
  });

  test(`${table}: SELECT as tenant A returns all of A's rows and nothing else`, async ({ task }) => {
    const check = defineCheck(task, { id: idOf('select-own-tenant'), ce: 'CE-23' });
    const { column, s } = prepared(target, main);
    const own = await s.probe.fingerprint(schema, table, column, s.tenantA);
    const seen = await s.probe.attempt<{ rows: number; checksum: string; foreign: number }>(
      { kind: 'tenant', tenantId: s.tenantA },
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS checksum,
              count(*) FILTER (WHERE t.${quoteIdent(column)} IS DISTINCT FROM $1)::int AS foreign
         FROM ${name} AS t`,
      [s.tenantA],
    );
    if (!privilegesOf(table).SELECT) {
      // Not granted SELECT (an audit table written by a trigger, say): PostgreSQL must refuse the read
      // on privilege, before any policy; the write probes read the grants the same way.
      const refused = isPrivilegeRefusalOf(seen, table);
      check.measureAll({ ownRows: own.rows, selectGranted: false, outcome: describeObservation(seen) });
      check.matrix({
        table,
        command: 'SELECT',
        context: 'own-tenant',
        outcome: describeObservation(seen),
        expected: 'denied',
        ok: refused,
      });
      expect(
        refused,
        `${tenancy.appRole} holds no SELECT on ${table}, yet its SELECT was not refused on privilege (${describeObservation(seen)})`,
      ).toBe(true);
      return;
    }
    const visible = seen.ok ? seen.rows[0] : undefined;
    const ok =
      visible !== undefined &&
      visible.rows === own.rows &&
      visible.checksum === own.checksum &&
      visible.foreign === 0;
    check.measureAll({
      ownRows: own.rows,
      visibleRows: visible?.rows,
      otherTenantsRowsVisible: visible?.foreign,
    });
    check.matrix({
      table,
      command: 'SELECT',
      context: 'own-tenant',
      outcome: visible === undefined ? describeObservation(seen) : `rows: ${visible.rows} of ${own.rows}`,
      expected: 'allowed',
      ok,
    });
    expect(seen.ok, `SELECT as tenant A was refused: ${seen.ok ? '' : seen.message}`).toBe(true);
    expect(own.rows, `${table} has no rows of tenant A to see`).toBeGreaterThan(0);
    expect(visible?.foreign, `tenant A sees rows of other tenants in ${table}`).toBe(0);
    expect(
      { rows: visible?.rows, checksum: visible?.checksum },
      `tenant A does not see exactly its own rows`,
    ).toEqual(own);
  });

  test(`${table}: SELECT as tenant A returns none of tenant B's rows`, async ({ task }) => {
    const check = defineCheck(task, { id: idOf('select-other-tenant'), ce: 'CE-23' });
    const { column, s } = prepared(target, main);
    const other = await s.probe.fingerprint(schema, table, column, s.tenantB);
    const seen = await s.probe.attempt<{ n: number }>(
      { kind: 'tenant', tenantId: s.tenantA },
      `SELECT count(*)::int AS n FROM ${name} WHERE ${quoteIdent(column)} = $1`,
      [s.tenantB],
    );
    const leaked = seen.ok ? (seen.rows[0]?.n ?? 0) : 0;
    check.measureAll({ otherTenantRows: other.rows, visible: leaked });
    check.matrix({
      table,
      command: 'SELECT',
      context: 'other-tenant',
      outcome: seen.ok ? `rows: ${leaked} of ${other.rows}` : describeObservation(seen),
      expected: 'denied',
      ok: leaked === 0,
    });
    expect(other.rows, `${table} has no rows of tenant B to hide`).toBeGreaterThan(0);
    expect(leaked, `tenant A sees ${leaked} of tenant B's ${other.rows} rows in ${table}`).toBe(0);
  });

  // WHERE-less on purpose (see whereLessSql): judged by tenant B's rows, read as the owner right after
  // the statement, not by a filter that would bring the SELECT policies in.
  for (const command of ['UPDATE', 'DELETE'] as const) {
    test(`${table}: ${command} of another tenant's row affects 0 rows`, async ({ task }) => {
      const check = defineCheck(task, { id: idOf(`${command.toLowerCase()}-other-tenant`), ce: 'CE-23' });
      const { column, s } = prepared(target, main);
      const write = await otherTenantWrite(s.probe, writeTargetOf(column), command, {
        actor: s.tenantA,
        other: s.tenantB,
        tenantTables: isolationTables,
      });
      const outcome = describeOtherTenantWrite(write);
      const ok = otherTenantContained(write);
      check.measureAll(otherTenantWriteMeasures(write));
      check.matrix({ table, command, context: 'other-tenant', outcome, expected: 'denied', ok });
      expect(write.otherRows, `${table} has no rows of tenant B to protect`).toBeGreaterThan(0);
      expect(
        ok,
        `a WHERE-less ${command} as tenant A reached beyond its own rows of ${table}: ${outcome}${write.outcome.kind === 'ran' ? '' : ` — ${write.outcome.message}`}`,
      ).toBe(true);
    });
  }

  test(`${table}: INSERT of a row for another tenant is refused`, async ({ task }) => {
    const check = defineCheck(task, { id: idOf('insert-other-tenant'), ce: 'CE-23' });
    const { s } = prepared(target, main);
    const candidate = candidateRow(await s.candidate(table, isTenantTable ? 'new-tenant' : 'B'), table);
    const result = await s.probe.attempt(
      { kind: 'tenant', tenantId: s.tenantA },
      s.insertSql(table, candidate.row),
      [JSON.stringify(candidate.row)],
    );
    // Without INSERT at all, the privilege refuses it; with INSERT, only the table's policy may.
    const ok =
      isRlsRefusalOf(result, table) || (!privilegesOf(table).INSERT && isPrivilegeRefusalOf(result, table));
    check.measureAll({
      outcome: describeObservation(result, 'rows inserted'),
      error: result.ok ? null : result.message,
    });
    check.matrix({
      table,
      command: 'INSERT',
      context: 'other-tenant',
      outcome: describeObservation(result, 'rows inserted'),
      expected: 'denied',
      ok,
    });
    expect(result.ok, `tenant A inserted a row owned by ${candidate.tenantId} into ${table}`).toBe(false);
    expect(
      ok,
      `the refusal did not come from ${table}'s own policy: ${result.ok ? '' : result.message}`,
    ).toBe(true);
  });

  test(`${table}: UPDATE moving tenant A's row to another tenant is refused`, async ({ task }) => {
    const check = defineCheck(task, { id: idOf('update-move-to-other-tenant'), ce: 'CE-23' });
    const { column, s } = prepared(target, main);
    const col = quoteIdent(column);
    const destination = isTenantTable ? await s.freshTenantId() : s.tenantB;
    // No WHERE on purpose: a WHERE needs SELECT rights, which adds the SELECT policies' check on the
    // new row and would hide an UPDATE policy whose own WITH CHECK lets rows leave the tenant. Only
    // tenant A's rows are visible, so only they are touched (and rolled back).
    const result = await s.probe.attempt(
      { kind: 'tenant', tenantId: s.tenantA },
      `UPDATE ${name} SET ${col} = $1`,
      [destination],
    );
    const byPrivilege =
      !privilegesOf(table).UPDATE &&
      (isPrivilegeRefusalOf(result, table) || isUnsettableColumnRefusal(result));
    const ok = isRlsRefusalOf(result, table) || byPrivilege;
    check.measureAll({
      outcome: describeObservation(result, 'rows moved'),
      error: result.ok ? null : result.message,
    });
    check.matrix({
      table,
      command: 'UPDATE',
      context: 'other-tenant',
      outcome: `move A→other: ${describeObservation(result, 'rows moved')}`,
      expected: 'denied',
      ok,
    });
    expect(
      result.ok ? `${result.rowCount} rows moved` : result.message,
      `moving a row of ${table} out of tenant A`,
    ).toMatch(
      byPrivilege
        ? /permission denied|can only be updated to DEFAULT/
        : new RegExp(
            `row-level security policy (?:"[^"]*" )?for table "${table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`,
          ),
    );
  });

  test(`${table}: tenant A may INSERT, UPDATE and DELETE its own rows, as its privileges grant (control)`, async ({
    task,
  }) => {
    const check = defineCheck(task, { id: idOf('write-own-tenant'), ce: 'CE-23' });
    const { column, s } = prepared(target, main);
    const col = quoteIdent(column);
    const candidate = candidateRow(await s.candidate(table, isTenantTable ? 'new-tenant' : 'A'), table);
    const ownContext = { kind: 'tenant', tenantId: candidate.tenantId } as const;
    const inserted = await s.probe.attempt(ownContext, s.insertSql(table, candidate.row), [
      JSON.stringify(candidate.row),
    ]);
    const own = await s.probe.fingerprint(schema, table, column, s.tenantA);
    const updated = await s.probe.attempt(
      { kind: 'tenant', tenantId: s.tenantA },
      `UPDATE ${name} SET ${col} = ${col} WHERE ${col} = $1`,
      [s.tenantA],
    );
    const deleted = await s.probe.rolledBack(async () => {
      const stored = await s.insertAsOwner(table, candidate.row);
      if (!stored.ok) return { ok: false, code: 'setup', message: stored.reason } as const;
      // The row goes through the table's types first: a bigint above 2^53 arrives as a JSON string.
      return s.probe.attempt(
        ownContext,
        `DELETE FROM ${name} AS t WHERE to_jsonb(t.*) = to_jsonb(jsonb_populate_record(NULL::${name}, $1::jsonb))`,
        [JSON.stringify(stored.row)],
      );
    });
    // A command the app role holds no privilege for must be refused by that privilege, not allowed.
    const allowed = privilegesOf(table);
    const judged = (
      command: 'INSERT' | 'UPDATE' | 'DELETE',
      observation: Observation<unknown>,
      ok: boolean,
    ) =>
      [
        command,
        observation,
        allowed[command]
          ? ok
          : isPrivilegeRefusalOf(observation, table) ||
            (command === 'UPDATE' && isUnsettableColumnRefusal(observation)),
      ] as const;
    const cells: readonly (readonly [MatrixCommand, Observation<unknown>, boolean])[] = [
      judged('INSERT', inserted, inserted.ok && inserted.rowCount === 1),
      judged('UPDATE', updated, updated.ok && updated.rowCount === own.rows),
      judged('DELETE', deleted, deleted.ok && deleted.rowCount === 1),
    ];
    for (const [command, observation, ok] of cells) {
      check.matrix({
        table,
        command,
        context: 'own-tenant',
        outcome: describeObservation(observation, 'rows affected'),
        expected: command === 'SELECT' || allowed[command] ? 'allowed' : 'denied',
        ok,
      });
    }
    check.measure('privileges', { ...allowed });
    check.measureAll(
      Object.fromEntries(
        cells.map(([command, observation]) => [command, describeObservation(observation, 'rows affected')]),
      ),
    );
    expect(
      cells
        .filter(([, , ok]) => !ok)
        .map(
          ([command, observation]) =>
            `${command}: ${observation.ok ? `${observation.rowCount} rows affected` : observation.message}`,
        ),
      `tenant A cannot write its own rows of ${table}: the isolation proof would be vacuous`,
    ).toEqual([]);
  });

  test(`${table}: with no tenant set, SELECT returns 0 rows or is refused`, async ({ task }) => {
    const check = defineCheck(task, { id: idOf('select-no-tenant'), ce: 'CE-23' });
    prepared(target, main);
    prepared(target, unset);
    const sql = `SELECT count(*)::int AS n FROM ${name}`;
    const emptySkipped = emptyTenantSkipReason(tenancy, session(main).seed.keyType);
    const read = await readWithNoTenant(
      { empty: session(main).probe, unset: session(unset).probe },
      sql,
      emptySkipped,
    );
    recordNoTenantRead(check, table, read, emptySkipped);
    expect(
      { settingEmpty: read.settingEmpty, settingNeverSet: read.settingNeverSet },
      `${table} is readable with no tenant set (fail open)`,
    ).toEqual({ settingEmpty: 0, settingNeverSet: 0 });
  });

  test(`${table}: with no tenant set, INSERT is refused`, async ({ task }) => {
    const check = defineCheck(task, { id: idOf('insert-no-tenant'), ce: 'CE-23' });
    prepared(target, main);
    prepared(target, unset);
    const results: Record<string, Observation<unknown>> = {};
    const emptySkipped = emptyTenantSkipReason(tenancy, session(main).seed.keyType);
    const cases = [
      ['empty', session(main), { kind: 'no-tenant' }],
      ['unset', session(unset), { kind: 'unset' }],
    ] as const;
    for (const [label, s, context] of cases.filter(([label]) => label === 'unset' || emptySkipped === null)) {
      const candidate = candidateRow(await s.candidate(table, isTenantTable ? 'new-tenant' : 'A'), table);
      results[label] = await s.probe.attempt(context, s.insertSql(table, candidate.row), [
        JSON.stringify(candidate.row),
      ]);
    }
    const outcomes = Object.fromEntries(
      Object.entries(results).map(([label, o]) => [label, describeObservation(o, 'rows inserted')]),
    );
    const ok = Object.values(results).every((o) => !o.ok);
    if (emptySkipped !== null) outcomes['empty'] = 'not probed';
    check.measureAll({ ...outcomes, emptySkipped });
    check.matrix({
      table,
      command: 'INSERT',
      context: 'no-tenant',
      outcome: `empty: ${outcomes['empty'] ?? ''}; unset: ${outcomes['unset'] ?? ''}`,
      expected: 'denied',
      ok,
    });
    expect(outcomes, `${table} accepts inserts with no tenant set (fail open)`).toEqual({
      empty: emptySkipped === null ? expect.stringMatching(/^refused/) : 'not probed',
      unset: expect.stringMatching(/^refused/),
    });
  });

  for (const command of ['UPDATE', 'DELETE'] as const) {
    test(`${table}: with no tenant set, ${command} affects 0 rows or is refused`, async ({ task }) => {
      const check = defineCheck(task, { id: idOf(`${command.toLowerCase()}-no-tenant`), ce: 'CE-23' });
      const { column } = prepared(target, main);
      prepared(target, unset);
      // WHERE-less, as in the other-tenant probes: with no tenant every row is someone else's.
      const writeTarget = writeTargetOf(column);
      const run = (s: IsolationSession, context: ProbeContext): Promise<WriteOutcome> =>
        noTenantWrite(s.probe, writeTarget, command, context, {
          tenantId: s.tenantA,
          tenantSetting: tenancy.tenantSetting,
        });
      const emptySkipped = emptyTenantSkipReason(tenancy, session(main).seed.keyType);
      const empty = emptySkipped === null ? await run(session(main), { kind: 'no-tenant' }) : null;
      const never = await run(session(unset), { kind: 'unset' });
      const ok = (empty === null || noTenantContained(empty)) && noTenantContained(never);
      const outcome = `empty: ${empty === null ? 'not probed' : describeWriteOutcome(empty)}; unset: ${describeWriteOutcome(never)}`;
      check.measureAll({
        outcome,
        emptySkipped,
        errors: [empty, never].flatMap((o) =>
          o === null || o.kind === 'ran' ? [] : [`${o.code}: ${o.message}`],
        ),
      });
      check.matrix({ table, command, context: 'no-tenant', outcome, expected: 'denied', ok });
      expect(ok, `${command} on ${table} reached rows with no tenant set (fail open): ${outcome}`).toBe(true);
    });
  }

  test(`${table}: tenant B's rows are unchanged after tenant A's attempts (checksum)`, async ({ task }) => {
    const check = defineCheck(task, { id: idOf('other-tenant-unchanged'), ce: 'CE-23' });
    const { column, s } = prepared(target, main);
    const col = quoteIdent(column);
    const before = await s.probe.fingerprint(schema, table, column, s.tenantB);
    const after = await s.probe.rolledBack(async () => {
      const asA = { kind: 'tenant', tenantId: s.tenantA } as const;
      const keep = { keep: true };
      await s.probe.attempt(asA, `UPDATE ${name} SET ${col} = ${col} WHERE ${col} = $1`, [s.tenantB], keep);
      await s.probe.attempt(asA, `DELETE FROM ${name} WHERE ${col} = $1`, [s.tenantB], keep);
      if (!isTenantTable) {
        await s.probe.attempt(asA, `UPDATE ${name} SET ${col} = $1`, [s.tenantB], keep);
        const candidate = await s.candidate(table, 'B');
        if (candidate.ok)
          await s.probe.attempt(
            asA,
            s.insertSql(table, candidate.row),
            [JSON.stringify(candidate.row)],
            keep,
          );
      }
      return s.probe.fingerprint(schema, table, column, s.tenantB);
    });
    check.measureAll({
      rowsBefore: before.rows,
      rowsAfter: after.rows,
      checksumBefore: before.checksum,
      checksumAfter: after.checksum,
    });
    expect(before.rows, `${table} has no rows of tenant B to protect`).toBeGreaterThan(0);
    expect(after, `tenant A's attempts changed tenant B's rows of ${table}`).toEqual(before);
  });
  // A nullable tenant key lets a row belong to no tenant; it must be nobody's: not readable, not
  // reachable by any tenant's writes, and no tenant may create one.
  test(`${table}: a row with a NULL tenant is invisible and unwritable for every tenant`, async ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: idOf('null-tenant-row'), ce: 'CE-23' });
    const { column, s } = prepared(target, main);
    if (s.nullTenantRow(table) === null) {
      return notApplicable({ skip }, check, `${table}.${column} is NOT NULL: no row can lack a tenant`);
    }
    const col = quoteIdent(column);
    const versions = async (): Promise<string> =>
      (
        await s.probe.client.query<{ v: string }>(
          `SELECT string_agg(ctid::text || ':' || xmin::text, ',' ORDER BY ctid) AS v FROM ${name} WHERE ${col} IS NULL`,
        )
      ).rows[0]?.v ?? '';
    const before = await versions();
    const problems: string[] = [];
    const outcomes: Record<string, string> = {};
    for (const [label, tenantId] of [
      ['A', s.tenantA],
      ['B', s.tenantB],
    ] as const) {
      const context = { kind: 'tenant', tenantId } as const;
      const seen = await s.probe.attempt<{ n: number }>(
        context,
        `SELECT count(*)::int AS n FROM ${name} WHERE ${col} IS NULL`,
      );
      const visible = seen.ok ? (seen.rows[0]?.n ?? 0) : 0;
      if (visible > 0) problems.push(`tenant ${label} sees ${visible} rows with a NULL ${column}`);
      const touched = await s.probe.rolledBack(async () => {
        await s.probe.attempt(context, `UPDATE ${name} SET ${col} = ${col}`, [], { keep: true });
        await s.probe.attempt(context, `DELETE FROM ${name}`, [], { keep: true });
        return (await versions()) !== before;
      });
      if (touched)
        problems.push(`a WHERE-less UPDATE or DELETE as tenant ${label} reached the NULL-tenant row`);
      const candidate = candidateRow(await s.candidate(table, 'A', { [column]: null }), table);
      const inserted = await s.probe.attempt(context, s.insertSql(table, candidate.row), [
        JSON.stringify(candidate.row),
      ]);
      if (inserted.ok) problems.push(`tenant ${label} inserted a row with a NULL ${column}`);
      outcomes[label] =
        `select: ${describeObservation(seen)}; writes reached it: ${touched}; insert: ${describeObservation(inserted, 'rows inserted')}`;
    }
    check.measureAll(outcomes);
    check.offending(problems);
    check.matrix({
      table,
      command: 'SELECT',
      context: 'other-tenant',
      outcome: `NULL tenant: ${problems.length === 0 ? 'hidden' : 'exposed'}`,
      expected: 'denied',
      ok: problems.length === 0,
    });
    expect(problems, `the NULL-tenant row of ${table} is not isolated`).toEqual([]);
  });
});

describe("CE-23 the plan's manual cross-tenant isolation test, as a test", () => {
  const probe = tenancy.crossTenantProbe;
  if (probe === undefined) {
    test('a row created under tenant A is invisible under tenant B (0 rows)', ({ task, skip }) => {
      const check = defineCheck(task, { id: 'ce23.rls.manual-cross-tenant', ce: 'CE-23' });
      notApplicable(
        { skip },
        check,
        "gate.config.ts has no tenancy.crossTenantProbe (the plan's manual test); the generated behaviour probes cover every tenant table",
      );
    });
    return;
  }
  test(`a ${probe.table} row created under tenant A is invisible under tenant B (0 rows)`, async ({
    task,
  }) => {
    const check = defineCheck(task, { id: 'ce23.rls.manual-cross-tenant', ce: 'CE-23' });
    const tenantTable = tenancy.tenantTable;
    const keyColumn =
      tenantTable === undefined
        ? tenancy.tenantKey
        : (discovered.find((t) => t.table === tenantTable)?.tenantColumn ?? 'id');
    const keyOf = (row: Readonly<Record<string, string>>): string => {
      const value = row[keyColumn];
      if (value === undefined)
        throw new Error(`gate.config.ts crossTenantProbe tenant ${JSON.stringify(row)} has no ${keyColumn}`);
      return value;
    };
    const client = await pool.connect();
    const table = qualifiedName(schema, probe.table);
    let seenAsB = -1;
    let seenAsA = -1;
    let settingAfter: string | null = null;
    let substitutions: Readonly<Record<string, string>> = {};
    try {
      await client.query('BEGIN');
      // The configured ids are a template: the target may already hold them (a staging database that
      // ran the plan by hand), so the same rows are written with ids that are free in it.
      const fresh = await freshScenarioRows(
        client,
        [
          ...probe.tenants.map((row) => ({ table: tenantTable ?? probe.table, row })),
          { table: probe.table, row: probe.row },
        ],
        { schema, tenantTables: isolationTables, tenantKey: tenancy.tenantKey, tenantTable },
      );
      substitutions = fresh.substitutions;
      const [tenantA, tenantB, probeRow] = fresh.rows.map((entry) => entry.row);
      if (tenantA === undefined || tenantB === undefined || probeRow === undefined)
        throw new Error('gate.config.ts crossTenantProbe needs two tenants and a row');
      const lookup = Object.keys(probeRow);
      const where = lookup
        .map((column, index) => `${quoteIdent(column)}::text = $${index + 1}`)
        .join(' AND ');
      const values = lookup.map((column) => probeRow[column] ?? '');
      if (tenantTable !== undefined) {
        const tenants = qualifiedName(schema, tenantTable);
        for (const row of [tenantA, tenantB]) {
          const columns = Object.keys(row).map(quoteIdent).join(', ');
          await client.query(
            `INSERT INTO ${tenants} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM jsonb_populate_record(NULL::${tenants}, $1::jsonb)`,
            [JSON.stringify(row)],
          );
        }
      }
      await client.query(`SET LOCAL ROLE ${quoteIdent(tenancy.appRole)}`);
      // The plan's `SET app.current_tenant = …` (session level, as written) — or the application's own
      // context statement; the ROLLBACK below undoes either.
      const setTenant = async (row: Readonly<Record<string, string>>): Promise<void> => {
        if (tenancy.tenantContext === undefined)
          await client.query('SELECT set_config($1, $2, false)', [tenancy.tenantSetting, keyOf(row)]);
        else await client.query(tenancy.tenantContext.sql, [keyOf(row)]);
      };
      await setTenant(tenantA);
      const columns = lookup.map(quoteIdent).join(', ');
      await client.query(
        `INSERT INTO ${table} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM jsonb_populate_record(NULL::${table}, $1::jsonb)`,
        [JSON.stringify(probeRow)],
      );
      await setTenant(tenantB);
      seenAsB = (await client.query(`SELECT * FROM ${table} WHERE ${where}`, values)).rowCount ?? 0;
      await setTenant(tenantA);
      seenAsA = (await client.query(`SELECT * FROM ${table} WHERE ${where}`, values)).rowCount ?? 0;
    } finally {
      await client.query('ROLLBACK');
      settingAfter =
        (
          await client.query<{ v: string | null }>('SELECT current_setting($1, true) AS v', [
            tenancy.tenantSetting,
          ])
        ).rows[0]?.v ?? null;
      client.release();
    }
    check.measureAll({
      rowsSeenAsTenantB: seenAsB,
      rowsSeenAsTenantA: seenAsA,
      settingAfterRollback: settingAfter,
      freshIds: substitutions,
    });
    check.matrix({
      table: probe.table,
      command: 'SELECT',
      context: 'other-tenant',
      outcome: `manual test: ${seenAsB} rows`,
      expected: 'denied',
      ok: seenAsB === 0,
    });
    expect(
      seenAsA,
      `the probe row is not visible to its own tenant A, so 0 rows under B would prove nothing`,
    ).toBe(1);
    expect(seenAsB, `tenant B sees tenant A's ${probe.table} row`).toBe(0);
    expect(settingAfter ?? '', 'the tenant setting survived the rolled-back transaction').toBe('');
  });
});
