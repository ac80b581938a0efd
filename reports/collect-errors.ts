/** Vitest errors → plain, redacted evidence errors (no ANSI, no passwords, no node_modules frames). */
import type { SerializedError } from 'vitest/node';
import { redactSecrets } from '../helpers/redact.ts';
import type { EvidenceError } from './evidence-model.ts';
import { stripAnsi } from './markdown.ts';

/** Project frames kept per error; enough to find the failing line. */
const MAX_FRAMES = 5;

function clean(text: string): string {
  return redactSecrets(stripAnsi(text));
}

/** Converts a Vitest `TestError` / `SerializedError` to evidence; `root` makes frame paths relative. */
export function toEvidenceError(error: SerializedError, root: string): EvidenceError {
  const name = typeof error.name === 'string' && error.name.length > 0 ? error.name : 'Error';
  const diff =
    typeof error['diff'] === 'string' && error['diff'].length > 0 ? clean(error['diff']) : undefined;
  const frames = (error.stacks ?? [])
    .filter((frame) => !frame.file.includes('/node_modules/'))
    .slice(0, MAX_FRAMES)
    .map(
      (frame) =>
        `at ${frame.method || '<anonymous>'} (${relativeTo(root, frame.file)}:${frame.line}:${frame.column})`,
    );
  return {
    name: clean(name),
    message: clean(String(error.message)),
    ...(diff === undefined ? {} : { diff }),
    ...(frames.length === 0 ? {} : { stack: frames.join('\n') }),
  };
}

function relativeTo(root: string, file: string): string {
  const normalisedRoot = root.replace(/\\/g, '/').replace(/\/+$/, '');
  const normalisedFile = file.replace(/\\/g, '/');
  return normalisedFile.startsWith(`${normalisedRoot}/`)
    ? normalisedFile.slice(normalisedRoot.length + 1)
    : normalisedFile;
}
