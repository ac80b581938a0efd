import type { TableFingerprintProgress } from '../../helpers/run/database-snapshot.ts';

/** `onLargeTable` for a step that fingerprints whole tables: one progress line per large table, with rows/s. */
export function largeTableProgress(
  stepLabel: string,
  log: (line: string) => void,
): (progress: TableFingerprintProgress) => void {
  return (progress) => {
    log(
      `  ${stepLabel}: ${progress.table} ${progress.rows} rows in ${Math.round(progress.ms)} ms (${Math.round(progress.rowsPerSecond)} rows/s)`,
    );
  };
}
