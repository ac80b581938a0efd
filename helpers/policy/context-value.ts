import { exprText } from './expression-text.ts';
import {
  PolicyParseError,
  nameParts,
  nodeField,
  nodeList,
  parseExpression,
  parseSqlBody,
  stringField,
  structField,
  walk,
  type AstNode,
} from './policy-ast.ts';
import { plpgsqlReturnExpressions } from './plpgsql-returns.ts';

/** A user function a policy calls, as the catalog describes it. */
export interface PolicyFunction {
  readonly schema: string;
  readonly name: string;
  /** `sql`, `plpgsql`, `c`, … */
  readonly language: string;
  /** `prosrc` (or the SQL-standard body, printed). */
  readonly source: string;
  readonly volatility: 'immutable' | 'stable' | 'volatile';
}

/** What the analysis knows: the tenant setting and the user functions policies call. */
export interface ValueScope {
  readonly tenantSetting: string;
  /** By `name` and by `schema.name`. */
  readonly functions: ReadonlyMap<string, PolicyFunction>;
}

/**
 * What an expression evaluates to, as far as tenant scoping goes. `context` is the tenant setting
 * (cast, wrapped in `(SELECT …)`, NULLIF-ed, or returned by a helper function); `context-array` an
 * array built from it; `fallback` the setting with a fallback that is another value when no tenant is
 * set; `function` a user function that returns something else (or cannot be read).
 */
export type ValueKind =
  | { readonly kind: 'context' }
  | { readonly kind: 'context-array' }
  | { readonly kind: 'fallback'; readonly detail: string }
  | {
      readonly kind: 'function';
      readonly rule: 'unsafe-function' | 'unknown-function';
      readonly detail: string;
    }
  | { readonly kind: 'other' };

const OTHER: ValueKind = { kind: 'other' };
const CONTEXT: ValueKind = { kind: 'context' };

/** The user function a call names, if it is one the catalog listed. */
export function userFunctionOf(call: AstNode, scope: ValueScope): PolicyFunction | undefined {
  const parts = nameParts(call, 'funcname');
  return (
    scope.functions.get(parts.join('.')) ??
    (parts.length === 1 ? scope.functions.get(parts[0] ?? '') : undefined)
  );
}

function isNullConstant(node: AstNode): boolean {
  return node.kind === 'A_Const' && node.fields['isnull'] === true;
}

function isConstant(node: AstNode): boolean {
  return node.kind === 'A_Const' || (node.kind === 'TypeCast' && nodeField(node, 'arg')?.kind === 'A_Const');
}

/** The string a constant (possibly cast) holds: `'app.current_tenant'::text` → `app.current_tenant`. */
export function stringConstant(node: AstNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'TypeCast') return stringConstant(nodeField(node, 'arg'));
  if (node.kind !== 'A_Const') return undefined;
  const sval = node.fields['sval'];
  if (typeof sval !== 'object' || sval === null || Array.isArray(sval)) return undefined;
  const value = (sval as { readonly sval?: unknown }).sval;
  return typeof value === 'string' ? value : '';
}

/** `current_setting('<tenantSetting>'[, missing_ok])`, schema-qualified or not. */
export function isSettingRead(node: AstNode, tenantSetting: string): boolean {
  if (node.kind !== 'FuncCall') return false;
  const parts = nameParts(node, 'funcname');
  const name = parts[parts.length - 1];
  if (name !== 'current_setting' || (parts.length === 2 && parts[0] !== 'pg_catalog')) return false;
  const [first] = nodeList(node, 'args');
  return stringConstant(first) === tenantSetting;
}

/** Whether `node` is a cast to an array type (`::uuid[]`). */
function isArrayCast(node: AstNode): boolean {
  return (
    node.kind === 'TypeCast' && structField(node, 'typeName', 'TypeName')?.fields['arrayBounds'] !== undefined
  );
}

/** The single value a scalar subquery without FROM returns: `(SELECT x)` → x. */
function scalarSubqueryValue(node: AstNode): AstNode | undefined {
  if (node.kind !== 'SubLink' || stringField(node, 'subLinkType') !== 'EXPR_SUBLINK') return undefined;
  const select = nodeField(node, 'subselect');
  if (select?.kind !== 'SelectStmt') return undefined;
  if (nodeList(select, 'fromClause').length > 0 || nodeField(select, 'whereClause') !== undefined)
    return undefined;
  const targets = nodeList(select, 'targetList');
  return targets.length === 1 ? nodeField(targets[0] as AstNode, 'val') : undefined;
}

/**
 * Classifies a value position (the side of a comparison) with respect to the tenant context. User
 * functions are followed one level deep: a helper's body is classified without following the
 * functions it calls itself.
 */
