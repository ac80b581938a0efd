import type pg from 'pg';
import { pgErrorFields } from '../../db/pg-error.ts';
import { qualifiedName, quoteIdent } from '../../db/sql-identifier.ts';
import type { ForeignKey, ReferentialAction } from '../../catalog/foreign-keys.ts';

/** What happened to a referencing row when its parent was deleted. */
export type DeleteOutcome =
  | { readonly kind: 'deleted' }
  | { readonly kind: 'set-null' }
  /** The referencing columns changed to something other than NULL (SET DEFAULT). */
  | { readonly kind: 'changed' }
  /** The parent is gone and the child still points at it: an orphan the constraint should have prevented. */
  | { readonly kind: 'unchanged' }
  /** The delete was refused by the foreign key under test (`23503` / `23001`). */
  | { readonly kind: 'refused'; readonly code: string }
  /** The parent's DELETE affected no row (a trigger or rule swallowed it). */
  | { readonly kind: 'parent-kept' }
  /** The delete failed for another reason than this foreign key. */
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** The outcome a declared ON DELETE action promises. */
export function expectedDeleteOutcome(action: ReferentialAction): DeleteOutcome['kind'] {
  switch (action) {
    case 'CASCADE':
      return 'deleted';
    case 'SET NULL':
      return 'set-null';
    case 'SET DEFAULT':
      return 'changed';
    case 'RESTRICT':
    case 'NO ACTION':
      return 'refused';
  }
}

/** Whether the observed outcome is what the declared action promises (a NULL default counts for SET DEFAULT). */
export function outcomeMatches(action: ReferentialAction, outcome: DeleteOutcome): boolean {
  const expected = expectedDeleteOutcome(action);
  return outcome.kind === expected || (action === 'SET DEFAULT' && outcome.kind === 'set-null');
}

/** One delete-behaviour experiment: which pair was used, and what was observed. */
export interface DeleteProbe {
  readonly outcome: DeleteOutcome;
  /** Referencing columns → values of the parent that was deleted. */
  readonly parentKey: Readonly<Record<string, unknown>>;
  /** Primary key of the child that was observed. */
  readonly childKey: Readonly<Record<string, unknown>>;
  /** Parents tried before one could be deleted without another constraint refusing first. */
  readonly attempts: number;
  /** Other constraints whose referencing rows were deleted first so the parent could go. */
  readonly clearedBlockers: readonly string[];
}

function pgError(error: unknown): { code: string; constraint: string | undefined; message: string } {
  const fields = pgErrorFields(error);
  return {
    code: fields.code ?? 'unknown',
    constraint: fields.constraint,
    message: fields.message ?? String(error),
  };
}

const REFERENTIAL_ERRORS = new Set(['23503', '23001']);

/** Back to the attempt's savepoint; when even that fails (a lost connection), `error` is what is thrown. */
async function undoAttempt(client: pg.ClientBase, error: unknown): Promise<void> {
  await client.query('ROLLBACK TO SAVEPOINT fk_delete_probe').catch(() => {
    throw error;
  });
}

function pairs(fk: ForeignKey, left: string, right: string, leftIsReferenced: boolean): string {
  return fk.columns
    .map((column, i) => {
      const referenced = fk.referencedColumns[i];
      if (referenced === undefined)
        throw new Error(`Foreign key ${fk.constraint} has fewer referenced than referencing columns.`);
      return leftIsReferenced
        ? `${left}.${quoteIdent(referenced)} = ${right}.${quoteIdent(column)}`
        : `${left}.${quoteIdent(column)} = ${right}.${quoteIdent(referenced)}`;
    })
    .join(' AND ');
}

/**
 * Deletes, inside the caller's transaction, the parent of one referencing row of `fk` and observes the
 * row: gone, nulled, changed, untouched, or the delete refused. The caller must roll back.
 *
 * A parent can also be held by OTHER constraints (RESTRICT / NO ACTION children); a refusal naming
 * another constraint says nothing about this one. Such blockers are cleared when they reference the
 * same parent directly (their rows are deleted first), otherwise the next parent is tried.
 * Returns null when no referencing row with a complete key exists (nothing to observe).
 */
