import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { GateError } from '../gate-error.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';
import { patternSample, patternsInCheck } from './pattern-sample.ts';

/** A column whose values a fresh key must avoid (and whose CHECKs it must satisfy). */
export interface KeyPlace {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
}

/** What the catalog says about a key column: its type and the constraints a value must meet. */
export interface KeyColumnFacts {
  readonly place: KeyPlace;
  /** Declared type, as `format_type` prints it (a domain keeps its name). */
  readonly declaredType: string;
  /** The base type (a domain's), as `format_type` prints it without modifier: `integer`, `text`, `uuid`. */
  readonly castType: string;
  /** `pg_type.typname` of the base type: `int4`, `varchar`, `uuid`, … */
  readonly baseType: string;
  readonly notNull: boolean;
  readonly maxLength: number | null;
  /** CHECK expressions on this column alone (table level, by column name; domain level, by `VALUE`). */
  readonly checks: readonly string[];
}

const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-9223372036854775808n, 9223372036854775807n],
};
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext', 'name']);

/** Kinds of key the gate can invent values for. */
export type KeyKind = 'uuid' | 'integer' | 'text';

/** `uuid`, `integer` (smallint, integer, bigint — serial and identity too) or `text` (text, varchar, char, citext). */
export function keyKindOf(baseType: string): KeyKind | null {
  if (baseType === 'uuid') return 'uuid';
  if (baseType in INTEGER_RANGES) return 'integer';
  return TEXT_TYPES.has(baseType) ? 'text' : null;
}

/** Reads type, NOT NULL, length limit and single-column CHECKs of `place`; null when there is no such column. */
export async function readKeyColumn(client: pg.ClientBase, place: KeyPlace): Promise<KeyColumnFacts | null> {
  const result = await client.query<{
    declared_type: string;
    cast_type: string;
    base_type: string;
    not_null: boolean;
    max_length: number | null;
    checks: string[];
  }>(
    `SELECT format_type(a.atttypid, a.atttypmod) AS declared_type, format_type(bt.oid, NULL) AS cast_type,
            bt.typname AS base_type, (a.attnotnull OR t.typnotnull) AS not_null,
            CASE WHEN bt.typname IN ('varchar', 'bpchar') AND coalesce(nullif(a.atttypmod, -1), t.typtypmod) > 4
                 THEN coalesce(nullif(a.atttypmod, -1), t.typtypmod) - 4 END AS max_length,
            array(SELECT pg_get_constraintdef(con.oid) FROM pg_constraint con
                   WHERE con.contype = 'c' AND ((con.conrelid = c.oid AND con.conkey = ARRAY[a.attnum])
                      OR con.contypid = a.atttypid)
                   ORDER BY con.conname) AS checks
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped`,
    [place.schema, place.table, place.column],
  );
  const row = result.rows[0];
  if (row === undefined) return null;
  return {
    place,
    declaredType: row.declared_type,
    castType: row.cast_type,
    baseType: row.base_type,
    notNull: row.not_null,
    maxLength: row.max_length,
    checks: row.checks.map((check) => check.replace(/^CHECK /, '').replace(/ NOT VALID$/, '')),
  };
}

function randomBigInt(low: bigint, high: bigint): bigint {
  const span = high - low + 1n;
  if (span <= 0n) return low;
  const random = BigInt(`0x${randomBytes(8).toString('hex')}`);
  return low + (random % span);
}

/**
 * Integer candidates, most natural first: above the largest value in use, anywhere positive in range,
 * below the smallest value in use, then negative (a CHECK may refuse those; the database decides).
 */
function integerCandidates(
  range: readonly [bigint, bigint],
  used: { min: bigint; max: bigint } | null,
): string[] {
  const [low, high] = range;
  const spread = 1_000_000n;
  const batch = (make: () => bigint | null): bigint[] =>
    Array.from({ length: 16 }, make).filter((value): value is bigint => value !== null);
  const out = [
    ...batch(() =>
      used !== null && used.max < high
        ? randomBigInt(used.max + 1n, used.max + spread < high ? used.max + spread : high)
        : null,
    ),
    ...batch(() => randomBigInt(1n, high)),
    ...batch(() => randomBigInt(1n, 1000n)),
    ...batch(() =>
      used !== null && used.min > low
        ? randomBigInt(used.min - spread > low ? used.min - spread : low, used.min - 1n)
        : null,
    ),
    ...batch(() => randomBigInt(low, -1n)),
  ];
  return out.map(String);
}

