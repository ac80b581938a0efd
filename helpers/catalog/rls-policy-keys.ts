import type pg from 'pg';

/** A row-level-security policy that applies to the application role, as the gate inspects it. */
export interface AppPolicy {
  readonly table: string;
  readonly name: string;
  readonly permissive: boolean;
  /** `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`. */
  readonly command: string;
  /** Expression texts exactly as `pg_policies.qual` / `pg_policies.with_check` show them. */
  readonly using: string | null;
  readonly withCheck: string | null;
  /** Functions the policy calls whose source names the tenant setting (e.g. a `current_tenant()` helper). */
  readonly settingFunctions: readonly string[];
}

/**
 * Policies on `tables` of `schema` that bind `appRole`: granted to PUBLIC, or to a role whose
 * privileges it has (`pg_has_role … USAGE`, the test PostgreSQL itself applies). A missing role gets
 * only the PUBLIC ones — its absence is a check of its own.
 */
export async function readAppPolicies(
  client: pg.ClientBase,
  schema: string,
  tables: readonly string[],
  appRole: string,
  tenantSetting: string,
): Promise<readonly AppPolicy[]> {
  const result = await client.query<{
    table: string;
    name: string;
    permissive: boolean;
    command: string;
    using: string | null;
    with_check: string | null;
    setting_functions: string[];
  }>(
    `SELECT c.relname AS table, p.polname AS name, p.polpermissive AS permissive,
            CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                          WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
            pg_get_expr(p.polqual, p.polrelid) AS using,
            pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
            coalesce((SELECT array_agg(DISTINCT f.proname::text ORDER BY f.proname::text)
                        FROM pg_depend d JOIN pg_proc f ON f.oid = d.refobjid
                       WHERE d.classid = 'pg_policy'::regclass AND d.objid = p.oid
                         AND d.refclassid = 'pg_proc'::regclass
                         AND strpos(coalesce(f.prosrc, ''), $4) > 0), '{}') AS setting_functions
       FROM pg_policy p
       JOIN pg_class c ON c.oid = p.polrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[])
        AND EXISTS (SELECT 1 FROM unnest(p.polroles) AS granted(oid)
                     WHERE granted.oid = 0
                        OR EXISTS (SELECT 1 FROM pg_roles r
                                    WHERE r.rolname = $3 AND pg_has_role(r.oid, granted.oid, 'USAGE')))
      ORDER BY 1, 2`,
    [schema, tables, appRole, tenantSetting],
  );
  return result.rows.map((row) => ({
    table: row.table,
    name: row.name,
    permissive: row.permissive,
    command: row.command,
    using: row.using,
    withCheck: row.with_check,
    settingFunctions: row.setting_functions,
  }));
}

/** Whether SQL text mentions `identifier` as a whole identifier, quoted or not. */
function namesIdentifier(text: string, identifier: string): boolean {
  const escaped = identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9_$"])("${escaped}"|${escaped})($|[^a-z0-9_$"])`, 'i').test(text);
}

/** `true`, however many parentheses PostgreSQL wrapped it in. */
function isConstantTrue(expression: string): boolean {
  let text = expression.trim();
  while (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  return text.toLowerCase() === 'true';
}

/**
 * What is wrong with one policy's keying, or nothing: its USING and its WITH CHECK (where present)
 * must each read `tenantColumn` and `tenantSetting` (literally, or through a function whose source
 * names the setting), and neither may be the constant `true`.
 *
 * Restrictive policies are left out: they are AND-ed onto the permissive ones and can only narrow
 * what those allow (a `deleted_at IS NULL` filter is legitimate), never open a row. A permissive
 * policy is OR-ed with the others, so one unkeyed permissive policy of a command opens every row to
 * it — the hole a WHERE-filtered probe cannot see for UPDATE and DELETE.
 */
export function policyKeyProblems(
  policy: AppPolicy,
  tenantColumn: string,
  tenantSetting: string,
): readonly string[] {
  if (!policy.permissive) return [];
  const readsSetting = (text: string): boolean =>
    text.includes(tenantSetting) || policy.settingFunctions.some((fn) => namesIdentifier(text, fn));
  const problems: string[] = [];
  for (const [clause, text] of [
    ['USING', policy.using],
    ['WITH CHECK', policy.withCheck],
  ] as const) {
    if (text === null) continue;
    const where = `${policy.name} (${policy.command}) ${clause}`;
    if (isConstantTrue(text)) {
      problems.push(`${where} is the constant true: every row passes`);
      continue;
    }
    if (!namesIdentifier(text, tenantColumn))
      problems.push(`${where} does not read the tenant key ${tenantColumn}: ${text}`);
    if (!readsSetting(text))
      problems.push(`${where} does not read the tenant setting ${tenantSetting}: ${text}`);
  }
  return problems;
}

/**
 * Whether a RESTRICTIVE policy that is itself keyed on the tenant covers `command`: restrictive
 * policies are AND-ed onto every permissive one of their commands, so such a floor keeps rows in their
 * tenant whatever a permissive policy of that command allows.
 */
export function coveredByTenantFloor(
  command: string,
  policies: readonly AppPolicy[],
  tenantColumn: string,
  tenantSetting: string,
): boolean {
  return policies.some(
    (floor) =>
      !floor.permissive &&
      (floor.command === 'ALL' || floor.command === command) &&
      policyKeyProblems({ ...floor, permissive: true }, tenantColumn, tenantSetting).length === 0,
  );
}
