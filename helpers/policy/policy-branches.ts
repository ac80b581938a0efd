import {
  classifyValue,
  readsSetting,
  userFunctionOf,
  type ValueKind,
  type ValueScope,
} from './context-value.ts';
import { exprText } from './expression-text.ts';
import { nameParts, nodeField, nodeList, stringField, walk, type AstNode } from './policy-ast.ts';
import type { PolicyRule } from './policy-rules.ts';

/** More OR-branches than this (after distributing AND over OR) and the clause is judged unanalysable. */
export const MAX_BRANCHES = 64;

/** One OR-branch of a clause in disjunctive normal form: conjuncts AND-ed together. */
export interface PolicyBranch {
  readonly conjuncts: readonly AstNode[];
  readonly text: string;
}

/** An OR-branch that lets a row through without the tenant comparison, and which rule it breaks. */
export interface BranchFinding {
  readonly rule: PolicyRule;
  readonly branch: string;
  readonly detail: string;
  /** A row value that makes the branch true, for a probe to plant on another tenant's row. */
  readonly plant?: PlantedValue;
}

/** `column` set to `value` (text, cast by PostgreSQL to the column's type; null for NULL). */
export interface PlantedValue {
  readonly column: string;
  readonly value: string | null;
}

/** What one clause (USING or WITH CHECK) of a policy does with the tenant. */
export interface ClauseAnalysis {
  /** Every OR-branch constrains the tenant key by the tenant context. */
  readonly scoped: boolean;
  readonly branches: number;
  /** Unscoped branches, plus findings on the whole clause (volatile functions, self-reads). */
  readonly findings: readonly BranchFinding[];
}

function boolArgs(node: AstNode, op: 'AND_EXPR' | 'OR_EXPR'): readonly AstNode[] | undefined {
  return node.kind === 'BoolExpr' && stringField(node, 'boolop') === op ? nodeList(node, 'args') : undefined;
}

/** The clause as OR-branches: OR splits, AND distributes (`(a OR b) AND c` → `a AND c`, `b AND c`). */
export function toBranches(node: AstNode): readonly (readonly AstNode[])[] | undefined {
  const or = boolArgs(node, 'OR_EXPR');
  if (or !== undefined) {
    const all: (readonly AstNode[])[] = [];
    for (const arg of or) {
      const inner = toBranches(arg);
      if (inner === undefined || all.length + inner.length > MAX_BRANCHES) return undefined;
      all.push(...inner);
    }
    return all;
  }
  const and = boolArgs(node, 'AND_EXPR');
  if (and !== undefined) {
    let product: (readonly AstNode[])[] = [[]];
    for (const arg of and) {
      const inner = toBranches(arg);
      if (inner === undefined || product.length * inner.length > MAX_BRANCHES) return undefined;
      product = product.flatMap((left) => inner.map((right) => [...left, ...right]));
    }
    return product;
  }
  return [[node]];
}

function unwrapCast(node: AstNode | undefined): AstNode | undefined {
  return node?.kind === 'TypeCast' ? unwrapCast(nodeField(node, 'arg')) : node;
}

/** The row's tenant key, possibly qualified or cast (`t.tenant_id`, `tenant_id::text`). */
export function isTenantKey(node: AstNode | undefined, tenantColumn: string): boolean {
  const column = unwrapCast(node);
  if (column?.kind !== 'ColumnRef') return false;
  const parts = nameParts(column, 'fields');
  return parts[parts.length - 1] === tenantColumn;
}

function operatorOf(node: AstNode): string {
  return nameParts(node, 'name').join('.');
}

/** What the other side of a key comparison is, if `node` compares the key with something. */
function comparedValue(
  node: AstNode,
  tenantColumn: string,
  scope: ValueScope,
): { readonly shape: 'scalar' | 'any' | 'in' | 'not-distinct'; readonly value: ValueKind } | undefined {
  if (node.kind === 'SubLink' && stringField(node, 'subLinkType') === 'ANY_SUBLINK') {
    if (
      !isTenantKey(nodeField(node, 'testexpr'), tenantColumn) ||
      nameParts(node, 'operName').some((op) => op !== '=')
    )
      return undefined;
    const select = nodeField(node, 'subselect');
    const targets = select === undefined ? [] : nodeList(select, 'targetList');
    if (select === undefined || nodeList(select, 'fromClause').length > 0 || targets.length !== 1)
      return { shape: 'in', value: { kind: 'other' } };
    return { shape: 'in', value: classifyValue(nodeField(targets[0] as AstNode, 'val'), scope) };
  }
  if (node.kind !== 'A_Expr' || operatorOf(node) !== '=') return undefined;
  const left = nodeField(node, 'lexpr');
  const right = nodeField(node, 'rexpr');
  switch (stringField(node, 'kind')) {
    case 'AEXPR_OP':
      if (isTenantKey(left, tenantColumn)) return { shape: 'scalar', value: classifyValue(right, scope) };
      if (isTenantKey(right, tenantColumn)) return { shape: 'scalar', value: classifyValue(left, scope) };
      return undefined;
    case 'AEXPR_NOT_DISTINCT':
      if (isTenantKey(left, tenantColumn))
        return { shape: 'not-distinct', value: classifyValue(right, scope) };
      if (isTenantKey(right, tenantColumn))
        return { shape: 'not-distinct', value: classifyValue(left, scope) };
      return undefined;
    case 'AEXPR_OP_ANY':
      return isTenantKey(left, tenantColumn)
        ? { shape: 'any', value: classifyValue(right, scope) }
        : undefined;
    case 'AEXPR_IN': {
      if (!isTenantKey(left, tenantColumn) || right?.kind !== 'List') return undefined;
      const items = nodeList(right, 'items').map((item) => classifyValue(item, scope));
      const bad = items.find((item) => item.kind !== 'context');
      return {
        shape: 'in',
        value: items.length > 0 && bad === undefined ? { kind: 'context' } : (bad ?? { kind: 'other' }),
      };
    }
    default:
      return undefined;
  }
}

