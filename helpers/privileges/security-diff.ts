import type { GrantState, PolicyState, RlsFlagState, SecuritySnapshot } from './security-snapshot.ts';

export const SECURITY_CHANGES = ['unchanged', 'narrowed', 'widened', 'dropped', 'added'] as const;
export type SecurityChangeKind = (typeof SECURITY_CHANGES)[number];

/** One object of the diff: a policy, a grant or a table's RLS flags, and how the run changed it. */
export interface SecurityChange {
  /** `public.documents policy documents_tenant_isolation`, `public.documents grant SELECT to PUBLIC`, `public.documents RLS`. */
  readonly object: string;
  readonly kind: 'policy' | 'grant' | 'rls';
  readonly change: SecurityChangeKind;
  readonly detail: string;
  /** A widening, or a dropped restrictive policy: fails unless acknowledged. */
  readonly risky: boolean;
  /** The reason from `tenancy.acknowledgedChanges`, when the change is acknowledged. */
  readonly acknowledged: string | null;
}

export interface Acknowledgement {
  readonly object: string;
  readonly reason: string;
}

/** Commands a policy covers: ALL covers every one. */
function commandsOf(command: string): readonly string[] {
  return command === 'ALL' ? ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] : [command];
}

/**
 * Whether expression `after` provably admits no more rows than `before`: identical, or `before` AND
 * something (as PostgreSQL prints it: `((before) AND (…))`). Anything else may admit more.
 */
function expressionNarrowedOrSame(before: string | null, after: string | null): boolean | 'same' {
  if (before === after) return 'same';
  if (after === null) return false; // no USING / WITH CHECK at all: nothing filtered
  if (before === null) return true; // a filter added where there was none
  return after.startsWith(`((${before}) AND `) || after.startsWith(`(${before} AND `);
}

function policyChange(
  before: PolicyState,
  after: PolicyState,
): { change: SecurityChangeKind; detail: string } {
  const wider: string[] = [];
  const narrower: string[] = [];
  const addedRoles = after.roles.filter((role) => !before.roles.includes(role));
  const removedRoles = before.roles.filter((role) => !after.roles.includes(role));
  if (addedRoles.length > 0) wider.push(`roles + ${addedRoles.join(', ')}`);
  if (removedRoles.length > 0) narrower.push(`roles − ${removedRoles.join(', ')}`);
  const beforeCommands = commandsOf(before.command);
  const afterCommands = commandsOf(after.command);
  if (afterCommands.some((command) => !beforeCommands.includes(command)))
    wider.push(`commands ${before.command} → ${after.command}`);
  else if (afterCommands.length < beforeCommands.length)
    narrower.push(`commands ${before.command} → ${after.command}`);
  if (!before.permissive && after.permissive) wider.push('restrictive → permissive');
  if (before.permissive && !after.permissive) narrower.push('permissive → restrictive');
  for (const [label, b, a] of [
    ['USING', before.using, after.using],
    ['WITH CHECK', before.withCheck, after.withCheck],
  ] as const) {
    const judged = expressionNarrowedOrSame(b, a);
    if (judged === 'same') continue;
    if (judged) narrower.push(`${label} narrowed`);
    else wider.push(`${label} changed (${b ?? 'none'} → ${a ?? 'none'}), narrowing not provable`);
  }
  if (wider.length > 0) return { change: 'widened', detail: [...wider, ...narrower].join('; ') };
  if (narrower.length > 0) return { change: 'narrowed', detail: narrower.join('; ') };
  return { change: 'unchanged', detail: '' };
}

const key = (...parts: readonly (string | null)[]): string => JSON.stringify(parts);

/**
 * Classifies every policy, non-owner grant and RLS flag pair of two snapshots of the same schema.
 * Conservative: an expression that changed in a way not provably narrower counts as widened, a new
 * permissive policy on a table that existed before widens it, and a grant added to the application
 * role or PUBLIC widens. A dropped restrictive policy is risky too; everything else is informative.
 */
