import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  BASELINE_ENV,
  BASELINE_FORMAT,
  DEFAULT_REGRESSION_RULE,
  compareWithBaseline,
  parseBaseline,
  readBaselineFromEnv,
} from '../../helpers/perf/perf-baseline.ts';

const query = { medianMs: 10, sharedHitBlocks: 90, sharedReadBlocks: 10, rows: 40 };
const regressed = (current: typeof query) =>
  compareWithBaseline(query, current, DEFAULT_REGRESSION_RULE)
    .filter((comparison) => comparison.regressed)
    .map((comparison) => comparison.metric);

describe('CE-26 baseline comparison', () => {
  test('10% more buffers is allowed, 11% more (and over the block floor) is a regression', () => {
    expect(regressed({ ...query, sharedHitBlocks: 100 })).toEqual([]);
    expect(regressed({ ...query, sharedHitBlocks: 101 })).toEqual(['shared buffers (hit + read)']);
  });

  test('a few blocks more on a tiny query is layout, not a regression', () => {
    const tiny = { medianMs: 0.1, sharedHitBlocks: 3, sharedReadBlocks: 0, rows: 1 };
    expect(
      compareWithBaseline(tiny, { ...tiny, sharedHitBlocks: 9 }, DEFAULT_REGRESSION_RULE).some(
        (c) => c.regressed,
      ),
    ).toBe(false);
  });

  test('the median time counts only above its noise floor', () => {
    expect(regressed({ ...query, medianMs: 14.9 })).toEqual([]);
    expect(regressed({ ...query, medianMs: 15.5 })).toEqual(['median time (ms)']);
    const fast = { ...query, medianMs: 0.5 };
    expect(
      compareWithBaseline(fast, { ...fast, medianMs: 3 }, DEFAULT_REGRESSION_RULE).some((c) => c.regressed),
    ).toBe(false);
  });

  test('a configured maxRegression replaces the 10%', () => {
    const rule = { ...DEFAULT_REGRESSION_RULE, maxRegression: 0.5 };
    expect(
      compareWithBaseline(query, { ...query, sharedHitBlocks: 130 }, rule).some((c) => c.regressed),
    ).toBe(false);
  });
});

describe('CE-26 baseline file', () => {
  test('a file of another shape is refused in one sentence naming it', () => {
    expect(() => parseBaseline({ queries: {} }, 'x.json')).toThrow(/^x\.json is not a CE-26 baseline/);
    expect(() =>
      parseBaseline({ format: BASELINE_FORMAT, queries: { q: { medianMs: 1 } } }, 'x.json'),
    ).toThrow('x.json: query "q" needs numbers medianMs, sharedHitBlocks, sharedReadBlocks and rows.');
  });

  test('unset means no baseline; a missing file is one sentence naming the variable', async () => {
    expect(await readBaselineFromEnv({})).toBeUndefined();
    const missing = path.join(os.tmpdir(), 'mg-no-such-baseline.json');
    await expect(readBaselineFromEnv({ [BASELINE_ENV]: missing })).rejects.toThrow(
      `${BASELINE_ENV}=${missing} cannot be read`,
    );
  });

  test('a written baseline reads back', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-baseline-'));
    try {
      const file = path.join(dir, 'b.json');
      await fs.writeFile(
        file,
        JSON.stringify({ format: BASELINE_FORMAT, migrationVersion: '005', queries: { q: query } }),
      );
      expect(await readBaselineFromEnv({ [BASELINE_ENV]: file })).toEqual({
        format: BASELINE_FORMAT,
        migrationVersion: '005',
        queries: { q: query },
      });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
