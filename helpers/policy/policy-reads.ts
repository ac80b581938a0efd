import { nameParts, nodeField, nodeList, parseExpression, walk, type AstNode } from './policy-ast.ts';
import { stringConstant } from './context-value.ts';

/** What one policy expression reads from the session: settings, JSON claims of them, its columns. */
export interface PolicyReads {
  /** `current_setting('x', …)` → `x`, once per call. */
  readonly settings: readonly string[];
  /** `current_setting('x', true)::json ->> 'tenant_id'` → `{ setting: 'x', claim: 'tenant_id' }`. */
  readonly claims: readonly { readonly setting: string; readonly claim: string }[];
  /** Columns the expression names (the last part of each column reference). */
  readonly columns: readonly string[];
  /** Functions the expression calls (the last part of each name), e.g. a `current_tenant()` helper. */
  readonly functions: readonly string[];
}

/** The setting a `current_setting('…')` call reads, else undefined. */
function settingOf(node: AstNode): string | undefined {
  if (node.kind !== 'FuncCall') return undefined;
  const parts = nameParts(node, 'funcname');
  if (parts[parts.length - 1] !== 'current_setting') return undefined;
  return stringConstant(nodeList(node, 'args')[0]);
}

function firstSetting(node: AstNode | undefined): string | undefined {
  for (const inner of walk(node === undefined ? undefined : { [node.kind]: node.fields })) {
    const setting = settingOf(inner);
    if (setting !== undefined) return setting;
  }
  return undefined;
}

/**
 * Parses a policy expression (as `pg_policies` prints it) with the PostgreSQL parser and lists what it
 * reads. Call `loadPolicyParser()` first.
 */
export function policyReads(expression: string): PolicyReads {
  const root = parseExpression(expression);
  const settings: string[] = [];
  const claims: { setting: string; claim: string }[] = [];
  const columns: string[] = [];
  const functions: string[] = [];
  for (const node of walk({ [root.kind]: root.fields })) {
    const setting = settingOf(node);
    if (setting !== undefined) settings.push(setting);
    if (node.kind === 'FuncCall' && setting === undefined) {
      const name = nameParts(node, 'funcname').at(-1);
      if (name !== undefined) functions.push(name);
    }
    if (node.kind === 'ColumnRef') {
      const parts = nameParts(node, 'fields');
      const last = parts[parts.length - 1];
      if (last !== undefined && last !== '*') columns.push(last);
    }
    if (node.kind === 'A_Expr') {
      const operator = nameParts(node, 'name')[0];
      if (operator !== '->>' && operator !== '->') continue;
      const claimSetting = firstSetting(nodeField(node, 'lexpr'));
      const claim = stringConstant(nodeField(node, 'rexpr'));
      if (claimSetting !== undefined && claim !== undefined) claims.push({ setting: claimSetting, claim });
    }
  }
  return { settings, claims, columns, functions };
}
