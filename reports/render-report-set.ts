/** Every file of one run's report set, rendered from the evidence (pure). */
import { CE_SECTIONS } from '../helpers/config/gate-config.ts';
import type { EvidenceModel, GateEvaluation } from './evidence-model.ts';
import { CE_REPORT_FILES, EVIDENCE_FILE, INVARIANTS_REPORT_FILE, READINESS_FILE } from './report-files.ts';
import type { ReportFile } from './report-writer.ts';
import { renderCeReport } from './render-ce-report.ts';
import { renderEvidenceJson } from './render-evidence-json.ts';
import { renderInvariantsReport } from './render-invariants-report.ts';
import { renderPerfBaseline } from './render-perf-baseline.ts';
import { renderReadiness } from './render-readiness.ts';

/** One report per CE section that has checks, the invariants' report, evidence.json and the readiness report. */
export function renderReportSet(model: EvidenceModel, evaluation: GateEvaluation): ReportFile[] {
  const sections = CE_SECTIONS.filter((ce) => model.checks.some((check) => check.ce === ce));
  return [
    ...sections.map((ce) => ({ name: CE_REPORT_FILES[ce], content: renderCeReport(ce, model, evaluation) })),
    ...(model.checks.some((check) => check.ce === null)
      ? [{ name: INVARIANTS_REPORT_FILE, content: renderInvariantsReport(model, evaluation) }]
      : []),
    { name: EVIDENCE_FILE, content: renderEvidenceJson(model, evaluation) },
    { name: READINESS_FILE, content: renderReadiness(model, evaluation) },
    ...renderPerfBaseline(model),
  ];
}
