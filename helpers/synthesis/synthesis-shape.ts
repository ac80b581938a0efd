import type pg from 'pg';

/** A column as row synthesis needs it. */
export interface SynthesisColumn {
  readonly name: string;
  /** `format_type` text, e.g. `character varying(20)`, `numeric(12,3)`. */
  readonly type: string;
  /** Name of the base type (a domain's base type), e.g. `varchar`, `int4`, `uuid`. */
  readonly baseType: string;
  /** `pg_type.typcategory` of the base type: S string, N numeric, B boolean, D date/time, A array, E enum, U user… */
  readonly category: string;
  readonly notNull: boolean;
  /** A default, identity or generated expression fills it: synthesis leaves it out. */
  readonly filledByDatabase: boolean;
  /** Labels of an enum type, in order; empty otherwise. */
  readonly enumLabels: readonly string[];
  /** Maximum length of a `varchar(n)` / `char(n)`, or null. */
  readonly maxLength: number | null;
}

/** A foreign key of the table, with the referenced table's tenant column when it has one. */
export interface SynthesisForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly parentSchema: string;
  readonly parentTable: string;
  readonly parentColumns: readonly string[];
  /** `f` for MATCH FULL, `s` for MATCH SIMPLE (the default). */
  readonly matchType: string;
}

/** The shape of one table: columns, foreign keys and CHECK constraint definitions. */
export interface SynthesisShape {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly SynthesisColumn[];
  /** Primary key columns, in key order (empty when there is none). */
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly SynthesisForeignKey[];
  /** `pg_get_constraintdef` of each CHECK constraint (table and domain level), by constraint name. */
  readonly checks: readonly { readonly name: string; readonly definition: string }[];
}

/**
 * Reads table shapes from the catalog, each once per instance. Returns null for a table that
 * does not exist, so callers can say which one.
 */
export class SynthesisCatalog {
  readonly #client: pg.ClientBase;
  readonly #shapes = new Map<string, SynthesisShape | null>();

  constructor(client: pg.ClientBase) {
    this.#client = client;
  }

  async shape(schema: string, table: string): Promise<SynthesisShape | null> {
    const key = `${schema}.${table}`;
    if (this.#shapes.has(key)) return this.#shapes.get(key) ?? null;
    const shape = await readShape(this.#client, schema, table);
    this.#shapes.set(key, shape);
    return shape;
  }
}

async function readShape(
  client: pg.ClientBase,
  schema: string,
  table: string,
): Promise<SynthesisShape | null> {
  const relation = await client.query<{ oid: number }>(
    `SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, table],
  );
  const oid = relation.rows[0]?.oid;
  if (oid === undefined) return null;
  const columns = await client.query<{
    name: string;
    type: string;
    base_type: string;
    category: string;
    not_null: boolean;
    filled: boolean;
    labels: string[] | null;
    max_length: number | null;
  }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            bt.typname AS base_type, bt.typcategory AS category,
            (a.attnotnull OR coalesce(t.typnotnull, false)) AS not_null,
            (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '' OR t.typdefault IS NOT NULL) AS filled,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = bt.oid) AS labels,
            CASE WHEN bt.typname IN ('varchar', 'bpchar') AND coalesce(nullif(a.atttypmod, -1), t.typtypmod) > 4
                 THEN coalesce(nullif(a.atttypmod, -1), t.typtypmod) - 4 END AS max_length
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [oid],
  );
  const foreignKeys = await client.query<{
    name: string;
    columns: string[];
    parent_schema: string;
    parent_table: string;
    parent_columns: string[];
    match_type: string;
  }>(
    `SELECT con.conname AS name,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
            pn.nspname AS parent_schema, pc.relname AS parent_table,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS parent_columns,
            con.confmatchtype::text AS match_type
       FROM pg_constraint con
       JOIN pg_class pc ON pc.oid = con.confrelid
       JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE con.conrelid = $1 AND con.contype = 'f' AND con.conparentid = 0
      ORDER BY cardinality(con.conkey) DESC, con.conname`,
    [oid],
  );
  const checks = await client.query<{ name: string; definition: string }>(
    `SELECT con.conname AS name, pg_get_constraintdef(con.oid) AS definition
       FROM pg_constraint con WHERE con.conrelid = $1 AND con.contype = 'c'
     UNION ALL
     SELECT con.conname, pg_get_constraintdef(con.oid)
       FROM pg_attribute a JOIN pg_constraint con ON con.contypid = a.atttypid
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND con.contype = 'c'`,
    [oid],
  );
  const primaryKey = await client.query<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1 AND i.indisprimary ORDER BY k.ord`,
    [oid],
  );
  return {
    schema,
    table,
    primaryKey: primaryKey.rows.map((row) => row.name),
    columns: columns.rows.map((row) => ({
      name: row.name,
      type: row.type,
      baseType: row.base_type,
      category: row.category,
      notNull: row.not_null,
      filledByDatabase: row.filled,
      enumLabels: row.labels ?? [],
      maxLength: row.max_length,
    })),
    foreignKeys: foreignKeys.rows.map((row) => ({
      name: row.name,
      columns: row.columns,
      parentSchema: row.parent_schema,
      parentTable: row.parent_table,
      parentColumns: row.parent_columns,
      matchType: row.match_type,
    })),
    checks: checks.rows,
  };
}
