/** Environment variable naming the JUnit XML file a gate run also writes (for test-report UIs in CI). */
export const JUNIT_ENV = 'MIGRATION_GATE_JUNIT';

/**
 * Vitest's built-in JUnit reporter, writing to `$MIGRATION_GATE_JUNIT`, when that is set; nothing
 * otherwise. Spread it into `reporters` beside the gate reporter.
 */
export function junitReporters(
  env: Readonly<Record<string, string | undefined>> = process.env,
): [['junit', { readonly outputFile: string }]] | [] {
  const outputFile = env[JUNIT_ENV];
  return outputFile === undefined || outputFile === '' ? [] : [['junit', { outputFile }]];
}
