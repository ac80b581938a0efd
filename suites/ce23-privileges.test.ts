import { describe, expect, inject, test } from 'vitest';
import { discoverTenantTables } from '../helpers/catalog/tenant-tables.ts';
import { discoverDerivedTenantTables } from '../helpers/catalog/derived-tenant-tables.ts';
import {
  HISTORY_TABLE,
  VERSION_TABLE,
  bookkeepingSchemaOf,
} from '../helpers/migrations/migration-history.ts';
import { probeRewrites, REWRITE_COMMANDS } from '../helpers/privileges/append-only-probe.ts';
import { readDefaultTableGrants } from '../helpers/privileges/default-privileges.ts';
import { readUnpinnedDefinerFunctions } from '../helpers/privileges/definer-search-path.ts';
import { readRoleReach } from '../helpers/privileges/role-reach.ts';
import {
  diffSecurity,
  lostApplicationAccess,
  unacknowledgedRisks,
} from '../helpers/privileges/security-diff.ts';
import { takeSecuritySnapshot, type SecuritySnapshot } from '../helpers/privileges/security-snapshot.ts';
import { readReachablePrivileges, type ReachablePrivilege } from '../helpers/privileges/table-privileges.ts';
import { checkId, defineCheck, notApplicable } from '../reports/check-meta.ts';
import { qualifiedName } from '../helpers/db/sql-identifier.ts';
import { suitePool } from './support/database.ts';
import { gateSettings } from './support/gate-settings.ts';

// CE-23, privileges outside RLS: what the application role (directly, through PUBLIC, or through any
// role it is a member of) may do that row-level security does not govern — TRUNCATE, TRIGGER,
// REFERENCES, rewriting the tenant key or the audit trail, the gate's bookkeeping — and how the run's
// pending migrations changed policies, grants and RLS flags.
const settings = gateSettings();
const { schema, tenancy } = settings;
// Optional: a schema without an audit trail makes the append-only check not applicable.
const auditTable = settings.integrity.auditTable;
const bookkeeping = [VERSION_TABLE, HISTORY_TABLE];
// Where the migrator keeps them, and the gate's schema (a tool like alembic writes its version there).
const bookkeepingSchemas = [...new Set([bookkeepingSchemaOf(settings.migrations), schema])];
const pool = await suitePool();
const catalog = await (async () => {
  const client = await pool.connect();
  try {
    const discovered = await discoverTenantTables(client, settings);
    const tables = [...new Set([...tenancy.tenantTables, ...discovered.map((t) => t.table)])];
    const audited = auditTable === undefined ? [] : [auditTable];
    // TRUNCATE, TRIGGER and REFERENCES bypass RLS on a table isolated through its parent too.
    const derived = (await discoverDerivedTenantTables(client, schema, discovered, tenancy.appRole))
      .map((d) => d.table)
      .filter((name) => !tables.includes(name));
    return {
      reach: await readRoleReach(client, tenancy.appRole),
      tenantColumns: new Map(discovered.map((t) => [t.table, t.tenantColumn])),
      tables,
      outsideRlsTables: [...tables, ...derived],
      privileges: await readReachablePrivileges(
        client,
        schema,
        [...tables, ...derived, ...audited],
        tenancy.appRole,
      ),
      bookkeeping: (
        await Promise.all(
          bookkeepingSchemas.map((name) =>
            readReachablePrivileges(client, name, bookkeeping, tenancy.appRole),
          ),
        )
      ).flat(),
      defaults: await readDefaultTableGrants(client, schema, tenancy.appRole),
      definers: await readUnpinnedDefinerFunctions(client, tenancy.appRole),
      securityAfter: await takeSecuritySnapshot(client, schema),
    };
  } finally {
    client.release();
  }
})();
const { reach } = catalog;
const roleMissing = `the application role ${tenancy.appRole} does not exist (ce23.rls.app-role.exists reports it)`;

const row = (p: ReachablePrivilege): Record<string, string> => ({
  table: p.table,
  column: p.column ?? '(all)',
  privilege: p.privilege,
  grantee: p.grantee,
});

