import { describe, expect, test } from 'vitest';
import { formatEta, largeTableProgress } from '../../suites/setup/large-table-progress.ts';

describe('large-table progress lines', () => {
  test('give rows/s and an ETA from the estimates of the tables still to read', () => {
    const lines: string[] = [];
    const report = largeTableProgress('fingerprint', (line) => lines.push(line));
    report({
      table: 'public.a',
      rows: 200_000,
      ms: 2_000,
      rowsPerSecond: 100_000,
      estimatedRows: 200_000,
      remainingEstimatedRows: 1_200_000,
      remainingTables: 2,
      remainingUnestimatedTables: 1,
    });
    // The rate is the step's so far: 300 000 rows in 4 s, 600 000 rows left → 8 s.
    report({
      table: 'public.b',
      rows: 100_000,
      ms: 2_000,
      rowsPerSecond: 50_000,
      estimatedRows: 100_000,
      remainingEstimatedRows: 600_000,
      remainingTables: 1,
      remainingUnestimatedTables: 0,
    });
    report({
      table: 'public.c',
      rows: 600_000,
      ms: 8_000,
      rowsPerSecond: 75_000,
      estimatedRows: 600_000,
      remainingEstimatedRows: 0,
      remainingTables: 0,
      remainingUnestimatedTables: 0,
    });
    expect(lines).toEqual([
      '  fingerprint: public.a 200000 rows in 2000 ms (100000 rows/s); ~1200000 rows left in 2 tables (1 without an estimate), ETA 12 s',
      '  fingerprint: public.b 100000 rows in 2000 ms (50000 rows/s); ~600000 rows left in 1 tables, ETA 8 s',
      '  fingerprint: public.c 600000 rows in 8000 ms (75000 rows/s); last table',
    ]);
  });

  test('format an ETA in seconds, then minutes', () => {
    expect(formatEta(12_400)).toBe('12 s');
    expect(formatEta(245_000)).toBe('4 min 5 s');
  });
});
