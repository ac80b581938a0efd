import type pg from 'pg';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';
import type { ForeignKey } from '../catalog/foreign-keys.ts';

/** Referencing rows whose key matches no referenced row. */
export interface OrphanScan {
  /** Rows without a parent. */
  readonly orphans: number;
  /** Distinct missing keys (referencing column → value) with their row counts, most rows first. */
  readonly samples: readonly Readonly<Record<string, unknown>>[];
}

/**
 * The anti-join a foreign key promises to be empty, generated from the catalog over ALL key columns,
 * so composite keys are checked as keys, not column by column. Honours the match type: MATCH SIMPLE
 * ignores a key with any NULL, MATCH FULL counts a partly-NULL key as an orphan. It runs for NOT
 * VALID constraints too, which is where orphans hide.
 */
export async function scanOrphans(
  client: pg.ClientBase,
  fk: ForeignKey,
  sampleLimit = 20,
): Promise<OrphanScan> {
  const pairs = fk.columns.map((column, i) => {
    const referenced = fk.referencedColumns[i];
    if (referenced === undefined)
      throw new Error(`Foreign key ${fk.constraint} has fewer referenced than referencing columns.`);
    return `p.${quoteIdent(referenced)} = c.${quoteIdent(column)}`;
  });
  const keyColumns = fk.columns.map((column) => `c.${quoteIdent(column)}`).join(', ');
  const sampleColumns = fk.columns.map(quoteIdent).join(', ');
  const missingParent = `NOT EXISTS (SELECT 1 FROM ${qualifiedName(fk.referencedSchema, fk.referencedTable)} p WHERE ${pairs.join(' AND ')})`;
  const allSet = fk.columns.map((column) => `c.${quoteIdent(column)} IS NOT NULL`).join(' AND ');
  const anySet = fk.columns.map((column) => `c.${quoteIdent(column)} IS NOT NULL`).join(' OR ');
  const orphan = fk.matchFull
    ? `(${anySet}) AND (NOT (${allSet}) OR ${missingParent})`
    : `${allSet} AND ${missingParent}`;
  const result = await client.query<{ orphans: number; samples: Record<string, unknown>[] }>(
    `WITH orphan AS (SELECT ${keyColumns} FROM ${qualifiedName(fk.schema, fk.table)} c WHERE ${orphan})
     SELECT (SELECT count(*) FROM orphan)::int AS orphans,
            (SELECT coalesce(json_agg(s), '[]'::json) FROM (
               SELECT ${sampleColumns}, count(*)::int AS rows FROM orphan
                GROUP BY ${sampleColumns} ORDER BY count(*) DESC LIMIT $1) s) AS samples`,
    [sampleLimit],
  );
  const row = result.rows[0];
  return { orphans: row?.orphans ?? 0, samples: row?.samples ?? [] };
}
