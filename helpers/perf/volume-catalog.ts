import type pg from 'pg';
import { quoteIdent } from '../db/sql-identifier.ts';
import { rangeByChecks, type CheckRange } from '../synthesis/synthesised-value.ts';

/** A column as volume seeding needs it: its type, whether it must get a value, and the values a CHECK allows. */
export interface VolumeColumn {
  readonly name: string;
  /** As `format_type` prints it, e.g. `uuid`, `character varying(40)`. */
  readonly type: string;
  /** `pg_type.typname` of the base type (`uuid`, `int4`, `text`, …) and its category (`S`, `N`, `E`, …). */
  readonly typeName: string;
  readonly category: string;
  readonly notNull: boolean;
  /** A default, identity or generated column: seeding leaves it to the database. */
  readonly databaseFilled: boolean;
  /** Maximum length of a `varchar(n)` / `char(n)`; undefined when unbounded. */
  readonly maxLength: number | undefined;
  /** Labels of an enum type. */
  readonly enumLabels: readonly string[];
  /** Values a `CHECK (col = ANY (ARRAY[…]))` / `CHECK (col IN (…))` allows; empty when none. */
  readonly allowedValues: readonly string[];
  /** Whether the column is part of a primary key or unique constraint. */
  readonly unique: boolean;
  /** Bounds the column's own CHECKs put on a number (`>= 1`, `BETWEEN 1 AND 5`, `< 1`). */
  readonly range?: CheckRange;
  /**
   * For a text column whose own CHECKs refuse the plain `<name>-<salt>-<n>` shape (an e-mail check,
   * say): the prefix and suffix around the row number that the database accepted instead.
   */
  readonly textAffix?: TextAffix;
}

/** A text value is `prefix || [salt '-'] || row number || suffix`. */
export interface TextAffix {
  readonly prefix: string;
  readonly suffix: string;
  /** Whether the seeding's salt goes before the row number (so two seedings never repeat a value). */
  readonly salted: boolean;
  /**
   * Letters only (`^[a-z]{3,20}$`, a slug): the salt's and the row number's digits spelled as a–j
   * (upper case: A–J), joined by a `z` (`Z`) no digit becomes, so values stay distinct.
   */
  readonly letters?: 'lower' | 'upper';
}

/** The letters-only spelling of `salt` and `row` a {@link TextAffix} with `letters` stands for. */
export function spellInLetters(salt: string, row: string, letters: 'lower' | 'upper'): string {
  const spelled = `${salt}z${row}`.replace(/\d/g, (digit) => String.fromCharCode(97 + Number(digit)));
  return letters === 'upper' ? spelled.toUpperCase() : spelled.toLowerCase();
}

/**
 * Shapes tried, in order, for a text column with CHECKs (`{name}` becomes the column name). Each is
 * verified by the database against the column's own CHECKs for several row numbers.
 */
const TEXT_SHAPES: readonly TextAffix[] = [
  { prefix: '{name}-', suffix: '', salted: true },
  { prefix: '{name}-', suffix: '@example.com', salted: true },
  { prefix: 'x', suffix: '@example.com', salted: true },
  { prefix: 'https://example.com/{name}/', suffix: '', salted: true },
  { prefix: 'a', suffix: '', salted: false },
  { prefix: '', suffix: '', salted: false },
  { prefix: 'A', suffix: '', salted: false },
  { prefix: '', suffix: '', salted: true, letters: 'lower' },
  { prefix: '', suffix: '', salted: true, letters: 'upper' },
];

/** Stands in for a seeding's salt (`v<seed>`) when a salted shape is verified. */
const SAMPLE_SALT = 'v12345678';

/** Row numbers a shape must pass for: the small and the large end of a seeding. */
const SAMPLE_ROWS = ['0', '7', '123456'];

/** A foreign key, column pairs in declaration order. */
export interface VolumeForeignKey {
  readonly constraint: string;
  readonly columns: readonly string[];
  readonly parentTable: string;
  readonly parentColumns: readonly string[];
}

export interface VolumeTable {
  readonly name: string;
  readonly columns: readonly VolumeColumn[];
  /** Keys to other tables of the same schema (self-references included). */
  readonly foreignKeys: readonly VolumeForeignKey[];
  /** Single-column primary key, if any. */
  readonly primaryKey: string | undefined;
}

/**
 * Reads what volume seeding needs about every ordinary and partitioned table of `schema` straight
 * from the catalog: columns with their types and CHECK-listed values, primary keys, foreign keys.
 */
