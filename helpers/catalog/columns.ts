import type pg from 'pg';

/** One column of a table, with its type as `format_type` prints it. */
export interface TableColumn {
  readonly table: string;
  readonly name: string;
  /** e.g. `uuid`, `text`, `timestamp with time zone`, `numeric(12,3)`. */
  readonly type: string;
  readonly nullable: boolean;
  readonly position: number;
}

/** Every live column of the ordinary and partitioned tables of `schema`, by table and position. */
export async function discoverColumns(
  client: pg.ClientBase,
  schema: string,
): Promise<readonly TableColumn[]> {
  const result = await client.query<{
    table: string;
    name: string;
    type: string;
    nullable: boolean;
    position: number;
  }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            NOT a.attnotnull AS nullable, a.attnum::int AS position
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  return result.rows;
}

/** The columns of `table`, in position order. */
export function columnsOf(columns: readonly TableColumn[], table: string): readonly TableColumn[] {
  return columns.filter((column) => column.table === table);
}

/** `format_type` of one live column of `schema.table`, or undefined when it has no such column. */
export async function columnType(
  client: pg.ClientBase,
  schema: string,
  table: string,
  column: string,
): Promise<string | undefined> {
  const result = await client.query<{ type: string }>(
    `SELECT format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped`,
    [schema, table, column],
  );
  return result.rows[0]?.type;
}
