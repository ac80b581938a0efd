/** The per-check detail blocks of a CE report: why a check failed and what broke it. */
import type { CheckEvidence, EvidenceError } from './evidence-model.ts';
import { formatMeasured } from './format-values.ts';
import { codeBlock, document, escapeInline, inlineCode } from './markdown.ts';
import { renderOffending } from './render-offending.ts';

function renderError(error: EvidenceError): string {
  const parts = [`${error.name}: ${error.message}`];
  if (error.diff !== undefined) parts.push('', error.diff);
  if (error.stack !== undefined) parts.push('', error.stack);
  return codeBlock(parts.join('\n'));
}

/** One failed check: test, file, measured values, reason(s), offending rows, notes. */
export function renderFailure(check: CheckEvidence): string {
  const facts = [
    `- Test: ${escapeInline(check.fullName)}`,
    `- File: ${inlineCode(check.file)}`,
    `- Measured: ${escapeInline(formatMeasured(check.measured))}`,
    ...check.notes.map((note) => `- Note: ${escapeInline(note)}`),
  ].join('\n');
  const reason =
    check.errors.length === 0
      ? 'Reason: the check failed without an error message.'
      : `Reason:\n\n${check.errors.map(renderError).join('\n\n')}`;
  const offending = check.offendingTotal > 0 ? renderOffending(check.offending, check.offendingTotal) : null;
  const cells = check.accessMatrix.filter((cell) => !cell.ok);
  const matrix =
    cells.length === 0
      ? null
      : `Access-matrix cells not as expected:\n\n${cells
          .map(
            (cell) =>
              `- ${escapeInline(`${cell.table} ${cell.command} as ${cell.context}: ${cell.outcome} (expected ${cell.expected})`)}`,
          )
          .join('\n')}`;
  return document([`### ❌ ${inlineCode(check.id)}`, facts, reason, offending, matrix]).trimEnd();
}
