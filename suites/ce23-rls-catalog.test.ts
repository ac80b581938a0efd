import { describe, expect, inject, test } from 'vitest';
import {
  readAppRole,
  readDefinerFunctions,
  readPartitionPaths,
  readViewPaths,
  tablesOwnedByAppRole,
} from '../helpers/catalog/leak-paths.ts';
import { readOtherSchemaTenantTables } from '../helpers/catalog/other-schema-tenant-tables.ts';
import { readOutsideTenancyTables } from '../helpers/catalog/outside-tenancy.ts';
import { discoverDerivedTenantTables } from '../helpers/catalog/derived-tenant-tables.ts';
import { readRlsCoverage } from '../helpers/catalog/rls-coverage.ts';
import {
  coveredByTenantFloor,
  policyKeyProblems,
  readAppPolicies,
} from '../helpers/catalog/rls-policy-keys.ts';
import { discoverTenantTables } from '../helpers/catalog/tenant-tables.ts';
import {
  WELL_KNOWN_CHECK_IDS,
  checkId,
  defineCheck,
  defineWellKnownCheck,
  notApplicable,
  type CheckRecorder,
  type SkippableContext,
} from '../reports/check-meta.ts';
import { pendingNote } from './setup/gate-run-record.ts';
import { suitePool } from './support/database.ts';
import { gateSettings } from './support/gate-settings.ts';

// CE-23, catalog half: RLS flags, policies and the paths around RLS, for every tenant-scoped table
// the catalog reports plus every table gate.config.ts promises (a missing one fails, by name).
const settings = gateSettings();
const { schema, tenancy } = settings;
const pool = await suitePool();
const client = await pool.connect();
const catalog = await (async () => {
  try {
    const discovered = await discoverTenantTables(client, settings);
    const discoveredNames = discovered.map((table) => table.table);
    const tables = [...new Set([...tenancy.tenantTables, ...discoveredNames])];
    // Left out, FORCE is required on every tenant table (the plan); a list names the tables that must
    // have it; an explicit [] says the application never connects as the owner.
    const forceTables = tenancy.forceRlsTables === undefined ? tables : [...new Set(tenancy.forceRlsTables)];
    // The paths around RLS (views, definer functions, partitions) matter as much for a table isolated
    // through its parent as for one with the tenant key: both are probed for them.
    const derivedNames = (await discoverDerivedTenantTables(client, schema, discovered, tenancy.appRole))
      .map((d) => d.table)
      .filter((name) => !tables.includes(name));
    const leakTables = [...tables, ...derivedNames];
    return {
      leakTables,
      discoveredNames,
      tenantColumns: new Map(discovered.map((table) => [table.table, table.tenantColumn])),
      tables,
      forceTables,
      coverage: await readRlsCoverage(client, schema, leakTables),
      role: await readAppRole(client, tenancy.appRole),
      owned: await tablesOwnedByAppRole(client, schema, tables, tenancy.appRole),
      views: await readViewPaths(client, schema, leakTables, tenancy.appRole),
      functions: await readDefinerFunctions(client, schema, leakTables, tenancy.appRole),
      partitions: await readPartitionPaths(client, schema, leakTables, tenancy.appRole),
      otherSchemas: await readOtherSchemaTenantTables(client, schema, tenancy.tenantKey),
      // Tables isolated through a parent are probed (ce23-rls-derived, the leak paths here): not listed.
      outsideTenancy: await readOutsideTenancyTables(client, schema, leakTables, tenancy.appRole),
      appPolicies: await readAppPolicies(client, schema, tables, tenancy.appRole, tenancy.tenantSetting),
    };
  } finally {
    client.release();
  }
})();
const { coverage, discoveredNames, tables, forceTables, role } = catalog;
const FORCE_NOT_REQUIRED =
  'FORCE ROW LEVEL SECURITY is not required: gate.config.ts sets tenancy.forceRlsTables to [], saying the application never connects as the table owner (who bypasses RLS without FORCE)';

