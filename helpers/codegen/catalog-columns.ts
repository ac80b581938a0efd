import type pg from 'pg';

/** One column of a table or view, as the generator needs it. */
export interface CatalogColumn {
  readonly relation: string;
  readonly kind: 'table' | 'view';
  readonly column: string;
  /** `format_type` of the column, e.g. `uuid`, `timestamp with time zone`, `text[]`. */
  readonly type: string;
  /** The base type's category (`pg_type.typcategory`): `E` enum, `A` array, … */
  readonly category: string;
  /** For an enum, its labels in order; empty otherwise. */
  readonly enumLabels: readonly string[];
  readonly nullable: boolean;
  /** Has a default, is an identity or generated column: optional on INSERT. */
  readonly generated: boolean;
}

/**
 * Tables, partitioned tables, views and materialized views of `schema`, columns in order; `exclude`
 * names relations to leave out (the gate's bookkeeping tables, which no application query reads).
 */
export async function catalogColumns(
  client: pg.ClientBase,
  schema: string,
  exclude: readonly string[] = [],
): Promise<CatalogColumn[]> {
  const { rows } = await client.query<{
    relation: string;
    relkind: string;
    column: string;
    type: string;
    category: string;
    enum_labels: string[] | null;
    nullable: boolean;
    generated: boolean;
  }>(
    `SELECT c.relname AS relation, c.relkind::text AS relkind, a.attname AS column,
            format_type(a.atttypid, a.atttypmod) AS type,
            t.typcategory::text AS category,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = a.atttypid) AS enum_labels,
            NOT a.attnotnull AS nullable,
            (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS generated
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relname = ANY($2::text[])
      ORDER BY c.relname, a.attnum`,
    [schema, exclude],
  );
  return rows.map((row) => ({
    relation: row.relation,
    kind: row.relkind === 'v' || row.relkind === 'm' ? 'view' : 'table',
    column: row.column,
    type: row.type,
    category: row.category,
    enumLabels: row.enum_labels ?? [],
    // A view's columns are all reported nullable by the catalog; that is what they may hold.
    nullable: row.nullable || row.relkind === 'v' || row.relkind === 'm',
    generated: row.generated,
  }));
}
