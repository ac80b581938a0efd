import type { CatalogFacts, PolicyFacts } from './catalog-facts.ts';
import type { PolicyReads } from '../policy/policy-reads.ts';

/** One guessed value and where it came from, or what the team must fill in. */
export type Guess<T> =
  | { readonly kind: 'guessed'; readonly value: T; readonly source: string }
  | { readonly kind: 'todo'; readonly todo: string };

/** Everything `init` guesses for `gate.config.ts` from the migrated catalog. */
export interface ConfigGuesses {
  readonly tenantKey: Guess<{ readonly name: string; readonly type: string }>;
  readonly tenantTable: Guess<string | undefined>;
  readonly tenantSetting: Guess<string>;
  /** Set when the policies read a JSON claim of the setting rather than the setting itself. */
  readonly tenantContext: { readonly sql: string; readonly source: string } | undefined;
  readonly appRole: Guess<string>;
  readonly tenantTables: Guess<readonly string[]>;
  /** Undefined: every tenant table is forced (the default applies). */
  readonly forceRlsTables: { readonly tables: readonly string[]; readonly source: string } | undefined;
  readonly foreignKeyCount: number;
  /** Tenant tables (the tenant table aside) the application role may INSERT into, for the CE-25 insert probe. */
  readonly insertProbeTables: { readonly tables: readonly string[]; readonly source: string } | undefined;
}

const TENANT_LIKE = /tenant|org|account|workspace/i;

