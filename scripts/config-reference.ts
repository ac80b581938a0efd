/**
 * Generates docs/configuration.md from the config types in helpers/config/gate-config.ts (their JSDoc is the
 * reference), so the documentation cannot drift from what `defineGateConfig` accepts.
 * `npm run docs:config` rewrites it; test/docs/config-reference.test.ts fails when it is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CONFIG_TYPES = path.join(ROOT, 'helpers', 'config', 'gate-config.ts');
export const CONFIG_REFERENCE = path.join(ROOT, 'docs', 'configuration.md');

/** Keys `defineGateConfig` fills with defaults when left out (see GateConfigInput). */
const DEFAULTED = new Set(['gates', 'fixtures']);

interface Row {
  readonly key: string;
  readonly type: string;
  readonly required: string;
  readonly description: string;
}

function docOf(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs
    .map((doc) =>
      typeof doc.comment === 'string' ? doc.comment : (ts.getTextOfJSDocComment(doc.comment) ?? ''),
    )
    .join(' ');
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

/** The markdown reference of `GateConfig`, one table row per key path, nested objects and interfaces expanded. */
export function renderConfigReference(source: string = fs.readFileSync(CONFIG_TYPES, 'utf8')): string {
  const file = ts.createSourceFile(CONFIG_TYPES, source, ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  file.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
  const rows: Row[] = [];
  const walk = (members: ts.NodeArray<ts.TypeElement>, prefix: string, seen: ReadonlySet<string>): void => {
    for (const member of members) {
      if (!ts.isPropertySignature(member) || member.type === undefined) continue;
      const name = member.name.getText(file);
      const key = prefix === '' ? name : `${prefix}.${name}`;
      const defaulted = prefix === '' && DEFAULTED.has(name);
      const typeNode = member.type;
      const nested = nestedMembers(typeNode, interfaces, seen);
      const own = docOf(member);
      rows.push({
        key,
        type:
          nested === null
            ? typeNode.getText(file).replace(/\s+/g, ' ').replace(/\|/g, '\\|')
            : nested.list
              ? 'list of objects'
              : 'object',
        required: defaulted ? 'no (default)' : member.questionToken === undefined ? 'yes' : 'no',
        description: own === '' && nested?.declaration !== undefined ? docOf(nested.declaration) : own,
      });
      if (nested !== null)
        walk(nested.members, nested.list ? `${key}[]` : key, new Set([...seen, nested.name]));
    }
  };
  const root = interfaces.get('GateConfig');
  if (root === undefined) throw new Error('helpers/config/gate-config.ts has no interface GateConfig');
  walk(root.members, '', new Set(['GateConfig']));
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from helpers/config/gate-config.ts by `npm run docs:config`; do not edit by hand. -->',
    '',
    '`gate.config.ts` exports `defineGateConfig({ … })` with these keys (a `[]` key is one entry of a list).',
    '',
    '| Key | Type | Required | Description |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| \`${row.key}\` | \`${row.type}\` | ${row.required} | ${row.description} |`),
    '',
  ].join('\n');
}

/** An inline object type, or an interface of this file (not one already being expanded), to expand. */
function nestedMembers(
  node: ts.TypeNode,
  interfaces: ReadonlyMap<string, ts.InterfaceDeclaration>,
  seen: ReadonlySet<string>,
  list = false,
): {
  readonly name: string;
  readonly members: ts.NodeArray<ts.TypeElement>;
  readonly declaration?: ts.InterfaceDeclaration;
  readonly list: boolean;
} | null {
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword)
    return nestedMembers(node.type, interfaces, seen, list);
  if (ts.isArrayTypeNode(node)) return nestedMembers(node.elementType, interfaces, seen, true);
  if (ts.isTypeLiteralNode(node)) return { name: '', members: node.members, list };
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
    const found = interfaces.get(node.typeName.text);
    if (found !== undefined && !seen.has(found.name.text))
      return { name: found.name.text, members: found.members, declaration: found, list };
  }
  return null;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  fs.mkdirSync(path.dirname(CONFIG_REFERENCE), { recursive: true });
  fs.writeFileSync(CONFIG_REFERENCE, renderConfigReference());
  console.log(`wrote ${path.relative(ROOT, CONFIG_REFERENCE)}`);
}