export async function probeDeleteBehaviour(
  client: pg.ClientBase,
  fk: ForeignKey,
  allForeignKeys: readonly ForeignKey[],
  childPrimaryKey: readonly string[],
  options: {
    readonly candidates?: number;
    readonly lockTimeout?: string;
    /**
     * Only children whose `column` equals `value` (e.g. the tenant of fixture rows seeded in this
     * transaction), so a staging run deletes its own synthetic rows rather than a customer's.
     */
    readonly scope?: { readonly column: string; readonly value: string };
  } = {},
): Promise<DeleteProbe | null> {
  const child = qualifiedName(fk.schema, fk.table);
  const parent = qualifiedName(fk.referencedSchema, fk.referencedTable);
  const keyObject = (alias: string, columns: readonly string[]): string =>
    `jsonb_build_object(${columns.map((column) => `'${column.replaceAll("'", "''")}', ${alias}.${quoteIdent(column)}`).join(', ')})`;
  const fkColumns = fk.columns.map((column) => `c.${quoteIdent(column)}`).join(', ');
  const complete = fk.columns.map((column) => `c.${quoteIdent(column)} IS NOT NULL`).join(' AND ');
  // Ready-made typed rows from JSON: the lookups compare typed values, so indexes serve them.
  const asChild = `jsonb_populate_record(NULL::${child}, $1::jsonb)`;
  const childByKey = childPrimaryKey
    .map((column) => `c.${quoteIdent(column)} = k.${quoteIdent(column)}`)
    .join(' AND ');

  const scoped =
    options.scope === undefined
      ? ''
      : ` AND c.${quoteIdent(options.scope.column)} = (jsonb_populate_record(NULL::${child}, $2::jsonb)).${quoteIdent(options.scope.column)}`;
  await client.query("SELECT set_config('lock_timeout', $1, true)", [options.lockTimeout ?? '5s']);
  // Only children whose parent exists: an orphan has nothing to delete (the orphan check reports it).
  const candidates = await client.query<{
    child_key: Record<string, unknown>;
    fk_key: Record<string, unknown>;
  }>(
    `SELECT DISTINCT ON (${fkColumns}) ${keyObject('c', childPrimaryKey)} AS child_key, ${keyObject('c', fk.columns)} AS fk_key
       FROM ${child} c
      WHERE ${complete} AND EXISTS (SELECT 1 FROM ${parent} p WHERE ${pairs(fk, 'p', 'c', true)})${scoped}
      ORDER BY ${fkColumns} LIMIT $1`,
    [
      options.candidates ?? 10,
      ...(options.scope === undefined
        ? []
        : [JSON.stringify({ [options.scope.column]: options.scope.value })]),
    ],
  );
  if (candidates.rows.length === 0) return null;

  const childRow = async (childKey: Record<string, unknown>): Promise<Record<string, unknown> | null> => {
    const found = await client.query<{ row: Record<string, unknown> }>(
      `SELECT to_jsonb(c) AS row FROM ${child} c, ${asChild} k WHERE ${childByKey}`,
      [JSON.stringify(childKey)],
    );
    return found.rows[0]?.row ?? null;
  };

  let attempts = 0;
  let last: DeleteProbe | null = null;
  for (const candidate of candidates.rows) {
    attempts += 1;
    const cleared: string[] = [];
    await client.query('SAVEPOINT fk_delete_probe');
    for (;;) {
      try {
        const deleted = await client.query(
          `DELETE FROM ${parent} p USING ${asChild} c WHERE ${pairs(fk, 'p', 'c', true)}`,
          [JSON.stringify(candidate.fk_key)],
        );
        const probe = (outcome: DeleteOutcome): DeleteProbe => ({
          outcome,
          parentKey: candidate.fk_key,
          childKey: candidate.child_key,
          attempts,
          clearedBlockers: cleared,
        });
        if (deleted.rowCount !== 1) return probe({ kind: 'parent-kept' });
        const after = await childRow(candidate.child_key);
        if (after === null) return probe({ kind: 'deleted' });
        if (fk.deleteSetColumns.every((column) => after[column] === null)) return probe({ kind: 'set-null' });
        const unchanged = fk.columns.every(
          (column) => JSON.stringify(after[column]) === JSON.stringify(candidate.fk_key[column]),
        );
        return probe(unchanged ? { kind: 'unchanged' } : { kind: 'changed' });
      } catch (error) {
        const failure = pgError(error);
        await undoAttempt(client, error);
        const base = {
          parentKey: candidate.fk_key,
          childKey: candidate.child_key,
          attempts,
          clearedBlockers: cleared,
        };
        if (REFERENTIAL_ERRORS.has(failure.code) && failure.constraint === fk.constraint) {
          return { ...base, outcome: { kind: 'refused', code: failure.code } };
        }
        last = { ...base, outcome: { kind: 'error', code: failure.code, message: failure.message } };
        const blocker = allForeignKeys.find((other) => other.constraint === failure.constraint);
        const clearable =
          REFERENTIAL_ERRORS.has(failure.code) &&
          blocker !== undefined &&
          blocker.referencedSchema === fk.referencedSchema &&
          (blocker.referencedTable === fk.referencedTable || blocker.referencedTable === fk.table) &&
          cleared.length < 5 &&
          !cleared.includes(blocker.constraint);
        if (!clearable) break;
        // The savepoint undid the clears made so far; redo them with the new blocker added.
        cleared.push(blocker.constraint);
        const clearing = await clearBlockers(client, fk, cleared, allForeignKeys, candidate.fk_key);
        if (clearing !== 'cleared') {
          // Held further down: try the next parent. Any other failure is recorded as what it is.
          if (clearing !== 'held') last = { ...base, outcome: { kind: 'error', ...clearing } };
          break;
        }
        if ((await childRow(candidate.child_key)) === null) break;
      }
    }
    await client.query('ROLLBACK TO SAVEPOINT fk_delete_probe');
  }
  return last;
}

