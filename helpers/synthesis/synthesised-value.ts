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

/** The bounds `col >= n`, `col > n`, `col <= n` and `col < n` CHECKs (BETWEEN among them) put on a column. */
export interface CheckRange {
  readonly min: number | null;
  readonly minExclusive: boolean;
  readonly max: number | null;
  readonly maxExclusive: boolean;
}

/** The tightest bounds the column's CHECKs give, as `pg_get_constraintdef` prints them. */
export function rangeByChecks(column: string, checks: readonly string[]): CheckRange {
  const ref = columnPattern(column);
  let range: CheckRange = { min: null, minExclusive: false, max: null, maxExclusive: false };
  for (const check of checks) {
    // `<>` is no bound; BETWEEN prints as `((c >= 1) AND (c <= 5))`, so every comparison is read.
    const pattern = new RegExp(`${ref}(?:::[a-z ]+)? (>=|>|<=|<)(?!>) \\(?'?(-?[0-9.]+)`, 'gi');
    for (const match of check.matchAll(pattern)) {
      const value = Number(match[2]);
      if (!Number.isFinite(value)) continue;
      const exclusive = match[1] === '>' || match[1] === '<';
      if (match[1]?.startsWith('>')) {
        if (range.min === null || value > range.min || (value === range.min && exclusive))
          range = { ...range, min: value, minExclusive: exclusive };
      } else if (range.max === null || value < range.max || (value === range.max && exclusive)) {
        range = { ...range, max: value, maxExclusive: exclusive };
      }
    }
  }
  return range;
}

/** The smallest and largest integers the range allows (null: unbounded on that side). */
export function integerBounds(range: CheckRange): { readonly lo: number | null; readonly hi: number | null } {
  const { min, max } = range;
  return {
    lo: min === null ? null : range.minExclusive ? Math.floor(min) + 1 : Math.ceil(min),
    hi: max === null ? null : range.maxExclusive ? Math.ceil(max) - 1 : Math.floor(max),
  };
}

/** A random integer within the range (from 1 and `span` wide when it is open), or its bound when it is empty. */
function integerIn(range: CheckRange, span: number): number {
  const bounds = integerBounds(range);
  const lo = bounds.lo ?? 1;
  const hi = bounds.hi ?? lo + span;
  return hi < lo ? lo : lo + randomInt(0, hi - lo + 1);
}

/** A number within the range: its middle when both ends are bounded, else 1 or a bound's neighbour. */
function numberIn(range: CheckRange): number {
  const { min, max } = range;
  if (min !== null && max !== null) return (min + max) / 2;
  if (min !== null) return range.minExclusive ? min + 1 : min;
  if (max !== null) return 1 < max || (1 === max && !range.maxExclusive) ? 1 : max - 1;
  return 1;
}

/**
 * A value of the column's type that satisfies the CHECKs that can be read (IN lists, bounds);
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
  const range = rangeByChecks(column.name, checks);
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
      return { ok: true, value: integerIn(range, Math.min(30_000, 32_767 - Math.max(1, range.min ?? 1))) };
    case 'int4':
    case 'int8':
      return { ok: true, value: integerIn(range, 1_000_000) };
    case 'numeric':
    case 'float4':
    case 'float8':
    case 'money':
      return { ok: true, value: numberIn(range) };
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
