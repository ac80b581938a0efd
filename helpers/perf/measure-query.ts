import type pg from 'pg';
import { parseExplain, summarisePlan, type PlanSummary } from './explain-plan.ts';

/** Timings of one query: every measured run and the plan of the median one. */
export interface QueryMeasurement {
  readonly medianMs: number;
  readonly timingsMs: readonly number[];
  readonly plan: PlanSummary;
}

/**
 * Runs `sql` under `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` once to warm the cache, then `runs` times,
 * on the caller's connection (already in the tenant context it should measure). Execution time is the
 * server's, so network and driver time do not count.
 */
export async function measureQuery(
  client: pg.ClientBase,
  sql: string,
  params: readonly unknown[],
  runs: number,
): Promise<QueryMeasurement> {
  const explain = async (): Promise<PlanSummary> => {
    const result = await client.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
      [...params],
    );
    return summarisePlan(parseExplain(result.rows[0]?.['QUERY PLAN']));
  };
  await explain();
  const plans: PlanSummary[] = [];
  for (let i = 0; i < Math.max(1, runs); i += 1) plans.push(await explain());
  const sorted = [...plans].sort((a, b) => a.executionMs - b.executionMs);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? sorted[0];
  if (median === undefined) throw new Error('measureQuery: no run was measured.');
  return { medianMs: median.executionMs, timingsMs: plans.map((plan) => plan.executionMs), plan: median };
}

/** Median / owner median, both floored at `floorMs` so sub-millisecond noise cannot make a ratio. */
export function overheadRatio(appMs: number, ownerMs: number, floorMs: number): number {
  return Math.max(appMs, floorMs) / Math.max(ownerMs, floorMs);
}
