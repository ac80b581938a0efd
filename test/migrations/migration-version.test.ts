import { describe, expect, test } from 'vitest';
import { GateError } from '../../helpers/gate-error.ts';
import { compareVersions, isBeforeFirst } from '../../helpers/migrations/migration-version.ts';

describe('migration versions compare by number', () => {
  test.each([
    ['003', '10', -1],
    ['010', '9', 1],
    ['001', '1', 0],
    ['20240101120000', '20240102090000', -1],
    ['1.1', '1.10', -1],
    ['1.10', '2', -1],
    ['1', '1.0', 0],
    ['2.0.1', '2', 1],
  ])('%s vs %s → %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  test('a version that is not a number is one clear error', () => {
    expect(() => compareVersions('ae1027a6acf', '003')).toThrow(GateError);
    expect(() => compareVersions('ae1027a6acf', '003')).toThrow(/"ae1027a6acf" is not a number/);
  });

  test('none and 0 mean before the first migration, unless a migration has version 0', () => {
    expect(isBeforeFirst('none', ['001'])).toBe(true);
    expect(isBeforeFirst('0', ['001', '002'])).toBe(true);
    expect(isBeforeFirst('000', ['001'])).toBe(true);
    expect(isBeforeFirst('0', ['0', '1'])).toBe(false);
    expect(isBeforeFirst('001', ['001'])).toBe(false);
  });
});
