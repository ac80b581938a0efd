import pg from 'pg';
import { isSafeNumber, parse } from 'lossless-json';

/** OIDs of `json` and `jsonb`, whose values the driver parses into JavaScript. */
const JSON_TYPE_OIDS = new Set([114, 3802]);

/** A number token of 16 or more digits: the only kind JSON.parse can round (2^53 has 16 digits). */
const LONG_NUMBER = /\d(?:\.?\d){15}/;

/**
 * Parses a `json` / `jsonb` value without losing digits: a number JavaScript cannot hold exactly (a
 * snowflake id above 2^53, a `numeric` with 20 decimals) becomes the string PostgreSQL printed, which
 * `jsonb_populate_record` and parameters turn back into the same value. Every other number stays a
 * number. Text without a 16-digit run, nearly all of it, takes the native parser.
 */
export function parseJsonLossless(text: string): unknown {
  if (!LONG_NUMBER.test(text)) return JSON.parse(text);
  return parse(text, null, (value) => (isSafeNumber(value) ? Number(value) : value));
}

/** pg's `types` for the gate's connections: its own parsers, except lossless JSON. */
export const LOSSLESS_JSON_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    JSON_TYPE_OIDS.has(oid) && format !== 'binary'
      ? parseJsonLossless
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};
