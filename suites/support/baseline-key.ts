import { checkId } from '../../reports/check-id.ts';

const QUERY_PREFIX = 'ce26.perf.query.';

/** A benchmark's key in a CE-26 baseline: its `ce26.perf.query.` check id without the prefix. */
export function baselineKey(idParts: readonly string[]): string {
  return checkId('CE-26', 'perf', 'query', ...idParts).slice(QUERY_PREFIX.length);
}
