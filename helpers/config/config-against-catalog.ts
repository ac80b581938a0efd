import type pg from 'pg';
import { loadPolicyParser } from '../policy/policy-ast.ts';
import { policyReads } from '../policy/policy-reads.ts';
import type { GateConfig } from './gate-config.ts';

/** One way the config does not describe the schema it gates: where in the config, and one sentence. */
export interface ConfigProblem {
  /** The config field, e.g. `tenancy.tenantTables`. */
  readonly field: string;
  readonly sentence: string;
}

/** What the config is compared with: read once, in one transaction's view of the catalog. */
interface ComparedCatalog {
  /** Relations of the config's schema by name (every kind), with their relkind and live column names. */
  readonly relations: ReadonlyMap<string, { readonly kind: string; readonly columns: ReadonlySet<string> }>;
  readonly roles: ReadonlySet<string>;
  /** Settings the schema's policies read with `current_setting`, as the PostgreSQL parser finds them. */
  readonly policySettings: readonly string[];
  /** JSON claims of settings the policies (or functions) read: `current_setting('x')::json ->> 'claim'`. */
  readonly claims: readonly { readonly setting: string; readonly claim: string }[];
  readonly hasPolicies: boolean;
  /** Bodies of the functions outside the system schemas (a policy may read its setting through one). */
  readonly functionSources: readonly string[];
}

const RELATION_KINDS: Readonly<Record<string, string>> = {
  v: 'a view',
  m: 'a materialized view',
  f: 'a foreign table',
  S: 'a sequence',
  i: 'an index',
  I: 'an index',
  c: 'a composite type',
};

