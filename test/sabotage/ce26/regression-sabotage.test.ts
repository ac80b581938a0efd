import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BASELINE_ENV, parseBaseline, type PerfBaseline } from '../../../helpers/perf/perf-baseline.ts';
import { expectChecksFailed, type GateOutcome } from '../../support/run-gate.ts';
import { runCe26Case } from './ce26-sabotage-case.ts';

const regressionFailures = (outcome: GateOutcome) =>
  outcome.failed.filter((id) => id.startsWith('ce26.perf.regression.'));

const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-ce26-baseline-'));
afterAll(() => fs.rm(workDir, { recursive: true, force: true }));

// The reference schema on seeded volume, measured once with no baseline: what main would have written.
let clean: Promise<{ readonly outcome: GateOutcome; readonly baseline: PerfBaseline }> | undefined;
function cleanRun() {
  clean ??= runCe26Case('').then((outcome) => {
    if (outcome.perfBaseline === null) throw new Error('the clean run wrote no ce26_baseline.json');
    return { outcome, baseline: parseBaseline(JSON.parse(outcome.perfBaseline), 'ce26_baseline.json') };
  });
  return clean;
}

async function baselineFile(name: string, baseline: PerfBaseline): Promise<string> {
  const file = path.join(workDir, name);
  await fs.writeFile(file, JSON.stringify(baseline), 'utf8');
  return file;
}

function errorsOf(outcome: GateOutcome, id: string): string {
  const check = outcome.checks.find((candidate) => candidate.id === id);
  return (check?.errors ?? []).map((error) => error.message).join('\n');
}

describe('sabotage: performance regression against a baseline (CE-26)', () => {
  test('a run without a baseline writes ce26_baseline.json and reports each regression check not applicable', async () => {
    const { outcome, baseline } = await cleanRun();
    expect(Object.keys(baseline.queries)).toEqual(
      expect.arrayContaining(['projects-of-tenant', 'analysis-with-alerts', 'list.alerts']),
    );
    expect(baseline.queries['list.alerts']?.sharedHitBlocks).toBeGreaterThan(0);
    const regression = outcome.checks.filter((check) => check.id.startsWith('ce26.perf.regression.'));
    expect(regression.length).toBeGreaterThan(3);
    expect(regression.every((check) => check.status === 'not-applicable')).toBe(true);
  });

  test('clean negative: the same schema and data against its own baseline passes every regression check', async () => {
    const { baseline } = await cleanRun();
    const file = await baselineFile('same.json', baseline);
    const outcome = await runCe26Case('', undefined, { [BASELINE_ENV]: file });
    expect(regressionFailures(outcome)).toEqual([]);
    const statusOf = (id: string) => outcome.checks.find((check) => check.id === id)?.status;
    expect(statusOf('ce26.perf.regression.list.alerts')).toBe('passed');
    expect(statusOf('ce26.perf.regression.analysis-with-alerts')).toBe('passed');
  });

  test('a planted 50% slowdown (a baseline with half the buffers and time) fails ce26.perf.regression.list.alerts naming the metric', async () => {
    const { baseline } = await cleanRun();
    const halved: PerfBaseline = {
      ...baseline,
      queries: Object.fromEntries(
        Object.entries(baseline.queries).map(([key, query]) => [
          key,
          {
            ...query,
            medianMs: query.medianMs / 2,
            sharedHitBlocks: Math.floor(query.sharedHitBlocks / 2),
            sharedReadBlocks: Math.floor(query.sharedReadBlocks / 2),
          },
        ]),
      ),
    };
    const file = await baselineFile('halved.json', halved);
    const outcome = await runCe26Case('', undefined, { [BASELINE_ENV]: file });
    expectChecksFailed(outcome, ['ce26.perf.regression.list.alerts']);
    expect(errorsOf(outcome, 'ce26.perf.regression.list.alerts')).toContain('shared buffers (hit + read)');
    // The query checks themselves (budgets, plans) are unaffected: only the comparison fails.
    expect(outcome.failed.filter((id) => id.startsWith('ce26.perf.query.'))).toEqual([]);
  });

  test('a migration dropping the alerts FK indexes since the baseline fails the regression of the alerts queries', async () => {
    const { baseline } = await cleanRun();
    const file = await baselineFile('main.json', baseline);
    const outcome = await runCe26Case('ce26/alerts-fk-indexes-dropped.sql', undefined, {
      [BASELINE_ENV]: file,
    });
    expectChecksFailed(outcome, [
      'ce26.perf.regression.list.alerts',
      'ce26.perf.regression.analysis-with-alerts',
    ]);
    expect(regressionFailures(outcome).every((id) => id.includes('alerts'))).toBe(true);
  });

  test('a baseline file that is not one fails the regression checks with one sentence naming the variable', async () => {
    const file = path.join(workDir, 'wrong.json');
    await fs.writeFile(file, JSON.stringify({ queries: [] }), 'utf8');
    const outcome = await runCe26Case('', undefined, { [BASELINE_ENV]: file });
    expectChecksFailed(outcome, ['ce26.perf.regression.list.alerts']);
    expect(errorsOf(outcome, 'ce26.perf.regression.list.alerts')).toContain(
      `${BASELINE_ENV}=${file} is not a CE-26 baseline`,
    );
  });
});
