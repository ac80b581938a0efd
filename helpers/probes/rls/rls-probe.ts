import type pg from 'pg';
import { errorMessage } from '../../gate-error.ts';
import { pgErrorFields } from '../../db/pg-error.ts';
import { columnType } from '../../catalog/columns.ts';
import { qualifiedName, quoteIdent } from '../../db/sql-identifier.ts';
import { applyContext, type TenantContext, type TenantContextSettings } from '../../db/tenant-context.ts';

/**
 * Who a probe statement runs as. Beyond the {@link TenantContext}s, `unset` is the application role
 * on a connection where the tenant setting was never defined (`current_setting(…, true)` is NULL,
 * not ''): a policy that falls back to all rows when the setting is "missing" shows only there.
 */
export type ProbeContext = TenantContext | { readonly kind: 'unset' };

/** What a probe statement did: rows (returned or affected), or the error that refused it. */
export type Observation<R> =
  | { readonly ok: true; readonly rowCount: number; readonly rows: readonly R[] }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** Content fingerprint of some rows: count and md5 over their text form in a stable order. */
export interface RowsFingerprint {
  readonly rows: number;
  readonly checksum: string;
}

/** `42501` from a row-level-security check of `table` (not of a table a trigger wrote to). */
export function isRlsRefusalOf(observation: Observation<unknown>, table: string): boolean {
  // A RESTRICTIVE policy's refusal names the policy: `… row-level security policy "floor" for table "t"`.
  return (
    !observation.ok &&
    observation.code === '42501' &&
    new RegExp(`row-level security policy (?:"[^"]*" )?for table "${escapeRegExp(table)}"`).test(
      observation.message,
    )
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a failed statement was refused by `table`'s OWN access control: its privileges (checked when
 * the statement starts, before any row is read) or its row-level-security policies (`42501` naming
 * `table`, with or without a policy name). A `42501` naming another table — say a trigger's audit row
 * refused by that table's policy — is not: it is raised by what the statement did to rows.
 */
export function isAccessRefusalOf(observation: Observation<unknown>, table: string): boolean {
  if (observation.ok || observation.code !== '42501') return false;
  const name = escapeRegExp(table);
  return new RegExp(
    `permission denied for table ${name}$|row-level security policy (?:"[^"]*" )?for table "${name}"`,
  ).test(observation.message);
}

/**
 * Whether a failed statement was refused because the tenant setting itself is missing or empty — the
 * fail-closed style of policies that read it without `missing_ok` (`42704`, naming the setting) or
 * cast '' straight to the key type (`22P02` on an empty input). Only meaningful with no tenant set.
 */
export function isSettingRefusal(observation: Observation<unknown>, tenantSetting: string): boolean {
  if (observation.ok) return false;
  if (observation.code === '42704') return observation.message.includes(`"${tenantSetting}"`);
  return observation.code === '22P02' && observation.message.endsWith(': ""');
}

/** A `SELECT count(*)` with no tenant: with the setting empty (null when skipped) and never defined. */
export interface NoTenantRead {
  readonly settingEmpty: number;
  readonly settingNeverSet: number;
  /** `3 rows`, `refused 42501`, `not probed`: for the report. */
  readonly emptyText: string;
  readonly unsetText: string;
  /** Nothing was readable either way. */
  readonly ok: boolean;
}

/**
 * Runs `sql` (a `SELECT count(*)::int AS n …`) with no tenant: on `empty` with the setting empty
 * (not when `emptySkipped` gives why), and on `unset`, a connection where it was never defined. A
 * refusal reads as 0 rows.
 */
export async function readWithNoTenant(
  probes: { readonly empty: RlsProbe; readonly unset: RlsProbe },
  sql: string,
  emptySkipped: string | null,
): Promise<NoTenantRead> {
  const empty =
    emptySkipped === null ? await probes.empty.attempt<{ n: number }>({ kind: 'no-tenant' }, sql) : null;
  const never = await probes.unset.attempt<{ n: number }>({ kind: 'unset' }, sql);
  const seen = (o: Observation<{ n: number }> | null): number => (o?.ok === true ? (o.rows[0]?.n ?? 0) : 0);
  const text = (o: Observation<{ n: number }> | null): string =>
    o === null ? 'not probed' : o.ok ? `${seen(o)} rows` : `refused ${o.code}`;
  return {
    settingEmpty: seen(empty),
    settingNeverSet: seen(never),
    emptyText: text(empty),
    unsetText: text(never),
    ok: seen(empty) === 0 && seen(never) === 0,
  };
}

/** Short text of an observation, for the access matrix: `3 rows`, `refused 42501`. */
export function describeObservation(observation: Observation<unknown>, noun = 'rows'): string {
  if (!observation.ok) return `refused ${observation.code}`;
  const text = observation.rowCount === 1 ? noun.replace(/^rows\b/, 'row') : noun;
  return `${observation.rowCount} ${text}`;
}

/**
 * Runs probe statements on ONE connection inside the caller's open transaction. Each attempt gets
 * its own savepoint and context (SET LOCAL ROLE / set_config local): by default it is rolled back
 * afterwards — writes, role and setting alike — so attempts never disturb each other; with
 * `keep: true` its writes stay (for before/after comparisons) and the context returns to the owner.
 */
export class RlsProbe {
  readonly #client: pg.ClientBase;
  readonly #settings: TenantContextSettings;
  #savepoints = 0;
  /** Tenant column types by `schema.table.column`, looked up once per probe connection. */
  readonly #columnTypes = new Map<string, string>();

  constructor(client: pg.ClientBase, settings: TenantContextSettings) {
    this.#client = client;
    this.#settings = settings;
  }

  get client(): pg.ClientBase {
    return this.#client;
  }

  async attempt<R extends pg.QueryResultRow = pg.QueryResultRow>(
    context: ProbeContext,
    sql: string,
    params: readonly unknown[] = [],
    options: { readonly keep?: boolean } = {},
  ): Promise<Observation<R>> {
    const savepoint = `mg_probe_${(this.#savepoints += 1)}`;
    await this.#client.query(`SAVEPOINT ${savepoint}`);
    let observation: Observation<R>;
    try {
      if (context.kind === 'unset') {
        // No set_config at all: the setting stays undefined on this connection.
        await this.#client.query(`SET LOCAL ROLE ${quoteIdent(this.#settings.appRole)}`);
      } else {
        await applyContext(this.#client, this.#settings, context);
      }
      const result = await this.#client.query<R>(sql, [...params]);
      observation = { ok: true, rowCount: result.rowCount ?? result.rows.length, rows: result.rows };
    } catch (error) {
      observation = { ok: false, code: pgErrorFields(error).code ?? 'none', message: errorMessage(error) };
    }
    if (options.keep === true && observation.ok) {
      await this.#client.query(`RELEASE SAVEPOINT ${savepoint}`);
      if (context.kind === 'unset') await this.#client.query('SET LOCAL ROLE NONE');
      else await applyContext(this.#client, this.#settings, { kind: 'owner' });
    } else {
      await this.#client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    }
    return observation;
  }

  /** Runs `work` and rolls everything it did back (a savepoint around several attempts). */
  async rolledBack<T>(work: () => Promise<T>): Promise<T> {
    const savepoint = `mg_scope_${(this.#savepoints += 1)}`;
    await this.#client.query(`SAVEPOINT ${savepoint}`);
    try {
      return await work();
    } finally {
      await this.#client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      await this.#client.query('SET LOCAL ROLE NONE');
    }
  }

  /**
   * md5 of each of `table`'s rows of `tenantId` (its whole text form), read as the owner, sorted: a
   * multiset to compare before and after a statement, so a changed row and a removed row both count.
   */
  async rowDigests(
    schema: string,
    table: string,
    tenantColumn: string,
    tenantId: string,
  ): Promise<readonly string[]> {
    const result = await this.#client.query<{ digest: string }>(
      `SELECT md5((t.*)::text) AS digest FROM ${qualifiedName(schema, table)} AS t
        WHERE ${await this.tenantEquals('t', schema, table, tenantColumn)} ORDER BY 1`,
      [tenantId],
    );
    return result.rows.map((row) => row.digest);
  }

  /** Count and checksum of `table`'s rows of `tenantId`, read as the owner (the source of truth). */
  async fingerprint(
    schema: string,
    table: string,
    tenantColumn: string,
    tenantId: string,
  ): Promise<RowsFingerprint> {
    const result = await this.#client.query<{ rows: number; checksum: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg((t.*)::text, E'\\n' ORDER BY (t.*)::text), '')) AS checksum
         FROM ${qualifiedName(schema, table)} AS t WHERE ${await this.tenantEquals('t', schema, table, tenantColumn)}`,
      [tenantId],
    );
    return { rows: result.rows[0]?.rows ?? 0, checksum: result.rows[0]?.checksum ?? '' };
  }

  /**
   * `<alias>.<tenantColumn> = $1::<its type>`: the tenant's rows compared in the column's own type, so
   * the tenant-key index finds them (`::text = $1` would read the whole table on every probe). The
   * type is looked up once per table and column on this connection.
   */
  async tenantEquals(alias: string, schema: string, table: string, tenantColumn: string): Promise<string> {
    const key = `${qualifiedName(schema, table)}.${quoteIdent(tenantColumn)}`;
    let type = this.#columnTypes.get(key);
    if (type === undefined) {
      type = (await columnType(this.#client, schema, table, tenantColumn)) ?? 'text';
      this.#columnTypes.set(key, type);
    }
    const column = `${alias}.${quoteIdent(tenantColumn)}`;
    return type === 'text' ? `${column}::text = $1` : `${column} = $1::${type}`;
  }
}