export function classifyValue(node: AstNode | undefined, scope: ValueScope, depth = 0): ValueKind {
  if (node === undefined) return OTHER;
  if (isSettingRead(node, scope.tenantSetting)) return CONTEXT;
  switch (node.kind) {
    case 'TypeCast': {
      const inner = classifyValue(nodeField(node, 'arg'), scope, depth);
      // A scalar setting cast to an array (`'{a,b}'::uuid[]`) is a list of tenants from the setting.
      if (inner.kind === 'context' && isArrayCast(node)) return { kind: 'context-array' };
      return inner;
    }
    case 'SubLink': {
      const value = scalarSubqueryValue(node);
      return value === undefined ? OTHER : classifyValue(value, scope, depth);
    }
    case 'A_Expr': {
      // A claim of a JSON setting (`current_setting('request.jwt.claims')::json ->> 'tenant_id'`).
      const op = nameParts(node, 'name').join('.');
      if (stringField(node, 'kind') === 'AEXPR_OP' && (op === '->>' || op === '->' || op === '#>>')) {
        const source = classifyValue(nodeField(node, 'lexpr'), scope, depth);
        const path = nodeField(node, 'rexpr');
        return source.kind === 'context' && path !== undefined && isConstant(path) ? CONTEXT : OTHER;
      }
      if (stringField(node, 'kind') !== 'AEXPR_NULLIF') return OTHER;
      // NULLIF(ctx, '') is ctx or NULL; NULL matches no row.
      const left = classifyValue(nodeField(node, 'lexpr'), scope, depth);
      const right = nodeField(node, 'rexpr');
      if (left.kind === 'context' && right !== undefined && isConstant(right)) return CONTEXT;
      if (left.kind === 'context' || left.kind === 'fallback')
        return {
          kind: 'fallback',
          detail: `NULLIF compares the setting with ${exprText(right)}, not a constant`,
        };
      return left.kind === 'function' ? left : OTHER;
    }
    case 'CoalesceExpr':
    case 'MinMaxExpr':
      return alternatives(
        node.kind === 'CoalesceExpr' ? 'COALESCE' : 'GREATEST / LEAST',
        nodeList(node, 'args'),
        scope,
        depth,
      );
    case 'CaseExpr': {
      const results = [
        ...nodeList(node, 'args').flatMap((when) => {
          const result = nodeField(when, 'result');
          return result === undefined ? [] : [result];
        }),
      ];
      const other = nodeField(node, 'defresult');
      return alternatives('CASE', other === undefined ? results : [...results, other], scope, depth);
    }
    case 'A_ArrayExpr': {
      const elements = nodeList(node, 'elements');
      const kinds = elements.map((element) => classifyValue(element, scope, depth));
      return kinds.length > 0 && kinds.every((kind) => kind.kind === 'context')
        ? { kind: 'context-array' }
        : OTHER;
    }
    case 'FuncCall':
      return classifyCall(node, scope, depth);
    default:
      return OTHER;
  }
}

/** COALESCE / CASE / GREATEST: the tenant context only if every alternative is it (or NULL). */
function alternatives(
  label: string,
  options: readonly AstNode[],
  scope: ValueScope,
  depth: number,
): ValueKind {
  const kinds = options
    .filter((option) => !isNullConstant(option))
    .map((option) => ({
      option,
      value: classifyValue(option, scope, depth),
    }));
  const contextual = kinds.filter(({ value }) => value.kind === 'context');
  if (kinds.length > 0 && contextual.length === kinds.length) return CONTEXT;
  const arrays = kinds.filter(({ value }) => value.kind === 'context-array');
  if (kinds.length > 0 && arrays.length === kinds.length) return { kind: 'context-array' };
  if (contextual.length === 0 && arrays.length === 0) {
    const inner = kinds.find(({ value }) => value.kind === 'fallback' || value.kind === 'function');
    return inner?.value ?? OTHER;
  }
  const rest = kinds.filter(({ value }) => value.kind !== 'context' && value.kind !== 'context-array');
  return {
    kind: 'fallback',
    detail: `${label} falls back to ${rest.map(({ option }) => exprText(option)).join(', ')} when no tenant is set`,
  };
}

function classifyCall(node: AstNode, scope: ValueScope, depth: number): ValueKind {
  const parts = nameParts(node, 'funcname');
  const name = parts[parts.length - 1] ?? '';
  const args = nodeList(node, 'args');
  const fn = userFunctionOf(node, scope);
  if (fn !== undefined) return depth > 0 ? OTHER : followFunction(fn, scope);
  // Built-ins that turn the setting into a list of tenants.
  if (name === 'string_to_array' || name === 'regexp_split_to_array') {
    const source = classifyValue(args[0], scope, depth);
    return source.kind === 'context' ? { kind: 'context-array' } : OTHER;
  }
  return OTHER;
}

