import { describe, expect, test } from 'vitest';
import { GateError } from '../../helpers/gate-error.ts';
import { exitOnGateError } from '../../helpers/run/exit-on-gate-error.ts';

describe('exitOnGateError', () => {
  test('hands back the value of a step that works', async () => {
    await expect(exitOnGateError('prefix', async () => 42)).resolves.toBe(42);
  });

  test('inside a test worker (a nested gate run) rethrows a GateError instead of exiting the worker', async () => {
    await expect(
      exitOnGateError('prefix', async () => {
        throw new GateError('Bad input.');
      }),
    ).rejects.toThrow(GateError);
  });

  test('a bug (not a GateError) keeps its error and stack', async () => {
    await expect(
      exitOnGateError('prefix', async () => {
        throw new TypeError('boom');
      }),
    ).rejects.toThrow(TypeError);
  });
});
