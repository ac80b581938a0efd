import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { columnsOf, discoverColumns } from '../helpers/catalog/columns.ts';
import { discoverIndexes, rowKeyOf } from '../helpers/catalog/indexes.ts';
import { missingAuditEntries, readAuditTrail } from '../helpers/probes/integrity/integrity-audit-trail.ts';
import { withReadScope } from '../helpers/scans/integrity-read-scope.ts';
import { withRolledBack } from '../helpers/db/rolled-back.ts';
import {
  scanFutureTimestamps,
  scanLinkage,
  scanNullColumn,
  scanTimestampOrder,
} from '../helpers/scans/integrity-scans.ts';
import { discoverTenantTables } from '../helpers/catalog/tenant-tables.ts';
import { qualifiedName, quoteIdent } from '../helpers/db/sql-identifier.ts';
import { applyContext } from '../helpers/db/tenant-context.ts';
import { appWritesAllowed, insertAsApplication } from '../helpers/probes/integrity/integrity-app-writes.ts';
import { freshTenantIds } from '../helpers/synthesis/fresh-key-values.ts';
import {
  WELL_KNOWN_CHECK_PREFIXES,
  checkId,
  defineCheck,
  defineWellKnownCheck,
  notApplicable,
} from '../reports/check-meta.ts';
import { suitePool } from './support/database.ts';
import { gateSettings } from './support/gate-settings.ts';

const pool = await suitePool();
const settings = gateSettings();
const { schema, integrity, tenancy } = settings;
const { columns, indexes, tenantTables } = await withReadScope(pool, async (client) => ({
  columns: await discoverColumns(client, schema),
  indexes: await discoverIndexes(client, schema),
  tenantTables: await discoverTenantTables(client, settings),
}));
const tables = [...new Set(columns.map((column) => column.table))];
const tenantColumnOf = new Map(tenantTables.map((table) => [table.table, table.tenantColumn]));
const keyOf = (table: string): readonly string[] => rowKeyOf(indexes, table) ?? [];
const timestampColumns = integrity.timestampColumns;
const named =
  timestampColumns === undefined ? [] : [timestampColumns.created, timestampColumns.updated ?? []].flat();
const timestamped = tables
  .map((table) => ({ table, present: columnsOf(columns, table).map((column) => column.name) }))
  .map(({ table, present }) => ({ table, columns: named.filter((name) => present.includes(name)) }))
  .filter(({ columns: found }) => found.length > 0);
const clockSkewSeconds = integrity.clockSkewSeconds ?? 60;
const AUDITED_ACTIONS = ['INSERT', 'UPDATE', 'DELETE'] as const;
const audit =
  integrity.auditTable === undefined
    ? undefined
    : {
        table: integrity.auditTable,
        tables: integrity.auditedTables ?? [],
        columns: integrity.auditColumns,
        actorSetting: integrity.auditActorSetting,
        actions: integrity.auditedActions ?? AUDITED_ACTIONS,
      };

/** One check that says why a part of CE-25 has nothing to judge, so its describe is never empty. */
function notApplicableCheck(name: string, id: string, reason: string): void {
  test(name, ({ task, skip }) => notApplicable({ skip }, defineCheck(task, { id, ce: 'CE-25' }), reason));
}

/** "0 rows scanned" is not a pass: a scan of an empty table has judged nothing. */
const nothingScanned = (table: string): string =>
  `0 rows scanned: ${table} is empty, so there is no data to judge`;

/**
 * `WHERE` over `alias`'s row key (primary key, else a NOT NULL unique key), matched against a jsonb
 * array of rows passed as `$1`; a table with neither is matched on the whole row.
 */
function byKey(table: string, alias: string): { readonly from: string; readonly where: string } {
  const name = qualifiedName(schema, table);
  const key = keyOf(table);
  return {
    from: `jsonb_populate_recordset(NULL::${name}, $1::jsonb) k`,
    where:
      key.length === 0
        ? `to_jsonb(${alias}.*) = to_jsonb(k.*)`
        : key.map((column) => `${alias}.${quoteIdent(column)} = k.${quoteIdent(column)}`).join(' AND '),
  };
}

const sample = (rows: readonly unknown[]): string => JSON.stringify(rows.slice(0, 5));

