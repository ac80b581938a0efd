import { loadModule, parseSync } from 'libpg-query';

/** A node of libpg-query's JSON parse tree: `{ "A_Expr": { … } }`, lists, strings, numbers. */
export type AstValue = null | boolean | number | string | readonly AstValue[] | AstObject;
export interface AstObject {
  readonly [key: string]: AstValue;
}

/** One parse-tree node unwrapped: its type name and its fields. */
export interface AstNode {
  readonly kind: string;
  readonly fields: AstObject;
}

export function isAstObject(value: AstValue | undefined): value is AstObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ "A_Expr": {…} }` → `{ kind: 'A_Expr', fields: {…} }`; anything else → undefined. */
export function asNode(value: AstValue | undefined): AstNode | undefined {
  if (!isAstObject(value)) return undefined;
  const keys = Object.keys(value);
  const kind = keys[0];
  if (keys.length !== 1 || kind === undefined) return undefined;
  const fields = value[kind];
  return isAstObject(fields) ? { kind, fields } : undefined;
}

export function nodeField(node: AstNode, key: string): AstNode | undefined {
  return asNode(node.fields[key]);
}

/** A field that holds a bare struct rather than a wrapped node, e.g. `TypeCast.typeName`. */
export function structField(node: AstNode, key: string, kind: string): AstNode | undefined {
  const value = node.fields[key];
  return isAstObject(value) ? { kind, fields: value } : undefined;
}

export function nodeList(node: AstNode, key: string): readonly AstNode[] {
  const value = node.fields[key];
  if (!Array.isArray(value)) return [];
  return (value as readonly AstValue[]).flatMap((item) => {
    const child = asNode(item);
    return child === undefined ? [] : [child];
  });
}

export function stringField(node: AstNode, key: string): string | undefined {
  const value = node.fields[key];
  return typeof value === 'string' ? value : undefined;
}

/** The `sval`s of a name list (`funcname`, `fields`, `names`): `['pg_catalog', 'lower']`. */
export function nameParts(node: AstNode, key: string): readonly string[] {
  return nodeList(node, key).flatMap((part) => {
    const text = part.kind === 'String' ? stringField(part, 'sval') : undefined;
    return text === undefined ? (part.kind === 'A_Star' ? ['*'] : []) : [text];
  });
}

/** Every node below `node` (itself included), depth first. */
export function* walk(value: AstValue | undefined): Generator<AstNode> {
  if (Array.isArray(value)) {
    for (const item of value as readonly AstValue[]) yield* walk(item);
    return;
  }
  const node = asNode(value);
  if (node === undefined) return;
  yield node;
  for (const child of Object.values(node.fields)) {
    if (typeof child === 'object' && child !== null) yield* walk(child);
  }
}

let loaded: Promise<void> | undefined;

/** Loads the parser's WebAssembly once; every parse below needs it. */
export function loadPolicyParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** Thrown when an expression or a function body is not valid SQL for the real parser. */
export class PolicyParseError extends Error {
  override readonly name = 'PolicyParseError';
}

function parseStatements(sql: string): readonly AstNode[] {
  let tree: unknown;
  try {
    tree = parseSync(sql) as unknown;
  } catch (error) {
    throw new PolicyParseError(
      `The PostgreSQL parser rejected ${JSON.stringify(sql)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const stmts = isAstObject(tree as AstValue) ? (tree as AstObject)['stmts'] : undefined;
  if (!Array.isArray(stmts)) return [];
  return (stmts as readonly AstValue[]).flatMap((raw) => {
    const stmt = isAstObject(raw) ? asNode(raw['stmt']) : undefined;
    return stmt === undefined ? [] : [stmt];
  });
}

/**
 * A policy expression (as `pg_get_expr` prints it) as a parse tree: the WHERE clause of
 * `SELECT 1 WHERE <expression>`. Call {@link loadPolicyParser} first.
 */
export function parseExpression(expression: string): AstNode {
  const [stmt] = parseStatements(`SELECT 1 WHERE ${expression}`);
  const where = stmt === undefined ? undefined : nodeField(stmt, 'whereClause');
  if (stmt?.kind !== 'SelectStmt' || where === undefined) {
    throw new PolicyParseError(`${JSON.stringify(expression)} is not a single SQL expression.`);
  }
  return where;
}

/** The statements of a SQL text (a SQL function's body), as parse-tree nodes (`SelectStmt`, …). */
export function parseSqlBody(sql: string): readonly AstNode[] {
  return parseStatements(sql);
}
