/**
 * Gates and the GO / NO-GO verdict, as pure functions of the evidence.
 *
 * - A CE section ran when at least one of its checks passed or failed; skipped and not-applicable
 *   checks are listed but neither pass nor fail anything, so a section whose checks are all not
 *   applicable did not run and its gate cannot pass.
 * - A gate FAILS when any of its checks failed. Otherwise it PASSES only when EVERY section it lists
 *   has a passed check; a gate with a section that did not run is NOT RUN, and names that section.
 * - The verdict is GO only when every required gate PASSED, every mandatory check is present and
 *   passed, no check failed anywhere (a failing check in an optional gate still fails the run), the
 *   run was neither failed nor interrupted, there were no unhandled errors, and the run says which
 *   database it verified (run metadata present).
 */
import type { GateConfig, GateDefinition, GateId } from '../helpers/config/gate-config.ts';
import type {
  CheckCounts,
  CheckEvidence,
  EvidenceModel,
  GateEvaluation,
  GateResult,
  GateStatus,
  SectionResult,
} from './evidence-model.ts';
import { describeMandatoryCheck, evaluateMandatoryChecks } from './mandatory-checks.ts';

/** The part of `gate.config.ts` the verdict reads; `mandatoryChecks` defaults to none. */
export interface GatePolicy {
  readonly definitions: GateConfig['gates']['definitions'];
  readonly required: GateConfig['gates']['required'];
  /** Check ids that must be present and passed for GO; default `[]`. */
  readonly mandatoryChecks?: GateConfig['gates']['mandatoryChecks'];
}

/** `gate3` → `Gate 3`. */
export function gateLabel(id: GateId): string {
  return id.replace(/^gate(\d+)$/, 'Gate $1');
}

/** Passed, failed and skipped checks of `checks`. */
export function countChecks(checks: readonly CheckEvidence[]): CheckCounts {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let notApplicable = 0;
  for (const check of checks) {
    if (check.status === 'passed') passed += 1;
    else if (check.status === 'failed') failed += 1;
    else if (check.status === 'not-applicable') notApplicable += 1;
    else skipped += 1;
  }
  return { passed, failed, skipped, notApplicable, total: checks.length };
}

/** Status of one CE section: FAIL on a failed check, PASS on a passed one, else NOT RUN. */
export function sectionStatus(counts: CheckCounts): GateStatus {
  if (counts.failed > 0) return 'FAIL';
  return counts.passed > 0 ? 'PASS' : 'NOT RUN';
}

/** Whether any check of the section passed or failed (skipped checks are not a run). */
export function sectionRan(section: SectionResult): boolean {
  return section.counts.passed + section.counts.failed > 0;
}

/** FAIL on any failed check; PASS only when every section ran and passed; NOT RUN otherwise. */
export function gateStatus(counts: CheckCounts, bySection: readonly SectionResult[]): GateStatus {
  if (counts.failed > 0) return 'FAIL';
  const everySectionPassed = bySection.length > 0 && bySection.every((section) => section.counts.passed > 0);
  return everySectionPassed ? 'PASS' : 'NOT RUN';
}

/** Decides one gate from the checks recorded for it. */
export function evaluateGate(
  definition: GateDefinition,
  checks: readonly CheckEvidence[],
  required: boolean,
): GateResult {
  const own = checks.filter((check) => check.gate === definition.id);
  const counts = countChecks(own);
  const bySection = definition.sections.map((ce) => ({
    ce,
    counts: countChecks(own.filter((check) => check.ce === ce)),
  }));
  return {
    id: definition.id,
    title: definition.title,
    sections: definition.sections,
    required,
    status: gateStatus(counts, bySection),
    counts,
    bySection,
    sectionsNotRun: bySection.filter((section) => !sectionRan(section)).map((section) => section.ce),
  };
}

/**
 * The NO-GO reason of a required gate with sections that did not run, or null. A gate with no section
 * run keeps the wording `is required but NOT RUN: no check of … ran`.
 */
export function describeGateNotRun(gate: GateResult): string | null {
  if (!gate.required) return null;
  const name = `${gateLabel(gate.id)} (${gate.title})`;
  if (gate.status === 'NOT RUN' && gate.sectionsNotRun.length === gate.sections.length) {
    return `${name} is required but NOT RUN: no check of ${gate.sections.join(', ') || 'its sections'} ran`;
  }
  return gate.sectionsNotRun.length === 0
    ? null
    : `${name} is required but ${gate.sectionsNotRun.join(', ')} did not run`;
}

/** One line naming a failed check: its id, its test, and its gate. */
export function describeFailedCheck(check: CheckEvidence): string {
  const gate = check.gate === null ? 'no gate' : gateLabel(check.gate);
  return `Failed check ${check.id} — "${check.fullName}" (${check.ce ?? 'no CE section'}, ${gate})`;
}

/** Decides every gate and mandatory check of `policy` and the verdict for `model`. */
export function evaluateGates(model: EvidenceModel, policy: GatePolicy): GateEvaluation {
  const gates = policy.definitions.map((definition) =>
    evaluateGate(definition, model.checks, policy.required.includes(definition.id)),
  );
  const mandatoryChecks = evaluateMandatoryChecks(model.checks, policy.mandatoryChecks ?? []);

  const reasons: string[] = [
    ...model.checks.filter((check) => check.status === 'failed').map(describeFailedCheck),
    ...gates.flatMap((gate) => describeGateNotRun(gate) ?? []),
    ...policy.required.flatMap((id) =>
      gates.some((gate) => gate.id === id)
        ? []
        : [`${gateLabel(id)} is required but gate.config.ts does not define it`],
    ),
    ...mandatoryChecks.flatMap((result) => describeMandatoryCheck(result) ?? []),
    ...runReasons(model),
  ];
  if (model.run.reason === 'failed' && reasons.length === 0) {
    reasons.push('The test run failed (Vitest reported a failure outside the recorded checks)');
  }
  if (model.target === null) {
    reasons.push(
      `No run metadata: the globalSetup of project "${model.project}" did not provide runMetadata, so the evidence does not say which database was verified`,
    );
  }
  return { gates, mandatoryChecks, verdict: { decision: reasons.length === 0 ? 'GO' : 'NO-GO', reasons } };
}

/** Reasons of the run itself: failures in other projects, interruption, unhandled errors. */
function runReasons(model: EvidenceModel): string[] {
  const reasons: string[] = [];
  if (model.run.failedElsewhere > 0) {
    reasons.push(
      `The test run failed: ${model.run.failedElsewhere} failed test(s) outside project "${model.project}"`,
    );
  }
  if (model.run.reason === 'interrupted') reasons.push('The test run was interrupted before it finished');
  for (const error of model.run.unhandledErrors) {
    reasons.push(`Unhandled error during the run: ${firstLine(`${error.name}: ${error.message}`)}`);
  }
  return reasons;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
