import { spawn } from 'node:child_process';

/** What a finished command printed and how it exited. */
export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
}

/**
 * Environment of a command run as a team would run it: none of this run's gate or Vitest variables
 * (a nested `vitest` must not believe it is a worker of this one, nor read this repository's config).
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('MIGRATION_GATE_') || key.startsWith('VITEST') || key === 'DATABASE_URL') continue;
    if (key === 'NODE_OPTIONS' || key === 'TEST' || key === 'NODE_ENV') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `command args…` in `cwd` and collects stdout and stderr together, in order. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv() });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Runs a command that must succeed; a failure throws with what it printed. */
export async function runOrThrow(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} in ${options.cwd} exited ${String(result.code)}:\n${result.output}`,
    );
  }
  return result;
}