describe('CE-23 privileges outside RLS, per tenant table', () => {
  // Tenant tables and tables isolated through a parent alike.
  describe.each(catalog.outsideRlsTables)('%s', (table) => {
    test(`${table}: ${tenancy.appRole} has no TRUNCATE, TRIGGER or REFERENCES`, ({ task, skip }) => {
      const check = defineCheck(task, {
        id: checkId('CE-23', 'privileges', table, 'outside-rls'),
        ce: 'CE-23',
      });
      if (!reach.exists) {
        check.notApplicable(roleMissing);
        return skip(roleMissing);
      }
      const found = catalog.privileges.filter(
        (p) => p.table === table && ['TRUNCATE', 'TRIGGER', 'REFERENCES'].includes(p.privilege),
      );
      check.measureAll({ actsAs: [...reach.roles] });
      check.offending(found.map(row));
      expect(
        found.map((p) => `${p.privilege}${p.column === null ? '' : ` (${p.column})`} via ${p.grantee}`),
        `${tenancy.appRole} can bypass RLS on ${table}: TRUNCATE empties every tenant, TRIGGER runs code on every tenant's rows, REFERENCES probes other tenants' keys; REVOKE them`,
      ).toEqual([]);
    });
  });

  describe.each(catalog.tables)('%s', (table) => {
    test(`${table}: ${tenancy.appRole} cannot UPDATE the tenant key (or it is accepted with a reason)`, ({
      task,
      skip,
    }) => {
      const check = defineCheck(task, {
        id: checkId('CE-23', 'privileges', table, 'tenant-key-update'),
        ce: 'CE-23',
      });
      const column = catalog.tenantColumns.get(table);
      if (!reach.exists || column === undefined) {
        const reason = !reach.exists
          ? roleMissing
          : `${table} has no tenant column (the RLS coverage checks report it)`;
        check.notApplicable(reason);
        return skip(reason);
      }
      const found = catalog.privileges.filter(
        (p) => p.table === table && p.privilege === 'UPDATE' && (p.column === null || p.column === column),
      );
      // The acceptance covers table-level UPDATE, which reaches the tenant column as a side effect; a
      // column grant that names the tenant key is a deliberate choice and fails regardless.
      const accepted = tenancy.acceptedTenantKeyUpdate?.reason ?? null;
      const refused = found.filter((p) => accepted === null || p.column !== null);
      check.measureAll({
        tenantColumn: column,
        tableLevelUpdate: found.some((p) => p.column === null),
        accepted,
      });
      check.offending(refused.map(row));
      expect(
        refused.map(
          (p) => `UPDATE${p.column === null ? ' (table-level)' : ` (${p.column})`} via ${p.grantee}`,
        ),
        `${tenancy.appRole} may rewrite ${table}.${column}: grant UPDATE on the other columns only${accepted === null ? ', or set tenancy.acceptedTenantKeyUpdate with the reason' : ''}`,
      ).toEqual([]);
    });
  });
});

