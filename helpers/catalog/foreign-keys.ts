import type pg from 'pg';

/** What PostgreSQL does to referencing rows when a referenced row is deleted or updated. */
export const REFERENTIAL_ACTIONS = ['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT'] as const;
export type ReferentialAction = (typeof REFERENTIAL_ACTIONS)[number];

/** `pg_constraint.confdeltype` / `confupdtype` codes, in the order of {@link REFERENTIAL_ACTIONS}. */
const ACTION_CODES: Readonly<Record<string, ReferentialAction>> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/** One foreign-key constraint, as the catalog declares it. */
export interface ForeignKey {
  readonly schema: string;
  readonly table: string;
  readonly constraint: string;
  /** Referencing columns, in key order. */
  readonly columns: readonly string[];
  readonly referencedSchema: string;
  readonly referencedTable: string;
  /** Referenced columns, position for position with {@link columns}. */
  readonly referencedColumns: readonly string[];
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
  /**
   * Columns an `ON DELETE SET NULL / SET DEFAULT` touches: the PG15 column list when one was given,
   * otherwise every referencing column.
   */
  readonly deleteSetColumns: readonly string[];
  /** `MATCH FULL` treats a partly-NULL key as a violation; `MATCH SIMPLE` skips any key with a NULL. */
  readonly matchFull: boolean;
  /** False for a constraint added `NOT VALID` and never validated: existing rows were not checked. */
  readonly validated: boolean;
  readonly deferrable: boolean;
  /** `pg_get_constraintdef`, for the report. */
  readonly definition: string;
}

interface ForeignKeyRow {
  table: string;
  constraint: string;
  columns: string[];
  referenced_schema: string;
  referenced_table: string;
  referenced_columns: string[];
  confdeltype: string;
  confupdtype: string;
  delete_set_columns: string[] | null;
  confmatchtype: string;
  convalidated: boolean;
  condeferrable: boolean;
  definition: string;
}

function action(code: string, constraint: string): ReferentialAction {
  const known = ACTION_CODES[code];
  if (known === undefined)
    throw new Error(`Foreign key ${constraint} has unknown referential action code "${code}".`);
  return known;
}

/**
 * Every foreign key whose referencing table is in `schema`, ordered by table and constraint name.
 * Reads `pg_constraint` rather than information_schema: the latter hides constraints of tables the
 * current role does not own and cannot pair the columns of a composite key reliably.
 */
export async function discoverForeignKeys(
  client: pg.ClientBase,
  schema: string,
): Promise<readonly ForeignKey[]> {
  // confdelsetcols exists from PG15 on; reading it through to_jsonb keeps the query valid on older servers.
  const result = await client.query<ForeignKeyRow>(
    `SELECT cl.relname AS table, c.conname AS constraint,
            array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
            rn.nspname AS referenced_schema, rc.relname AS referenced_table,
            array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n)
              AS referenced_columns,
            c.confdeltype::text AS confdeltype, c.confupdtype::text AS confupdtype,
            (SELECT array_agg(a.attname::text ORDER BY a.attnum)
               FROM jsonb_array_elements_text(
                      CASE jsonb_typeof(to_jsonb(c) -> 'confdelsetcols')
                        WHEN 'array' THEN to_jsonb(c) -> 'confdelsetcols' ELSE '[]' END) s(attnum)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = s.attnum::int2) AS delete_set_columns,
            c.confmatchtype::text AS confmatchtype, c.convalidated, c.condeferrable,
            pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c
       JOIN pg_class cl ON cl.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = cl.relnamespace
       JOIN pg_class rc ON rc.oid = c.confrelid
       JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE c.contype = 'f' AND n.nspname = $1 AND c.conparentid = 0
      ORDER BY cl.relname, c.conname`,
    [schema],
  );
  return result.rows.map((row) => ({
    schema,
    table: row.table,
    constraint: row.constraint,
    columns: row.columns,
    referencedSchema: row.referenced_schema,
    referencedTable: row.referenced_table,
    referencedColumns: row.referenced_columns,
    onDelete: action(row.confdeltype, row.constraint),
    onUpdate: action(row.confupdtype, row.constraint),
    deleteSetColumns: row.delete_set_columns ?? row.columns,
    matchFull: row.confmatchtype === 'f',
    validated: row.convalidated,
    deferrable: row.condeferrable,
    definition: row.definition,
  }));
}

/** One line per foreign key for a report: `documents(tenant_id, project_id) → projects(tenant_id, id) …`. */
export function describeForeignKey(fk: ForeignKey): string {
  const target =
    fk.referencedSchema === fk.schema ? fk.referencedTable : `${fk.referencedSchema}.${fk.referencedTable}`;
  const setColumns =
    (fk.onDelete === 'SET NULL' || fk.onDelete === 'SET DEFAULT') &&
    fk.deleteSetColumns.length < fk.columns.length
      ? ` (${fk.deleteSetColumns.join(', ')})`
      : '';
  return (
    `${fk.constraint}: ${fk.table}(${fk.columns.join(', ')}) → ${target}(${fk.referencedColumns.join(', ')}) ` +
    `ON DELETE ${fk.onDelete}${setColumns} ON UPDATE ${fk.onUpdate}, ${fk.validated ? 'validated' : 'NOT VALID'}`
  );
}