export async function readVolumeCatalog(
  client: pg.ClientBase,
  schema: string,
): Promise<readonly VolumeTable[]> {
  const columns = await client.query<{
    table: string;
    name: string;
    type: string;
    type_name: string;
    category: string;
    not_null: boolean;
    database_filled: boolean;
    max_length: number | null;
    enum_labels: string[] | null;
    unique: boolean;
  }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            bt.typname AS type_name, bt.typcategory AS category, a.attnotnull AS not_null,
            (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS database_filled,
            CASE WHEN bt.typname IN ('varchar', 'bpchar') AND a.atttypmod > 4 THEN a.atttypmod - 4 END AS max_length,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = bt.oid) AS enum_labels,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('p', 'u')
                     AND a.attnum = ANY (k.conkey)) AS unique
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const checks = await client.query<{ table: string; column: string; definition: string }>(
    `SELECT c.relname AS table, a.attname AS column, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
      WHERE n.nspname = $1 AND k.contype = 'c' AND cardinality(k.conkey) = 1`,
    [schema],
  );
  const keys = await client.query<{
    table: string;
    constraint: string;
    columns: string[];
    parent_table: string;
    parent_columns: string[];
  }>(
    `SELECT c.relname AS table, k.conname AS constraint, p.relname AS parent_table,
            array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(num, i)
                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num ORDER BY u.i) AS columns,
            array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(num, i)
                    JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num ORDER BY u.i) AS parent_columns
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE n.nspname = $1 AND pn.nspname = $1 AND k.contype = 'f' AND k.conparentid = 0
      ORDER BY c.relname, k.conname`,
    [schema],
  );
  const primaryKeys = await client.query<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
      WHERE n.nspname = $1 AND k.contype = 'p' AND cardinality(k.conkey) = 1`,
    [schema],
  );

  const allowed = new Map<string, readonly string[]>();
  for (const check of checks.rows) {
    const values = allowedValuesOf(check.definition);
    if (values.length > 0) allowed.set(`${check.table}.${check.column}`, values);
  }
  const tables = new Map<string, { columns: VolumeColumn[]; foreignKeys: VolumeForeignKey[] }>();
  const entry = (table: string) => {
    let found = tables.get(table);
    if (found === undefined) {
      found = { columns: [], foreignKeys: [] };
      tables.set(table, found);
    }
    return found;
  };
  const checksOf = new Map<string, string[]>();
  for (const check of checks.rows) {
    if (allowed.has(`${check.table}.${check.column}`)) continue;
    const key = `${check.table}.${check.column}`;
    checksOf.set(key, [...(checksOf.get(key) ?? []), check.definition]);
  }
  for (const row of columns.rows) {
    const ownChecks = row.category === 'S' ? (checksOf.get(`${row.table}.${row.name}`) ?? []) : [];
    const range =
      row.category === 'N'
        ? rangeByChecks(row.name, checksOf.get(`${row.table}.${row.name}`) ?? [])
        : undefined;
    const bounded = range !== undefined && (range.min !== null || range.max !== null);
    const textAffix =
      ownChecks.length === 0 ? undefined : await acceptedTextAffix(client, row.name, row.type, ownChecks);
    entry(row.table).columns.push({
      name: row.name,
      type: row.type,
      typeName: row.type_name,
      category: row.category,
      notNull: row.not_null,
      databaseFilled: row.database_filled,
      maxLength: row.max_length ?? undefined,
      enumLabels: row.enum_labels ?? [],
      allowedValues: allowed.get(`${row.table}.${row.name}`) ?? [],
      unique: row.unique,
      ...(bounded ? { range } : {}),
      ...(textAffix === undefined ? {} : { textAffix }),
    });
  }
  for (const row of keys.rows) {
    entry(row.table).foreignKeys.push({
      constraint: row.constraint,
      columns: row.columns,
      parentTable: row.parent_table,
      parentColumns: row.parent_columns,
    });
  }
  const primaryKeyOf = new Map(primaryKeys.rows.map((row) => [row.table, row.column]));
  return [...tables].map(([name, table]) => ({
    name,
    columns: table.columns,
    foreignKeys: table.foreignKeys,
    primaryKey: primaryKeyOf.get(name),
  }));
}

/**
 * The literals of `CHECK ((col = ANY (ARRAY['a'::text, 'b'::text])))`, which is how PostgreSQL prints
 * both `col IN ('a', 'b')` and `col = ANY (…)`; empty for any other CHECK.
 */
export function allowedValuesOf(definition: string): readonly string[] {
  const list = /=\s*ANY\s*\(+ARRAY\[(.*)\]/s.exec(definition)?.[1];
  if (list === undefined) return [];
  return [...list.matchAll(/'((?:[^']|'')*)'/g)].map((match) => (match[1] ?? '').replaceAll("''", "'"));
}

/**
 * The first of {@link TEXT_SHAPES} whose values the column's CHECKs accept for every sample row, as the
 * database evaluates them (a CHECK passes on true or NULL); undefined when none does, so the insert
 * reports the CHECK that refused it. A CHECK that raises on a candidate counts as refusing it.
 */
async function acceptedTextAffix(
  client: pg.ClientBase,
  column: string,
  type: string,
  definitions: readonly string[],
): Promise<TextAffix | undefined> {
  const predicate = definitions
    .map(
      (definition) => `(${definition.replace(/^CHECK\s*/i, '').replace(/\s*NOT VALID$/i, '')}) IS NOT FALSE`,
    )
    .join(' AND ');
  for (const shape of TEXT_SHAPES) {
    const prefix = shape.prefix.replaceAll('{name}', column);
    const salt = shape.salted ? `${SAMPLE_SALT}-` : '';
    const candidates = SAMPLE_ROWS.map((row) =>
      shape.letters === undefined
        ? `${prefix}${salt}${row}${shape.suffix}`
        : `${prefix}${spellInLetters(SAMPLE_SALT, row, shape.letters)}${shape.suffix}`,
    );
    await client.query('SAVEPOINT mg_text_affix');
    try {
      const result = await client.query<{ ok: boolean }>(
        `SELECT coalesce(bool_and(${predicate}), false) AS ok
           FROM unnest($1::text[]) AS s(v) CROSS JOIN LATERAL (SELECT s.v::${type} AS ${quoteIdent(column)}) AS k`,
        [candidates],
      );
      await client.query('RELEASE SAVEPOINT mg_text_affix');
      if (result.rows[0]?.ok === true) return { ...shape, prefix };
    } catch {
      // The CHECK raised on this shape (a cast inside it, say): try the next one.
      await client.query('ROLLBACK TO SAVEPOINT mg_text_affix');
    }
  }
  return undefined;
}