describe('CE-23 privileges outside RLS, schema-wide', () => {
  test(`default privileges hand no future table to ${tenancy.appRole} or PUBLIC`, ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce23.privileges.default-privileges', ce: 'CE-23' });
    if (!reach.exists) {
      check.notApplicable(roleMissing);
      return skip(roleMissing);
    }
    check.offending(catalog.defaults.map((d) => ({ ...d, schema: d.schema ?? '(every schema)' })));
    expect(
      catalog.defaults.map(
        (d) => `${d.privilege} to ${d.grantee} on tables ${d.creator} creates in ${d.schema ?? 'any schema'}`,
      ),
      'ALTER DEFAULT PRIVILEGES grants future tables before anyone enables RLS on them; ALTER DEFAULT PRIVILEGES … REVOKE',
    ).toEqual([]);
  });

  test(`${tenancy.appRole} has no privilege on the gate's bookkeeping tables (${bookkeepingSchemas.flatMap((name) => bookkeeping.map((table) => `${name}.${table}`)).join(', ')})`, ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: 'ce23.privileges.bookkeeping-tables', ce: 'CE-23' });
    if (!reach.exists) {
      check.notApplicable(roleMissing);
      return skip(roleMissing);
    }
    check.offending(catalog.bookkeeping.map(row));
    expect(
      catalog.bookkeeping.map((p) => `${p.privilege} on ${p.table} via ${p.grantee}`),
      `${tenancy.appRole} can read or rewrite the migration version and history; REVOKE ALL on them`,
    ).toEqual([]);
  });

  test(`every SECURITY DEFINER function ${tenancy.appRole} can execute pins its search_path`, ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: 'ce23.privileges.security-definer-search-path', ce: 'CE-23' });
    if (!reach.exists) {
      check.notApplicable(roleMissing);
      return skip(roleMissing);
    }
    check.offending(catalog.definers.map((f) => ({ ...f })));
    expect(
      catalog.definers.map((f) => `${f.function} (owner ${f.owner}, EXECUTE via ${f.grantee})`),
      'a SECURITY DEFINER function without SET search_path runs the caller’s objects as its owner; ALTER FUNCTION … SET search_path = pg_catalog, <schema>',
    ).toEqual([]);
  });

  test(`the audit table is append-only for ${tenancy.appRole} (no UPDATE, DELETE or TRUNCATE)`, async ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: 'ce23.privileges.audit-append-only', ce: 'CE-23' });
    if (auditTable === undefined || !reach.exists) {
      const reason =
        auditTable === undefined ? 'gate.config.ts names no audit table (integrity.auditTable)' : roleMissing;
      check.notApplicable(reason);
      return skip(reason);
    }
    const onAudit = catalog.privileges.filter((p) => p.table === auditTable);
    const rewrites = onAudit.filter((p) => ['UPDATE', 'DELETE', 'TRUNCATE'].includes(p.privilege));
    check.measureAll({ table: auditTable, privileges: [...new Set(onAudit.map((p) => p.privilege))] });
    check.offending(rewrites.map(row));
    // A table the role holds nothing on is append-only for it too (the trigger writes as its owner).
    const exists = await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
      qualifiedName(schema, auditTable),
    ]);
    expect(exists.rows[0]?.found, `${auditTable} does not exist in ${schema}`).toBe(true);
    expect(
      rewrites.map((p) => `${p.privilege}${p.column === null ? '' : ` (${p.column})`} via ${p.grantee}`),
      `${tenancy.appRole} can rewrite or erase the audit trail ${auditTable}; grant it SELECT, INSERT only`,
    ).toEqual([]);
    // The catalog says no; PostgreSQL must say so too (a superuser or owner application role is not refused).
    const client = await pool.connect();
    const attempts = await probeRewrites(
      client,
      { schema, table: auditTable, appRole: tenancy.appRole },
      REWRITE_COMMANDS,
    ).finally(() => client.release());
    check.measure('attempts', Object.fromEntries(attempts.map((a) => [a.command, a.outcome])));
    expect(
      attempts.filter((a) => !a.refused).map((a) => `${a.command}: ${a.outcome}`),
      `${tenancy.appRole} was not refused rewriting ${auditTable} (rolled back)`,
    ).toEqual([]);
  });
});

/** What the security diff compares: the snapshot before the migrations and the one after, or why none. */
function securityComparison():
  | { readonly before: SecuritySnapshot; readonly after: SecuritySnapshot; readonly comparedWith: string }
  | { readonly notApplicable: string } {
  const run = inject('gateRun');
  const before = run.securityBefore;
  if (before === undefined)
    return { notApplicable: "the run's setup took no security snapshot before the migrations" };
  const pending = run.dryRun.ok === true ? run.dryRun.value.executed.length : 0;
  // Migrations only dry-run: their state was captured inside the dry run, before its rollback.
  const after = run.migrate.ok !== true && pending > 0 ? run.securityAfterDryRun : catalog.securityAfter;
  if (after === undefined)
    return {
      notApplicable: `${pending} pending migration(s) were only dry-run and the dry run recorded no security snapshot, so there is nothing to compare`,
    };
  const base =
    run.securityBeforeVersion === undefined || run.securityBeforeVersion === null
      ? 'before the migrations'
      : `at version ${run.securityBeforeVersion} (the rollback target)`;
  return {
    before,
    after,
    comparedWith: `the catalog ${base} with ${after === catalog.securityAfter ? 'the catalog after the run' : 'the dry run, before its rollback'}`,
  };
}

