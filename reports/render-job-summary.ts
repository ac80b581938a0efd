/** The GitHub Actions job summary of a gate run: the verdict, its reasons and where the reports are. */
import type { GateRunResult } from './gate-reporter.ts';
import { escapeInline } from './markdown.ts';

/** Reasons listed in the summary; the readiness report has them all. */
const SUMMARY_REASONS = 20;

/** Markdown for `$GITHUB_STEP_SUMMARY`, one section per gate project of the run. */
export function renderJobSummary(results: readonly GateRunResult[]): string {
  return results
    .map((result) => {
      const reasons = result.reasons.slice(0, SUMMARY_REASONS).map((reason) => `- ${escapeInline(reason)}`);
      const more =
        result.reasons.length > SUMMARY_REASONS
          ? [`- … and ${result.reasons.length - SUMMARY_REASONS} more in the readiness report`]
          : [];
      const where =
        result.readinessReport === null
          ? 'The reports could not be written.'
          : `Readiness report: \`${result.readinessReport}\` (in the uploaded reports artifact).`;
      return [
        `## migration-gate ${result.project}: ${result.decision === 'GO' ? '✅ GO' : '❌ NO-GO'}`,
        '',
        ...(reasons.length === 0
          ? ['Every required gate passed and no check failed.']
          : [...reasons, ...more]),
        '',
        where,
        '',
      ].join('\n');
    })
    .join('\n');
}
