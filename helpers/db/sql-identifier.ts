/** Quotes an identifier for SQL text (table, column, role names): `my"table` → `"my""table"`. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('An SQL identifier cannot be empty.');
  if (name.includes('\u0000')) throw new Error('An SQL identifier cannot contain a NUL character.');
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.table`, both parts quoted. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