const followed = new WeakMap<ValueScope, Map<string, ValueKind>>();

/** What a helper function returns, from its body: one level deep, cached per scope. */
export function followFunction(fn: PolicyFunction, scope: ValueScope): ValueKind {
  const key = `${fn.schema}.${fn.name}`;
  const cache = followed.get(scope) ?? new Map<string, ValueKind>();
  followed.set(scope, cache);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const result = classifyBody(fn, scope);
  cache.set(key, result);
  return result;
}

function unknown(fn: PolicyFunction, why: string): ValueKind {
  return { kind: 'function', rule: 'unknown-function', detail: `${fn.schema}.${fn.name}(): ${why}` };
}

/** The last statement of a SQL function: from `prosrc`, or from a SQL-standard body (`RETURN …`, `BEGIN ATOMIC`). */
function lastSqlStatement(fn: PolicyFunction): AstNode | undefined {
  if (fn.language === 'sql') {
    const statements = parseSqlBody(fn.source);
    return statements[statements.length - 1];
  }
  const [create] = parseSqlBody(`CREATE FUNCTION mg_policy_body() RETURNS text LANGUAGE sql ${fn.source}`);
  const body = create === undefined ? undefined : nodeField(create, 'sql_body');
  if (body?.kind === 'ReturnStmt') return body;
  const statements =
    body === undefined ? [] : nodeList(body, 'items').flatMap((item) => nodeList(item, 'items'));
  return statements[statements.length - 1];
}

function classifyBody(fn: PolicyFunction, scope: ValueScope): ValueKind {
  let returned: readonly AstNode[];
  try {
    if (fn.language === 'sql' || fn.language === 'sql-standard') {
      const last = lastSqlStatement(fn);
      if (last?.kind === 'ReturnStmt') {
        const value = nodeField(last, 'returnval');
        returned = value === undefined ? [] : [value];
      } else {
        if (last?.kind !== 'SelectStmt') return unknown(fn, 'its SQL body does not end in a SELECT');
        if (nodeList(last, 'fromClause').length > 0 || nodeField(last, 'whereClause') !== undefined) {
          return {
            kind: 'function',
            rule: 'unsafe-function',
            detail: `${fn.schema}.${fn.name}() reads a table instead of returning the setting: ${fn.source.trim()}`,
          };
        }
        const targets = nodeList(last, 'targetList');
        if (targets.length !== 1) return unknown(fn, 'its SELECT does not return exactly one value');
        const value = nodeField(targets[0] as AstNode, 'val');
        returned = value === undefined ? [] : [value];
      }
    } else if (fn.language === 'plpgsql') {
      const expressions = plpgsqlReturnExpressions(fn.source);
      if (expressions.length === 0) return unknown(fn, 'its PL/pgSQL body has no RETURN');
      const parsed: AstNode[] = [];
      for (const expression of expressions) {
        if (expression === undefined || expression === '')
          return unknown(fn, 'it uses RETURN QUERY / RETURN NEXT');
        parsed.push(parseExpression(`(${expression}) IS NOT NULL`));
      }
      returned = parsed
        .map((wrapper) => nodeField(wrapper, 'arg'))
        .filter((node): node is AstNode => node !== undefined);
    } else {
      return unknown(fn, `language ${fn.language} cannot be read`);
    }
  } catch (error) {
    if (error instanceof PolicyParseError) return unknown(fn, error.message);
    throw error;
  }
  const kinds = returned.map((value) => ({ value, kind: classifyValue(value, scope, 1) }));
  if (kinds.length > 0 && kinds.every(({ kind }) => kind.kind === 'context')) return CONTEXT;
  if (kinds.length > 0 && kinds.every(({ kind }) => kind.kind === 'context-array'))
    return { kind: 'context-array' };
  const bad = kinds.find(({ kind }) => kind.kind !== 'context' && kind.kind !== 'context-array');
  const fallback = bad?.kind.kind === 'fallback' ? ` (${bad.kind.detail})` : '';
  return {
    kind: 'function',
    rule: 'unsafe-function',
    detail: `${fn.schema}.${fn.name}() returns ${exprText(bad?.value)}, not the tenant setting${fallback}`,
  };
}

/** Whether anything in `node` reads the tenant setting (directly, or through a helper that returns it). */
export function readsSetting(node: AstNode, scope: ValueScope): boolean {
  for (const inner of walk({ [node.kind]: node.fields })) {
    if (isSettingRead(inner, scope.tenantSetting)) return true;
    if (inner.kind === 'FuncCall') {
      const fn = userFunctionOf(inner, scope);
      if (fn !== undefined) {
        const kind = followFunction(fn, scope).kind;
        if (kind === 'context' || kind === 'context-array') return true;
      }
    }
  }
  return false;
}
