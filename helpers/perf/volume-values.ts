import { integerBounds } from '../synthesis/synthesised-value.ts';
import type { VolumeColumn } from './volume-catalog.ts';

/** Collects the parameters of one statement and hands out their `$n` placeholders. */
export class SqlParameters {
  readonly #values: unknown[];

  constructor(initial: readonly unknown[] = []) {
    this.#values = [...initial];
  }

  /** Adds `value` and returns its placeholder, `$n`. */
  add(value: unknown): string {
    this.#values.push(value);
    return `$${this.#values.length}`;
  }

  get values(): readonly unknown[] {
    return this.#values;
  }
}

/** Why a column could not be given a value, for the seeding summary. */
export class UnsupportedColumnError extends Error {}

/**
 * An integer for row `g` within the column's CHECK bounds: distinct from every existing value for a
 * unique column (from its largest, or from the lower bound), else cycling through the allowed range
 * (0 … 999, or 0 … 31 999 for smallint, when unbounded).
 */
function integerValue(column: VolumeColumn, g: string, uniqueBase: () => string): string {
  const cast = `::${column.type}`;
  const { lo, hi } = column.range === undefined ? { lo: null, hi: null } : integerBounds(column.range);
  if (column.unique) {
    const base = lo === null ? uniqueBase() : `greatest(${uniqueBase()}, ${lo - 1})`;
    return `(${base} + 1 + ${g})${cast}`;
  }
  const from = lo ?? (hi === null ? 0 : Math.min(0, hi));
  const span = hi === null ? (column.typeName === 'int2' ? 32_000 : 1000) : Math.max(1, hi - from + 1);
  return `(${from} + ${g} % ${span})${cast}`;
}

/**
 * A number for row `g` strictly inside the column's CHECK bounds: 0.1 … 0.9 when unbounded (fits any
 * precision and scale, passes "> 0"), else that fraction of the bounded range, or that far inside the
 * one bound.
 */
function numericValue(column: VolumeColumn, g: string): string {
  const cast = `::${column.type}`;
  const fraction = `((1 + ${g} % 9) / 10.0)`;
  const { min = null, max = null } = column.range ?? {};
  if (min !== null && max !== null) return `(${min} + ${max - min} * ${fraction})${cast}`;
  if (min !== null) return `(${min} + ${fraction})${cast}`;
  if (max !== null) return `(${max} - ${fraction})${cast}`;
  return `${fraction}${cast}`;
}

/**
 * A set-based SQL expression giving row number `g` (an SQL expression, 0-based) a value for
 * `column`, distinct per row where the type allows it (so unique constraints hold), within the values
 * a CHECK or an enum allows. `uniqueBase` is an SQL expression giving the largest existing integer
 * value of the column, for integer keys without a default.
 */
export function volumeValue(
  column: VolumeColumn,
  g: string,
  params: SqlParameters,
  salt: string,
  uniqueBase: () => string,
): string {
  const cast = `::${column.type}`;
  const choices = column.allowedValues.length > 0 ? column.allowedValues : column.enumLabels;
  if (choices.length > 0) return `(${params.add(choices)}::text[])[1 + ${g} % ${choices.length}]${cast}`;
  if (column.category === 'A') return `'{}'${cast}`;
  switch (column.typeName) {
    case 'uuid':
      return `md5(${params.add(`${salt}:${column.name}:`)} || ${g}::text)::uuid`;
    case 'int2':
    case 'int4':
    case 'int8':
      return integerValue(column, g, uniqueBase);
    case 'numeric':
    case 'float4':
    case 'float8':
    case 'money':
      return numericValue(column, g);
    case 'bool':
      return `(${g} % 2 = 0)`;
    case 'date':
      return `(current_date - (${g} % 365)::int)`;
    case 'timestamp':
    case 'timestamptz':
      return `(now() - (${g} % 86400) * interval '1 second')${cast}`;
    case 'time':
    case 'timetz':
      return `'12:00'${cast}`;
    case 'interval':
      return `((${g} % 60) * interval '1 minute')`;
    case 'json':
    case 'jsonb':
      return `'{}'${cast}`;
    case 'bytea':
      return `decode(md5(${g}::text), 'hex')`;
    case 'inet':
    case 'cidr':
      return `'10.0.0.1'${cast}`;
    default:
      break;
  }
  if (column.category === 'S' && column.textAffix !== undefined) {
    // A shape the column's CHECKs were shown to accept; the row number keeps values distinct.
    const { prefix, suffix, salted, letters } = column.textAffix;
    // Letters only: digits spelled a–j (as spellInLetters does), salt and row joined by a `z`.
    const spell = (sql: string): string =>
      `translate(${sql}, '0123456789', '${letters === 'upper' ? 'ABCDEFGHIJ' : 'abcdefghij'}')`;
    const value =
      letters === undefined
        ? `(${params.add(salted ? `${prefix}${salt}-` : prefix)}::text || ${g}::text || ${params.add(suffix)}::text)`
        : `(${params.add(prefix)}::text || ${letters === 'upper' ? 'upper' : 'lower'}(${spell(`${params.add(`${salt}z`)}::text`)}) || ${spell(`${g}::text`)} || ${params.add(suffix)}::text)`;
    return column.maxLength === undefined ? `${value}${cast}` : `left(${value}, ${column.maxLength})${cast}`;
  }
  if (column.category === 'S') {
    const prefix = params.add(`${column.name}-${salt}-`);
    return column.maxLength === undefined
      ? `(${prefix} || ${g}::text)${cast}`
      : `left(${g}::text || '-' || ${prefix}, ${column.maxLength})${cast}`;
  }
  throw new UnsupportedColumnError(
    `column ${column.name} of type ${column.type} is NOT NULL without a default and volume seeding cannot synthesise it`,
  );
}
