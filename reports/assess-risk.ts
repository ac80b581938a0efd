/** The readiness report's risk assessment and go/no-go checklist, derived from results only. */
import type { Dashboard } from './dashboard-metrics.ts';
import type { EvidenceModel, GateEvaluation, GateResult } from './evidence-model.ts';
import { gateLabel } from './verdict.ts';

export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH';

export interface RiskAssessment {
  readonly level: RiskLevel;
  /** What raises the risk, most serious first. */
  readonly risks: readonly string[];
  /** What the evidence shows that lowers it. */
  readonly mitigations: readonly string[];
}

export interface ChecklistItem {
  readonly done: boolean;
  readonly text: string;
}

/** Regression of the average query time over the baseline above which the plan calls it significant. */
export const REGRESSION_TOLERANCE = 0.1;

const MAX_LISTED = 5;

function listed(ids: readonly string[]): string {
  const head = ids.slice(0, MAX_LISTED).join(', ');
  return ids.length > MAX_LISTED ? `${head} and ${ids.length - MAX_LISTED} more` : head;
}

/** What a gate that failed or did not fully run leaves unverified; null when it passed. */
export function gateRisk(gate: GateResult): string | null {
  const name = `${gateLabel(gate.id)} (${gate.title})`;
  const notRun = gate.sectionsNotRun.join(', ');
  const although = gate.required ? ' although it is required' : '';
  if (gate.status === 'FAIL')
    return notRun === '' ? `${name} failed` : `${name} failed; ${notRun} did not run`;
  if (gate.status === 'PASS') return null;
  return gate.sectionsNotRun.length === gate.sections.length
    ? `${name} was not run${although}: ${notRun} unverified`
    : `${name} was only partly run${although}: ${notRun} did not run, so unverified`;
}

/** HIGH on NO-GO; MEDIUM when GO but something was not verified or regressed; LOW otherwise. */
export function assessRisk(
  model: EvidenceModel,
  evaluation: GateEvaluation,
  dashboard: Dashboard,
): RiskAssessment {
  const risks: string[] = [];
  const mitigations: string[] = [];
  const failed = model.checks.filter((check) => check.status === 'failed');
  const skipped = model.checks.filter((check) => check.status === 'skipped');
  if (failed.length > 0)
    risks.push(`${failed.length} check(s) failed: ${listed(failed.map((check) => check.id))}`);
  risks.push(...evaluation.gates.flatMap((gate) => gateRisk(gate) ?? []));
  const mandatoryNotRun = evaluation.mandatoryChecks
    .filter((check) => check.status !== 'passed' && check.status !== 'failed')
    .map((check) => check.id);
  if (mandatoryNotRun.length > 0) risks.push(`Mandatory check(s) did not run: ${mandatoryNotRun.join(', ')}`);
  if (model.run.unhandledErrors.length > 0)
    risks.push(`${model.run.unhandledErrors.length} unhandled error(s) during the run`);
  if (model.run.reason === 'interrupted') risks.push('The run was interrupted: the evidence is incomplete');
  if (model.target === null)
    risks.push('The evidence does not say which database was verified (no run metadata)');
  if (skipped.length > 0) {
    risks.push(
      `${skipped.length} check(s) skipped and therefore unverified: ${listed(skipped.map((check) => check.id))}`,
    );
  }
  const timing = dashboard.queryTiming?.value;
  if (timing !== undefined && timing.baselineAverageMs !== null && timing.baselineAverageMs > 0) {
    const change = (timing.averageMs - timing.baselineAverageMs) / timing.baselineAverageMs;
    const text = `Average query time ${timing.averageMs.toFixed(1)} ms against a baseline of ${timing.baselineAverageMs.toFixed(1)} ms (${(change * 100).toFixed(1)} %)`;
    if (change > REGRESSION_TOLERANCE)
      risks.push(`${text}: above the ${REGRESSION_TOLERANCE * 100} % tolerance`);
    else mitigations.push(`${text}: within the ${REGRESSION_TOLERANCE * 100} % tolerance`);
  }
  if (timing !== undefined && timing.overBudget > 0)
    risks.push(`${timing.overBudget} benchmark query(ies) over budget`);

  const ranChecks = model.checks.filter(
    (check) => check.status === 'passed' || check.status === 'failed',
  ).length;
  if (failed.length === 0 && ranChecks > 0) mitigations.push(`All ${ranChecks} checks that ran passed`);
  for (const gate of evaluation.gates) {
    if (gate.status === 'PASS') mitigations.push(`${gateLabel(gate.id)} (${gate.title}) passed`);
  }
  const mandatory = evaluation.mandatoryChecks;
  if (mandatory.length > 0 && mandatory.every((check) => check.status === 'passed'))
    mitigations.push(`All ${mandatory.length} mandatory checks ran and passed`);
  if (dashboard.backupVerified?.value === true) mitigations.push('Pre-migration backup created and verified');
  if (dashboard.rollbackTested?.value === true)
    mitigations.push('Rollback cycle tested on a clone without data loss');

  const level: RiskLevel =
    evaluation.verdict.decision === 'NO-GO' ? 'HIGH' : risks.length > 0 ? 'MEDIUM' : 'LOW';
  return { level, risks, mitigations };
}