/** `key = ctx`, `ctx = key`, `key = ANY(ctx-array)`, `key IN (ctx, …)`, `key IN (SELECT ctx)`. */
export function isScopedComparison(node: AstNode, tenantColumn: string, scope: ValueScope): boolean {
  const compared = comparedValue(node, tenantColumn, scope);
  if (compared === undefined) return false;
  switch (compared.shape) {
    case 'scalar':
    case 'in':
      return compared.value.kind === 'context';
    case 'any':
      return compared.value.kind === 'context-array';
    default:
      return false;
  }
}

const PATTERN_KINDS = new Set(['AEXPR_LIKE', 'AEXPR_ILIKE', 'AEXPR_SIMILAR']);
const PATTERN_OPERATORS = new Set(['~', '~*', '!~', '!~*', '~~', '~~*']);

function isPatternMatch(node: AstNode): boolean {
  if (node.kind !== 'A_Expr') return false;
  const kind = stringField(node, 'kind') ?? '';
  return PATTERN_KINDS.has(kind) || (kind === 'AEXPR_OP' && PATTERN_OPERATORS.has(operatorOf(node)));
}

function readsColumn(node: AstNode): boolean {
  for (const inner of walk({ [node.kind]: node.fields })) if (inner.kind === 'ColumnRef') return true;
  return false;
}

function readsTenantKey(node: AstNode, tenantColumn: string): boolean {
  for (const inner of walk({ [node.kind]: node.fields })) if (isTenantKey(inner, tenantColumn)) return true;
  return false;
}

/** Any `current_setting(…)`, of any setting. */
function readsAnySetting(node: AstNode): boolean {
  for (const inner of walk({ [node.kind]: node.fields })) {
    if (inner.kind === 'FuncCall' && nameParts(inner, 'funcname').at(-1) === 'current_setting') return true;
  }
  return false;
}

function isTrueConstant(node: AstNode): boolean {
  const value = unwrapCast(node);
  if (value?.kind !== 'A_Const') return false;
  const holder = value.fields['boolval'];
  return (
    typeof holder === 'object' &&
    holder !== null &&
    !Array.isArray(holder) &&
    Object.values(holder)[0] === true
  );
}

function columnName(node: AstNode | undefined): string | undefined {
  const column = unwrapCast(node);
  if (column?.kind !== 'ColumnRef') return undefined;
  const parts = nameParts(column, 'fields');
  return parts[parts.length - 1];
}

/** A value for one column that makes `conjunct` true, when the conjunct is that simple. */
function plantFor(conjunct: AstNode): PlantedValue | undefined {
  const bare = columnName(conjunct);
  if (bare !== undefined) return { column: bare, value: 'true' };
  if (conjunct.kind === 'BooleanTest' && conjunct.fields['booltesttype'] === 'IS_TRUE') {
    const column = columnName(nodeField(conjunct, 'arg'));
    return column === undefined ? undefined : { column, value: 'true' };
  }
  if (conjunct.kind === 'NullTest' && conjunct.fields['nulltesttype'] === 'IS_NULL') {
    const column = columnName(nodeField(conjunct, 'arg'));
    return column === undefined ? undefined : { column, value: null };
  }
  if (
    conjunct.kind === 'A_Expr' &&
    stringField(conjunct, 'kind') === 'AEXPR_OP' &&
    operatorOf(conjunct) === '='
  ) {
    const left = nodeField(conjunct, 'lexpr');
    const right = nodeField(conjunct, 'rexpr');
    const column = columnName(left) ?? columnName(right);
    const constant = unwrapCast(columnName(left) === undefined ? left : right);
    if (column === undefined || constant?.kind !== 'A_Const') return undefined;
    const text = exprText(constant);
    return { column, value: text.startsWith("'") ? text.slice(1, -1).replaceAll("''", "'") : text };
  }
  return undefined;
}

