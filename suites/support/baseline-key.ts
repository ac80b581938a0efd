import { checkId } from '../../reports/check-id.ts';
import { WELL_KNOWN_CHECK_PREFIXES } from '../../reports/well-known-checks.ts';

/** A benchmark's key in a CE-26 baseline: its `ce26.perf.query.` check id without the prefix. */
export function baselineKey(idParts: readonly string[]): string {
  return checkId('CE-26', 'perf', 'query', ...idParts).slice(WELL_KNOWN_CHECK_PREFIXES.queryTiming.length);
}