function countBy(values: readonly string[]): readonly [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function tablesWith(facts: CatalogFacts, column: string): readonly string[] {
  return facts.tables
    .filter((table) => table.columns.some((c) => c.name === column))
    .map((table) => table.name);
}

function guessTenantKey(facts: CatalogFacts, reads: readonly PolicyReads[]): ConfigGuesses['tenantKey'] {
  const columns = facts.tables.flatMap((table) => table.columns.map((column) => column.name));
  const [named] = countBy(columns.filter((name) => name !== 'id' && TENANT_LIKE.test(name)));
  let pick: { name: string; source: string } | undefined;
  if (named !== undefined) {
    pick = {
      name: named[0],
      source: `the tenant-like column (*tenant*/*org*/*account*/*workspace*) most tables share: ${named[1]} of ${facts.tables.length}`,
    };
  } else {
    const mentioned = new Set(reads.flatMap((read) => read.columns));
    const [shared] = countBy(columns.filter((name) => name !== 'id' && mentioned.has(name)));
    if (shared !== undefined) {
      pick = {
        name: shared[0],
        source: `no tenant-like column; the column RLS policies mention that most tables share: ${shared[1]} of ${facts.tables.length}`,
      };
    }
  }
  if (pick === undefined) {
    return {
      kind: 'todo',
      todo: 'tenancy.tenantKey: the column that carries the tenant on every tenant table',
    };
  }
  const name = pick.name;
  const types = facts.tables.flatMap((table) =>
    table.columns.filter((c) => c.name === name).map((c) => c.type),
  );
  const [type] = countBy(types);
  return { kind: 'guessed', value: { name, type: type?.[0] ?? 'unknown' }, source: pick.source };
}

function guessTenantTable(facts: CatalogFacts, key: string): ConfigGuesses['tenantTable'] {
  const referenced = facts.foreignKeys.flatMap((fk) => {
    const position = fk.columns.indexOf(key);
    if (position < 0) return [];
    const target = facts.tables.find((table) => table.name === fk.referencedTable);
    const column = fk.referencedColumns[position];
    // The tenant table is keyed by the tenant alone: its primary key is the referenced column.
    if (target === undefined || target.primaryKey.length !== 1 || target.primaryKey[0] !== column) return [];
    return [target.name];
  });
  const [top] = countBy(referenced);
  if (top === undefined) {
    return {
      kind: 'guessed',
      value: undefined,
      source: `no foreign key on ${key} references a table's primary key`,
    };
  }
  return {
    kind: 'guessed',
    value: top[0],
    source: `${top[1]} foreign key(s) on ${key} reference the primary key of ${top[0]}`,
  };
}

/**
 * The setting a policy reads through a helper function (`tenant_id = (SELECT current_tenant())`):
 * the most read of the settings the called functions' bodies name, and where it was found.
 */
function settingThroughFunctions(
  facts: CatalogFacts,
  reads: readonly PolicyReads[],
): Guess<string> | undefined {
  const bodies = new Map(facts.settingFunctions.map((fn) => [fn.name, fn.settings]));
  const viaFunction = reads.flatMap((read) =>
    read.functions.flatMap((fn) => (bodies.get(fn) ?? []).map((setting) => ({ setting, fn }))),
  );
  const [top] = countBy(viaFunction.map((found) => found.setting));
  if (top === undefined) return undefined;
  const functions = [...new Set(viaFunction.filter((found) => found.setting === top[0]).map((f) => f.fn))];
  return {
    kind: 'guessed',
    value: top[0],
    source: `current_setting('${top[0]}') in ${functions.map((fn) => `${fn}()`).join(', ')}, called by ${top[1]} policy expression(s)`,
  };
}

function guessSetting(
  facts: CatalogFacts,
  reads: readonly PolicyReads[],
): Pick<ConfigGuesses, 'tenantSetting' | 'tenantContext'> {
  const [top] = countBy(reads.flatMap((read) => read.settings));
  if (top === undefined) {
    const viaFunction = settingThroughFunctions(facts, reads);
    if (viaFunction !== undefined) return { tenantSetting: viaFunction, tenantContext: undefined };
    return {
      tenantSetting: {
        kind: 'todo',
        todo: "tenancy.tenantSetting: the setting the policies read (current_setting('…'))",
      },
      tenantContext: undefined,
    };
  }
  const setting = top[0];
  const [claim] = countBy(
    reads.flatMap((read) => read.claims.filter((c) => c.setting === setting).map((c) => c.claim)),
  );
  return {
    tenantSetting: {
      kind: 'guessed',
      value: setting,
      source: `current_setting('${setting}') in ${top[1]} policy expression(s)`,
    },
    tenantContext:
      claim === undefined
        ? undefined
        : {
            sql: `SELECT set_config('${setting}', json_build_object('${claim[0]}', $1::text)::text, true)`,
            source: `the policies read the JSON claim '${claim[0]}' of ${setting}`,
          },
  };
}

function guessAppRole(facts: CatalogFacts, tenantTables: readonly string[]): ConfigGuesses['appRole'] {
  const owners = new Set(facts.tables.map((table) => table.owner));
  const onTenant = (policy: PolicyFacts): boolean => tenantTables.includes(policy.table);
  const [fromPolicies] = countBy(
    facts.policies
      .filter(onTenant)
      .flatMap((p) => p.roles.filter((role) => role !== 'public' && !owners.has(role))),
  );
  if (fromPolicies !== undefined) {
    return {
      kind: 'guessed',
      value: fromPolicies[0],
      source: `the non-owner role ${fromPolicies[1]} RLS policies are granted to`,
    };
  }
  const [fromGrants] = countBy(
    // One vote per table, whatever the number of privileges granted on it.
    [
      ...new Set(
        facts.grants
          .filter((g) => tenantTables.includes(g.table) && !owners.has(g.role))
          .map((g) => JSON.stringify([g.table, g.role])),
      ),
    ].map((pair) => (JSON.parse(pair) as [string, string])[1]),
  );
  if (fromGrants !== undefined) {
    return {
      kind: 'guessed',
      value: fromGrants[0],
      source: `the non-owner role with DML grants on ${fromGrants[1]} tenant table(s)`,
    };
  }
  return {
    kind: 'todo',
    todo: 'tenancy.appRole: the login role the application connects as (not the owner)',
  };
}

/** Guesses the tenancy section from the catalog facts and the parsed policy expressions. */
export function guessConfig(facts: CatalogFacts, reads: readonly PolicyReads[]): ConfigGuesses {
  const tenantKey = guessTenantKey(facts, reads);
  const foreignKeyCount = facts.foreignKeys.length;
  const setting = guessSetting(facts, reads);
  if (tenantKey.kind === 'todo') {
    return {
      tenantKey,
      tenantTable: { kind: 'todo', todo: 'tenancy.tenantTable: the table listing tenants (or leave it out)' },
      ...setting,
      appRole: guessAppRole(
        facts,
        facts.tables.map((t) => t.name),
      ),
      tenantTables: { kind: 'todo', todo: 'tenancy.tenantTables: the tables scoped by the tenant key' },
      forceRlsTables: undefined,
      foreignKeyCount,
      insertProbeTables: undefined,
    };
  }
  const key = tenantKey.value.name;
  const tenantTable = guessTenantTable(facts, key);
  const keyed = tablesWith(facts, key);
  const parent = tenantTable.kind === 'guessed' ? tenantTable.value : undefined;
  // The tenant table is scoped by its primary key; listed only when it has row-level security to check.
  const parentScoped =
    parent !== undefined &&
    !keyed.includes(parent) &&
    facts.tables.some((t) => t.name === parent && t.rowSecurity);
  const scoped = parentScoped ? [parent, ...keyed] : keyed;
  const appRole = guessAppRole(facts, scoped);
  const role = appRole.kind === 'guessed' ? appRole.value : undefined;
  const insertable = keyed.filter((table) =>
    facts.grants.some((g) => g.table === table && g.role === role && g.privilege === 'INSERT'),
  );
  const forced = facts.tables.filter((t) => scoped.includes(t.name) && t.forced).map((t) => t.name);
  return {
    tenantKey,
    tenantTable,
    ...setting,
    appRole,
    tenantTables: {
      kind: 'guessed',
      value: scoped,
      source: `tables with a ${key} column${
        parent === undefined
          ? ''
          : parentScoped
            ? `, and the tenant table ${parent}`
            : ` (${parent} has no RLS: not listed)`
      }`,
    },
    forceRlsTables:
      forced.length === scoped.length
        ? undefined
        : {
            tables: forced,
            source: `only these of the ${scoped.length} tenant tables have FORCE ROW LEVEL SECURITY`,
          },
    foreignKeyCount,
    insertProbeTables:
      role === undefined || insertable.length === 0
        ? undefined
        : { tables: insertable, source: `the tenant tables ${role} holds INSERT on` },
  };
}
