/** The CE-26 chart: median time per benchmark query against its budget, as a Mermaid `xychart-beta`. */
import type { CheckEvidence } from './evidence-model.ts';
import { WELL_KNOWN_CHECK_PREFIXES } from './well-known-checks.ts';

/** A label Mermaid can hold inside `"…"`. */
function chartLabel(text: string): string {
  return `"${text.replaceAll('"', "'")}"`;
}

function chartNumber(value: number): string {
  return String(Number(value.toFixed(3)));
}

/**
 * Bars are the median execution time of every `ce26.perf.query.*` check that recorded a millisecond
 * metric, the line is each query's budget. Null when no such check ran (the section shows no chart).
 */
export function renderPerfChart(checks: readonly CheckEvidence[]): string | null {
  const queries = checks.flatMap((check) =>
    check.id.startsWith(WELL_KNOWN_CHECK_PREFIXES.queryTiming) &&
    check.metric !== null &&
    check.metric.unit === 'ms'
      ? [{ name: check.id.slice(WELL_KNOWN_CHECK_PREFIXES.queryTiming.length), metric: check.metric }]
      : [],
  );
  if (queries.length === 0) return null;
  const top = Math.max(...queries.map(({ metric }) => Math.max(metric.value, metric.budget ?? 0)));
  const lines = [
    'xychart-beta',
    `    title "Median execution time per query (ms) against its budget"`,
    `    x-axis [${queries.map(({ name }) => chartLabel(name)).join(', ')}]`,
    `    y-axis "ms" 0 --> ${chartNumber(top > 0 ? top * 1.1 : 1)}`,
    `    bar [${queries.map(({ metric }) => chartNumber(metric.value)).join(', ')}]`,
  ];
  if (queries.every(({ metric }) => metric.budget !== undefined)) {
    lines.push(`    line [${queries.map(({ metric }) => chartNumber(metric.budget ?? 0)).join(', ')}]`);
  }
  return [
    '## Query times',
    '',
    'Bars: median execution time of each query (EXPLAIN ANALYZE, as the application role). Line: its budget.',
    '',
    '```mermaid',
    ...lines,
    '```',
  ].join('\n');
}
