import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { GateError } from '../helpers/gate-error.ts';

export interface TargetOptions {
  readonly databaseUrl?: string;
  readonly env?: string;
}

/**
 * Where the CLI points: `--database-url` (refused together with `--env`); `--env NAME` reads DATABASE_URL from `.env.NAME`;
 * otherwise DATABASE_URL from the environment.
 */
export function resolveDatabaseUrl(options: TargetOptions, cwd = process.cwd()): string {
  if (options.databaseUrl !== undefined && options.env !== undefined) {
    throw new GateError('Pass either --database-url or --env NAME, not both: they name two databases.');
  }
  if (options.databaseUrl !== undefined) return options.databaseUrl;
  if (options.env !== undefined) {
    if (!/^[A-Za-z0-9_-]+$/.test(options.env)) {
      throw new GateError(`--env "${options.env}" is not a plain name like staging or local.`);
    }
    const file = path.join(cwd, `.env.${options.env}`);
    if (!fs.existsSync(file)) {
      throw new GateError(
        `--env ${options.env} needs ${file} with DATABASE_URL=…; create it or pass --database-url.`,
      );
    }
    const parsed = dotenv.parse(fs.readFileSync(file));
    const url = parsed['DATABASE_URL'];
    if (url === undefined || url === '')
      throw new GateError(`${file} has no DATABASE_URL; add DATABASE_URL=postgresql://….`);
    return url;
  }
  const fromEnvironment = process.env['DATABASE_URL'];
  if (fromEnvironment === undefined || fromEnvironment === '') {
    throw new GateError('No database given: pass --database-url URL or --env NAME, or set DATABASE_URL.');
  }
  return fromEnvironment;
}