describe('CE-25 data integrity: structure and writes', () => {
  if ((integrity.expectedColumns ?? []).length === 0) {
    notApplicableCheck(
      'expected columns, types and nullability',
      'ce25.integrity.columns',
      'gate.config.ts lists no integrity.expectedColumns',
    );
  }
  for (const expected of integrity.expectedColumns ?? []) {
    test(`${expected.table} has the expected columns, types and nullability`, ({ task }) => {
      const check = defineCheck(task, {
        id: checkId('CE-25', 'integrity', 'columns', expected.table),
        ce: 'CE-25',
      });
      const actual = new Map(columnsOf(columns, expected.table).map((column) => [column.name, column]));
      const problems = expected.columns.flatMap((want) => {
        const found = actual.get(want.name);
        if (found === undefined) return [{ column: want.name, problem: 'missing', expected: want.type }];
        const wrong = [];
        if (found.type !== want.type)
          wrong.push({ column: want.name, problem: 'type', expected: want.type, actual: found.type });
        if (found.nullable !== want.nullable) {
          wrong.push({
            column: want.name,
            problem: 'nullability',
            expected: want.nullable ? 'NULL' : 'NOT NULL',
            actual: found.nullable ? 'NULL' : 'NOT NULL',
          });
        }
        return wrong;
      });
      const extra = [...actual.keys()].filter((name) => !expected.columns.some((want) => want.name === name));
      check.measureAll({
        columns: [...actual.values()].map((c) => `${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}`),
        unexpectedColumns: extra,
      });
      check.offending(problems);
      expect(actual.size, `table ${expected.table} does not exist`).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
  }

  if ((integrity.insertProbeTables ?? []).length === 0) {
    notApplicableCheck(
      `an insert as ${tenancy.appRole} for its own tenant is visible`,
      'ce25.integrity.insert-visible',
      'gate.config.ts lists no integrity.insertProbeTables',
    );
  }
  for (const table of integrity.insertProbeTables ?? []) {
    test(`${table}: an insert as ${tenancy.appRole} for its own tenant succeeds and is visible (rolled back)`, async ({
      task,
    }) => {
      const check = defineCheck(task, {
        id: checkId('CE-25', 'integrity', 'insert-visible', table),
        ce: 'CE-25',
      });
      let tenantId = '';
      const outcome = await withRolledBack(pool, async (client) => {
        // A tenant id of the key's own type that no row holds yet: a populated database cannot collide.
        [tenantId = ''] = await freshTenantIds(client, schema, tenantTables, 1);
        const written = await insertAsApplication(client, schema, tenancy, tenantId, table);
        if (!written.ok) return { error: written.reason, visible: 0 };
        const key = byKey(table, 't');
        const seen = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${qualifiedName(schema, table)} t, ${key.from} WHERE ${key.where}`,
          [JSON.stringify([written.row])],
        );
        return { error: null, row: written.row, visible: seen.rows[0]?.n ?? 0 };
      });
      check.measureAll({ tenant: tenantId, role: tenancy.appRole, ...outcome });
      expect(outcome.error, `the insert as ${tenancy.appRole} failed`).toBeNull();
      expect(
        outcome.visible,
        `a row inserted as ${tenancy.appRole} is not visible to it in its own tenant`,
      ).toBe(1);
    });
  }
});

describe('CE-25 data integrity: references on data', () => {
  if ((integrity.linkages ?? []).length === 0) {
    notApplicableCheck(
      'references checked on data (linkages)',
      'ce25.integrity.linkage',
      'gate.config.ts lists no integrity.linkages',
    );
  }
  for (const linkage of integrity.linkages ?? []) {
    test(`every ${linkage.table}.${linkage.column} ${linkage.required ? 'names' : 'when set, names'} a ${linkage.references.table} row of the same tenant`, async ({
      task,
      skip,
    }) => {
      const check = defineCheck(task, {
        id: checkId('CE-25', 'integrity', 'linkage', linkage.table, linkage.column),
        ce: 'CE-25',
      });
      const tenantColumn = tenancy.tenantKey;
      const bothScoped =
        tenantColumnOf.get(linkage.table) === tenantColumn &&
        tenantColumnOf.get(linkage.references.table) === tenantColumn;
      const scan = await withReadScope(pool, (client) =>
        scanLinkage(
          client,
          schema,
          {
            table: linkage.table,
            column: linkage.column,
            referencedTable: linkage.references.table,
            referencedColumn: linkage.references.column,
            required: linkage.required,
            ...(bothScoped ? { tenantColumn } : {}),
          },
          keyOf(linkage.table),
        ),
      );
      check.measureAll({
        broken: scan.count,
        rowsScanned: scan.scanned,
        required: linkage.required,
        sameTenant: bothScoped,
      });
      if (scan.scanned === 0) notApplicable({ skip }, check, nothingScanned(linkage.table));
      check.offending(scan.samples);
      expect(
        scan.count,
        `${linkage.table} rows with a broken ${linkage.column}: ${sample(scan.samples)}`,
      ).toBe(0);
    });
  }

  for (const table of tenantTables) {
    test(`${table.table}: no row has a NULL ${table.tenantColumn}`, async ({ task, skip }) => {
      const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_PREFIXES.nullTenantKey, table.table);
      const scan = await withReadScope(pool, (client) =>
        scanNullColumn(client, schema, table.table, table.tenantColumn, keyOf(table.table)),
      );
      check.measureAll({ nullCount: scan.count, rowsScanned: scan.scanned, column: table.tenantColumn });
      if (scan.scanned === 0) notApplicable({ skip }, check, nothingScanned(table.table));
      check.offending(scan.samples);
      expect(scan.count, `rows without a tenant: ${sample(scan.samples)}`).toBe(0);
    });
  }
});

describe('CE-25 data integrity: timestamps', () => {
  test(`every tenant-scoped table has ${named.join(' and ') || 'the timestamp columns'}`, ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: 'ce25.integrity.timestamp-columns', ce: 'CE-25' });
    if (named.length === 0)
      notApplicable({ skip }, check, 'gate.config.ts names no integrity.timestampColumns');
    const withBoth = new Set(
      timestamped.filter((entry) => entry.columns.length === named.length).map((entry) => entry.table),
    );
    const missing = settings.tenancy.tenantTables.filter((table) => !withBoth.has(table));
    check.measureAll({ tables: settings.tenancy.tenantTables.length, withBoth: withBoth.size });
    check.offending(missing);
    // Also keeps the timestamp checks below from passing on an empty set of tables.
    expect(missing).toEqual([]);
  });

  for (const { table, columns: present } of timestamped) {
    test(`${table}: no ${present.join(' / ')} later than now + ${clockSkewSeconds} s`, async ({
      task,
      skip,
    }) => {
      const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_PREFIXES.futureTimestamps, table);
      const scan = await withReadScope(pool, (client) =>
        scanFutureTimestamps(client, schema, table, present, keyOf(table), clockSkewSeconds),
      );
      check.measureAll({
        futureCount: scan.count,
        rowsScanned: scan.scanned,
        columns: present,
        clockSkewSeconds,
      });
      if (scan.scanned === 0) notApplicable({ skip }, check, nothingScanned(table));
      check.offending(scan.samples);
      expect(scan.count, `rows from the future: ${sample(scan.samples)}`).toBe(0);
    });
  }

  const [created, updated] = named;
  for (const { table } of timestamped.filter((entry) => entry.columns.length === 2)) {
    if (created === undefined || updated === undefined) break;
    test(`${table}: ${updated} is never before ${created}`, async ({ task, skip }) => {
      const check = defineCheck(task, {
        id: checkId('CE-25', 'integrity', 'timestamp-order', table),
        ce: 'CE-25',
      });
      const scan = await withReadScope(pool, (client) =>
        scanTimestampOrder(client, schema, table, created, updated, keyOf(table)),
      );
      check.measureAll({ outOfOrder: scan.count, rowsScanned: scan.scanned });
      if (scan.scanned === 0) notApplicable({ skip }, check, nothingScanned(table));
      check.offending(scan.samples);
      expect(scan.count, `rows updated before they were created: ${sample(scan.samples)}`).toBe(0);
    });
  }
});

describe('CE-25 data integrity: audit trail (rolled back)', () => {
  if (audit === undefined) {
    notApplicableCheck(
      'writes are recorded in the audit trail',
      'ce25.integrity.audit',
      'gate.config.ts names no integrity.auditTable: the schema has no audit trail to verify',
    );
  }
  const { actorSetting, columns: auditColumns } = audit ?? {};
  for (const table of audit?.tables ?? []) {
    test(`${table}: ${(audit?.actions ?? AUDITED_ACTIONS).join(', ')} as ${tenancy.appRole} are recorded in ${audit?.table} with tenant and actor`, async ({
      task,
    }) => {
      const check = defineCheck(task, { id: checkId('CE-25', 'integrity', 'audit', table), ce: 'CE-25' });
      const [keyColumn, ...more] = keyOf(table);
      expect(
        keyColumn !== undefined && more.length === 0,
        `${table} needs a single-column primary key for its audit entries to name the row`,
      ).toBe(true);
      if (keyColumn === undefined) return;
      if (audit === undefined || actorSetting === undefined || auditColumns === undefined) {
        expect.fail('integrity.auditTable is set, so auditColumns and auditActorSetting must be set too');
      }
      let tenantId = '';
      const actor = randomUUID();
      const tenantColumn = tenantColumnOf.get(table) ?? tenancy.tenantKey;
      const outcome = await withRolledBack(pool, async (client) => {
        // A tenant id of the key's own type that no row holds yet, as for the insert probes.
        [tenantId = ''] = await freshTenantIds(client, schema, tenantTables, 1);
        const written = await insertAsApplication(client, schema, tenancy, tenantId, table, {
          setting: actorSetting,
          id: actor,
        });
        if (!written.ok) return { error: written.reason, record: null, updated: 0, deleted: 0, entries: [] };
        const target = byKey(table, 't');
        const rows = [JSON.stringify([written.row])];
        // Each write as far as the role's privileges allow: one it may not make cannot be audited.
        const allowed = await appWritesAllowed(client, schema, tenancy.appRole, table, tenantColumn);
        const updated =
          allowed.updateColumn === null
            ? null
            : await client.query(
                `UPDATE ${qualifiedName(schema, table)} t SET ${quoteIdent(allowed.updateColumn)} = t.${quoteIdent(allowed.updateColumn)}
                   FROM ${target.from} WHERE ${target.where}`,
                rows,
              );
        // A row just written has no children, so the delete is this row's alone.
        const deleted = allowed.delete
          ? await client.query(
              `DELETE FROM ${qualifiedName(schema, table)} t USING ${target.from} WHERE ${target.where}`,
              rows,
            )
          : null;
        const record = String(written.row[keyColumn]);
        await applyContext(client, tenancy, { kind: 'owner' });
        const entries = await readAuditTrail(client, schema, audit.table, auditColumns, table, tenantId, [
          record,
        ]);
        return {
          error: null,
          record,
          updated: updated === null ? null : (updated.rowCount ?? 0),
          deleted: deleted === null ? null : (deleted.rowCount ?? 0),
          entries,
        };
      });
      const expected = { tenant: tenantId, actor, actorRole: tenancy.appRole };
      const records = outcome.record === null ? [] : [outcome.record];
      const made = (action: string): boolean =>
        action === 'INSERT' || (action === 'UPDATE' ? outcome.updated : outcome.deleted) !== null;
      const judged = (audit?.actions ?? AUDITED_ACTIONS).filter(made);
      const missing = judged.filter(
        (action) => missingAuditEntries(outcome.entries, records, action, expected).length > 0,
      );
      check.measureAll({
        record: outcome.record,
        judged,
        notAllowed: (audit?.actions ?? AUDITED_ACTIONS).filter((action) => !made(action)),
        updatedRows: outcome.updated ?? undefined,
        deletedRows: outcome.deleted ?? undefined,
        entries: outcome.entries.map(
          (entry) => `${entry.action} by ${entry.actorRole ?? '?'} (${entry.actor ?? 'no actor'})`,
        ),
        missing,
        error: outcome.error ?? undefined,
      });
      check.offending(missing.map((action) => ({ action, record: outcome.record, ...expected })));
      expect(outcome.error, `the insert as ${tenancy.appRole} failed`).toBeNull();
      if (outcome.updated !== null) expect(outcome.updated, 'rows the UPDATE changed').toBe(1);
      if (outcome.deleted !== null) expect(outcome.deleted, 'rows the DELETE removed').toBe(1);
      expect(
        missing,
        `audit entries missing (expected tenant ${tenantId}, actor ${actor}, role ${tenancy.appRole})`,
      ).toEqual([]);
    });
  }
});
