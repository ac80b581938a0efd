/** Measured values and check statuses as short plain text for tables. */
import type { CheckStatus, GateStatus, MandatoryCheckStatus } from './evidence-model.ts';
import type { JsonValue } from '../helpers/json-value.ts';
import { truncate } from './markdown.ts';

const MAX_VALUE_CHARS = 80;
const MAX_MEASURED_CHARS = 300;

/** A JSON value as text: strings bare, everything else as compact JSON. */
export function formatValue(value: JsonValue, max = MAX_VALUE_CHARS): string {
  return truncate(typeof value === 'string' ? value : JSON.stringify(value), max);
}

/** `{ rowsAffected: 0, code: '42501' }` → `rowsAffected: 0, code: 42501`; empty → `—`. */
export function formatMeasured(measured: Readonly<Record<string, JsonValue>>): string {
  const entries = Object.entries(measured);
  if (entries.length === 0) return '—';
  return truncate(
    entries.map(([key, value]) => `${key}: ${formatValue(value)}`).join(', '),
    MAX_MEASURED_CHARS,
  );
}

/** Status with a symbol that survives GitHub and plain terminals. */
export function formatStatus(status: CheckStatus): string {
  switch (status) {
    case 'passed':
      return '✅ passed';
    case 'failed':
      return '❌ FAILED';
    case 'skipped':
      return '⏭️ skipped';
    case 'not-applicable':
      return '➖ not applicable';
  }
}

export function formatGateStatus(status: GateStatus): string {
  switch (status) {
    case 'PASS':
      return '✅ PASS';
    case 'FAIL':
      return '❌ FAIL';
    case 'NOT RUN':
      return '⚪ NOT RUN';
  }
}

/** A mandatory check's status; `missing` reads as not run, like a skipped one. */
export function formatMandatoryStatus(status: MandatoryCheckStatus): string {
  return status === 'missing' ? '⚪ did not run' : formatStatus(status);
}
