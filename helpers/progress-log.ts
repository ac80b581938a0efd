/**
 * A progress logger for long steps (starting a server, backups, migrations): one prefixed line per
 * step on stdout. MIGRATION_GATE_QUIET=1 silences it, e.g. for gate runs nested inside tests.
 */
export function progressLog(prefix: string): (line: string) => void {
  return (line) => {
    if (process.env['MIGRATION_GATE_QUIET'] === '1') return;
    process.stdout.write(`[${prefix}] ${line}\n`);
  };
}