describe('CE-23 RLS coverage (catalog)', () => {
  test('every tenant-scoped table gate.config.ts expects exists and carries the tenant key', ({ task }) => {
    const check = defineCheck(task, { id: 'ce23.rls.expected-tables-present', ce: 'CE-23' });
    const missing = tenancy.tenantTables.filter((table) => !discoveredNames.includes(table));
    const unexpected = discoveredNames.filter((table) => !tenancy.tenantTables.includes(table));
    check.measureAll({
      expected: tenancy.tenantTables.length,
      discovered: discoveredNames.length,
      unexpected,
    });
    check.offending(missing.map((table) => ({ table, problem: 'missing or without the tenant key' })));
    // Not judged for isolation, so said: a per-user or lookup table's own policies are the team's to review.
    check.inventory(
      `Tables ${tenancy.appRole} can reach outside tenancy (no tenant key, no NOT NULL foreign key to a tenant table: not probed for isolation)`,
      catalog.outsideTenancy.map((found) => ({
        table: found.table,
        privileges: found.privileges.join(', '),
        'rls enabled': found.rlsEnabled ? 'yes' : 'no',
        policies: found.policies,
      })),
    );
    expect(missing, `tables expected by gate.config.ts but not tenant-scoped in ${schema}`).toEqual([]);
  });

  test(`RLS is enabled on every tenant-scoped table (${tables.length} expected)`, ({ task }) => {
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.rlsEnabledCount);
    const enabled = tables.filter((table) => coverage.get(table)?.enabled === true);
    check.measureAll({ enabled: enabled.length, expected: tables.length });
    check.inventory(
      'Row-level security by table',
      tables.map((table) => rlsInventoryRow(table)),
    );
    check.offending(tables.filter((table) => !enabled.includes(table)).map((table) => ({ table })));
    expect(enabled.length, `RLS enabled on ${enabled.length}/${tables.length} tenant-scoped tables`).toBe(
      tables.length,
    );
  });

  test(`FORCE ROW LEVEL SECURITY is set on every table that must have it (${forceTables.length} expected)`, ({
    task,
    skip,
  }) => {
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.forceRlsCount);
    if (forceTables.length === 0) notApplicable({ skip }, check, FORCE_NOT_REQUIRED);
    const forced = forceTables.filter((table) => coverage.get(table)?.forced === true);
    check.measureAll({ forced: forced.length, expected: forceTables.length });
    check.offending(forceTables.filter((table) => !forced.includes(table)).map((table) => ({ table })));
    expect(forced.length, `FORCE RLS on ${forced.length}/${forceTables.length} tables`).toBe(
      forceTables.length,
    );
  });
});

describe('CE-23 tenant tables in other schemas (catalog)', () => {
  test(`every table with ${tenancy.tenantKey} outside ${schema} has RLS enabled, forced and a policy`, ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: 'ce23.rls.other-schemas', ce: 'CE-23' });
    if (catalog.otherSchemas.length === 0) {
      notApplicable({ skip }, check, `no table outside ${schema} has a ${tenancy.tenantKey} column`);
    }
    const mustForce = (qualified: string): boolean =>
      tenancy.forceRlsTables === undefined || tenancy.forceRlsTables.includes(qualified);
    const problems = catalog.otherSchemas.flatMap((found) => {
      const name = `${found.schema}.${found.table}`;
      return [
        ...(found.rlsEnabled
          ? []
          : [{ table: name, problem: 'RLS is off: every row is visible to every tenant' }]),
        ...(found.policies > 0 ? [] : [{ table: name, problem: 'no policy' }]),
        ...(found.rlsForced || !mustForce(name)
          ? []
          : [{ table: name, problem: 'FORCE ROW LEVEL SECURITY is not set' }]),
      ];
    });
    check.measureAll({
      tables: catalog.otherSchemas.map((found) => `${found.schema}.${found.table}`),
      problems: problems.length,
    });
    check.inventory(
      'Tenant tables in other schemas',
      catalog.otherSchemas.map((found) => ({
        table: `${found.schema}.${found.table}`,
        'rls enabled': found.rlsEnabled ? 'yes' : 'NO',
        forced: found.rlsForced ? 'yes' : 'no',
        policies: found.policies,
      })),
    );
    check.offending(problems);
    expect(problems, `tenant tables outside ${schema} that RLS does not protect`).toEqual([]);
  });
});

