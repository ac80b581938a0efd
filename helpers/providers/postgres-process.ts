import { spawn, type ChildProcess } from 'node:child_process';
import type { ServerAccount } from './server-account.ts';

/** English messages whatever the machine's locale: readiness is read from the server's log. */
const ENVIRONMENT = { ...process.env, LC_MESSAGES: 'C', LANG: 'C' };
const READY = 'database system is ready to accept connections';

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' ').trim();
}

/** Runs a PostgreSQL program to completion as `account`; a non-zero exit rejects with its stderr. */
export function runProgram(
  file: string,
  args: readonly string[],
  account: ServerAccount,
  onSpawn: (pid: number) => void = () => undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...account, env: ENVIRONMENT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('spawn', () => child.pid !== undefined && onSpawn(child.pid));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${file.split('/').pop() ?? file} exited with ${signal ?? `code ${code ?? '?'}`}: ${lastLines(output, 3) || 'no output'}`,
          ),
        );
    });
  });
}

export interface Postmaster {
  readonly process: ChildProcess;
  /** Resolves when the server process has exited. */
  readonly exited: Promise<void>;
}

/** Starts `postgres` and resolves once it accepts connections; an early exit rejects with its log. */
export function startPostmaster(
  postgres: string,
  args: readonly string[],
  account: ServerAccount,
  timeoutMs: number,
): Promise<Postmaster> {
  return new Promise((resolve, reject) => {
    const child = spawn(postgres, args, {
      ...account,
      env: ENVIRONMENT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let log = '';
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`postgres was not ready after ${timeoutMs / 1000} s: ${lastLines(log, 3)}`));
    }, timeoutMs);
    timer.unref();
    child.stderr.on('data', (chunk: Buffer) => {
      if (ready) return;
      log += chunk.toString();
      if (log.includes(READY)) {
        ready = true;
        clearTimeout(timer);
        // Keep draining: a full pipe would block the server's logging.
        child.stderr.resume();
        resolve({ process: child, exited });
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready)
        reject(new Error(`postgres exited with ${signal ?? `code ${code ?? '?'}`}: ${lastLines(log, 3)}`));
    });
  });
}
