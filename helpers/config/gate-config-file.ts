import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineGateConfig, type GateConfig } from './gate-config.ts';
import type * as Vite from 'vite';
import { GateError, errorMessage } from '../gate-error.ts';

/** File names looked up in the working directory, in this order, when no path is given. */
export const CONFIG_FILE_NAMES = [
  'gate.config.ts',
  'gate.config.mts',
  'gate.config.js',
  'gate.config.mjs',
] as const;

/** Environment variable naming the config file (the CLI's `--config` sets it too). */
export const CONFIG_ENV = 'MIGRATION_GATE_CONFIG';

/**
 * The config file to load: `explicit` (a `--config` value or `$MIGRATION_GATE_CONFIG`), resolved against
 * `cwd`, or the first of {@link CONFIG_FILE_NAMES} in `cwd`. Throws one sentence when there is none.
 */
export function resolveGateConfigPath(cwd: string, explicit: string | undefined): string {
  if (explicit !== undefined && explicit.trim() !== '') {
    const file = path.resolve(cwd, explicit);
    if (!existsSync(file)) {
      throw new GateError(`The gate config ${file} (from ${CONFIG_ENV} or --config) does not exist.`);
    }
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new GateError(
    `No gate config in ${cwd}: create ${CONFIG_FILE_NAMES[0]} (npx migration-gate init writes one) or point ${CONFIG_ENV} at it.`,
  );
}

/**
 * Loads the config file's default export. Relative paths in it (the migrations directory) are resolved
 * against the file's own directory, so a config works from wherever the gate is started. Must run where
 * TypeScript can be imported (Vitest's globalSetup, the tsx-run CLI).
 */
export async function loadGateConfigFile(file: string): Promise<GateConfig> {
  let exported: unknown;
  try {
    const loaded = (await import(pathToFileURL(file).href)) as { readonly default?: unknown };
    exported = loaded.default;
  } catch (error) {
    if (!/\.[cm]?ts$/.test(file))
      throw new GateError(`The gate config ${file} could not be loaded: ${errorMessage(error)}`);
    // Plain Node 20 (the installed CLI) cannot import TypeScript, and tsx (the source checkout's CLI)
    // refuses a .ts file outside a "type": "module" package: Vite, there wherever Vitest is, bundles it.
    exported = await loadWithVite(file, error);
  }
  if (!isConfigShape(exported)) {
    throw new GateError(
      `The gate config ${file} must export default defineGateConfig({ schema, migrations, tenancy, … }).`,
    );
  }
  const directory = path.resolve(path.dirname(file), exported.migrations.directory);
  const config = defineGateConfig({ ...exported, migrations: { ...exported.migrations, directory } });
  const factories = config.fixtures.factories;
  return factories === undefined
    ? config
    : { ...config, fixtures: { ...config.fixtures, factories: path.resolve(path.dirname(file), factories) } };
}

/** The least the rest of the gate reads before validation proper: an object with migrations and tenancy. */
function isConfigShape(value: unknown): value is GateConfig {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const migrations = record['migrations'] as Record<string, unknown> | undefined;
  return (
    typeof migrations === 'object' &&
    migrations !== null &&
    typeof migrations['directory'] === 'string' &&
    typeof record['tenancy'] === 'object' &&
    record['tenancy'] !== null
  );
}

/** The default export of a TypeScript config bundled by Vite's `loadConfigFromFile` (as for vite.config.ts). */
async function loadWithVite(file: string, importError: unknown): Promise<unknown> {
  let vite: typeof Vite;
  try {
    vite = await import('vite');
  } catch {
    throw new GateError(
      `The gate config ${file} could not be loaded: ${errorMessage(importError)} (and Vite, which bundles a TypeScript config, is not installed: install vitest, or write gate.config.mjs)`,
    );
  }
  try {
    const loaded = await vite.loadConfigFromFile(
      { command: 'serve', mode: 'migration-gate' },
      file,
      path.dirname(file),
      'silent',
    );
    return loaded?.config;
  } catch (error) {
    throw new GateError(`The gate config ${file} could not be loaded: ${errorMessage(error)}`);
  }
}