describe("CE-23 the run's security changes (policies, grants, RLS flags)", () => {
  test('no policy, grant or RLS flag was widened (or dropped restrictive) without an acknowledgement', ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: 'ce23.privileges.security-changes', ce: 'CE-23' });
    const comparison = securityComparison();
    if ('notApplicable' in comparison) notApplicable({ skip }, check, comparison.notApplicable);
    const { before, after, comparedWith } = comparison;
    check.measure('comparedWith', comparedWith);
    const changes = diffSecurity(before, after, {
      appRole: tenancy.appRole,
      acknowledged: tenancy.acknowledgedChanges ?? [],
    });
    const counts = Object.fromEntries(
      ['unchanged', 'narrowed', 'widened', 'dropped', 'added'].map((kind) => [
        kind,
        changes.filter((c) => c.change === kind).length,
      ]),
    );
    check.measureAll({ ...counts, acknowledged: changes.filter((c) => c.acknowledged !== null).length });
    check.inventory(
      'Security changes',
      changes
        .filter((c) => c.change !== 'unchanged')
        .map((c) => ({
          object: c.object,
          change: c.change,
          detail: c.detail,
          verdict: c.risky ? (c.acknowledged === null ? 'FAILS' : `acknowledged: ${c.acknowledged}`) : 'ok',
        })),
    );
    const risks = unacknowledgedRisks(changes);
    check.offending(risks.map((c) => ({ object: c.object, change: c.change, detail: c.detail })));
    expect(
      risks.map((c) => `${c.object}: ${c.change} (${c.detail})`),
      `security widened by the migrations: ${risks.map((c) => `${c.object}: ${c.change} (${c.detail})`).join('; ')}; narrow it, or acknowledge it in tenancy.acknowledgedChanges with the reason`,
    ).toEqual([]);
  });

  test(`${tenancy.appRole} keeps every privilege it held on the tables that remain (or the loss is acknowledged)`, ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: 'ce23.privileges.app-access-kept', ce: 'CE-23' });
    const comparison = securityComparison();
    if ('notApplicable' in comparison) notApplicable({ skip }, check, comparison.notApplicable);
    const { before, after, comparedWith } = comparison;
    const held = before.grants.filter((g) => g.grantee === tenancy.appRole || g.grantee === 'PUBLIC');
    if (held.length === 0)
      notApplicable(
        { skip },
        check,
        `${tenancy.appRole} held no privilege in ${schema} before the migrations (${comparedWith}): nothing to lose`,
      );
    const lost = lostApplicationAccess(before, after, {
      appRole: tenancy.appRole,
      acknowledged: tenancy.acknowledgedChanges ?? [],
    });
    const unacknowledged = lost.filter((l) => l.acknowledged === null);
    check.measureAll({
      comparedWith,
      heldBefore: held.length,
      lost: lost.length,
      acknowledged: lost.length - unacknowledged.length,
    });
    check.inventory(
      'Privileges the application lost',
      lost.map((l) => ({
        object: l.object,
        verdict: l.acknowledged === null ? 'FAILS' : `acknowledged: ${l.acknowledged}`,
      })),
    );
    check.offending(unacknowledged.map((l) => ({ object: l.object })));
    expect(
      unacknowledged.map((l) => l.object),
      `privileges ${tenancy.appRole} held before the migrations and lost on tables that remain (a recreated table without its GRANT, a REVOKE): ${unacknowledged.map((l) => l.object).join('; ')}; grant them again, or acknowledge each in tenancy.acknowledgedChanges with the reason`,
    ).toEqual([]);
  });
});
