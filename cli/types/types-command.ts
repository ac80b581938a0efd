import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { catalogColumns } from '../../helpers/codegen/catalog-columns.ts';
import { renderDbInterface } from '../../helpers/codegen/render-db-interface.ts';
import {
  CONFIG_ENV,
  CONFIG_FILE_NAMES,
  loadGateConfigFile,
  resolveGateConfigPath,
} from '../../helpers/config/gate-config-file.ts';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { parseDatabaseUrl } from '../../helpers/db/database-url.ts';
import { GateError } from '../../helpers/gate-error.ts';
import {
  bookkeepingSchemaOf,
  HISTORY_TABLE,
  VERSION_TABLE,
} from '../../helpers/migrations/migration-history.ts';
import { redactUrl } from '../../helpers/redact.ts';
import { resolveDatabaseUrl, type TargetOptions } from '../database-target.ts';

export interface TypesOptions extends TargetOptions {
  readonly out: string;
  readonly schema?: string;
  readonly config?: string;
}

/**
 * `--schema`, else the gate config's `schema` (when there is a config), else `public`; with the
 * schema of the gate's bookkeeping tables (the config's, else `public`).
 */
async function schemaOf(
  options: TypesOptions,
  cwd: string,
): Promise<{ readonly schema: string; readonly bookkeepingSchema: string }> {
  const explicit = options.config ?? process.env[CONFIG_ENV];
  const found = CONFIG_FILE_NAMES.some((name) => existsSync(path.join(cwd, name)));
  const config =
    explicit === undefined && !found
      ? undefined
      : await loadGateConfigFile(resolveGateConfigPath(cwd, explicit));
  return {
    schema: options.schema ?? config?.schema ?? 'public',
    bookkeepingSchema: config === undefined ? 'public' : bookkeepingSchemaOf(config.migrations),
  };
}

/**
 * `migration-gate types`: writes the Kysely `DB` interface of the migrated database's schema to `--out`.
 * Returns the lines to print.
 */
export async function runTypes(options: TypesOptions, cwd = process.cwd()): Promise<string[]> {
  const databaseUrl = parseDatabaseUrl(resolveDatabaseUrl(options, cwd)).url;
  const { schema, bookkeepingSchema } = await schemaOf(options, cwd);
  const client = await connectClient(databaseUrl, { applicationName: 'migration-gate types' });
  try {
    // The gate's own version and history tables are no part of the application's schema.
    const bookkeeping = bookkeepingSchema === schema ? [VERSION_TABLE, HISTORY_TABLE] : [];
    const columns = await catalogColumns(client, schema, bookkeeping);
    if (columns.length === 0) {
      throw new GateError(
        `Schema "${schema}" of ${redactUrl(databaseUrl)} has no tables or views: migrate the database first (npx migration-gate migrate) or pass --schema.`,
      );
    }
    const out = path.resolve(cwd, options.out);
    await fs.mkdir(path.dirname(out), { recursive: true });
    await fs.writeFile(out, renderDbInterface(columns, schema));
    const relations = new Set(columns.map((column) => column.relation)).size;
    return [
      `database: ${redactUrl(databaseUrl)}`,
      `wrote ${out}: ${relations} relations of schema ${schema}`,
    ];
  } finally {
    await client.end();
  }
}
