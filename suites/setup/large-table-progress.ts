import type { TableFingerprintProgress } from '../../helpers/run/database-snapshot.ts';

/** `83 s`, `4 min 5 s`: an ETA to read at a glance. */
export function formatEta(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

/**
 * `onLargeTable` for a step that reads whole tables: one progress line per large table, with its
 * rows/s and an ETA for the rest of the step — the `reltuples` estimates of the tables still to read
 * over the rows/s the step has reached so far (large tables only: the small ones cost little).
 */
export function largeTableProgress(
  stepLabel: string,
  log: (line: string) => void,
): (progress: TableFingerprintProgress) => void {
  let rowsSoFar = 0;
  let msSoFar = 0;
  return (progress) => {
    rowsSoFar += progress.rows;
    msSoFar += progress.ms;
    const rate = msSoFar > 0 ? (rowsSoFar * 1000) / msSoFar : 0;
    let eta: string;
    if (progress.remainingTables === 0) eta = 'last table';
    else if (rate <= 0) eta = `${progress.remainingTables} tables left, no ETA yet`;
    else {
      const unestimated =
        progress.remainingUnestimatedTables > 0
          ? ` (${progress.remainingUnestimatedTables} without an estimate)`
          : '';
      eta = `~${Math.round(progress.remainingEstimatedRows)} rows left in ${progress.remainingTables} tables${unestimated}, ETA ${formatEta((progress.remainingEstimatedRows * 1000) / rate)}`;
    }
    log(
      `  ${stepLabel}: ${progress.table} ${progress.rows} rows in ${Math.round(progress.ms)} ms (${Math.round(progress.rowsPerSecond)} rows/s); ${eta}`,
    );
  };
}
