import type { MigrationFormat } from '../migrations/migration-formats.ts';
import type { ConfigGuesses, Guess } from './config-guesses.ts';

/** What the written `gate.config.ts` says about the migrations. */
export interface MigrationsFacts {
  /** As written in the config: relative to the project root, forward slashes. */
  readonly directory: string;
  readonly format: MigrationFormat;
  readonly count: number;
  readonly lastVersion: string;
  readonly lastName: string;
}

/** A single-quoted TypeScript string literal. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function line(key: string, guess: Guess<string>, indent: string): string {
  return guess.kind === 'guessed'
    ? `${indent}// ${guess.source}\n${indent}${key}: ${literal(guess.value)},`
    : `${indent}${key}: '', // TODO: fill in ${guess.todo}`;
}

/** The TODOs of a set of guesses, as the CLI prints them. */
export function todosOf(guesses: ConfigGuesses): readonly string[] {
  return [
    guesses.tenantKey,
    guesses.tenantTable,
    guesses.tenantSetting,
    guesses.appRole,
    guesses.tenantTables,
  ].flatMap((guess) => (guess.kind === 'todo' ? [guess.todo] : []));
}

/** Renders the starter `gate.config.ts`: every guess with a comment saying where it came from. */
export function renderGateConfig(
  migrations: MigrationsFacts,
  guesses: ConfigGuesses,
  schema: string,
): string {
  const tenancy: string[] = [];
  const key = guesses.tenantKey;
  if (key.kind === 'guessed') {
    tenancy.push(
      `    // ${key.source}; its type is ${key.value.type}`,
      `    tenantKey: ${literal(key.value.name)},`,
    );
  } else {
    tenancy.push(`    tenantKey: '', // TODO: fill in ${key.todo}`);
  }
  const table = guesses.tenantTable;
  if (table.kind === 'todo') tenancy.push(`    // TODO: fill in ${table.todo}`);
  else if (table.value === undefined) tenancy.push(`    // tenantTable left out: ${table.source}`);
  else tenancy.push(`    // ${table.source}`, `    tenantTable: ${literal(table.value)},`);
  tenancy.push(line('tenantSetting', guesses.tenantSetting, '    '));
  if (guesses.tenantContext !== undefined) {
    tenancy.push(
      `    // ${guesses.tenantContext.source}`,
      `    tenantContext: { sql: ${literal(guesses.tenantContext.sql)} },`,
    );
  }
  tenancy.push(line('appRole', guesses.appRole, '    '));
  const tables = guesses.tenantTables;
  if (tables.kind === 'guessed') {
    tenancy.push(`    // ${tables.source}`, `    tenantTables: [${tables.value.map(literal).join(', ')}],`);
  } else {
    tenancy.push(`    tenantTables: [], // TODO: fill in ${tables.todo}`);
  }
  if (guesses.forceRlsTables === undefined) {
    tenancy.push(
      '    // forceRlsTables left out: every tenant table has FORCE ROW LEVEL SECURITY, and the gate requires it of all.',
    );
  } else {
    tenancy.push(
      `    // ${guesses.forceRlsTables.source}; list more once they are forced, or [] if the app never connects as the owner`,
      `    forceRlsTables: [${guesses.forceRlsTables.tables.map(literal).join(', ')}],`,
    );
  }
  const probe = guesses.insertProbeTables;
  const integrity =
    probe === undefined
      ? ''
      : `\n    // ${probe.source}: an insert there for the app's own tenant must succeed and be visible\n    insertProbeTables: [${probe.tables.map(literal).join(', ')}],\n  `;
  return `import { defineGateConfig } from 'migration-gate';

// Written by \`npx migration-gate init\` from the migrated catalog; check every guess, then commit.
export default defineGateConfig({
  schema: ${literal(schema)},
  migrations: {
    // ${migrations.count} ${migrations.format} migration(s) found in ${migrations.directory}
    directory: ${literal(migrations.directory)},
    // the last migration: ${migrations.lastName}
    expectedVersion: ${literal(migrations.lastVersion)},
  },
  tenancy: {
${tenancy.join('\n')}
  },
  foreignKeys: {
    // the ${guesses.foreignKeyCount} foreign key(s) the migrated schema has now
    minimumCount: ${guesses.foreignKeyCount},
    critical: [],
    acceptedNotValid: [],
  },
  integrity: {${integrity}},
});
`;
}
