/** invariants_report.md: the checks of no CE section (a team's `invariants/` tests), as a pure function. */
import type { CheckEvidence, EvidenceModel, GateEvaluation } from './evidence-model.ts';
import { formatGateStatus, formatMeasured, formatStatus } from './format-values.ts';
import { document, formatDuration, inlineCode, table } from './markdown.ts';
import { renderFailure } from './render-check-details.ts';
import { renderInventories } from './render-inventory.ts';
import { READINESS_FILE } from './report-files.ts';
import { renderTarget } from './render-target.ts';
import { countChecks, sectionStatus } from './verdict.ts';

/** The invariants of a run: every check that names no CE section (`defineInvariant`, or a file not named ceNN). */
export function invariantChecks(model: EvidenceModel): CheckEvidence[] {
  return model.checks.filter((check) => check.ce === null);
}

/** One line for the readiness report: how the invariants fared. */
export function invariantsSummary(checks: readonly CheckEvidence[]): string {
  const counts = countChecks(checks);
  return `${formatGateStatus(sectionStatus(counts))} — ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.notApplicable} not applicable (${counts.total} checks)`;
}

/** The table of invariants with their status and what they measured or why they did not judge. */
export function renderInvariantTable(checks: readonly CheckEvidence[]): string {
  return table(
    ['Status', 'Invariant', 'Test', 'File', 'Measured or reason', 'Duration'],
    checks.map((check) => [
      formatStatus(check.status),
      inlineCode(check.id),
      check.fullName,
      inlineCode(check.file),
      check.skipReason ?? formatMeasured(check.measured),
      formatDuration(check.durationMs),
    ]),
  );
}

export function renderInvariantsReport(model: EvidenceModel, evaluation: GateEvaluation): string {
  const checks = invariantChecks(model);
  const failures = checks.filter((check) => check.status === 'failed');
  return document([
    '# Invariants',
    [
      `**Result: ${invariantsSummary(checks)}.**`,
      '',
      "Invariants are the tests of the team's own `invariants/` folder (or any check that names no CE section). They belong to no quality gate, but a failed invariant turns the verdict NO-GO like any failed check.",
      '',
      `Verdict of the run: ${evaluation.verdict.decision} (see [${READINESS_FILE}](./${READINESS_FILE})).`,
    ].join('\n'),
    '## Database',
    renderTarget(model),
    '## Results',
    renderInvariantTable(checks),
    renderInventories(checks),
    failures.length === 0 ? null : `## Failures\n\n${failures.map(renderFailure).join('\n\n')}`,
  ]);
}
