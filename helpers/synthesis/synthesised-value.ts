import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { JsonValue } from '../json-value.ts';
import type { SynthesisColumn } from './synthesis-shape.ts';

/** A value for one column, or why none could be made. */
export type ColumnValue =
  { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly reason: string };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `"col"` or `col`, as `pg_get_constraintdef` prints a column reference. */
function columnPattern(name: string): string {
  return `(?:"${escapeRegExp(name.replaceAll('"', '""'))}"|${escapeRegExp(name)})`;
}

/**
 * Values a CHECK allows, read from the shapes PostgreSQL prints for `col IN (…)` and `col = …`:
 * `(col = ANY (ARRAY['a'::text, 'b'::text]))`, `(col = 'a'::text)`. Empty when no such shape.
 */
export function allowedByChecks(column: string, checks: readonly string[]): string[] {
  const ref = columnPattern(column);
  const allowed: string[] = [];
  for (const check of checks) {
    const anyArray = new RegExp(`\\(?${ref}\\)?(?:::[a-z ]+)? = ANY \\(\\(?ARRAY\\[(.*?)\\]`, 'i').exec(
      check,
    );
    const list = anyArray?.[1];
    if (list !== undefined) {
      for (const match of list.matchAll(/'((?:[^']|'')*)'/g))
        allowed.push((match[1] ?? '').replaceAll("''", "'"));
      continue;
    }
    const equals = new RegExp(`\\(?${ref}\\)?(?:::[a-z ]+)? = '((?:[^']|'')*)'`, 'i').exec(check);
    if (equals?.[1] !== undefined) allowed.push(equals[1].replaceAll("''", "'"));
  }
  return allowed;
}

/** The smallest number a `col >= n` / `col > n` CHECK allows, or null. */
export function lowerBoundByChecks(column: string, checks: readonly string[]): number | null {
  const ref = columnPattern(column);
  let bound: number | null = null;
  for (const check of checks) {
    const match = new RegExp(`${ref}(?:::[a-z ]+)? (>=|>) \\(?'?(-?[0-9.]+)`, 'i').exec(check);
    if (match?.[2] === undefined) continue;
    const value = Number(match[2]) + (match[1] === '>' ? 1 : 0);
    bound = bound === null ? value : Math.max(bound, value);
  }
  return bound;
}

/**
 * A value of the column's type that satisfies the CHECKs that can be read (IN lists, lower bounds);
 * strings and numbers are random so unique constraints hold. Types with no generator give a reason.
 * `attempt` picks another of the allowed values (enum labels, IN lists) when an earlier row collided.
 */
export function synthesiseValue(
  column: SynthesisColumn,
  checks: readonly string[],
  attempt = 0,
): ColumnValue {
  const allowed = allowedByChecks(column.name, checks);
  const nth = <T>(values: readonly T[]): T | undefined => values[attempt % Math.max(values.length, 1)];
  if (column.enumLabels.length > 0) return { ok: true, value: nth(allowed) ?? nth(column.enumLabels) ?? '' };
  if (allowed.length > 0) {
    const first = nth(allowed) ?? '';
    return { ok: true, value: column.category === 'N' ? Number(first) : first };
  }
  const lower = lowerBoundByChecks(column.name, checks) ?? 1;
  switch (column.baseType) {
    case 'uuid':
      return { ok: true, value: randomUUID() };
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'citext':
    case 'name': {
      const text = `${column.name}-${randomBytes(6).toString('hex')}`;
      return { ok: true, value: column.maxLength === null ? text : text.slice(-column.maxLength) };
    }
    case 'int2':
      return { ok: true, value: lower + randomInt(0, Math.max(1, Math.min(30_000, 32_767 - lower))) };
    case 'int4':
    case 'int8':
      return { ok: true, value: lower + randomInt(0, 1_000_000) };
    case 'numeric':
    case 'float4':
    case 'float8':
    case 'money':
      return { ok: true, value: lower };
    case 'bool':
      return { ok: true, value: false };
    case 'timestamptz':
    case 'timestamp':
    case 'date':
      return { ok: true, value: new Date().toISOString() };
    case 'time':
    case 'timetz':
      return { ok: true, value: '12:00:00' };
    case 'interval':
      return { ok: true, value: '1 hour' };
    case 'json':
    case 'jsonb':
      return { ok: true, value: {} };
    case 'bytea':
      return { ok: true, value: '\\x00' };
    case 'inet':
    case 'cidr':
      return { ok: true, value: '127.0.0.1' };
    default:
      if (column.category === 'A') return { ok: true, value: [] };
      return {
        ok: false,
        reason: `no value generator for NOT NULL column "${column.name}" of type ${column.type} (no default)`,
      };
  }
}