describe.each(tables)('CE-23 %s (catalog)', (table) => {
  const state = coverage.get(table);
  const absent = `${table} does not exist in schema ${schema}${pendingNote(inject('gateRun'))}`;

  test(`${table}: row-level security is enabled`, ({ task }) => {
    const check = defineCheck(task, { id: checkId('CE-23', 'rls', table, 'enabled'), ce: 'CE-23' });
    check.measureAll({ exists: state?.exists ?? false, rlsEnabled: state?.enabled ?? false });
    expect(state?.exists, absent).toBe(true);
    expect(
      state?.enabled,
      `${table} has the tenant key but RLS is off: every row is visible to every tenant`,
    ).toBe(true);
  });

  test(`${table}: has at least one RLS policy`, ({ task }) => {
    const check = defineCheck(task, { id: checkId('CE-23', 'rls', table, 'has-policy'), ce: 'CE-23' });
    const policies = state?.policies ?? [];
    check.measureAll({
      policyCount: policies.length,
      policies: policies.map((policy) => ({
        name: policy.name,
        permissive: policy.permissive,
        command: policy.command,
        roles: [...policy.roles],
        using: policy.using,
        withCheck: policy.withCheck,
      })),
    });
    expect(state?.exists, absent).toBe(true);
    expect(policies.length, `${table} has no RLS policy`).toBeGreaterThan(0);
  });

  test(`${table}: every permissive policy for ${tenancy.appRole} is keyed on the tenant`, ({ task }) => {
    const check = defineCheck(task, {
      id: checkId('CE-23', 'rls', table, 'policies-keyed-on-tenant'),
      ce: 'CE-23',
    });
    const tenantColumn = catalog.tenantColumns.get(table);
    const policies = catalog.appPolicies.filter((policy) => policy.table === table);
    const problems =
      tenantColumn === undefined
        ? []
        : policies
            // A permissive policy under a keyed RESTRICTIVE floor of its command cannot open a row.
            .filter(
              (policy) =>
                !coveredByTenantFloor(policy.command, policies, tenantColumn, tenancy.tenantSetting),
            )
            .flatMap((policy) => policyKeyProblems(policy, tenantColumn, tenancy.tenantSetting));
    check.measureAll({
      tenantColumn: tenantColumn ?? null,
      policies: policies.length,
      restrictive: policies.filter((policy) => !policy.permissive).length,
      problems: problems.length,
    });
    check.offending(problems.map((problem) => ({ table, problem })));
    // The behaviour probes prove isolation for the statements they try; this closes the gap for
    // the ones they do not: no permissive policy may let a command through without the tenant key.
    expect(
      tenantColumn,
      `${table} is not tenant-scoped in ${schema} (missing, or without ${tenancy.tenantKey})`,
    ).toBeDefined();
    expect(problems, `policies of ${table} not keyed on the tenant`).toEqual([]);
  });

  test(`${table}: FORCE ROW LEVEL SECURITY is set, so the owner is bound too`, ({ task, skip }) => {
    const check = defineCheck(task, { id: checkId('CE-23', 'rls', table, 'forced'), ce: 'CE-23' });
    if (!forceTables.includes(table)) {
      notApplicable(
        { skip },
        check,
        forceTables.length === 0
          ? FORCE_NOT_REQUIRED
          : `${table} is not in tenancy.forceRlsTables, so FORCE is not required of it`,
      );
    }
    check.measureAll({ exists: state?.exists ?? false, forced: state?.forced ?? false });
    expect(state?.exists, absent).toBe(true);
    expect(state?.forced, `${table} lacks FORCE ROW LEVEL SECURITY`).toBe(true);
  });
});

// A tenant table's and a table isolated through its parent's: what reaches the rows around RLS.
describe.each(catalog.leakTables)('CE-23 %s leak paths (catalog)', (table) => {
  const state = coverage.get(table);
  const absent = `${table} does not exist in schema ${schema}${pendingNote(inject('gateRun'))}`;
  /** A leak path of a table that is not there: none to find, and that is no pass. */
  const ifAbsent = (context: SkippableContext, check: CheckRecorder): void => {
    if (state?.exists !== true) notApplicable(context, check, absent);
  };

  test(`${table}: every view over it readable by ${tenancy.appRole} is security_invoker`, ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, {
      id: checkId('CE-23', 'rls', table, 'views-security-invoker'),
      ce: 'CE-23',
    });
    ifAbsent({ skip }, check);
    const views = catalog.views.filter((view) => view.table === table && view.kind === 'view');
    const leaks = views.filter((view) => !view.securityInvoker);
    check.measureAll({ views: views.length, leaks: leaks.length });
    check.offending(leaks.map(({ object, owner, detail }) => ({ object, owner, detail })));
    expect(
      leaks.map((leak) => leak.detail),
      `views over ${table} that ${tenancy.appRole} reads with their owner's rights: ${leaks.map((leak) => leak.detail).join('; ')}; create them WITH (security_invoker = true)`,
    ).toEqual([]);
  });

  test(`${table}: no materialized view over it is readable by ${tenancy.appRole}`, ({ task, skip }) => {
    const check = defineCheck(task, {
      id: checkId('CE-23', 'rls', table, 'materialized-views'),
      ce: 'CE-23',
    });
    ifAbsent({ skip }, check);
    const leaks = catalog.views.filter((view) => view.table === table && view.kind === 'materialized-view');
    check.measure('leaks', leaks.length);
    check.offending(leaks.map(({ object, owner, detail }) => ({ object, owner, detail })));
    expect(
      leaks.map((leak) => leak.detail),
      `materialized views over ${table} readable by ${tenancy.appRole} (RLS does not apply to them): ${leaks.map((leak) => leak.detail).join('; ')}`,
    ).toEqual([]);
  });

  test(`${table}: no SECURITY DEFINER function executable by ${tenancy.appRole} reads it`, ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, {
      id: checkId('CE-23', 'rls', table, 'security-definer-functions'),
      ce: 'CE-23',
    });
    ifAbsent({ skip }, check);
    const leaks = catalog.functions.filter((fn) => fn.table === table);
    check.measure('leaks', leaks.length);
    check.offending(leaks.map(({ object, owner, detail }) => ({ object, owner, detail })));
    expect(
      leaks.map((leak) => `${leak.object}: ${leak.detail}`),
      `SECURITY DEFINER functions ${tenancy.appRole} may execute that read ${table} past its policies: ${leaks.map((leak) => `${leak.object}: ${leak.detail}`).join('; ')}`,
    ).toEqual([]);
  });

  test(`${table}: no partition of it is open to ${tenancy.appRole} without row-level security`, ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: checkId('CE-23', 'rls', table, 'partitions'), ce: 'CE-23' });
    ifAbsent({ skip }, check);
    const leaks = catalog.partitions.filter((partition) => partition.table === table);
    check.measure('leaks', leaks.length);
    check.offending(leaks.map(({ object, owner, detail }) => ({ object, owner, detail })));
    expect(
      leaks.map((leak) => leak.detail),
      'revoke the grant on the partition (the application reaches it through its parent), or enable and force RLS on it',
    ).toEqual([]);
  });
});