export function diffSecurity(
  before: SecuritySnapshot,
  after: SecuritySnapshot,
  options: { readonly appRole: string; readonly acknowledged: readonly Acknowledgement[] },
): readonly SecurityChange[] {
  const { schema } = after;
  const changes: Omit<SecurityChange, 'acknowledged'>[] = [];
  const existedBefore = new Set(before.tables.map((table) => table.table));

  const beforePolicies = new Map(before.policies.map((p) => [key(p.table, p.name), p]));
  const afterPolicies = new Map(after.policies.map((p) => [key(p.table, p.name), p]));
  for (const [id, policy] of afterPolicies) {
    const object = `${schema}.${policy.table} policy ${policy.name}`;
    const old = beforePolicies.get(id);
    if (old === undefined) {
      // With RLS off before, every row was reachable: a policy that comes with enabling it narrows.
      const rlsWasOn = before.tables.find((table) => table.table === policy.table)?.enabled === true;
      const widens = policy.permissive && existedBefore.has(policy.table) && rlsWasOn;
      changes.push({
        object,
        kind: 'policy',
        change: widens ? 'widened' : 'added',
        detail: `${policy.permissive ? 'permissive' : 'restrictive'} ${policy.command} to ${policy.roles.join(', ')}${widens ? ' on a table that existed before: one more way to read or write its rows' : ''}`,
        risky: widens,
      });
      continue;
    }
    const { change, detail } = policyChange(old, policy);
    changes.push({ object, kind: 'policy', change, detail, risky: change === 'widened' });
  }
  for (const [id, policy] of beforePolicies) {
    if (afterPolicies.has(id)) continue;
    const tableGone = !after.tables.some((table) => table.table === policy.table);
    changes.push({
      object: `${schema}.${policy.table} policy ${policy.name}`,
      kind: 'policy',
      change: 'dropped',
      detail: `${policy.permissive ? 'permissive' : 'restrictive'} ${policy.command}${tableGone ? ' (its table was dropped)' : ''}`,
      risky: !policy.permissive && !tableGone,
    });
  }

  const grantObject = (g: GrantState): string => grantObjectName(schema, g);
  const beforeGrants = new Set(before.grants.map(grantObject));
  const afterGrants = new Set(after.grants.map(grantObject));
  for (const grant of after.grants) {
    const object = grantObject(grant);
    if (beforeGrants.has(object)) {
      changes.push({ object, kind: 'grant', change: 'unchanged', detail: '', risky: false });
      continue;
    }
    const toApp = grant.grantee === options.appRole || grant.grantee === 'PUBLIC';
    const newTable = !existedBefore.has(grant.table);
    // A column the run adds holds no data anyone could reach before (unknown without a column list).
    const newColumn =
      grant.column !== null &&
      before.columns !== undefined &&
      !before.columns.includes(`${grant.table}.${grant.column}`);
    // A column grant where the same grantee held the privilege on the whole table: access narrowed.
    const coveredBefore =
      grant.column !== null &&
      before.grants.some(
        (b) =>
          b.column === null &&
          b.table === grant.table &&
          b.grantee === grant.grantee &&
          b.privilege === grant.privilege,
      );
    const widens = toApp && !newTable && !newColumn && !coveredBefore;
    changes.push({
      object,
      kind: 'grant',
      change: widens ? 'widened' : 'added',
      detail: widens
        ? `new privilege for ${grant.grantee} on an existing table`
        : newTable
          ? 'on a table this run created'
          : newColumn
            ? 'on a column this run created'
            : coveredBefore
              ? `the table-level ${grant.privilege} it replaces covered this column`
              : `granted to ${grant.grantee}`,
      risky: widens,
    });
  }
  for (const grant of before.grants) {
    const object = grantObject(grant);
    if (!afterGrants.has(object))
      changes.push({ object, kind: 'grant', change: 'narrowed', detail: 'revoked', risky: false });
  }

  const afterFlags = new Map(after.tables.map((t) => [t.table, t]));
  const describeFlags = (t: RlsFlagState): string =>
    `${t.enabled ? 'enabled' : 'disabled'}${t.forced ? ', forced' : ''}`;
  for (const table of after.tables) {
    const object = `${schema}.${table.table} RLS`;
    const old = before.tables.find((t) => t.table === table.table);
    if (old === undefined) {
      changes.push({ object, kind: 'rls', change: 'added', detail: describeFlags(table), risky: false });
      continue;
    }
    const off = (old.enabled && !table.enabled) || (old.forced && !table.forced);
    const on = (!old.enabled && table.enabled) || (!old.forced && table.forced);
    const change: SecurityChangeKind = off ? 'widened' : on ? 'narrowed' : 'unchanged';
    changes.push({
      object,
      kind: 'rls',
      change,
      detail:
        change === 'unchanged' ? describeFlags(table) : `${describeFlags(old)} → ${describeFlags(table)}`,
      risky: off,
    });
  }
  for (const table of before.tables) {
    if (!afterFlags.has(table.table))
      changes.push({
        object: `${schema}.${table.table} RLS`,
        kind: 'rls',
        change: 'dropped',
        detail: 'table dropped',
        risky: false,
      });
  }

  return changes.map((change) => ({
    ...change,
    acknowledged: options.acknowledged.find((a) => a.object === change.object)?.reason ?? null,
  }));
}

