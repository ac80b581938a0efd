/** This run's CE-26 measurements as a baseline file a later run can compare with (pure). */
import {
  BASELINE_FILE,
  BASELINE_FORMAT,
  type PerfBaseline,
  type QueryBaseline,
} from '../helpers/perf/perf-baseline.ts';
import type { EvidenceModel } from './evidence-model.ts';
import type { ReportFile } from './report-writer.ts';
import { WELL_KNOWN_CHECK_PREFIXES } from './well-known-checks.ts';

function numberOf(measured: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = measured[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * `ce26_baseline.json`: the median time, shared buffers and rows of every `ce26.perf.query.*` check that
 * measured (passed or failed), keyed by the id after the prefix. No file when no query was measured.
 */
export function renderPerfBaseline(model: EvidenceModel): ReportFile[] {
  const queries: Record<string, QueryBaseline> = {};
  for (const check of model.checks) {
    if (!check.id.startsWith(WELL_KNOWN_CHECK_PREFIXES.queryTiming)) continue;
    if (check.status !== 'passed' && check.status !== 'failed') continue;
    const medianMs = numberOf(check.measured, 'executionMs');
    const sharedHitBlocks = numberOf(check.measured, 'sharedHitBlocks');
    const sharedReadBlocks = numberOf(check.measured, 'sharedReadBlocks');
    const rows = numberOf(check.measured, 'rows');
    if (
      medianMs === undefined ||
      sharedHitBlocks === undefined ||
      sharedReadBlocks === undefined ||
      rows === undefined
    ) {
      continue;
    }
    queries[check.id.slice(WELL_KNOWN_CHECK_PREFIXES.queryTiming.length)] = {
      medianMs,
      sharedHitBlocks,
      sharedReadBlocks,
      rows,
    };
  }
  if (Object.keys(queries).length === 0) return [];
  const baseline: PerfBaseline = {
    format: BASELINE_FORMAT,
    migrationVersion: model.target?.migrationVersion ?? null,
    runId: model.runId,
    queries,
  };
  return [{ name: BASELINE_FILE, content: `${JSON.stringify(baseline, null, 2)}\n` }];
}
