import fs from 'node:fs/promises';
import path from 'node:path';
import { GateError, errorMessage } from '../gate-error.ts';

/** Environment variable naming a baseline file to compare with (vitest takes no custom `--baseline` flag). */
export const BASELINE_ENV = 'MIGRATION_GATE_BASELINE';

/** Name of the file the reporter writes beside the reports with this run's measurements. */
export const BASELINE_FILE = 'ce26_baseline.json';

/** Marks a baseline file, so a wrong JSON file is refused in one sentence. */
export const BASELINE_FORMAT = 'migration-gate/ce26-baseline@1';

/** The stable figures of one query's median run. */
export interface QueryBaseline {
  readonly medianMs: number;
  readonly sharedHitBlocks: number;
  readonly sharedReadBlocks: number;
  readonly rows: number;
}

/** A run's CE-26 measurements, by query key (the check id after `ce26.perf.query.`). */
export interface PerfBaseline {
  readonly format: typeof BASELINE_FORMAT;
  /** Migration version the measurements were taken at; null when unknown. */
  readonly migrationVersion: string | null;
  readonly runId?: string;
  readonly queries: Readonly<Record<string, QueryBaseline>>;
}

/** What counts as a regression. */
export interface RegressionRule {
  /** Fraction over the baseline that fails (0.1 = 10%). */
  readonly maxRegression: number;
  /** A time regression also needs the median to grow by more than this many ms (timing noise). */
  readonly timeFloorMs: number;
  /** A buffer regression also needs this many more blocks (a block or two is layout, not a plan). */
  readonly bufferFloorBlocks: number;
}

export const DEFAULT_REGRESSION_RULE: RegressionRule = {
  maxRegression: 0.1,
  timeFloorMs: 5,
  bufferFloorBlocks: 8,
};

/** One metric compared with its baseline. */
export interface MetricComparison {
  readonly metric: 'shared buffers (hit + read)' | 'median time (ms)';
  readonly baseline: number;
  readonly current: number;
  /** current / baseline - 1; null when the baseline is 0. */
  readonly change: number | null;
  readonly regressed: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isQueryBaseline(value: unknown): value is QueryBaseline {
  return (
    isRecord(value) &&
    ['medianMs', 'sharedHitBlocks', 'sharedReadBlocks', 'rows'].every(
      (key) => typeof value[key] === 'number' && Number.isFinite(value[key]),
    )
  );
}

/** Checks the shape of a parsed baseline file; throws one sentence naming the file and what is wrong. */
export function parseBaseline(value: unknown, source: string): PerfBaseline {
  if (!isRecord(value) || value['format'] !== BASELINE_FORMAT || !isRecord(value['queries'])) {
    throw new GateError(
      `${source} is not a CE-26 baseline (expected {"format": "${BASELINE_FORMAT}", "queries": {…}} as written to ${BASELINE_FILE} by a gate run).`,
    );
  }
  const queries: Record<string, QueryBaseline> = {};
  for (const [key, entry] of Object.entries(value['queries'])) {
    if (!isQueryBaseline(entry)) {
      throw new GateError(
        `${source}: query "${key}" needs numbers medianMs, sharedHitBlocks, sharedReadBlocks and rows.`,
      );
    }
    queries[key] = entry;
  }
  const version = value['migrationVersion'];
  return {
    format: BASELINE_FORMAT,
    migrationVersion: typeof version === 'string' ? version : null,
    ...(typeof value['runId'] === 'string' ? { runId: value['runId'] } : {}),
    queries,
  };
}

/** Reads the baseline file `MIGRATION_GATE_BASELINE` names; undefined when it is not set. */
export async function readBaselineFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<PerfBaseline | undefined> {
  const file = env[BASELINE_ENV];
  if (file === undefined || file === '') return undefined;
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = await fs.readFile(resolved, 'utf8');
  } catch (error) {
    throw new GateError(
      `${BASELINE_ENV}=${file} cannot be read (${errorMessage(error)}); point it at a ${BASELINE_FILE} an earlier run wrote.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GateError(`${BASELINE_ENV}=${file} is not JSON (${errorMessage(error)}).`);
  }
  return parseBaseline(parsed, `${BASELINE_ENV}=${file}`);
}

function compareMetric(
  metric: MetricComparison['metric'],
  baseline: number,
  current: number,
  maxRegression: number,
  floor: number,
): MetricComparison {
  const change = baseline > 0 ? current / baseline - 1 : null;
  const regressed = current - baseline > floor && current > baseline * (1 + maxRegression);
  return { metric, baseline, current, change, regressed };
}

/**
 * Shared buffers (hit + read: the same plan on the same data touches the same pages, whatever the
 * machine's load) and the median time, each failing when it grew by more than `maxRegression` and by
 * more than its floor.
 */
export function compareWithBaseline(
  baseline: QueryBaseline,
  current: QueryBaseline,
  rule: RegressionRule,
): readonly MetricComparison[] {
  return [
    compareMetric(
      'shared buffers (hit + read)',
      baseline.sharedHitBlocks + baseline.sharedReadBlocks,
      current.sharedHitBlocks + current.sharedReadBlocks,
      rule.maxRegression,
      rule.bufferFloorBlocks,
    ),
    compareMetric(
      'median time (ms)',
      baseline.medianMs,
      current.medianMs,
      rule.maxRegression,
      rule.timeFloorMs,
    ),
  ];
}
