import { GateError } from '../gate-error.ts';

/** Vitest keeps its worker state on this global in test workers only, never in the CLI's main process. */
function insideTestWorker(): boolean {
  return Reflect.get(globalThis, '__vitest_worker__') !== undefined;
}

/**
 * Runs a globalSetup step; a GateError (bad input: a missing URL, a refused connection, a role
 * without the powers it needs) becomes its one sentence on stderr and the process exits with its
 * code. Vitest would otherwise print "No test files found", the stack and a "Serialized Error"
 * around it. Any other error is a bug and keeps its stack. Inside a test worker (a gate run nested
 * in a test, through `startVitest`) the error is rethrown instead: exiting would kill the worker.
 *
 * @example
 * const database = await exitOnGateError('migration-gate staging', () => provider.start());
 */
export async function exitOnGateError<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof GateError) || insideTestWorker()) throw error;
    process.stderr.write(`${prefix}: ${error.message}\n`);
    process.exit(error.exitCode);
  }
}