/** ` — CE-23, CE-25 did not run` for a gate with some, but not all, sections not run; empty otherwise. */
function partlyRunSuffix(gate: GateResult): string {
  const notRun = gate.sectionsNotRun;
  return notRun.length === 0 || notRun.length === gate.sections.length
    ? ''
    : ` — ${notRun.join(', ')} did not run`;
}

/** Items the gate verified (ticked from results) followed by the plan's manual items (never ticked). */
export function goNoGoChecklist(
  model: EvidenceModel,
  evaluation: GateEvaluation,
  dashboard: Dashboard,
): { readonly automated: readonly ChecklistItem[]; readonly manual: readonly string[] } {
  const failed = model.checks.filter((check) => check.status === 'failed').length;
  const setupErrors = model.checks.filter((check) => check.id.includes('.suite-error.')).length;
  const version = dashboard.migrationVersion?.value;
  const automated: ChecklistItem[] = [
    ...evaluation.gates.map((gate) => ({
      done: gate.status === 'PASS',
      text: `${gateLabel(gate.id)} — ${gate.title}: ${gate.status}${gate.required ? ' (required)' : ' (optional)'}${partlyRunSuffix(gate)}`,
    })),
    ...evaluation.mandatoryChecks.map((check) => ({
      done: check.status === 'passed',
      text: `Mandatory check ${check.id}: ${check.status === 'missing' ? 'did not run' : check.status}`,
    })),
    {
      done: failed === 0 && model.checks.length > 0,
      text: `No failing checks (${failed} failed of ${model.checks.length})`,
    },
    {
      // A suite that failed in setup is a failed check named after it (`…suite-error…`), not "completed".
      done: model.run.reason !== 'interrupted' && model.run.unhandledErrors.length === 0 && setupErrors === 0,
      text:
        setupErrors === 0
          ? 'Test run completed without unhandled or setup errors'
          : `Test run completed without unhandled or setup errors (${setupErrors} suite(s) failed in setup)`,
    },
    {
      done: version !== undefined && version.expected !== null && version.version === version.expected,
      text:
        version === undefined
          ? 'Schema at the expected migration version (not measured)'
          : `Schema at the expected migration version (at ${version.version ?? 'none'}, expected ${version.expected ?? 'not measured'})`,
    },
    { done: dashboard.backupVerified?.value === true, text: 'Pre-migration backup verified (CE-20)' },
    { done: dashboard.rollbackTested?.value === true, text: 'Rollback procedure tested (CE-27)' },
    {
      done: model.target !== null,
      text: 'Evidence names the database, server version and migration checksums',
    },
  ];
  const manual = [
    'Maintenance window scheduled',
    'Stakeholder approval obtained',
    'Team availability confirmed',
    'Production backup completed (migration day)',
    'Monitoring dashboard active (migration day)',
    'CTO sign-off obtained',
  ];
  return { automated, manual };
}
