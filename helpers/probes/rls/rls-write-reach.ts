import type pg from 'pg';
import type { IsolationTable } from '../../catalog/isolation-types.ts';
import { qualifiedName, quoteIdent } from '../../db/sql-identifier.ts';
import { isTablePrivilegeDenial } from '../../db/pg-error.ts';
import { deleteTenantRows, referencingTables } from '../../catalog/rls-dependents.ts';
import { updateProbeAssignment, type UpdateProbeSet } from './update-probe-column.ts';
import {
  isAccessRefusalOf,
  isSettingRefusal,
  type Observation,
  type ProbeContext,
  type RlsProbe,
} from './rls-probe.ts';

/** The two commands whose reach over other tenants' rows is probed without a WHERE. */
export type WriteCommand = 'UPDATE' | 'DELETE';

/** A tenant-scoped table and the column that carries its tenant. */
export interface WriteTarget {
  readonly schema: string;
  readonly table: string;
  readonly tenantColumn: string;
  /** What the UPDATE probe sets; default the tenant column (see {@link updateProbeSet}). */
  readonly updateSet?: UpdateProbeSet;
}

/**
 * How a WHERE-less UPDATE or DELETE ended: it ran (and affected `rowCount` rows of the table), it was
 * refused by the table's own access control before reaching a row, or it failed for any other reason —
 * a foreign key, a trigger, another table's policy — which means it was acting on rows, so its
 * failure proves nothing about isolation.
 */
export type WriteOutcome =
  | { readonly kind: 'ran'; readonly rowCount: number }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

/** A WHERE-less write as tenant A, judged by what it did to tenant B's rows. */
export interface OtherTenantWrite {
  readonly outcome: WriteOutcome;
  /** Tenant A's own rows before the statement: all a contained statement may affect. */
  readonly ownRows: number;
  /** Tenant B's rows before the statement. */
  readonly otherRows: number;
  /** Tenant B's rows the statement changed or removed (0 when it did not run). */
  readonly otherTouched: number;
}

/**
 * The probe statement: `DELETE FROM t`, or `UPDATE t SET <tenant column> = $1` with $1 the acting
 * tenant (or, when the role may not update the tenant column, another column it may update: see
 * {@link updateProbeSet}). It reads no column of the table — no WHERE, no RETURNING, and a constant on
 * the right of SET (`SET c = c` reads `c`) — because a statement that reads a column needs SELECT
 * rights, and PostgreSQL then also applies the SELECT policies, which would hide a broken UPDATE or
 * DELETE policy. Setting the tenant column to the acting tenant is a no-op on that tenant's own rows.
 */
export function whereLessSql(command: WriteCommand, target: WriteTarget): string {
  const name = qualifiedName(target.schema, target.table);
  if (command === 'DELETE') return `DELETE FROM ${name}`;
  return `UPDATE ${name} SET ${updateProbeAssignment(target.updateSet ?? { kind: 'tenant', column: target.tenantColumn })}`;
}

/**
 * The parameters of {@link whereLessSql}'s UPDATE for tenant `tenantId`: the tenant id, nothing (SET
 * NULL), or a value of the set column read as the owner from one of that tenant's rows.
 */
async function updateParams(probe: RlsProbe, target: WriteTarget, tenantId: string): Promise<unknown[]> {
  const set = target.updateSet ?? { kind: 'tenant', column: target.tenantColumn };
  if (set.kind === 'tenant') return [tenantId];
  if (set.kind === 'null') return [];
  const equals = await probe.tenantEquals('t', target.schema, target.table, target.tenantColumn);
  const row = await probe.client.query<{ value: string | null }>(
    `SELECT t.${quoteIdent(set.column)}::text AS value FROM ${qualifiedName(target.schema, target.table)} AS t
      WHERE ${equals} LIMIT 1`,
    [tenantId],
  );
  return [row.rows[0]?.value ?? null];
}

/**
 * Sorts a failed write into refused or failed. A refusal is only what `table`'s own privileges or
 * policies raise — or, with no tenant set (`tenantSetting` given), the policy rejecting the missing
 * or empty setting. Everything else (23503 from a foreign key, 42501 from the audit table's policy on
 * a trigger's row, …) is raised by work done on rows the statement reached: counting it as "denied"
 * would let a leak that happens to trip a constraint pass.
 */
export function classifyWrite(
  observation: Observation<unknown>,
  table: string,
  tenantSetting?: string,
): WriteOutcome {
  if (observation.ok) return { kind: 'ran', rowCount: observation.rowCount };
  const refused =
    isAccessRefusalOf(observation, table) ||
    isUnsettableColumnRefusal(observation) ||
    (tenantSetting !== undefined && isSettingRefusal(observation, tenantSetting));
  return { kind: refused ? 'refused' : 'failed', code: observation.code, message: observation.message };
}

