/**
 * What a thrown value says about a PostgreSQL error, read the one way the gate reads it. pg's
 * `DatabaseError` carries the server's fields (`code` is the SQLSTATE, `constraint`, `table`,
 * `column`, `detail`); anything else thrown gives `undefined` for the fields it does not carry.
 */
export interface PgErrorFields {
  /**
   * The SQLSTATE (`23503`) of a server error. A Node system error's own code (`ECONNREFUSED`) comes
   * through here too, as the driver passes it on: compare with the codes you mean.
   */
  readonly code: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly detail: string | undefined;
  /** The error's own message (no SQLSTATE or detail added); undefined when it has none. */
  readonly message: string | undefined;
}

/** The string-valued {@link PgErrorFields} of `error`, whatever was thrown (a string, null, an Error). */
export function pgErrorFields(error: unknown): PgErrorFields {
  const field = (name: keyof PgErrorFields): string | undefined => {
    if (typeof error !== 'object' || error === null) return undefined;
    const value: unknown = Reflect.get(error, name);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    code: field('code'),
    constraint: field('constraint'),
    table: field('table'),
    column: field('column'),
    detail: field('detail'),
    message: field('message'),
  };
}

/**
 * `42501 permission denied for table <table>`: refused by the table's privileges, before any row is
 * read (a row-level-security refusal reads differently, and another table's denial names that table).
 */
export function isTablePrivilegeDenial(
  fields: { readonly code: string | undefined; readonly message: string | undefined },
  table: string,
): boolean {
  return fields.code === '42501' && (fields.message ?? '').endsWith(`permission denied for table ${table}`);
}
