import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { JsonValue } from '../json-value.ts';
import {
  freshKeyValues,
  freshTenantIds,
  keyKindOf,
  readKeyColumn,
  type TenantKeyTable,
} from './fresh-key-values.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';
import { SynthesisCatalog } from './synthesis-shape.ts';

/** One row of a configured scenario (the plan's manual probe, the cascade test), by table. */
export interface ScenarioTemplateRow<V extends JsonValue = JsonValue> {
  readonly table: string;
  readonly row: Readonly<Record<string, V>>;
}

/** The scenario with fresh ids, and which configured value became which. */
export interface FreshScenario<V extends JsonValue> {
  readonly rows: readonly ScenarioTemplateRow<V>[];
  /** Configured value → the fresh value used instead. */
  readonly substitutions: Readonly<Record<string, string>>;
}

export interface FreshScenarioOptions {
  readonly schema: string;
  /** Tenant-scoped tables and their tenant columns: a fresh tenant id is free in all of them. */
  readonly tenantTables: readonly TenantKeyTable[];
  readonly tenantKey: string;
  readonly tenantTable?: string | undefined;
}

/**
 * Replaces the ids of configured scenario rows — tenant ids (the tenants table's key, the tenant key
 * column) and every table's primary-key values — with values that are free in the target, so a staging
 * database that already holds the plan's `11111111-…` tenants cannot turn the scenario into a
 * duplicate-key failure. The configured rows stay the template: a value is replaced by the same fresh
 * value wherever it appears (a child's `tenant_id` follows its parent's `id`), other columns are kept —
 * except a text value of a single-column UNIQUE column that the target already holds (a tenant's
 * unique name), which gets a random suffix.
 *
 * @example
 * ```ts
 * const { rows } = await freshScenarioRows(client, [{ table: 'tenants', row: { id: '1111…', name: 'A' } }], options);
 * ```
 */
export async function freshScenarioRows<V extends JsonValue>(
  client: pg.ClientBase,
  template: readonly ScenarioTemplateRow<V>[],
  options: FreshScenarioOptions,
): Promise<FreshScenario<V>> {
  const catalog = new SynthesisCatalog(client);
  const tenantValues: string[] = [];
  const keyValues: { value: string; table: string; column: string }[] = [];
  const text = (value: V | undefined): string | null =>
    value === undefined || value === null || typeof value === 'object' ? null : String(value);
  for (const { table, row } of template) {
    const shape = await catalog.shape(options.schema, table);
    const primaryKey = shape?.primaryKey ?? [];
    const tenantColumns =
      table === options.tenantTable && primaryKey.length === 1 ? primaryKey : [options.tenantKey];
    for (const column of tenantColumns) {
      const value = text(row[column]);
      if (value !== null && !tenantValues.includes(value)) tenantValues.push(value);
    }
    for (const column of primaryKey) {
      const value = text(row[column]);
      if (value !== null && !tenantColumns.includes(column)) keyValues.push({ value, table, column });
    }
  }
  const substitutions: Record<string, string> = {};
  const fresh =
    tenantValues.length === 0
      ? []
      : await freshTenantIds(client, options.schema, options.tenantTables, tenantValues.length);
  tenantValues.forEach((value, index) => {
    const replacement = fresh[index];
    if (replacement !== undefined) substitutions[value] = replacement;
  });
  for (const { value, table, column } of keyValues) {
    if (value in substitutions) continue;
    const place = { schema: options.schema, table, column };
    const facts = await readKeyColumn(client, place);
    // A key type the gate cannot invent values for keeps its configured value.
    if (facts === null || keyKindOf(facts.baseType) === null) continue;
    const [replacement] = await freshKeyValues(client, [place], 1);
    if (replacement !== undefined) substitutions[value] = replacement;
  }
  for (const { table, row } of template) {
    for (const column of await uniqueTextColumns(client, options.schema, table)) {
      const value = row[column];
      if (typeof value !== 'string' || value in substitutions) continue;
      const taken = await client.query(
        `SELECT 1 FROM ${qualifiedName(options.schema, table)} WHERE ${quoteIdent(column)}::text = $1 LIMIT 1`,
        [value],
      );
      if ((taken.rowCount ?? 0) > 0) substitutions[value] = `${value} ${randomBytes(4).toString('hex')}`;
    }
  }
  const rows = template.map(({ table, row }) => ({
    table,
    row: Object.fromEntries(
      Object.entries(row).map(([column, value]) => {
        const key = text(value);
        const replacement = key === null ? undefined : substitutions[key];
        if (replacement === undefined) return [column, value];
        return [column, typeof value === 'number' ? Number(replacement) : replacement];
      }),
    ) as Readonly<Record<string, V>>,
  }));
  return { rows, substitutions };
}

/** Text columns with a single-column, non-partial UNIQUE index or constraint (the primary key aside). */
async function uniqueTextColumns(client: pg.ClientBase, schema: string, table: string): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = $1 AND c.relname = $2 AND i.indisunique AND NOT i.indisprimary
        AND i.indnatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL AND t.typcategory = 'S'`,
    [schema, table],
  );
  return result.rows.map((row) => row.name);
}