/** How many of `before`'s rows (digests) have no identical row in `after`: changed or removed. */
export function rowsChanged(before: readonly string[], after: readonly string[]): number {
  const left = new Map<string, number>();
  for (const digest of after) left.set(digest, (left.get(digest) ?? 0) + 1);
  let changed = 0;
  for (const digest of before) {
    const count = left.get(digest) ?? 0;
    if (count === 0) changed += 1;
    else left.set(digest, count - 1);
  }
  return changed;
}

/**
 * Runs the WHERE-less `command` as tenant `actor` and reads tenant `other`'s rows as the owner right
 * after it, inside one savepoint that is then rolled back.
 *
 * For DELETE, `actor`'s rows of the tenant tables that reference `target` (directly or not) are
 * deleted first, as the owner: the statement legitimately deletes the actor's own rows, and their
 * dependents would otherwise raise RESTRICT / NO ACTION errors that abort it — an error that is not a
 * refusal, so a healthy schema would fail. With them gone, the only rows the statement can reach
 * that trigger such an error belong to someone else. A referencing table that is not tenant-scoped is
 * left alone: if it holds references to the actor's rows, the statement fails, and so does the check,
 * with that error in its message — it never passes for it.
 */
export async function otherTenantWrite(
  probe: RlsProbe,
  target: WriteTarget,
  command: WriteCommand,
  tenants: {
    readonly actor: string;
    readonly other: string;
    /** Every seeded tenant table, for clearing the actor's referencing rows before a DELETE. */
    readonly tenantTables: readonly IsolationTable[];
  },
): Promise<OtherTenantWrite> {
  const { schema, table, tenantColumn } = target;
  return probe.rolledBack(async () => {
    if (command === 'DELETE') {
      const referencing = new Set(await referencingTables(probe.client, schema, table));
      const dependents = tenants.tenantTables.filter((t) => referencing.has(t.table));
      await deleteTenantRows(probe.client, schema, dependents, tenants.actor);
    }
    const own = await probe.fingerprint(schema, table, tenantColumn, tenants.actor);
    const before = await probe.rowDigests(schema, table, tenantColumn, tenants.other);
    // keep: the statement's effects stay until the digests below are read (this scope rolls them back).
    const observation = await attemptWhereLess(
      probe,
      { kind: 'tenant', tenantId: tenants.actor },
      command,
      target,
      tenants.actor,
      true,
    );
    // A failed statement changed nothing; the outcome says whether that failure counts as a refusal.
    const after = observation.ok
      ? await probe.rowDigests(schema, table, tenantColumn, tenants.other)
      : before;
    return {
      outcome: classifyWrite(observation, table),
      ownRows: own.rows,
      otherRows: before.length,
      otherTouched: rowsChanged(before, after),
    };
  });
}

/**
 * Runs the WHERE-less `command` with no tenant (`context`: the setting empty, or never defined) and
 * rolls it back. With no tenant every row is another tenant's, so the rows it affected are the measure;
 * for UPDATE the tenant column is set to `tenantId`, an existing tenant's id.
 */
export async function noTenantWrite(
  probe: RlsProbe,
  target: WriteTarget,
  command: WriteCommand,
  context: ProbeContext,
  options: { readonly tenantId: string; readonly tenantSetting: string },
): Promise<WriteOutcome> {
  const observation = await attemptWhereLess(probe, context, command, target, options.tenantId, false);
  return classifyWrite(observation, target.table, options.tenantSetting);
}

/**
 * Runs {@link whereLessSql} in `context`. When the UPDATE sets another column than the tenant key and
 * a constraint refuses the constant (23xxx: a CHECK across columns, a trigger's NOT NULL), that says
 * nothing about which rows it reached: it is run again on the tenant key, as the probe did before it
 * could choose a column.
 */
async function attemptWhereLess(
  probe: RlsProbe,
  context: ProbeContext,
  command: WriteCommand,
  target: WriteTarget,
  tenantId: string,
  keep: boolean,
): Promise<Observation<unknown>> {
  const params = command === 'UPDATE' ? await updateParams(probe, target, tenantId) : [];
  const observation = await probe.attempt(context, whereLessSql(command, target), params, { keep });
  const chose = target.updateSet !== undefined && target.updateSet.kind !== 'tenant';
  if (command !== 'UPDATE' || observation.ok || !chose || !observation.code.startsWith('23'))
    return observation;
  const onKey: WriteTarget = {
    schema: target.schema,
    table: target.table,
    tenantColumn: target.tenantColumn,
  };
  return probe.attempt(context, whereLessSql(command, onKey), [tenantId], { keep });
}

/**
 * Tenant A's write stayed in its own tenant: none of B's rows touched and no more rows affected than A
 * owns (which also catches reaching a third tenant's rows), or refused by the table itself.
 */
export function otherTenantContained(write: OtherTenantWrite): boolean {
  const { outcome } = write;
  if (outcome.kind === 'refused') return true;
  return outcome.kind === 'ran' && write.otherTouched === 0 && outcome.rowCount <= write.ownRows;
}

