/** STAGING_MIGRATION_READINESS_REPORT.md: verdict, dashboard, gates, risk and checklist (CE-28). */
import { CE_SECTIONS } from '../helpers/config/gate-config.ts';
import { assessRisk, goNoGoChecklist } from './assess-risk.ts';
import { CE_SECTION_INFO } from './ce-sections.ts';
import { computeDashboard } from './dashboard-metrics.ts';
import type { EvidenceModel, GateEvaluation } from './evidence-model.ts';
import { formatGateStatus, formatMandatoryStatus } from './format-values.ts';
import { document, escapeInline, inlineCode, table } from './markdown.ts';
import { CE_REPORT_FILES, EVIDENCE_FILE, INVARIANTS_REPORT_FILE } from './report-files.ts';
import { invariantChecks, invariantsSummary, renderInvariantTable } from './render-invariants-report.ts';
import { renderDashboard } from './render-dashboard.ts';
import { renderTarget } from './render-target.ts';
import { countChecks, gateLabel, sectionStatus } from './verdict.ts';

function renderVerdict(model: EvidenceModel, evaluation: GateEvaluation): string {
  const { verdict, gates } = evaluation;
  const required = gates.filter((gate) => gate.required).map((gate) => gateLabel(gate.id));
  const mandatory = evaluation.mandatoryChecks.map((check) => check.id);
  const reasons =
    verdict.decision === 'GO'
      ? [
          `Every required gate (${required.join(', ') || 'none'}) passed; ${countChecks(model.checks).passed} of ${model.checks.length} checks passed, none failed.`,
          ...(mandatory.length === 0
            ? []
            : [`Every mandatory check (${mandatory.join(', ')}) ran and passed.`]),
        ]
      : verdict.reasons;
  return [`Verdict: ${verdict.decision}`, '', ...reasons.map((reason) => `- ${escapeInline(reason)}`)].join(
    '\n',
  );
}

function renderGates(evaluation: GateEvaluation): string {
  return document([
    table(
      ['Gate', 'Title', 'CE sections', 'Required', 'Passed', 'Failed', 'Skipped', 'N/A', 'Not run', 'Status'],
      evaluation.gates.map((gate) => [
        gateLabel(gate.id),
        gate.title,
        gate.sections.join(', '),
        gate.required ? 'yes' : 'no',
        String(gate.counts.passed),
        String(gate.counts.failed),
        String(gate.counts.skipped),
        String(gate.counts.notApplicable),
        gate.sectionsNotRun.join(', ') || '—',
        formatGateStatus(gate.status),
      ]),
    ),
    'A gate passes only when every CE section it lists has a passed check and none of its checks failed. Skipped and not-applicable (N/A) checks neither pass nor fail a gate; a section whose checks were all skipped or not applicable (or that has none) did not run, and its gate is NOT RUN. The verdict is GO only when every required gate passed, every mandatory check ran and passed, and nothing failed.',
    renderMandatoryChecks(evaluation),
  ]).trimEnd();
}

function renderMandatoryChecks(evaluation: GateEvaluation): string | null {
  if (evaluation.mandatoryChecks.length === 0) return null;
  return document([
    '### Mandatory checks',
    'Checks that must be present and passed for GO, whatever suites the run was filtered to.',
    table(
      ['Check', 'Status'],
      evaluation.mandatoryChecks.map((check) => [inlineCode(check.id), formatMandatoryStatus(check.status)]),
    ),
  ]).trimEnd();
}

function renderFailedChecks(model: EvidenceModel): string | null {
  const failed = model.checks.filter((check) => check.status === 'failed');
  if (failed.length === 0) return null;
  return document([
    '## Failed checks',
    table(
      ['Check', 'Test', 'CE', 'Reason', 'Report'],
      failed.map((check) => [
        inlineCode(check.id),
        check.fullName,
        check.ce ?? '—',
        check.errors[0] === undefined
          ? '—'
          : `${check.errors[0].name}: ${check.errors[0].message}`.slice(0, 200),
        check.ce === null ? INVARIANTS_REPORT_FILE : CE_REPORT_FILES[check.ce],
      ]),
    ),
  ]).trimEnd();
}

/** The team's invariants (checks of no CE section), or null when the run had none. */
function renderInvariants(model: EvidenceModel): string | null {
  const checks = invariantChecks(model);
  if (checks.length === 0) return null;
  return document([
    '## Invariants',
    `${invariantsSummary(checks)}. They belong to no gate; a failed one makes the verdict NO-GO.`,
    renderInvariantTable(checks),
  ]).trimEnd();
}

function renderReportLinks(model: EvidenceModel): string {
  const links = CE_SECTIONS.flatMap((ce) => {
    const checks = model.checks.filter((check) => check.ce === ce);
    if (checks.length === 0) return [];
    const status = formatGateStatus(sectionStatus(countChecks(checks)));
    return [`- [${ce} ${CE_SECTION_INFO[ce].title}](./${CE_REPORT_FILES[ce]}) — ${status}`];
  });
  const invariants = invariantChecks(model);
  if (invariants.length > 0) {
    links.push(`- [Invariants](./${INVARIANTS_REPORT_FILE}) — ${invariantsSummary(invariants)}`);
  }
  return [...links, `- [${EVIDENCE_FILE}](./${EVIDENCE_FILE}) — every check, machine-readable`].join('\n');
}

/** The readiness report; `Verdict: GO` or `Verdict: NO-GO` is one line of its own, followed by reasons. */
export function renderReadiness(model: EvidenceModel, evaluation: GateEvaluation): string {
  const dashboard = computeDashboard(model);
  const risk = assessRisk(model, evaluation, dashboard);
  const checklist = goNoGoChecklist(model, evaluation, dashboard);
  return document([
    '# Staging Migration Readiness Report',
    renderVerdict(model, evaluation),
    '## Run',
    renderTarget(model),
    '## Metrics dashboard',
    renderDashboard(dashboard),
    '## Quality gates',
    renderGates(evaluation),
    '## Risk assessment',
    `Risk level: **${risk.level}**`,
    '### Risks',
    risk.risks.length === 0
      ? '- None found by the gate.'
      : risk.risks.map((item) => `- ${escapeInline(item)}`).join('\n'),
    '### Mitigating factors',
    risk.mitigations.length === 0
      ? '- None shown by the evidence.'
      : risk.mitigations.map((item) => `- ${escapeInline(item)}`).join('\n'),
    '## Go / No-Go checklist',
    '### Verified by the gate',
    checklist.automated.map((item) => `- [${item.done ? 'x' : ' '}] ${escapeInline(item.text)}`).join('\n'),
    '### Manual (not verified by the gate; a person ticks these)',
    checklist.manual.map((item) => `- [ ] ${item}`).join('\n'),
    renderInvariants(model),
    renderFailedChecks(model),
    '## Reports',
    renderReportLinks(model),
  ]);
}
