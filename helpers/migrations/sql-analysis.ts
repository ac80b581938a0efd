import { parse } from 'libpg-query';
import { lineIndex, lineOfOffset } from './sql-position.ts';

/** A statement of a migration as the real PostgreSQL parser sees it. */
export interface AnalysedStatement {
  /** Parse-tree node name, e.g. `CreateStmt`, `IndexStmt`. */
  readonly kind: string;
  readonly line: number;
  /** The statement's own text, so it can be executed (and blamed) on its own. */
  readonly sql: string;
  /** Why the statement cannot run inside the migration's transaction, if it cannot. */
  readonly nonTransactional: string | undefined;
  /** Relations (tables, views, …) the statement creates. */
  readonly creates: readonly string[];
  /** Columns the statement adds to existing tables (`ALTER TABLE … ADD COLUMN`), as `table.column`. */
  readonly addsColumns: readonly string[];
  /** Relations the statement reads, alters or points a foreign key at. */
  readonly references: readonly string[];
}

export type SqlAnalysis =
  | { readonly ok: true; readonly statements: readonly AnalysedStatement[] }
  | { readonly ok: false; readonly message: string; readonly line: number };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(node: JsonObject, key: string): JsonObject | undefined {
  const value = node[key];
  return isObject(value) ? value : undefined;
}

function relnameOf(node: JsonObject | undefined): string | undefined {
  const name = node?.['relname'];
  return typeof name === 'string' ? name : undefined;
}

/** Statement kinds PostgreSQL refuses inside a transaction block, and the reason given to the user. */
function nonTransactionalReason(kind: string, node: JsonObject): string | undefined {
  switch (kind) {
    case 'TransactionStmt':
      return 'transaction control (BEGIN/COMMIT/ROLLBACK) inside a migration; the migrator wraps each file in its own transaction';
    case 'IndexStmt':
      return node['concurrent'] === true ? 'CREATE INDEX CONCURRENTLY cannot run inside a transaction' : undefined;
    case 'DropStmt':
      return node['concurrent'] === true ? 'DROP INDEX CONCURRENTLY cannot run inside a transaction' : undefined;
    case 'ReindexStmt':
      return JSON.stringify(node).includes('"concurrently"') ? 'REINDEX CONCURRENTLY cannot run inside a transaction' : undefined;
    case 'VacuumStmt':
      return 'VACUUM cannot run inside a transaction';
    case 'CreatedbStmt':
    case 'DropdbStmt':
      return 'CREATE/DROP DATABASE cannot run inside a transaction';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM cannot run inside a transaction';
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
      return 'CREATE/DROP TABLESPACE cannot run inside a transaction';
    default:
      return undefined;
  }
}

function createdRelations(kind: string, node: JsonObject): string[] {
  switch (kind) {
    case 'CreateStmt':
      return [relnameOf(field(node, 'relation'))].filter((name): name is string => name !== undefined);
    case 'ViewStmt':
      return [relnameOf(field(node, 'view'))].filter((name): name is string => name !== undefined);
    case 'CreateTableAsStmt':
      return [relnameOf(field(field(node, 'into') ?? {}, 'rel'))].filter((name): name is string => name !== undefined);
    default:
      return [];
  }
}

/** `table.column` for each `ADD COLUMN` of an `ALTER TABLE`. */
function addedColumns(kind: string, node: JsonObject): string[] {
  const table = relnameOf(field(node, 'relation'));
  const commands = node['cmds'];
  if (kind !== 'AlterTableStmt' || table === undefined || !Array.isArray(commands)) return [];
  return commands.flatMap((entry) => {
    const command = isObject(entry) ? field(entry, 'AlterTableCmd') : undefined;
    const column = field(field(command ?? {}, 'def') ?? {}, 'ColumnDef')?.['colname'];
    return command?.['subtype'] === 'AT_AddColumn' && typeof column === 'string' ? [`${table}.${column}`] : [];
  });
}

/** Every `relname` in a subtree: RangeVars are the parser's way of naming a relation. */
function referencedRelations(value: Json, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) referencedRelations(item, into);
  } else if (isObject(value)) {
    const name = relnameOf(value);
    if (name !== undefined) into.add(name);
    for (const child of Object.values(value)) referencedRelations(child, into);
  }
}

interface ParsedStatement {
  readonly stmt?: JsonObject;
  readonly stmt_location?: number;
  /** 0 for the last statement: "up to the end of the text". */
  readonly stmt_len?: number;
}

/** Blank lines and line comments before a statement (sticky: matched at `lastIndex`, no copy of the rest). */
const LEADING = /\s*(?:--[^\n]*\n\s*)*/y;

/** Parses a migration with libpg-query (PostgreSQL's own parser, compiled to WebAssembly). */
export async function analyseSql(sql: string): Promise<SqlAnalysis> {
  // The parser refuses empty input; an empty (or blank) script simply has no statements.
  if (sql.trim() === '') return { ok: true, statements: [] };
  let tree: { stmts?: ParsedStatement[] };
  try {
    tree = (await parse(sql)) as { stmts?: ParsedStatement[] };
  } catch (error) {
    const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const message = details?.message ?? (error instanceof Error ? error.message : String(error));
    return { ok: false, message, line: lineOfOffset(sql, details?.cursorPosition ?? 0) };
  }
  const statements: AnalysedStatement[] = [];
  const lineOf = lineIndex(sql);
  for (const entry of tree.stmts ?? []) {
    const [kind, body] = Object.entries(entry.stmt ?? {})[0] ?? ['Unknown', {}];
    const node = isObject(body) ? body : {};
    const creates = createdRelations(kind, node);
    const references = new Set<string>();
    referencedRelations(node, references);
    for (const created of creates) references.delete(created);
    // The parser reports the offset of the statement start including leading blank lines and comments.
    const start = entry.stmt_location ?? 0;
    LEADING.lastIndex = start;
    const leading = LEADING.exec(sql)?.[0].length ?? 0;
    const length = entry.stmt_len ?? 0;
    statements.push({
      kind,
      line: lineOf(start + leading),
      sql: length > 0 ? sql.slice(start, start + length) : sql.slice(start),
      nonTransactional: nonTransactionalReason(kind, node),
      creates,
      addsColumns: addedColumns(kind, node),
      references: [...references],
    });
  }
  return { ok: true, statements };
}
