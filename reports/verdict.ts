/**
 * Gates and the GO / NO-GO verdict, as pure functions of the evidence.
 *
 * - A gate PASSES when at least one of its checks passed and none failed; skipped checks are listed
 *   but neither pass nor fail a gate. A gate with no check that ran (none, or all skipped) is NOT RUN.
 * - The verdict is GO only when every required gate PASSED, no check failed anywhere (a failing check
 *   in an optional gate still fails the run), the run was neither failed nor interrupted, there were
 *   no unhandled errors, and the run says which database it verified (run metadata present).
 */
import type { GateConfig, GateId } from '../helpers/gate-config.ts';
import type {
  CheckCounts,
  CheckEvidence,
  EvidenceModel,
  GateEvaluation,
  GateResult,
  GateStatus,
} from './evidence-model.ts';

/** The part of `gate.config.ts` the verdict reads. */
export type GatePolicy = GateConfig['gates'];

/** `gate3` → `Gate 3`. */
export function gateLabel(id: GateId): string {
  return id.replace(/^gate(\d+)$/, 'Gate $1');
}

export function countChecks(checks: readonly CheckEvidence[]): CheckCounts {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const check of checks) {
    if (check.status === 'passed') passed += 1;
    else if (check.status === 'failed') failed += 1;
    else skipped += 1;
  }
  return { passed, failed, skipped, total: checks.length };
}

export function gateStatus(counts: CheckCounts): GateStatus {
  if (counts.failed > 0) return 'FAIL';
  return counts.passed > 0 ? 'PASS' : 'NOT RUN';
}

/** One line naming a failed check: its id, its test, and its gate. */
export function describeFailedCheck(check: CheckEvidence): string {
  const gate = check.gate === null ? 'no gate' : gateLabel(check.gate);
  return `Failed check ${check.id} — "${check.fullName}" (${check.ce ?? 'no CE section'}, ${gate})`;
}

/** Decides every gate of `policy` and the verdict for `model`. */
export function evaluateGates(model: EvidenceModel, policy: GatePolicy): GateEvaluation {
  const gates: GateResult[] = policy.definitions.map((definition) => {
    const counts = countChecks(model.checks.filter((check) => check.gate === definition.id));
    return {
      id: definition.id,
      title: definition.title,
      sections: definition.sections,
      required: policy.required.includes(definition.id),
      status: gateStatus(counts),
      counts,
    };
  });

  const reasons: string[] = model.checks
    .filter((check) => check.status === 'failed')
    .map(describeFailedCheck);
  for (const gate of gates) {
    if (gate.required && gate.status === 'NOT RUN') {
      reasons.push(
        `${gateLabel(gate.id)} (${gate.title}) is required but NOT RUN: no check of ${gate.sections.join(', ')} ran`,
      );
    }
  }
  for (const id of policy.required) {
    if (!gates.some((gate) => gate.id === id)) {
      reasons.push(`${gateLabel(id)} is required but gate.config.ts does not define it`);
    }
  }
  if (model.run.failedElsewhere > 0) {
    reasons.push(
      `The test run failed: ${model.run.failedElsewhere} failed test(s) outside project "${model.project}"`,
    );
  }
  if (model.run.reason === 'interrupted') reasons.push('The test run was interrupted before it finished');
  for (const error of model.run.unhandledErrors) {
    reasons.push(`Unhandled error during the run: ${firstLine(`${error.name}: ${error.message}`)}`);
  }
  if (model.run.reason === 'failed' && reasons.length === 0) {
    reasons.push('The test run failed (Vitest reported a failure outside the recorded checks)');
  }
  if (model.target === null) {
    reasons.push(
      `No run metadata: the globalSetup of project "${model.project}" did not provide runMetadata, so the evidence does not say which database was verified`,
    );
  }
  return { gates, verdict: { decision: reasons.length === 0 ? 'GO' : 'NO-GO', reasons } };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
