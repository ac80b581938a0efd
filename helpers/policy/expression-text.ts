import {
  asNode,
  nameParts,
  nodeField,
  nodeList,
  stringField,
  structField,
  type AstNode,
} from './policy-ast.ts';

const BOOL_WORDS: Readonly<Record<string, string>> = { AND_EXPR: ' AND ', OR_EXPR: ' OR ' };

function literal(node: AstNode): string {
  if (node.fields['isnull'] === true) return 'NULL';
  for (const key of ['sval', 'ival', 'fval', 'boolval', 'bsval'] as const) {
    const holder = asNode({ [key]: node.fields[key] ?? null });
    const value = holder === undefined ? undefined : Object.values(holder.fields)[0];
    if (holder === undefined) continue;
    if (key === 'sval') return `'${String(value ?? '').replaceAll("'", "''")}'`;
    if (key === 'boolval') return value === true ? 'true' : 'false';
    return String(value ?? 0);
  }
  return '?';
}

function typeName(node: AstNode | undefined): string {
  if (node === undefined) return '?';
  const names = nameParts(node, 'names').filter((part) => part !== 'pg_catalog');
  return `${names.join('.')}${node.fields['arrayBounds'] === undefined ? '' : '[]'}`;
}

function selectText(select: AstNode): string {
  const targets = nodeList(select, 'targetList').map((target) => exprText(nodeField(target, 'val')));
  const from = nodeList(select, 'fromClause').map((item) =>
    item.kind === 'RangeVar' ? (stringField(item, 'relname') ?? '?') : `<${item.kind}>`,
  );
  const where = nodeField(select, 'whereClause');
  return [
    `SELECT ${targets.join(', ')}`,
    from.length === 0 ? '' : ` FROM ${from.join(', ')}`,
    where === undefined ? '' : ` WHERE ${exprText(where)}`,
  ].join('');
}

/**
 * Compact SQL text of an expression node, for findings a person reads (`tenant_id = current_setting(…)`).
 * Not a full deparser: node kinds it does not know print as `<Kind>`.
 */
export function exprText(node: AstNode | undefined): string {
  if (node === undefined) return '?';
  const f = node.fields;
  switch (node.kind) {
    case 'ColumnRef':
      return nameParts(node, 'fields').join('.');
    case 'A_Const':
      return literal(node);
    case 'ParamRef':
      return `$${String(f['number'] ?? '?')}`;
    case 'TypeCast':
      return `${exprText(nodeField(node, 'arg'))}::${typeName(structField(node, 'typeName', 'TypeName'))}`;
    case 'FuncCall':
      return `${nameParts(node, 'funcname').join('.')}(${nodeList(node, 'args').map(exprText).join(', ')})`;
    case 'BoolExpr': {
      const args = nodeList(node, 'args').map(exprText);
      const op = stringField(node, 'boolop') ?? '';
      return op === 'NOT_EXPR' ? `NOT ${args[0] ?? '?'}` : `(${args.join(BOOL_WORDS[op] ?? ' ? ')})`;
    }
    case 'A_Expr': {
      const op = nameParts(node, 'name').join('.');
      const left = exprText(nodeField(node, 'lexpr'));
      const rightNode = nodeField(node, 'rexpr');
      const right =
        rightNode?.kind === 'List'
          ? `(${nodeList(rightNode, 'items').map(exprText).join(', ')})`
          : exprText(rightNode);
      switch (stringField(node, 'kind')) {
        case 'AEXPR_OP_ANY':
          return `${left} ${op} ANY (${right})`;
        case 'AEXPR_OP_ALL':
          return `${left} ${op} ALL (${right})`;
        case 'AEXPR_IN':
          return `${left} ${op === '=' ? 'IN' : 'NOT IN'} ${right}`;
        case 'AEXPR_NULLIF':
          return `NULLIF(${left}, ${right})`;
        case 'AEXPR_LIKE':
          return `${left} ${op === '~~' ? 'LIKE' : 'NOT LIKE'} ${right}`;
        case 'AEXPR_ILIKE':
          return `${left} ${op === '~~*' ? 'ILIKE' : 'NOT ILIKE'} ${right}`;
        case 'AEXPR_SIMILAR':
          return `${left} SIMILAR TO ${right}`;
        case 'AEXPR_DISTINCT':
          return `${left} IS DISTINCT FROM ${right}`;
        case 'AEXPR_NOT_DISTINCT':
          return `${left} IS NOT DISTINCT FROM ${right}`;
        default:
          return `${left} ${op} ${right}`;
      }
    }
    case 'NullTest':
      return `${exprText(nodeField(node, 'arg'))} ${f['nulltesttype'] === 'IS_NOT_NULL' ? 'IS NOT NULL' : 'IS NULL'}`;
    case 'BooleanTest':
      return `${exprText(nodeField(node, 'arg'))} ${String(f['booltesttype'] ?? '').replaceAll('_', ' ')}`;
    case 'CoalesceExpr':
      return `COALESCE(${nodeList(node, 'args').map(exprText).join(', ')})`;
    case 'MinMaxExpr':
      return `${f['op'] === 'IS_GREATEST' ? 'GREATEST' : 'LEAST'}(${nodeList(node, 'args').map(exprText).join(', ')})`;
    case 'CaseExpr': {
      const whens = nodeList(node, 'args').map(
        (when) => ` WHEN ${exprText(nodeField(when, 'expr'))} THEN ${exprText(nodeField(when, 'result'))}`,
      );
      const other = nodeField(node, 'defresult');
      const subject = nodeField(node, 'arg');
      return `CASE${subject === undefined ? '' : ` ${exprText(subject)}`}${whens.join('')}${other === undefined ? '' : ` ELSE ${exprText(other)}`} END`;
    }
    case 'A_ArrayExpr':
      return `ARRAY[${nodeList(node, 'elements').map(exprText).join(', ')}]`;
    case 'SubLink': {
      const select = nodeField(node, 'subselect');
      const inner = select?.kind === 'SelectStmt' ? selectText(select) : '…';
      const test = nodeField(node, 'testexpr');
      switch (stringField(node, 'subLinkType')) {
        case 'EXISTS_SUBLINK':
          return `EXISTS (${inner})`;
        case 'ANY_SUBLINK':
          return `${exprText(test)} IN (${inner})`;
        default:
          return `(${inner})`;
      }
    }
    case 'SQLValueFunction':
      return String(f['op'] ?? 'SQLValueFunction')
        .slice('SVFOP_'.length)
        .toLowerCase();
    default:
      return `<${node.kind}>`;
  }
}