/** What a check records of an {@link OtherTenantWrite}: the outcome, both tenants' rows, B's touched, the error. */
export function otherTenantWriteMeasures(write: OtherTenantWrite): {
  outcome: string;
  ownRows: number;
  otherTenantRows: number;
  otherTenantRowsAffected: number;
  error: string | null;
} {
  return {
    outcome: describeOtherTenantWrite(write),
    ownRows: write.ownRows,
    otherTenantRows: write.otherRows,
    otherTenantRowsAffected: write.otherTouched,
    error: write.outcome.kind === 'ran' ? null : write.outcome.message,
  };
}

/** A write with no tenant reached nothing: 0 rows, or refused by the table itself. */
export function noTenantContained(outcome: WriteOutcome): boolean {
  return outcome.kind === 'refused' || (outcome.kind === 'ran' && outcome.rowCount === 0);
}

/** For the access matrix: `0 rows affected`, `refused 42501`, `failed 23503 (not a refusal)`. */
export function describeWriteOutcome(outcome: WriteOutcome): string {
  if (outcome.kind === 'ran')
    return `${outcome.rowCount} ${outcome.rowCount === 1 ? 'row' : 'rows'} affected`;
  if (outcome.kind === 'refused') return `refused ${outcome.code}`;
  return `failed ${outcome.code} (not a refusal)`;
}

/** For the access matrix: `0 of B's 3 rows affected (A's own: 2)`, `… (8 in all; A owns 2)`. */
export function describeOtherTenantWrite(write: OtherTenantWrite): string {
  const { outcome } = write;
  if (outcome.kind !== 'ran') return describeWriteOutcome(outcome);
  const rest =
    outcome.rowCount <= write.ownRows
      ? `A's own: ${outcome.rowCount}`
      : `${outcome.rowCount} in all; A owns ${write.ownRows}`;
  const noun = write.otherRows === 1 ? 'row' : 'rows';
  return `${write.otherTouched} of B's ${write.otherRows} ${noun} affected (${rest})`;
}

/** The probed commands the application role holds the privilege for, acting as itself (after SET ROLE). */
export interface CommandPrivileges {
  readonly SELECT: boolean;
  readonly INSERT: boolean;
  /**
   * UPDATE of the tenant column, the column every UPDATE probe sets (a column grant counts; an identity
   * ALWAYS or generated column may be set by nobody).
   */
  readonly UPDATE: boolean;
  readonly DELETE: boolean;
}

/**
 * What `appRole` may do to each of `targets`, from its privileges: an append-only table (SELECT and
 * INSERT only) expects UPDATE and DELETE refused, not allowed. A missing role or table reads as every
 * command allowed, so the probes still run and fail on the missing object with their own message.
 */
export async function readCommandPrivileges(
  client: pg.ClientBase,
  appRole: string,
  targets: readonly WriteTarget[],
): Promise<ReadonlyMap<string, CommandPrivileges>> {
  const result = await client.query<CommandPrivileges & { table: string }>(
    `SELECT t.table, has_table_privilege(r.oid, c.oid, 'SELECT') AS "SELECT",
            has_table_privilege(r.oid, c.oid, 'INSERT') AS "INSERT",
            has_column_privilege(r.oid, c.oid, t.column, 'UPDATE')
              AND a.attidentity <> 'a' AND a.attgenerated = '' AS "UPDATE",
            has_table_privilege(r.oid, c.oid, 'DELETE') AS "DELETE"
       FROM jsonb_to_recordset($2::jsonb) AS t("schema" text, "table" text, "column" text)
       JOIN pg_roles r ON r.rolname = $1
       JOIN pg_class c ON c.oid = to_regclass(format('%I.%I', t.schema, t.table))
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = t.column AND NOT a.attisdropped`,
    [
      appRole,
      JSON.stringify(targets.map((t) => ({ schema: t.schema, table: t.table, column: t.tenantColumn }))),
    ],
  );
  return new Map(result.rows.map(({ table, ...privileges }) => [table, privileges]));
}

/** Every command allowed: what a table without a privilege row is judged by. */
export const ALL_COMMANDS_ALLOWED: CommandPrivileges = {
  SELECT: true,
  INSERT: true,
  UPDATE: true,
  DELETE: true,
};

/**
 * `428C9`: the UPDATE sets an identity ALWAYS or generated column (a tenants table keyed `GENERATED
 * ALWAYS AS IDENTITY`), which nobody may set — refused while the statement is planned, before any row.
 */
export function isUnsettableColumnRefusal(observation: Observation<unknown>): boolean {
  return !observation.ok && observation.code === '428C9';
}

/** `42501 permission denied for table <table>`: refused by the table's privileges, before any row. */
export function isPrivilegeRefusalOf(observation: Observation<unknown>, table: string): boolean {
  return !observation.ok && isTablePrivilegeDenial(observation, table);
}
