/** evidence.json: the evidence model plus its gates and verdict, in the shape of evidence.schema.json. */
import {
  EVIDENCE_SCHEMA_VERSION,
  type CheckCounts,
  type CheckEvidence,
  type EvidenceModel,
  type GateEvaluation,
  type GateResult,
  type MandatoryCheckResult,
  type TargetEvidence,
  type Verdict,
} from './evidence-model.ts';
import { countChecks } from './verdict.ts';

/** The documented, versioned JSON document (see `reports/evidence.schema.json`). */
export interface EvidenceDocument {
  readonly $schema: string;
  readonly schemaVersion: typeof EVIDENCE_SCHEMA_VERSION;
  readonly tool: { readonly name: 'migration-gate'; readonly vitest: string };
  readonly runId: string;
  readonly project: string;
  readonly generatedAt: string;
  readonly target: TargetEvidence | null;
  readonly run: EvidenceModel['run'];
  readonly verdict: Verdict;
  readonly gates: readonly GateResult[];
  readonly mandatoryChecks: readonly MandatoryCheckResult[];
  readonly summary: CheckCounts;
  readonly checks: readonly CheckEvidence[];
}

/** Schema id written into `$schema`, so a reader knows which file documents the shape. */
export const EVIDENCE_SCHEMA_ID = 'https://migration-gate.dev/schemas/evidence-1.3.0.schema.json';

export function toEvidenceDocument(model: EvidenceModel, evaluation: GateEvaluation): EvidenceDocument {
  return {
    $schema: EVIDENCE_SCHEMA_ID,
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    tool: { name: 'migration-gate', vitest: model.vitestVersion },
    runId: model.runId,
    project: model.project,
    generatedAt: model.generatedAt,
    target: model.target,
    run: model.run,
    verdict: evaluation.verdict,
    gates: evaluation.gates,
    mandatoryChecks: evaluation.mandatoryChecks,
    summary: countChecks(model.checks),
    checks: model.checks,
  };
}

/** Pretty-printed, newline-terminated JSON. */
export function renderEvidenceJson(model: EvidenceModel, evaluation: GateEvaluation): string {
  return `${JSON.stringify(toEvidenceDocument(model, evaluation), null, 2)}\n`;
}
