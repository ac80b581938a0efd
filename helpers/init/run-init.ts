import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { connectClient } from '../db/database-connection.ts';
import { GateError } from '../gate-error.ts';
import { Migrator } from '../migrations/migrator.ts';
import { loadPolicyParser } from '../policy/policy-ast.ts';
import { EmbeddedProvider } from '../providers/embedded-provider.ts';
import { readCatalogFacts, type CatalogFacts } from './catalog-facts.ts';
import { guessConfig, type ConfigGuesses } from './config-guesses.ts';
import { findMigrations } from './migrations-directory.ts';
import { policyReads } from '../policy/policy-reads.ts';
import { renderGateConfig, todosOf } from './render-gate-config.ts';
import { ENV_STAGING_EXAMPLE, VITEST_CONFIG, renderWorkflow } from './starter-files.ts';

export interface InitOptions {
  /** The team's project root; the files are written there. */
  readonly root: string;
  /** A database already migrated, read with catalog queries only; left out, an embedded one is migrated. */
  readonly databaseUrl?: string;
  readonly migrations?: string;
  readonly force?: boolean;
  readonly schema?: string;
  readonly log?: (line: string) => void;
}

export interface InitResult {
  /** Paths written, relative to the root. */
  readonly written: readonly string[];
  readonly guesses: ConfigGuesses;
  /** What the team must fill in by hand. */
  readonly todos: readonly string[];
}

/** The files `init` writes, relative to the project root. */
export const INIT_FILES = [
  'gate.config.ts',
  'vitest.config.ts',
  '.env.staging.example',
  '.github/workflows/migration-gate.yml',
] as const;

async function factsOf(url: string, schema: string): Promise<CatalogFacts> {
  const client = await connectClient(url);
  try {
    // Only catalog queries: the session cannot write even by mistake.
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    return await readCatalogFacts(client, schema);
  } finally {
    await client.end();
  }
}

/**
 * Writes a starter `gate.config.ts`, `vitest.config.ts`, `.env.staging.example` and CI workflow for the
 * schema the migrations build, guessing the tenancy from the migrated catalog.
 */
export async function runInit(options: InitOptions): Promise<InitResult> {
  const log = options.log ?? (() => undefined);
  const schema = options.schema ?? 'public';
  const existing = INIT_FILES.filter((file) => existsSync(path.join(options.root, file)));
  if (existing.length > 0 && options.force !== true) {
    throw new GateError(
      `init would overwrite ${existing.join(', ')} in ${options.root}; pass --force to replace them.`,
    );
  }
  const migrations = await findMigrations(options.root, options.migrations);
  const last = migrations.files[migrations.files.length - 1];
  if (last === undefined)
    throw new GateError(`The migrations directory ${migrations.directory} holds no migrations.`);
  log(`migrations: ${migrations.files.length} ${last.format} migration(s) in ${migrations.directory}`);

  let facts: CatalogFacts;
  if (options.databaseUrl !== undefined) {
    facts = await factsOf(options.databaseUrl, schema);
  } else {
    log('starting an embedded PostgreSQL to migrate');
    const database = await new EmbeddedProvider({ log }).start();
    try {
      await new Migrator({
        databaseUrl: database.url,
        directory: path.resolve(options.root, migrations.directory),
        log,
      }).migrate();
      facts = await factsOf(database.url, schema);
    } finally {
      await database.stop();
    }
  }

  await loadPolicyParser();
  const reads = facts.policies.flatMap((policy) => policy.expressions.map(policyReads));
  const guesses = guessConfig(facts, reads);
  const files: Readonly<Record<(typeof INIT_FILES)[number], string>> = {
    'gate.config.ts': renderGateConfig(
      {
        directory: migrations.directory,
        format: last.format,
        count: migrations.files.length,
        lastVersion: last.version,
        lastName: last.name,
      },
      guesses,
      schema,
    ),
    'vitest.config.ts': VITEST_CONFIG,
    '.env.staging.example': ENV_STAGING_EXAMPLE,
    '.github/workflows/migration-gate.yml': renderWorkflow(migrations.directory),
  };
  for (const file of INIT_FILES) {
    const target = path.join(options.root, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, files[file]);
    log(`wrote ${file}`);
  }
  const todos = todosOf(guesses);
  for (const todo of todos) log(`TODO: fill in ${todo}`);
  return { written: [...INIT_FILES], guesses, todos };
}
