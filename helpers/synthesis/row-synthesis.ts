import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { errorMessage } from '../gate-error.ts';
import { pgErrorFields } from '../db/pg-error.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';
import type { JsonValue } from '../json-value.ts';
import { acceptedByChecks, readKeyColumn, textCandidates, type KeyColumnFacts } from './fresh-key-values.ts';
import { SynthesisCatalog, type SynthesisColumn, type SynthesisShape } from './synthesis-shape.ts';
import { synthesiseValue } from './synthesised-value.ts';

/** A synthesised row (as stored, when it was inserted), or why none could be made. */
export type SynthesisResult =
  | { readonly ok: true; readonly row: Readonly<Record<string, JsonValue>> }
  | { readonly ok: false; readonly reason: string };

/** What makes a table tenant-scoped: the same two settings as `gate.config.ts` `tenancy`. */
export interface SynthesisTenancy {
  readonly tenantKey: string;
  /** Absent when the schema has no tenants table: tenant ids are then free values. */
  readonly tenantTable?: string | undefined;
}

/** Options of {@link RowSynthesiser.candidate} and {@link RowSynthesiser.insert}. */
export interface SynthesisOptions {
  /** Values fixed in advance (e.g. the parent columns a child already decided). */
  readonly preset?: Readonly<Record<string, JsonValue>>;
  /** Synthesise the row's direct parents instead of reusing the tenant's existing ones. */
  readonly freshParents?: boolean;
}

/** Parent tables synthesised for one row, at most this deep; deeper means a cycle or a pathological schema. */
const MAX_PARENT_DEPTH = 12;

/**
 * Tries per row before giving up on a unique or exclusion constraint: other enum / IN-list values and
 * other existing parents first, then fresh parents (a populated database holds the obvious choices).
 */
const MAX_ATTEMPTS = 6;
/** From this attempt on, the row's direct parents are synthesised anew instead of reused. */
const FRESH_PARENTS_FROM = 2;

/** A refusal another choice of values may avoid: unique (23505) or exclusion (23P01) violation. */
function isCollision(result: SynthesisResult): boolean {
  return !result.ok && /SQLSTATE (?:23505|23P01)/.test(result.reason);
}

function collisionReason(table: string, attempts: number, last: SynthesisResult): string {
  const detail = last.ok ? '' : last.reason;
  return `every one of ${attempts} synthesised rows of ${table} (other enum values, other and fresh parents) collided with a unique or exclusion constraint; the last: ${detail}`;
}

function describeError(error: unknown): string {
  const fields = pgErrorFields(error);
  const extra = [
    fields.code === undefined ? null : `SQLSTATE ${fields.code}`,
    fields.constraint === undefined ? null : `constraint ${fields.constraint}`,
    fields.detail ?? null,
  ].filter((part) => part !== null);
  return extra.length === 0 ? errorMessage(error) : `${errorMessage(error)} (${extra.join('; ')})`;
}

/**
 * Makes rows for tables that have no fixture factory — another team's schema, a table added by a
 * future migration — from the catalog alone: column types, NOT NULL, defaults (left to the
 * database), enum labels and readable CHECKs (`IN` lists, lower bounds), foreign keys (a parent row of
 * the same tenant is reused, or synthesised and inserted first, recursively, parents before children).
 * Nullable columns stay NULL, which every CHECK and MATCH SIMPLE foreign key accepts.
 *
 * Writes through the caller's client (as whatever role it is): run it inside a transaction that is
 * rolled back. Every insert is wrapped in a savepoint, so a refused row leaves the transaction usable.
 *
 * @example
 * ```ts
 * const synthesiser = new RowSynthesiser(client, 'public', { tenantKey: 'tenant_id', tenantTable: 'tenants' });
 * const result = await synthesiser.insert('invoices', tenantId);
 * if (!result.ok) throw new Error(`invoices: ${result.reason}`);
 * ```
 */
export class RowSynthesiser {
  readonly #client: pg.ClientBase;
  readonly #schema: string;
  readonly #tenancy: SynthesisTenancy;
  readonly #catalog: SynthesisCatalog;
  readonly #columnFacts = new Map<string, KeyColumnFacts | null>();
  readonly #derivedTenancy: ReadonlyMap<string, (alias: string) => string>;
  #savepoints = 0;