/** Why an unscoped branch lets rows through, as one rule and a sentence. */
function judgeBranch(
  conjuncts: readonly AstNode[],
  tenantColumn: string,
  scope: ValueScope,
): Omit<BranchFinding, 'branch'> {
  for (const conjunct of conjuncts) {
    const compared = comparedValue(conjunct, tenantColumn, scope);
    if (compared?.value.kind === 'function')
      return { rule: compared.value.rule, detail: compared.value.detail };
    if (compared?.value.kind === 'fallback')
      return { rule: 'setting-fallback', detail: compared.value.detail };
    if (compared?.shape === 'not-distinct' && compared.value.kind === 'context')
      return {
        rule: 'is-null-branch',
        detail: 'IS NOT DISTINCT FROM matches a NULL tenant key when no tenant is set',
      };
  }
  for (const conjunct of conjuncts) {
    if (isPatternMatch(conjunct) && readsSetting(conjunct, scope))
      return {
        rule: 'pattern-match-setting',
        detail: `${exprText(conjunct)} matches a pattern built from the setting`,
      };
  }
  for (const conjunct of conjuncts) {
    if (conjunct.kind !== 'NullTest' || conjunct.fields['nulltesttype'] !== 'IS_NULL') continue;
    const arg = nodeField(conjunct, 'arg');
    if (arg !== undefined && (readsSetting(arg, scope) || readsColumn(arg))) {
      const plant = readsSetting(arg, scope) ? undefined : plantFor(conjunct);
      return {
        rule: 'is-null-branch',
        detail: `${exprText(conjunct)} is true without a tenant comparison`,
        ...(plant === undefined ? {} : { plant }),
      };
    }
  }
  if (conjuncts.every(isTrueConstant)) return { rule: 'constant-true', detail: 'the branch is always true' };
  const setting = conjuncts.some((conjunct) => readsSetting(conjunct, scope));
  const column = conjuncts.some(readsColumn);
  const comparesKey = conjuncts.some((conjunct) => readsTenantKey(conjunct, tenantColumn));
  if (!setting && column && !comparesKey && !conjuncts.some(readsAnySetting)) {
    const plants = conjuncts.map(plantFor);
    const [plant] = plants;
    return {
      rule: 'row-attribute-branch',
      detail: 'the branch reads row attributes only, never the tenant setting',
      // One conjunct with a plantable value: a probe can make the branch true on another tenant's row.
      ...(plants.length === 1 && plant !== undefined ? { plant } : {}),
    };
  }
  if (!column)
    return {
      rule: 'session-only-predicate',
      detail: 'the branch reads the session only: when it holds, every row passes',
    };
  return { rule: 'unscoped-branch', detail: 'no conjunct compares the tenant key with the tenant setting' };
}

/** Findings on the whole clause: VOLATILE user functions and subqueries on the policy's own table. */
function clauseFindings(expression: AstNode, table: string, scope: ValueScope): BranchFinding[] {
  const findings: BranchFinding[] = [];
  const seen = new Set<string>();
  for (const node of walk({ [expression.kind]: expression.fields })) {
    if (node.kind === 'FuncCall') {
      const fn = userFunctionOf(node, scope);
      const key = fn === undefined ? '' : `${fn.schema}.${fn.name}`;
      if (fn?.volatility === 'volatile' && !seen.has(key)) {
        seen.add(key);
        findings.push({
          rule: 'volatile-function',
          branch: exprText(node),
          detail: `${key}() is VOLATILE; a policy helper must be STABLE (or IMMUTABLE)`,
        });
      }
    }
    if (node.kind === 'RangeVar' && stringField(node, 'relname') === table && !seen.has('self')) {
      seen.add('self');
      findings.push({
        rule: 'self-referencing-subquery',
        branch: exprText(expression),
        detail: `the policy reads ${table} itself in a subquery`,
      });
    }
  }
  return findings;
}

/**
 * Judges one clause: every OR-branch must keep the tenant comparison (`key = ctx` and friends) as one
 * of its AND-ed conjuncts. Call `loadPolicyParser()` first; `expression` is the parse of the clause.
 */
export function analyseClause(
  expression: AstNode,
  options: { readonly table: string; readonly tenantColumn: string; readonly scope: ValueScope },
): ClauseAnalysis {
  const { table, tenantColumn, scope } = options;
  const extra = clauseFindings(expression, table, scope);
  const branches = toBranches(expression);
  if (branches === undefined) {
    return {
      scoped: false,
      branches: MAX_BRANCHES + 1,
      findings: [
        ...extra,
        {
          rule: 'unscoped-branch',
          branch: exprText(expression),
          detail: `more than ${MAX_BRANCHES} OR-branches: not analysable`,
        },
      ],
    };
  }
  const unscoped = branches.filter(
    (conjuncts) => !conjuncts.some((conjunct) => isScopedComparison(conjunct, tenantColumn, scope)),
  );
  const findings = unscoped.map((conjuncts) => ({
    ...judgeBranch(conjuncts, tenantColumn, scope),
    branch: conjuncts.map(exprText).join(' AND '),
  }));
  return { scoped: unscoped.length === 0, branches: branches.length, findings: [...findings, ...extra] };
}
