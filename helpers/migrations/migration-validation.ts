import type { MigrationFile } from './migration-files.ts';
import { analyseSql, type AnalysedStatement } from './sql-analysis.ts';

export interface MigrationProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** `from` uses a relation that `to` creates. */
export interface MigrationDependency {
  readonly from: string;
  readonly to: string;
  readonly relation: string;
}

export interface MigrationValidation {
  readonly files: readonly { readonly file: string; readonly statements: number }[];
  /** Unparsable SQL, per file and line. */
  readonly syntaxErrors: readonly MigrationProblem[];
  /** Statements that cannot run inside the migration's transaction. */
  readonly nonTransactional: readonly MigrationProblem[];
  readonly dependencies: readonly MigrationDependency[];
  /** A migration that uses a relation only a LATER migration creates: the order is wrong. */
  readonly forwardReferences: readonly MigrationDependency[];
  /** Relations referenced but created by no migration (expected to exist before the first). */
  readonly external: readonly string[];
}

function fileNames(migration: MigrationFile): { up: string; down: string } {
  return { up: migration.upFile, down: migration.downFile };
}

/**
 * Parses every up and down file and derives the dependency graph between migrations from the
 * relations each creates and references. Edges may only point backwards; since the versions are
 * totally ordered, that also rules out cycles.
 */
export async function validateMigrations(migrations: readonly MigrationFile[]): Promise<MigrationValidation> {
  const files: { file: string; statements: number }[] = [];
  const syntaxErrors: MigrationProblem[] = [];
  const nonTransactional: MigrationProblem[] = [];
  const ups = new Map<string, readonly AnalysedStatement[]>();

  for (const migration of migrations) {
    const names = fileNames(migration);
    const sources: [string, string | undefined][] = [
      [names.up, migration.upSql],
      [names.down, migration.downSql],
    ];
    for (const [file, sql] of sources) {
      if (sql === undefined) continue;
      const analysis = await analyseSql(sql);
      if (!analysis.ok) {
        syntaxErrors.push({ file, line: analysis.line, message: analysis.message });
        continue;
      }
      files.push({ file, statements: analysis.statements.length });
      for (const statement of analysis.statements) {
        if (statement.nonTransactional !== undefined) {
          nonTransactional.push({ file, line: statement.line, message: statement.nonTransactional });
        }
      }
      if (file === names.up) ups.set(migration.name, analysis.statements);
    }
  }

  const creator = new Map<string, string>();
  for (const migration of migrations) {
    for (const statement of ups.get(migration.name) ?? []) {
      for (const relation of statement.creates) if (!creator.has(relation)) creator.set(relation, migration.name);
    }
  }
  const order = new Map(migrations.map((migration, index) => [migration.name, index]));
  const dependencies: MigrationDependency[] = [];
  const forwardReferences: MigrationDependency[] = [];
  const external = new Set<string>();
  for (const migration of migrations) {
    const seen = new Set<string>();
    for (const statement of ups.get(migration.name) ?? []) {
      for (const relation of statement.references) {
        const owner = creator.get(relation);
        if (owner === undefined) {
          external.add(relation);
          continue;
        }
        if (owner === migration.name || seen.has(relation)) continue;
        seen.add(relation);
        const edge = { from: migration.name, to: owner, relation };
        if ((order.get(owner) ?? 0) > (order.get(migration.name) ?? 0)) forwardReferences.push(edge);
        else dependencies.push(edge);
      }
    }
  }
  return { files, syntaxErrors, nonTransactional, dependencies, forwardReferences, external: [...external].sort() };
}
