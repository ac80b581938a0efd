/** One CE section's markdown report, as a pure function of the evidence. */
import type { CeSection } from '../helpers/config/gate-config.ts';
import { CE_SECTION_INFO } from './ce-sections.ts';
import type { CheckEvidence, EvidenceModel, GateEvaluation } from './evidence-model.ts';
import { formatGateStatus, formatMeasured, formatStatus } from './format-values.ts';
import { document, escapeInline, formatDuration, inlineCode, table } from './markdown.ts';
import { renderAccessMatrix } from './render-access-matrix.ts';
import { renderFailure } from './render-check-details.ts';
import { renderInventories, summariseInventories } from './render-inventory.ts';
import { renderPerfChart } from './render-perf-chart.ts';
import { READINESS_FILE } from './report-files.ts';
import { renderTarget } from './render-target.ts';
import { countChecks, gateLabel, sectionStatus } from './verdict.ts';

/** Measured values, then a pointer to the check's inventories, which are listed in full further down. */
function measuredCell(check: CheckEvidence): string {
  const inventories = summariseInventories(check);
  if (inventories === null) return formatMeasured(check.measured);
  return Object.keys(check.measured).length === 0
    ? inventories
    : `${formatMeasured(check.measured)}, ${inventories}`;
}

function renderResults(checks: readonly CheckEvidence[]): string {
  return table(
    ['Status', 'Check', 'Test', 'Measured', 'Duration'],
    checks.map((check) => [
      formatStatus(check.status),
      inlineCode(check.id),
      check.fullName,
      measuredCell(check),
      formatDuration(check.durationMs),
    ]),
  );
}

function renderMetrics(checks: readonly CheckEvidence[]): string | null {
  const withMetric = checks.flatMap((check) =>
    check.metric === null ? [] : [{ check, metric: check.metric }],
  );
  if (withMetric.length === 0) return null;
  const rows = withMetric.map(({ check, metric }) => {
    const change =
      metric.baseline === undefined || metric.baseline === 0
        ? '—'
        : `${(((metric.value - metric.baseline) / metric.baseline) * 100).toFixed(1)} %`;
    return [
      inlineCode(check.id),
      `${metric.value} ${metric.unit}`,
      metric.budget === undefined ? '—' : `${metric.budget} ${metric.unit}`,
      metric.baseline === undefined ? '—' : `${metric.baseline} ${metric.unit}`,
      change,
      metric.budget === undefined ? '—' : metric.value <= metric.budget ? 'within budget' : 'OVER BUDGET',
    ];
  });
  return document([
    '## Metrics',
    table(['Check', 'Value', 'Budget', 'Baseline', 'Change', 'Budget check'], rows),
  ]);
}

function renderNotApplicable(checks: readonly CheckEvidence[]): string | null {
  const listed = checks.filter((check) => check.status === 'not-applicable');
  if (listed.length === 0) return null;
  return document([
    '## Not applicable',
    'These checks had nothing to judge in this schema or configuration. They are not evidence either way: they neither pass nor fail a gate.',
    table(
      ['Check', 'Test', 'Why not applicable'],
      listed.map((check) => [inlineCode(check.id), check.fullName, check.skipReason ?? 'not applicable']),
    ),
  ]).trimEnd();
}

function renderSkipped(checks: readonly CheckEvidence[]): string | null {
  const skipped = checks.filter((check) => check.status === 'skipped');
  if (skipped.length === 0) return null;
  return document([
    '## Skipped checks',
    'Skipped checks are not evidence: they neither pass nor fail a gate.',
    table(
      ['Check', 'Test', 'Reason'],
      skipped.map((check) => [inlineCode(check.id), check.fullName, check.skipReason ?? 'skipped']),
    ),
  ]).trimEnd();
}

/** The report of section `ce`: what was checked, against which database, when, and every result. */
export function renderCeReport(ce: CeSection, model: EvidenceModel, evaluation: GateEvaluation): string {
  const info = CE_SECTION_INFO[ce];
  const checks = model.checks.filter((check) => check.ce === ce);
  const counts = countChecks(checks);
  const gate = evaluation.gates.find((candidate) => candidate.sections.includes(ce));
  const gateLine =
    gate === undefined
      ? 'No quality gate covers this section.'
      : `${gateLabel(gate.id)} (${escapeInline(gate.title)}${gate.required ? ', required' : ', optional'}): ${formatGateStatus(gate.status)}${gate.sectionsNotRun.length === 0 ? '' : ` — ${gate.sectionsNotRun.join(', ')} did not run`}`;
  const failures = checks.filter((check) => check.status === 'failed');
  const matrix = renderAccessMatrix(checks.flatMap((check) => check.accessMatrix));
  return document([
    `# ${ce} — ${info.title}`,
    [
      `**Result: ${formatGateStatus(sectionStatus(counts))}** — ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.notApplicable} not applicable (${counts.total} checks).`,
      '',
      gateLine,
      '',
      `Verdict of the run: ${evaluation.verdict.decision} (see [${READINESS_FILE}](./${READINESS_FILE})).`,
    ].join('\n'),
    '## What was checked',
    info.checked,
    '## Database',
    renderTarget(model),
    '## Results',
    renderResults(checks),
    renderInventories(checks),
    matrix === null ? null : `## Access matrix\n\n${matrix}`,
    renderMetrics(checks),
    ce === 'CE-26' ? renderPerfChart(checks) : null,
    failures.length === 0 ? null : `## Failures\n\n${failures.map(renderFailure).join('\n\n')}`,
    renderNotApplicable(checks),
    renderSkipped(checks),
  ]);
}
