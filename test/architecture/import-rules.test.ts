import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

/**
 * The folders show the flow (README, Architecture): helpers (database, catalog, probes, migrations, run)
 * → fixtures → suites → reports; the CLI, bench, scripts and the package entry sit on top; tests may use
 * anything. An import against the flow, or a cycle between files, fails here.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  helpers: ['helpers'],
  fixtures: ['helpers', 'fixtures'],
  reports: ['helpers', 'reports'],
  suites: ['helpers', 'fixtures', 'reports', 'suites'],
  cli: ['helpers', 'fixtures', 'reports', 'cli'],
  bench: ['helpers', 'fixtures', 'reports', 'bench', '.'],
  scripts: ['helpers', 'fixtures', 'reports', 'scripts', '.'],
  package: ['helpers', 'fixtures', 'reports', 'suites', 'cli', 'package'],
  examples: ['helpers'],
};

/**
 * Inside helpers/, the read-only layers stay read-only: connections and transactions (db), catalog
 * reads (catalog) and data scans (scans) import no module that writes — probes, synthesis, the run's
 * lifecycle (type-only imports aside).
 */
const READ_ONLY_HELPERS = ['helpers/db', 'helpers/catalog', 'helpers/scans'];
const WRITING_HELPERS = ['helpers/probes', 'helpers/synthesis', 'helpers/run'];

const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'out']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Edge {
  readonly from: string;
  readonly to: string;
  /** `import type` / `export type`: erased at run time, so it cannot close a load-order cycle. */
  readonly typeOnly: boolean;
}

/** Relative imports of every source file, resolved to repository paths. */
function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(ROOT)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      let specifier: string | undefined;
      let typeOnly = false;
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        specifier = node.moduleSpecifier.text;
        const clause = node.importClause;
        typeOnly =
          clause?.isTypeOnly === true ||
          (clause !== undefined &&
            clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly));
      } else if (
        ts.isExportDeclaration(node) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        specifier = node.moduleSpecifier.text;
        typeOnly = node.isTypeOnly;
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] !== undefined &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        specifier = node.arguments[0].text;
      }
      if (specifier?.startsWith('.') === true) {
        const to = path.relative(ROOT, path.resolve(path.dirname(file), specifier));
        edges.push({ from: path.relative(ROOT, file), to, typeOnly });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return edges;
}

/** Every cycle a depth-first walk of `graph` closes, as `a → b → a`. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const walk = (file: string): void => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting')
        cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (state.get(next) === undefined) walk(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) walk(file);
  return cycles;
}

const topFolder = (file: string): string =>
  file.includes(path.sep) ? (file.split(path.sep)[0] ?? '.') : '.';

describe('architecture: imports follow the flow', () => {
  const edges = importEdges();

  test('no folder imports against the flow', () => {
    const forbidden = edges
      .filter((edge) => {
        const allowed = ALLOWED[topFolder(edge.from)];
        return allowed !== undefined && !allowed.includes(topFolder(edge.to));
      })
      .map((edge) => `${edge.from} → ${edge.to}`);
    expect(forbidden).toEqual([]);
  });

  test('the read-only helpers import no probe, synthesis or run module', () => {
    const under = (file: string, folders: readonly string[]): boolean =>
      folders.some((folder) => file.startsWith(`${folder}${path.sep}`));
    const forbidden = edges
      .filter((edge) => !edge.typeOnly && under(edge.from, READ_ONLY_HELPERS))
      .filter((edge) => under(edge.to, WRITING_HELPERS))
      .map((edge) => `${edge.from} → ${edge.to}`);
    expect(forbidden).toEqual([]);
    for (const folder of [...READ_ONLY_HELPERS, ...WRITING_HELPERS])
      expect(fs.existsSync(path.join(ROOT, folder)), folder).toBe(true);
  });

  test('no cycle between files (type-only imports aside)', () => {
    const graph = new Map<string, string[]>();
    for (const edge of edges.filter((candidate) => !candidate.typeOnly)) {
      graph.set(edge.from, [...(graph.get(edge.from) ?? []), edge.to]);
    }
    expect(findCycles(graph)).toEqual([]);
  });

  test('the cycle finder finds a cycle (so an empty list means none)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCycles(graph)).toEqual(['a.ts → b.ts → c.ts → a.ts']);
  });

  test('the rules see the tree: every folder it names exists and has imports', () => {
    for (const folder of ['helpers', 'fixtures', 'reports', 'suites', 'cli']) {
      expect(
        edges.some((edge) => topFolder(edge.from) === folder),
        folder,
      ).toBe(true);
    }
  });
});
