/** JSON values: what a check may record, and what survives the trip from a test worker to the reporter. */

export type JsonPrimitive = string | number | boolean | null;

/** Any value `JSON.stringify` writes and `JSON.parse` reads back unchanged. */
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object, e.g. one offending row. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
