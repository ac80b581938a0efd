import type { JsonValue } from '../helpers/json-value.ts';

/**
 * Converts what a database driver returns into JSON evidence: Dates → ISO strings, bigints → decimal
 * strings (a count above 2^53 must not lose digits), Buffers → hex, non-finite numbers and undefined →
 * null, Maps and Sets → objects and arrays. Cycles become the string "[circular]".
 */
export function toJsonValue(value: unknown): JsonValue {
  return convert(value, new WeakSet<object>());
}

function convert(value: unknown, seen: WeakSet<object>): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return String(value);
    default:
      break;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value !== 'object') return String(value);
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => convert(item, seen));
    if (value instanceof Set) return [...value].map((item: unknown) => convert(item, seen));
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    const result: Record<string, JsonValue> = {};
    for (const [key, item] of entries) result[String(key)] = convert(item, seen);
    return result;
  } finally {
    seen.delete(value);
  }
}
