import { describe, expect, test } from 'vitest';
import { backgroundStep } from '../../suites/support/background-step.ts';

describe('backgroundStep', () => {
  test('starts once: every caller gets the same result', async () => {
    let starts = 0;
    const step = backgroundStep(async () => {
      starts += 1;
      return starts;
    });
    expect(await Promise.all([step.result(), step.result()])).toEqual([1, 1]);
    expect(await step.result()).toBe(1);
    expect(starts).toBe(1);
  });

  test('settled() waits for a step under way and never starts one', async () => {
    let starts = 0;
    const step = backgroundStep(async () => {
      starts += 1;
      return 'done';
    });
    await step.settled();
    expect(starts).toBe(0);
    void step.result();
    await step.settled();
    expect(starts).toBe(1);
  });

  test('a failure reaches the caller that awaits the result, and settled() still resolves', async () => {
    const step = backgroundStep(() => Promise.reject(new Error('pg_dump failed')));
    void step.result();
    await expect(step.settled()).resolves.toBeUndefined();
    await expect(step.result()).rejects.toThrow('pg_dump failed');
  });
});