/**
 * Deletes the rows that reference the candidate parent through each blocker: `cleared`, or `held` when
 * a blocker's own rows are referenced in turn (a foreign-key violation). Any other failure — a lock
 * timeout, a trigger's error — is returned as it is, never taken for a held row; one the savepoint
 * cannot be rolled back after (a lost connection) is thrown.
 */
async function clearBlockers(
  client: pg.ClientBase,
  fk: ForeignKey,
  blockers: readonly string[],
  allForeignKeys: readonly ForeignKey[],
  fkKey: Record<string, unknown>,
): Promise<'cleared' | 'held' | { readonly code: string; readonly message: string }> {
  const asChild = `jsonb_populate_record(NULL::${qualifiedName(fk.schema, fk.table)}, $1::jsonb)`;
  try {
    for (const name of blockers) {
      const blocker = allForeignKeys.find((other) => other.constraint === name);
      if (blocker === undefined) return 'held';
      // Rows holding the parent itself.
      if (blocker.referencedTable === fk.referencedTable) {
        await client.query(
          `DELETE FROM ${qualifiedName(blocker.schema, blocker.table)} b
            USING ${qualifiedName(fk.referencedSchema, fk.referencedTable)} p, ${asChild} c
            WHERE ${pairs(fk, 'p', 'c', true)} AND ${pairs(blocker, 'b', 'p', false)}`,
          [JSON.stringify(fkKey)],
        );
      }
      // Rows holding the parent's children, which the cascade under test is about to remove.
      if (blocker.referencedTable === fk.table) {
        const sameKey = fk.columns
          .map((column) => `ch.${quoteIdent(column)} = c.${quoteIdent(column)}`)
          .join(' AND ');
        await client.query(
          `DELETE FROM ${qualifiedName(blocker.schema, blocker.table)} b
            USING ${qualifiedName(fk.schema, fk.table)} ch, ${asChild} c
            WHERE ${sameKey} AND ${pairs(blocker, 'b', 'ch', false)}`,
          [JSON.stringify(fkKey)],
        );
      }
    }
    return 'cleared';
  } catch (error) {
    const failure = pgError(error);
    await undoAttempt(client, error);
    return REFERENTIAL_ERRORS.has(failure.code) ? 'held' : { code: failure.code, message: failure.message };
  }
}