/** Text candidates (random, so unique keys hold): samples of every pattern a CHECK names, then random strings of several lengths and alphabets. */
export function textCandidates(facts: readonly KeyColumnFacts[]): string[] {
  const out: string[] = [];
  const patterns = facts.flatMap((fact) => fact.checks.flatMap(patternsInCheck));
  for (const pattern of patterns) for (let i = 0; i < 24; i += 1) out.push(patternSample(pattern));
  const maxLength = Math.min(...facts.map((fact) => fact.maxLength ?? Number.POSITIVE_INFINITY));
  const alphabets = [
    '0123456789abcdef',
    '0123456789',
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    'abcdefghijklmnopqrstuvwxyz',
  ];
  for (const length of [12, 8, 16, 6, 4, 10, 20, 32, 3, 2, 24, 1, 5, 7, 9, 11])
    for (const alphabet of alphabets) {
      const size = Math.min(length, maxLength);
      out.push(Array.from({ length: size }, () => alphabet.charAt(randomInt(0, alphabet.length))).join(''));
    }
  if (Number.isFinite(maxLength)) out.push(...out.splice(0).filter((value) => value.length <= maxLength));
  return out;
}

/** Those of `candidates` (in order) that every CHECK of `fact` accepts (a CHECK passes on true or NULL). */
export async function acceptedByChecks(
  client: pg.ClientBase,
  fact: KeyColumnFacts,
  candidates: readonly string[],
): Promise<string[]> {
  if (fact.checks.length === 0 || candidates.length === 0) return [...candidates];
  const column = quoteIdent(fact.place.column);
  // Table CHECKs read the column by name, domain CHECKs as VALUE: the candidate goes by both names.
  const alias = fact.place.column === 'value' ? '' : `, s.v::${fact.castType} AS value`;
  const result = await client.query<{ v: string }>(
    `SELECT s.v FROM unnest($1::text[]) WITH ORDINALITY AS s(v, n)
       CROSS JOIN LATERAL (SELECT s.v::${fact.castType} AS ${column}${alias}) AS k
      WHERE ${fact.checks.map((check) => `(${check}) IS NOT FALSE`).join(' AND ')}
      ORDER BY s.n`,
    [candidates],
  );
  return result.rows.map((row) => row.v);
}

/** Those of `candidates` no row of `fact`'s column holds. */
async function absentFrom(
  client: pg.ClientBase,
  fact: KeyColumnFacts,
  candidates: readonly string[],
): Promise<Set<string>> {
  const { schema, table, column } = fact.place;
  const result = await client.query<{ v: string }>(
    `SELECT s.v FROM unnest($1::text[]) AS s(v)
      WHERE NOT EXISTS (SELECT 1 FROM ${qualifiedName(schema, table)} AS t
                         WHERE t.${quoteIdent(column)} = s.v::${fact.castType})`,
    [candidates],
  );
  return new Set(result.rows.map((row) => row.v));
}

async function usedRange(
  client: pg.ClientBase,
  facts: readonly KeyColumnFacts[],
): Promise<{ min: bigint; max: bigint } | null> {
  let range: { min: bigint; max: bigint } | null = null;
  for (const { place } of facts) {
    const result = await client.query<{ min: string | null; max: string | null }>(
      `SELECT min(t.${quoteIdent(place.column)})::text AS min, max(t.${quoteIdent(place.column)})::text AS max
         FROM ${qualifiedName(place.schema, place.table)} AS t`,
    );
    const { min, max } = result.rows[0] ?? { min: null, max: null };
    if (min === null || max === null) continue;
    range =
      range === null
        ? { min: BigInt(min), max: BigInt(max) }
        : {
            min: BigInt(min) < range.min ? BigInt(min) : range.min,
            max: BigInt(max) > range.max ? BigInt(max) : range.max,
          };
  }
  return range;
}

/**
 * Values handed out by this process, so two open transactions (which cannot see each other's rows)
 * never pick the same key and wait on each other's unique index.
 */
