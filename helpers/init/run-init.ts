import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { connectClient } from '../db/database-connection.ts';
import { GateError } from '../gate-error.ts';
import { Migrator } from '../migrations/migrator.ts';
import { DEFAULT_BOOKKEEPING_SCHEMA, readVersion } from '../migrations/migration-history.ts';
import { compareVersions } from '../migrations/migration-version.ts';
import { redactUrl } from '../redact.ts';
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

/**
 * The schema to read: `requested`, else the one whose tables have row-level security on most often
 * (a multi-tenant schema), then the one with most tables; `public` when no schema has a table.
 */
async function chooseSchema(
  client: pg.ClientBase,
  requested: string | undefined,
  log: (line: string) => void,
): Promise<string> {
  if (requested !== undefined) return requested;
  const result = await client.query<{ schema: string; tables: number; rls: number }>(
    `SELECT n.nspname AS schema, count(*)::int AS tables, count(*) FILTER (WHERE c.relrowsecurity)::int AS rls
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
      GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1 LIMIT 1`,
  );
  const chosen = result.rows[0];
  if (chosen === undefined) return 'public';
  if (chosen.schema !== 'public')
    log(
      `schema: ${chosen.schema} (${chosen.rls} of its ${chosen.tables} tables have row-level security; --schema chooses another)`,
    );
  return chosen.schema;
}

async function factsOf(
  url: string,
  requested: string | undefined,
  log: (line: string) => void,
): Promise<{ readonly facts: CatalogFacts; readonly schema: string; readonly version: string | null }> {
  const client = await connectClient(url);
  try {
    // Only catalog queries: the session cannot write even by mistake.
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    const schema = await chooseSchema(client, requested, log);
    // The gate's bookkeeping, else the history of the tool that migrated it (dbmate, Flyway, …).
    const version = await readVersion(client, DEFAULT_BOOKKEEPING_SCHEMA).catch(() => null);
    return { facts: await readCatalogFacts(client, schema), schema, version };
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

  let read: { readonly facts: CatalogFacts; readonly schema: string; readonly version: string | null };
  if (options.databaseUrl !== undefined) {
    read = await factsOf(options.databaseUrl, options.schema, log);
  } else {
    log('starting an embedded PostgreSQL to migrate');
    const database = await new EmbeddedProvider({ log }).start();
    try {
      await new Migrator({
        databaseUrl: database.url,
        directory: path.resolve(options.root, migrations.directory),
        log,
      }).migrate();
      read = await factsOf(database.url, options.schema, log);
    } finally {
      await database.stop();
    }
  }

  const { facts, schema } = read;
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
  // A database behind the migrations: its catalog lacks what the pending ones create.
  const behind =
    options.databaseUrl !== undefined &&
    read.version !== null &&
    compareVersions(read.version, last.version) < 0
      ? [
          `the guesses: ${redactUrl(options.databaseUrl)} is at version ${read.version}, before the last migration ${last.name}, so tables and keys the pending migrations create are missing from them; apply them (or run init without --database-url, which migrates an embedded PostgreSQL) and run init --force again`,
        ]
      : [];
  const todos = [...behind, ...todosOf(guesses)];
  for (const todo of todos) log(`TODO: fill in ${todo}`);
  return { written: [...INIT_FILES], guesses, todos };
}