/** Risky changes nobody acknowledged: what fails the check. */
export function unacknowledgedRisks(changes: readonly SecurityChange[]): readonly SecurityChange[] {
  return changes.filter((change) => change.risky && change.acknowledged === null);
}

/** `public.documents(title) grant UPDATE to app`: a grant as the diff and `acknowledgedChanges` name it. */
export function grantObjectName(schema: string, grant: GrantState): string {
  return `${schema}.${grant.table}${grant.column === null ? '' : `(${grant.column})`} grant ${grant.privilege} to ${grant.grantee}`;
}

/** A privilege the application role held before the run and holds no more, on a relation still there. */
export interface LostAccess {
  readonly object: string;
  readonly table: string;
  readonly column: string | null;
  readonly privilege: string;
  readonly grantee: string;
  /** The reason from `tenancy.acknowledgedChanges`, when the loss is acknowledged. */
  readonly acknowledged: string | null;
}

/**
 * Privileges `appRole` held before the run — granted to it or to PUBLIC — that it holds no more,
 * although the table (and column) still exists: a migration that recreated a table and forgot its
 * GRANT, or a REVOKE. The application breaks on them in production while every isolation probe
 * passes. A table-level privilege is kept while a column grant of the same privilege remains (a
 * deliberate narrowing to columns), a column grant while the table-level one covers it. Grants
 * through another role the application is a member of are not in the snapshots, and not judged.
 */
export function lostApplicationAccess(
  before: SecuritySnapshot,
  after: SecuritySnapshot,
  options: { readonly appRole: string; readonly acknowledged: readonly Acknowledgement[] },
): readonly LostAccess[] {
  const holds = (grant: GrantState): boolean =>
    grant.grantee === options.appRole || grant.grantee === 'PUBLIC';
  const columnsAfter = new Set(after.columns ?? []);
  const relationsAfter = new Set([
    ...after.tables.map((t) => t.table),
    ...(after.columns ?? []).map((column) => column.slice(0, column.lastIndexOf('.'))),
  ]);
  const kept = (grant: GrantState): boolean =>
    after.grants.some(
      (g) =>
        holds(g) &&
        g.table === grant.table &&
        g.privilege === grant.privilege &&
        (g.column === null || grant.column === null || g.column === grant.column),
    );
  const lost = new Map<string, LostAccess>();
  for (const grant of before.grants) {
    if (!holds(grant) || !relationsAfter.has(grant.table)) continue;
    if (grant.column !== null && !columnsAfter.has(`${grant.table}.${grant.column}`)) continue;
    if (kept(grant)) continue;
    const object = grantObjectName(after.schema, grant);
    lost.set(object, {
      object,
      table: grant.table,
      column: grant.column,
      privilege: grant.privilege,
      grantee: grant.grantee,
      acknowledged: options.acknowledged.find((a) => a.object === object)?.reason ?? null,
    });
  }
  return [...lost.values()];
}
