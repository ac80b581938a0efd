import { redactSecrets } from './redact.ts';

/**
 * An error meant for a person: one sentence saying what went wrong and how to fix it.
 * The CLI prints only the message (no stack) and exits non-zero.
 */
export class GateError extends Error {
  override readonly name = 'GateError';
  readonly exitCode: number;

  constructor(message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The message of any thrown value, redacted. */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactSecrets(message);
}
