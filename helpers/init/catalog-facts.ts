import type pg from 'pg';
import { FOREIGN_HISTORY_TABLES } from '../migrations/foreign-history.ts';

/** What `init` reads from a migrated database's catalog (catalog queries only, nothing written). */
export interface CatalogFacts {
  readonly tables: readonly TableFacts[];
  readonly foreignKeys: readonly ForeignKeyFacts[];
  readonly policies: readonly PolicyFacts[];
  /** Non-owner roles holding SELECT/INSERT/UPDATE/DELETE, per table. */
  readonly grants: readonly { readonly table: string; readonly role: string; readonly privilege: string }[];
  /** User functions whose body calls `current_setting('…')`, with the settings it names. */
  readonly settingFunctions: readonly { readonly name: string; readonly settings: readonly string[] }[];
}

export interface TableFacts {
  readonly name: string;
  readonly owner: string;
  readonly rowSecurity: boolean;
  readonly forced: boolean;
  readonly primaryKey: readonly string[];
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

export interface ForeignKeyFacts {
  readonly name: string;
  readonly table: string;
  readonly columns: readonly string[];
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
}

export interface PolicyFacts {
  readonly table: string;
  readonly name: string;
  /** Role names the policy applies to (`public` for everyone). */
  readonly roles: readonly string[];
  readonly expressions: readonly string[];
}

/** The gate's bookkeeping and the history tables of the team's migration tool: never schema tables. */
const BOOKKEEPING = ['alembic_version', 'migration_gate_history', ...FOREIGN_HISTORY_TABLES];

/** Reads the facts of `schema`'s ordinary tables. */
export async function readCatalogFacts(client: pg.ClientBase, schema: string): Promise<CatalogFacts> {
  const tables = await client.query<{
    name: string;
    owner: string;
    row_security: boolean;
    forced: boolean;
    primary_key: string[] | null;
    columns: { name: string; type: string }[];
  }>(
    `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity AS row_security,
            c.relforcerowsecurity AS forced,
            (SELECT array_agg(a.attname::text ORDER BY k.ord)
               FROM pg_constraint p, unnest(p.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
              WHERE p.conrelid = c.oid AND p.contype = 'p') AS primary_key,
            (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod))
                             ORDER BY a.attnum)
               FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ALL($2)
      ORDER BY c.relname`,
    [schema, BOOKKEEPING],
  );
  const foreignKeys = await client.query<{
    name: string;
    table: string;
    columns: string[];
    referenced_table: string;
    referenced_columns: string[];
  }>(
    `SELECT con.conname AS name, c.relname AS table, rc.relname AS referenced_table,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS referenced_columns
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class rc ON rc.oid = con.confrelid
      WHERE con.contype = 'f' AND con.conparentid = 0 AND n.nspname = $1
      ORDER BY c.relname, con.conname`,
    [schema],
  );
  const policies = await client.query<{
    table: string;
    name: string;
    roles: string[];
    expressions: string[];
  }>(
    `SELECT tablename AS table, policyname AS name, roles::text[] AS roles,
            array_remove(ARRAY[qual, with_check], NULL) AS expressions
       FROM pg_policies WHERE schemaname = $1 ORDER BY tablename, policyname`,
    [schema],
  );
  const grants = await client.query<{ table: string; role: string; privilege: string }>(
    `SELECT DISTINCT g.table_name AS table, g.grantee AS role, g.privilege_type AS privilege
       FROM information_schema.role_table_grants g
       JOIN pg_class c ON c.relname = g.table_name JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = g.table_schema
      WHERE g.table_schema = $1 AND g.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
        AND g.grantee <> pg_get_userbyid(c.relowner) AND g.grantee <> 'PUBLIC'
      ORDER BY 1, 2, 3`,
    [schema],
  );
  const functions = await client.query<{ name: string; source: string }>(
    `SELECT p.proname AS name,
            CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) ELSE p.prosrc END AS source
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND p.prokind = 'f'`,
  );
  const settingFunctions = functions.rows.flatMap((row) => {
    const settings = [...(row.source ?? '').matchAll(/current_setting\s*\(\s*'([^']+)'/gi)].flatMap(
      (match) => (match[1] === undefined ? [] : [match[1]]),
    );
    return settings.length === 0 ? [] : [{ name: row.name, settings: [...new Set(settings)] }];
  });
  return {
    tables: tables.rows.map((row) => ({
      name: row.name,
      owner: row.owner,
      rowSecurity: row.row_security,
      forced: row.forced,
      primaryKey: row.primary_key ?? [],
      columns: row.columns,
    })),
    foreignKeys: foreignKeys.rows.map((row) => ({
      name: row.name,
      table: row.table,
      columns: row.columns,
      referencedTable: row.referenced_table,
      referencedColumns: row.referenced_columns,
    })),
    policies: policies.rows,
    grants: grants.rows,
    settingFunctions,
  };
}