describe(`CE-23 application role ${tenancy.appRole}: nothing lets it bypass RLS`, () => {
  test(`${tenancy.appRole} exists`, ({ task }) => {
    const check = defineCheck(task, { id: 'ce23.rls.app-role.exists', ce: 'CE-23' });
    check.measure('exists', role.exists);
    expect(role.exists, `role ${tenancy.appRole} (gate.config.ts tenancy.appRole) does not exist`).toBe(true);
  });

  test(`${tenancy.appRole} is not superuser`, ({ task }) => {
    const check = defineCheck(task, { id: 'ce23.rls.app-role.not-superuser', ce: 'CE-23' });
    check.measureAll({ exists: role.exists, superuser: role.superuser });
    expect(role.exists, `role ${tenancy.appRole} does not exist`).toBe(true);
    expect(role.superuser, `${tenancy.appRole} is SUPERUSER: no policy applies to it`).toBe(false);
  });

  test(`${tenancy.appRole} has no BYPASSRLS, directly or through a role it belongs to`, ({ task }) => {
    const check = defineCheck(task, { id: 'ce23.rls.app-role.no-bypassrls', ce: 'CE-23' });
    check.measureAll({ bypassRls: role.bypassRls, privilegedMemberships: [...role.privilegedMemberships] });
    expect(role.exists, `role ${tenancy.appRole} does not exist`).toBe(true);
    expect(role.bypassRls, `${tenancy.appRole} has BYPASSRLS: no policy applies to it`).toBe(false);
    expect(role.privilegedMemberships, `${tenancy.appRole} can act as a superuser or BYPASSRLS role`).toEqual(
      [],
    );
  });

  test(`${tenancy.appRole} owns no tenant-scoped table`, ({ task }) => {
    const check = defineCheck(task, { id: 'ce23.rls.app-role.owns-no-tenant-table', ce: 'CE-23' });
    check.measure('owned', catalog.owned.length);
    check.offending(catalog.owned);
    expect(
      catalog.owned.map((row) => `${row.table} (owner ${row.owner})`),
      `${tenancy.appRole} owns (or is a member of the owner of) these tables and can switch their RLS off`,
    ).toEqual([]);
  });
});

/**
 * One row of the CE-23 RLS inventory: flags and policies of a tenant-scoped table. `NO` is upper case
 * where the gate requires `yes`, so a gap stands out in a long table.
 */
function rlsInventoryRow(table: string): Record<string, string | number> {
  const state = coverage.get(table);
  if (state?.exists !== true) {
    return {
      table,
      'rls enabled': 'table missing',
      forced: 'table missing',
      policies: 0,
      'policy names': 'none',
    };
  }
  const forced = state.forced ? 'yes' : forceTables.includes(table) ? 'NO' : 'no (not required)';
  return {
    table,
    'rls enabled': state.enabled ? 'yes' : 'NO',
    forced,
    policies: state.policies.length,
    'policy names':
      state.policies.length === 0
        ? 'none'
        : state.policies.map((policy) => `${policy.name} (${policy.command})`).join(', '),
  };
}