async function readComparedCatalog(client: pg.ClientBase, schema: string): Promise<ComparedCatalog> {
  const relations = await client.query<{ name: string; kind: string; columns: string[] }>(
    `SELECT c.relname AS name, c.relkind::text AS kind,
            coalesce(array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attnum > 0), '{}') AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1
      GROUP BY c.relname, c.relkind`,
    [schema],
  );
  const roles = await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles');
  const policies = await client.query<{ expressions: string[] }>(
    `SELECT array_remove(ARRAY[qual, with_check], NULL) AS expressions FROM pg_policies WHERE schemaname = $1`,
    [schema],
  );
  const functions = await client.query<{ source: string }>(
    `SELECT p.prosrc AS source
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND p.prosrc LIKE '%current\\_setting%'`,
  );
  // The settings a policy reads, found by the PostgreSQL parser as `init` finds them.
  await loadPolicyParser();
  const reads = policies.rows.flatMap((row) => row.expressions.map((expression) => policyReads(expression)));
  const policySettings = reads.flatMap((read) => read.settings);
  const functionClaims = functions.rows.flatMap((row) =>
    [
      ...row.source.matchAll(/current_setting\s*\(\s*'([^']+)'[^)]*\)\s*::\s*jsonb?\s*->>?\s*'([^']+)'/gi),
    ].flatMap((match) =>
      match[1] === undefined || match[2] === undefined ? [] : [{ setting: match[1], claim: match[2] }],
    ),
  );
  return {
    relations: new Map(
      relations.rows.map((row) => [row.name, { kind: row.kind, columns: new Set(row.columns) }]),
    ),
    roles: new Set(roles.rows.map((row) => row.rolname)),
    policySettings: [...new Set(policySettings)],
    claims: [...reads.flatMap((read) => read.claims), ...functionClaims],
    hasPolicies: policies.rows.length > 0,
    functionSources: functions.rows.map((row) => row.source),
  };
}

/** Every table name the config refers to, with the field that names it. */
function namedTables(config: GateConfig): { readonly field: string; readonly table: string }[] {
  const named: { field: string; table: string }[] = [];
  const add = (field: string, tables: readonly (string | undefined)[] | undefined): void => {
    for (const table of tables ?? []) if (table !== undefined) named.push({ field, table });
  };
  const { tenancy, foreignKeys, integrity } = config;
  add('tenancy.tenantTables', tenancy.tenantTables);
  add('tenancy.tenantTable', [tenancy.tenantTable]);
  add('tenancy.forceRlsTables', tenancy.forceRlsTables);
  add('tenancy.crossTenantProbe.table', [tenancy.crossTenantProbe?.table]);
  add(
    'foreignKeys.critical',
    foreignKeys.critical.map((expectation) => expectation.table),
  );
  add('foreignKeys.cascadeScenario', [
    foreignKeys.cascadeScenario?.parent.table,
    foreignKeys.cascadeScenario?.child.table,
  ]);
  add(
    'integrity.expectedColumns',
    integrity.expectedColumns?.map((expectation) => expectation.table),
  );
  add('integrity.auditedTables', integrity.auditedTables);
  add('integrity.auditTable', [integrity.auditTable]);
  add('integrity.insertProbeTables', integrity.insertProbeTables);
  add(
    'integrity.linkages',
    integrity.linkages?.flatMap((linkage) => [linkage.table, linkage.references.table]),
  );
  add('performance.volume.largestTable', [config.performance?.volume?.largestTable]);
  // migrations.rollbackProbe is left out: its table is judged at the rollback target, not here.
  return named;
}

/** Edit distance, for "did you mean" on a mistyped name. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** ` (did you mean "x"?)` when one candidate is within two edits, else ''. */
function suggestion(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** Settings named by `current_setting('…')` calls in function bodies (of any language), each once. */
function settingsRead(texts: readonly string[]): string[] {
  const settings = new Set<string>();
  for (const text of texts)
    for (const match of text.matchAll(/current_setting\s*\(\s*'([^']+)'/gi))
      if (match[1] !== undefined) settings.add(match[1]);
  return [...settings].sort();
}

function tableProblems(config: GateConfig, facts: ComparedCatalog): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const reported = new Set<string>();
  const tables = [...facts.relations].filter(([, relation]) => ['r', 'p'].includes(relation.kind));
  for (const { field, table } of namedTables(config)) {
    const key = `${field}\u0000${table}`;
    const relation = facts.relations.get(table);
    if (reported.has(key) || (relation !== undefined && ['r', 'p'].includes(relation.kind))) continue;
    reported.add(key);
    const what =
      relation === undefined
        ? 'which is not a table'
        : `which is ${RELATION_KINDS[relation.kind] ?? `a relation of kind ${relation.kind}`}, not a table,`;
    problems.push({
      field,
      sentence: `${field} names "${table}", ${what} in schema "${config.schema}"${
        relation === undefined
          ? suggestion(
              table,
              tables.map(([name]) => name),
            )
          : ''
      }.`,
    });
  }
  return problems;
}

function tenantKeyProblems(config: GateConfig, facts: ComparedCatalog): ConfigProblem[] {
  const { tenantKey, tenantTable } = config.tenancy;
  const problems: ConfigProblem[] = [];
  const missing = config.tenancy.tenantTables.filter((table) => {
    const relation = facts.relations.get(table);
    const isTable = relation !== undefined && ['r', 'p'].includes(relation.kind);
    return table !== tenantTable && isTable && !relation.columns.has(tenantKey);
  });
  const listed = config.tenancy.tenantTables.filter(
    (table) => table !== tenantTable && facts.relations.get(table)?.kind !== undefined,
  );
  if (missing.length > 1 && missing.length === listed.length) {
    // Absent everywhere: the key is misnamed, not one table broken. One sentence, not one per table.
    const columns = new Set(missing.flatMap((table) => [...(facts.relations.get(table)?.columns ?? [])]));
    return [
      {
        field: 'tenancy.tenantKey',
        sentence: `tenancy.tenantKey is "${tenantKey}", but none of the ${missing.length} tables tenancy.tenantTables lists has that column${suggestion(tenantKey, columns)}.`,
      },
    ];
  }
  for (const table of missing) {
    const columns = facts.relations.get(table)?.columns ?? new Set<string>();
    problems.push({
      field: 'tenancy.tenantKey',
      sentence: `tenancy.tenantTables lists "${table}", which has no column "${tenantKey}" (tenancy.tenantKey)${suggestion(tenantKey, columns)}.`,
    });
  }
  return problems;
}

function roleProblems(config: GateConfig, facts: ComparedCatalog): ConfigProblem[] {
  const { appRole } = config.tenancy;
  if (facts.roles.has(appRole)) return [];
  return [
    {
      field: 'tenancy.appRole',
      sentence: `tenancy.appRole is "${appRole}", but no such role exists on the server${suggestion(appRole, facts.roles)}.`,
    },
  ];
}

/**
 * The tenant setting must be something a policy reads, in its own expression or through a function it
 * calls. Not judged when the application states its tenant with its own statement (tenancy.tenantContext),
 * nor when the schema has no policy at all (the RLS checks fail that, by table).
 */
function settingProblems(config: GateConfig, facts: ComparedCatalog): ConfigProblem[] {
  const { tenantSetting, tenantContext } = config.tenancy;
  if (tenantContext !== undefined || !facts.hasPolicies) return [];
  // Setting names are case-insensitive in PostgreSQL.
  const wanted = tenantSetting.toLowerCase();
  // Read as JSON (a JWT claim): the gate must write the claim, not the bare id, or every probe fails 22P02.
  const claim = facts.claims.find((read) => read.setting.toLowerCase() === wanted)?.claim;
  if (claim !== undefined) {
    return [
      {
        field: 'tenancy.tenantContext',
        sentence: `the policies read tenancy.tenantSetting "${tenantSetting}" as JSON (->> '${claim}'), so setting it to a bare tenant id makes them fail (22P02); add tenancy.tenantContext: { sql: "SELECT set_config('${tenantSetting}', json_build_object('${claim}', $1::text)::text, true)" } (what init writes).`,
      },
    ];
  }
  if (facts.policySettings.some((setting) => setting.toLowerCase() === wanted)) return [];
  // Read through a function: its body names the setting (a conservative match, never a false alarm).
  if (facts.functionSources.some((source) => source.toLowerCase().includes(`'${wanted}'`))) return [];
  // What the policies name themselves; only when they name none, what the functions they may call read.
  const read =
    facts.policySettings.length > 0 ? [...facts.policySettings].sort() : settingsRead(facts.functionSources);
  return [
    {
      field: 'tenancy.tenantSetting',
      sentence: `tenancy.tenantSetting is "${tenantSetting}", but no policy of schema "${config.schema}" reads it${
        read.length === 0
          ? ''
          : `; they read ${read.map((setting) => `"${setting}"`).join(', ')}${suggestion(tenantSetting, read)}`
      }.`,
    },
  ];
}

/**
 * Compares the config with the catalog it gates: tables it names that are not tables of its schema, a
 * listed tenant table without the tenant key, an application role that does not exist, a tenant
 * setting no policy reads. One sentence each; an empty list when the config fits.
 */
export async function configProblems(client: pg.ClientBase, config: GateConfig): Promise<ConfigProblem[]> {
  const facts = await readComparedCatalog(client, config.schema);
  return [
    ...tableProblems(config, facts),
    ...tenantKeyProblems(config, facts),
    ...roleProblems(config, facts),
    ...settingProblems(config, facts),
  ];
}