  /**
   * `derivedTenancy`: for tables of `schema` without the tenant key whose rows belong to a tenant
   * through their parents, SQL for a row's tenant (`alias` is the row): an existing parent row of such
   * a table is then reused only when it is the same tenant's.
   */
  constructor(
    client: pg.ClientBase,
    schema: string,
    tenancy: SynthesisTenancy,
    options: { readonly derivedTenancy?: ReadonlyMap<string, (alias: string) => string> } = {},
  ) {
    this.#client = client;
    this.#schema = schema;
    this.#tenancy = tenancy;
    this.#catalog = new SynthesisCatalog(client);
    this.#derivedTenancy = options.derivedTenancy ?? new Map();
  }

  /** The column that carries the tenant: the single-column primary key of the tenant table, else the tenant key. */
  tenantColumnOf(shape: SynthesisShape): string | null {
    if (shape.table === this.#tenancy.tenantTable) {
      return shape.primaryKey.length === 1 ? (shape.primaryKey[0] ?? null) : null;
    }
    return shape.columns.some((column) => column.name === this.#tenancy.tenantKey)
      ? this.#tenancy.tenantKey
      : null;
  }

  /**
   * Values for a new row of `table` owned by `tenantId`, without inserting it (parents it needs ARE
   * inserted). Existing parent rows of the tenant are reused unless `freshParents` is set: then the
   * row's direct parents are synthesised anew, which is how a row whose unique key consists of its
   * foreign keys (an assignment table) gets a key that is not taken yet.
   *
   * The candidate is tried (inserted in a savepoint rolled back at once): when a unique or exclusion
   * constraint refuses it, other enum values, other parents and then fresh parents are tried, so a
   * populated database does not make synthesis collide. Any other refusal is left to the caller.
   */
  async candidate(table: string, tenantId: string, options: SynthesisOptions = {}): Promise<SynthesisResult> {
    let last: SynthesisResult = { ok: false, reason: 'no attempt made' };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const built = await this.#candidate(
        this.#schema,
        table,
        tenantId,
        options.preset ?? {},
        [],
        0,
        (options.freshParents ?? false) || attempt >= FRESH_PARENTS_FROM,
        attempt,
      );
      if (!built.ok) return built;
      const trial = await this.insertRow(table, built.row, { keep: false });
      if (!isCollision(trial)) return built;
      last = trial;
    }
    return { ok: false, reason: collisionReason(`${this.#schema}.${table}`, MAX_ATTEMPTS, last) };
  }

  /**
   * Synthesises and inserts a row of `table` for `tenantId`; returns it as stored. A unique or
   * exclusion violation is retried with other values and parents (see {@link candidate}).
   */
  async insert(table: string, tenantId: string, options: SynthesisOptions = {}): Promise<SynthesisResult> {
    return this.#insert(
      this.#schema,
      table,
      tenantId,
      options.preset ?? {},
      [],
      0,
      options.freshParents ?? false,
    );
  }

  /**
   * Inserts `row` into `table` inside a savepoint; with `keep: false` the savepoint is rolled back
   * afterwards, which proves a row insertable without leaving it behind.
   */
  async insertRow(
    table: string,
    row: Readonly<Record<string, JsonValue>>,
    options: { readonly keep: boolean; readonly schema?: string },
  ): Promise<SynthesisResult> {
    const schema = options.schema ?? this.#schema;
    const name = qualifiedName(schema, table);
    const columns = Object.keys(row);
    const list = columns.map(quoteIdent).join(', ');
    const sql =
      columns.length === 0
        ? `INSERT INTO ${name} AS t DEFAULT VALUES RETURNING to_jsonb(t.*) AS row`
        : // A fresh tenant id goes into the key even when it is GENERATED ALWAYS AS IDENTITY.
          `INSERT INTO ${name} AS t (${list}) OVERRIDING SYSTEM VALUE
           SELECT ${list} FROM jsonb_populate_record(NULL::${name}, $1::jsonb)
           RETURNING to_jsonb(t.*) AS row`;
    const savepoint = `mg_synthesis_${(this.#savepoints += 1)}`;
    await this.#client.query(`SAVEPOINT ${savepoint}`);
    try {
      const result = await this.#client.query<{ row: Record<string, JsonValue> }>(
        sql,
        columns.length === 0 ? [] : [JSON.stringify(row)],
      );
      await this.#client.query(
        options.keep ? `RELEASE SAVEPOINT ${savepoint}` : `ROLLBACK TO SAVEPOINT ${savepoint}`,
      );
      const stored = result.rows[0]?.row;
      return stored === undefined
        ? {
            ok: false,
            reason: `INSERT into ${schema}.${table} returned no row (a trigger or rule swallowed it)`,
          }
        : { ok: true, row: stored };
    } catch (error) {
      await this.#client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      return {
        ok: false,
        reason: `INSERT of a synthesised row into ${schema}.${table} failed: ${describeError(error)}`,
      };
    }
  }

  async #insert(
    schema: string,
    table: string,
    tenantId: string,
    preset: Readonly<Record<string, JsonValue>>,
    visiting: readonly string[],
    depth: number,
    freshParents: boolean,
  ): Promise<SynthesisResult> {
    let last: SynthesisResult = { ok: false, reason: 'no attempt made' };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const fresh = freshParents || attempt >= FRESH_PARENTS_FROM;
      const candidate = await this.#candidate(
        schema,
        table,
        tenantId,
        preset,
        visiting,
        depth,
        fresh,
        attempt,
      );
      if (!candidate.ok) return candidate;
      const inserted = await this.insertRow(table, candidate.row, { keep: true, schema });
      if (!isCollision(inserted)) return inserted;
      last = inserted;
    }
    return { ok: false, reason: collisionReason(`${schema}.${table}`, MAX_ATTEMPTS, last) };
  }

  async #candidate(
    schema: string,
    table: string,
    tenantId: string,
    preset: Readonly<Record<string, JsonValue>>,
    visiting: readonly string[],
    depth: number,
    freshParents: boolean,
    attempt: number,
  ): Promise<SynthesisResult> {
    const shape = await this.#catalog.shape(schema, table);
    if (shape === null) return { ok: false, reason: `table ${schema}.${table} does not exist` };
    const byName = new Map(shape.columns.map((column) => [column.name, column]));
    const values: Record<string, JsonValue> = {};
    const tenantColumn = this.tenantColumnOf(shape);
    if (tenantColumn !== null) values[tenantColumn] = tenantId;
    Object.assign(values, preset);
    const checks = shape.checks.map((check) => check.definition);

    for (const foreignKey of shape.foreignKeys) {
      const unassigned = foreignKey.columns.filter((column) => !(column in values));
      if (unassigned.length === 0) {
        // Decided already (the tenant key, a preset): the parent must still exist — a tenant that is a
        // fresh id has no tenants row yet. A NULL column means MATCH SIMPLE checks nothing.
        if (foreignKey.columns.some((column) => values[column] === null)) continue;
        const parent = await this.#parentRow(
          foreignKey,
          values,
          tenantId,
          [...visiting, `${schema}.${table}`],
          depth,
          false,
          0,
        );
        if (!parent.ok) return { ok: false, reason: `foreign key ${foreignKey.name}: ${parent.reason}` };
        continue;
      }
      const nullable = unassigned.filter((column) => byName.get(column)?.notNull === false);
      // MATCH SIMPLE skips the check when any column is NULL; MATCH FULL only when all are.
      const skippable =
        foreignKey.matchType === 'f' ? nullable.length === foreignKey.columns.length : nullable.length > 0;
      if (skippable) {
        for (const column of nullable) values[column] = null;
        continue;
      }
      const parent = await this.#parentRow(
        foreignKey,
        values,
        tenantId,
        [...visiting, `${schema}.${table}`],
        depth,
        freshParents && foreignKey.parentTable !== table,
        attempt,
      );
      if (!parent.ok) return { ok: false, reason: `foreign key ${foreignKey.name}: ${parent.reason}` };
      foreignKey.columns.forEach((column, index) => {
        const parentColumn = foreignKey.parentColumns[index];
        if (parentColumn !== undefined) values[column] = parent.row[parentColumn] ?? null;
      });
    }

    for (const column of shape.columns) {
      if (column.name in values || column.filledByDatabase || !column.notNull) continue;
      const value = synthesiseValue(column, checks, attempt);
      if (!value.ok) return { ok: false, reason: `${schema}.${table}: ${value.reason}` };
      values[column.name] = await this.#checkedText(schema, table, column, value.value);
    }
    return { ok: true, row: values };
  }

  /**
   * A text value its column's own CHECKs accept (a pattern, an e-mail shape, a length), verified by the
   * database: the synthesised value when it passes, else the first of other candidates that does. When
   * none does, the value stays and the insert reports the CHECK that refused it.
   */
  async #checkedText(
    schema: string,
    table: string,
    column: SynthesisColumn,
    value: JsonValue,
  ): Promise<JsonValue> {
    if (column.category !== 'S' || column.enumLabels.length > 0 || typeof value !== 'string') return value;
    const key = `${schema}.${table}.${column.name}`;
    if (!this.#columnFacts.has(key)) {
      this.#columnFacts.set(key, await readKeyColumn(this.#client, { schema, table, column: column.name }));
    }
    const facts = this.#columnFacts.get(key) ?? null;
    if (facts === null || facts.checks.length === 0) return value;
    const hex = randomBytes(6).toString('hex');
    const shaped = [`${column.name}-${hex}@example.com`, `${hex}@example.com`, hex];
    const candidates = [value, ...shaped, ...textCandidates([facts])].filter(
      (candidate) => facts.maxLength === null || candidate.length <= facts.maxLength,
    );
    // A CHECK may raise on some input instead of returning false: keep the transaction usable.
    const savepoint = `mg_synthesis_${(this.#savepoints += 1)}`;
    await this.#client.query(`SAVEPOINT ${savepoint}`);
    try {
      const accepted = await acceptedByChecks(this.#client, facts, candidates);
      await this.#client.query(`RELEASE SAVEPOINT ${savepoint}`);
      return accepted[0] ?? value;
    } catch {
      await this.#client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      return value;
    }
  }

  async #parentRow(
    foreignKey: SynthesisShape['foreignKeys'][number],
    values: Readonly<Record<string, JsonValue>>,
    tenantId: string,
    visiting: readonly string[],
    depth: number,
    fresh: boolean,
    attempt: number,
  ): Promise<SynthesisResult> {
    const { parentSchema, parentTable } = foreignKey;
    const parentShape = await this.#catalog.shape(parentSchema, parentTable);
    if (parentShape === null)
      return { ok: false, reason: `parent table ${parentSchema}.${parentTable} does not exist` };
    // Only what is already decided for this row constrains the parent: its tenant and shared columns.
    const filters: Record<string, JsonValue> = {};
    foreignKey.columns.forEach((column, index) => {
      const parentColumn = foreignKey.parentColumns[index];
      const value = values[column];
      if (parentColumn !== undefined && value !== undefined && value !== null) filters[parentColumn] = value;
    });
    const parentTenantColumn = this.tenantColumnOf(parentShape);
    if (parentTenantColumn !== null && !(parentTenantColumn in filters))
      filters[parentTenantColumn] = tenantId;
    const filterColumns = Object.keys(filters);
    const derivedTenant =
      parentTenantColumn === null && parentSchema === this.#schema
        ? this.#derivedTenancy.get(parentTable)
        : undefined;
    const conditions = filterColumns.map((column, i) => `p.${quoteIdent(column)} = $${i + 1}`);
    if (derivedTenant !== undefined) conditions.push(`${derivedTenant('p')} = $${filterColumns.length + 1}`);
    const where = conditions.length === 0 ? 'true' : conditions.join(' AND ');
    if (!fresh) {
      try {
        const existing = await this.#client.query<{ row: Record<string, JsonValue> }>(
          // Another attempt takes another parent: its existing children may hold the first one's keys.
          `SELECT to_jsonb(p.*) AS row FROM ${qualifiedName(parentSchema, parentTable)} AS p WHERE ${where}
            ORDER BY p.ctid LIMIT 1 OFFSET ${attempt}`,
          [
            ...filterColumns.map((column) => {
              const value = filters[column];
              return typeof value === 'string' ? value : JSON.stringify(value);
            }),
            ...(derivedTenant === undefined ? [] : [tenantId]),
          ],
        );
        const found = existing.rows[0]?.row;
        if (found !== undefined) return { ok: true, row: found };
      } catch (error) {
        return {
          ok: false,
          reason: `reading parent ${parentSchema}.${parentTable} failed: ${describeError(error)}`,
        };
      }
    }
    const key = `${parentSchema}.${parentTable}`;
    if (visiting.includes(key) || depth >= MAX_PARENT_DEPTH) {
      return {
        ok: false,
        reason: `needs a row of ${key} for tenant ${tenantId}, none exists, and synthesising one would loop (${[...visiting, key].join(' → ')})`,
      };
    }
    const preset: Record<string, JsonValue> = { ...filters };
    if (parentTenantColumn !== null) delete preset[parentTenantColumn];
    return this.#insert(parentSchema, parentTable, tenantId, preset, visiting, depth + 1, false);
  }
}