const claimed = new Set<string>();

const ROUNDS = 4;

/**
 * `count` distinct values of the key type shared by `places` that no row of any of them holds and
 * that every single-column CHECK (and domain CHECK, and length limit) of each accepts — verified by
 * the database, not guessed. Integers are taken above the largest value in use (or below the smallest,
 * or anywhere in the type's range); text values are sampled from the CHECK's pattern when it has one.
 * Throws a {@link GateError} naming the column and its constraints when no value can be found.
 *
 * @example
 * ```ts
 * const [a, b] = await freshKeyValues(client, [{ schema: 'public', table: 'tenants', column: 'id' }], 2);
 * ```
 */
export async function freshKeyValues(
  client: pg.ClientBase,
  places: readonly KeyPlace[],
  count: number,
): Promise<string[]> {
  const facts: KeyColumnFacts[] = [];
  for (const place of places) {
    const fact = await readKeyColumn(client, place);
    if (fact === null)
      throw new GateError(`column ${place.schema}.${place.table}.${place.column} does not exist`);
    facts.push(fact);
  }
  const first = facts[0];
  if (first === undefined) throw new GateError('a fresh key needs at least one column to take its type from');
  const kind = keyKindOf(first.baseType);
  const mixed = facts.find((fact) => keyKindOf(fact.baseType) !== kind);
  if (kind === null || mixed !== undefined) {
    const odd = mixed ?? first;
    throw new GateError(
      `the gate cannot invent values for ${odd.place.table}.${odd.place.column} of type ${odd.declaredType}${mixed === undefined ? '' : ` (other key columns are ${first.declaredType})`}; tenant keys may be uuid, smallint/integer/bigint or text/varchar`,
    );
  }
  const used = kind === 'integer' ? await usedRange(client, facts) : null;
  const chosen: string[] = [];
  for (let round = 0; round < ROUNDS && chosen.length < count; round += 1) {
    let candidates =
      kind === 'uuid'
        ? Array.from({ length: count * 2 }, () => randomUUID())
        : kind === 'integer'
          ? integerCandidates(
              facts.reduce<readonly [bigint, bigint]>(
                (range, fact) => {
                  const [low, high] = INTEGER_RANGES[fact.baseType] ?? range;
                  return [low > range[0] ? low : range[0], high < range[1] ? high : range[1]];
                },
                INTEGER_RANGES['int8'] ?? [0n, 0n],
              ),
              used,
            )
          : textCandidates(facts);
    candidates = [...new Set(candidates)].filter((value) => !claimed.has(value) && !chosen.includes(value));
    for (const fact of facts) candidates = await acceptedByChecks(client, fact, candidates);
    for (const fact of facts) {
      const absent = await absentFrom(client, fact, candidates);
      candidates = candidates.filter((value) => absent.has(value));
    }
    chosen.push(...candidates.slice(0, count - chosen.length));
  }
  if (chosen.length < count) {
    const constraints = facts.flatMap((fact) => fact.checks.map((check) => `${fact.place.table}: ${check}`));
    throw new GateError(
      `the gate found only ${chosen.length} of ${count} free values for ${facts.map((f) => `${f.place.table}.${f.place.column}`).join(', ')} (${first.declaredType}) that are unused and pass ${constraints.length === 0 ? 'the type' : constraints.join('; ')}; loosen the CHECK or give the gate a wider key range`,
    );
  }
  for (const value of chosen) claimed.add(value);
  return chosen;
}

/** A tenant-scoped table and the column that carries its tenant (as `discoverTenantTables` reports it). */
export interface TenantKeyTable {
  readonly table: string;
  readonly tenantColumn: string;
}

/**
 * `count` tenant ids that no tenant-scoped table holds yet, of the tenant key's own type, passing
 * every tenant column's CHECKs: fresh per run, so a populated target never collides with them.
 */
export function freshTenantIds(
  client: pg.ClientBase,
  schema: string,
  tables: readonly TenantKeyTable[],
  count: number,
): Promise<string[]> {
  return freshKeyValues(
    client,
    tables.map(({ table, tenantColumn }) => ({ schema, table, column: tenantColumn })),
    count,
  );
}
