/**
 * The migration-gate reporter: collects one evidence model per gate project (`local`, `staging`) from
 * Vitest's public reporter API, writes the CE reports, evidence.json and the readiness report, prints
 * the verdict, and sets a non-zero exit code on NO-GO, also when every test passed (for instance a
 * required gate NOT RUN in a filtered run).
 *
 * Configure it at the root, after Vitest's default reporter:
 * ```ts
 * export default defineConfig({ test: { reporters: ['default', './reports/gate-reporter.ts'], projects: [...] } });
 * ```
 * A run without tests of a gate project (`vitest run --project self`) writes and prints nothing.
 * A failure to write a report is a warning; it never crashes the run.
 */
import { appendFile } from 'node:fs/promises';
import { relative, join, isAbsolute } from 'node:path';
import type {
  Reporter,
  SerializedError,
  TestCase,
  TestModule,
  TestProject,
  TestRunEndReason,
  TestSpecification,
  Vitest,
} from 'vitest/node';
import { PLAN_GATES } from '../helpers/config/plan-gates.ts';
import '../helpers/config/provided-config.ts';
import { errorMessage } from '../helpers/gate-error.ts';
import { provideGateSuiteFiles } from '../helpers/run/gate-suite-files.ts';
import { checkFromTestCase, collectChecks } from './collect-evidence.ts';
import { toEvidenceError } from './collect-errors.ts';
import { targetFromMetadata } from './collect-target.ts';
import type { CheckEvidence, Decision, EvidenceModel } from './evidence-model.ts';
import { READINESS_FILE } from './report-files.ts';
import { createRunId, resolveReportBase, writeReportSet } from './report-writer.ts';
import { renderJobSummary } from './render-job-summary.ts';
import { renderReportSet } from './render-report-set.ts';
import { evaluateGates, type GatePolicy } from './verdict.ts';

export interface GateReporterOptions {
  /** Vitest projects whose tests are gate checks; default `['local', 'staging']`. */
  readonly gateProjects?: readonly string[];
  /** Report base directory; default `$MIGRATION_GATE_REPORT_DIR`, else `<root>/reports/out`. */
  readonly outputDir?: string;
  /**
   * Gate definitions and the required gates. Default: `gates` of the config the project's globalSetup
   * loaded and provided (`gateConfig`), else the plan's gates.
   */
  readonly gates?: GatePolicy;
  /** Set `process.exitCode = 1` on NO-GO; default true. Nested programmatic runs may turn it off. */
  readonly exitOnNoGo?: boolean;
  /** Print the verdict line at the end of the run; default true. Nested runs in tests turn it off. */
  readonly printVerdict?: boolean;
}

/** What the reporter decided for one gate project of the last run. */
export interface GateRunResult {
  readonly project: string;
  readonly runId: string;
  readonly decision: Decision;
  readonly reasons: readonly string[];
  /** Run directory, or null when the reports could not be written. */
  readonly directory: string | null;
  /** Path of the readiness report, or null when it could not be written. */
  readonly readinessReport: string | null;
}

export const DEFAULT_GATE_PROJECTS: readonly string[] = ['local', 'staging'];

/** Reasons printed under a NO-GO line; the report has them all. */
const PRINTED_REASONS = 5;

export default class GateReporter implements Reporter {
  readonly #gateProjects: ReadonlySet<string>;
  readonly #outputDir: string | undefined;
  readonly #policy: GatePolicy | undefined;
  readonly #exitOnNoGo: boolean;
  readonly #printsVerdict: boolean;
  #vitest: Vitest | undefined;
  #collected = new Map<string, CheckEvidence>();
  #results: GateRunResult[] = [];

  constructor(options: GateReporterOptions = {}) {
    this.#gateProjects = new Set(options.gateProjects ?? DEFAULT_GATE_PROJECTS);
    this.#outputDir = options.outputDir;
    this.#policy = options.gates;
    this.#exitOnNoGo = options.exitOnNoGo ?? true;
    this.#printsVerdict = options.printVerdict ?? true;
  }

  /** Verdicts of the last run, one per gate project that ran; empty when none ran. */
  get results(): readonly GateRunResult[] {
    return this.#results;
  }

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.#collected = new Map();
    this.#results = [];
    // Vitest starts reporters before the projects' global setup: the setup then knows which suites
    // run and skips the steps of those that do not (see gateSuiteFiles).
    provideGateSuiteFiles(specifications, (name) => this.#gateProjects.has(name));
  }

  onTestCaseResult(testCase: TestCase): void {
    if (!this.#gateProjects.has(testCase.project.name)) return;
    try {
      this.#collected.set(
        testCase.id,
        checkFromTestCase(testCase, this.#policyOf(testCase.project).definitions),
      );
    } catch (error) {
      // Collected again from the module at the end of the run; a bad test must not stop the others.
      this.#warn(`could not read the result of "${testCase.fullName}": ${errorMessage(error)}`);
    }
  }

  async onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): Promise<void> {
    const projects = [...new Set(testModules.map((module) => module.project.name))].filter((name) =>
      this.#gateProjects.has(name),
    );
    for (const project of projects) {
      try {
        this.#results.push(await this.#report(project, testModules, unhandledErrors, reason));
      } catch (error) {
        // Without evidence there is no verdict, and no verdict must not read as GO.
        this.#warn(`could not produce the verdict of project "${project}": ${errorMessage(error)}`);
        if (this.#exitOnNoGo) process.exitCode = 1;
      }
    }
    if (this.#printsVerdict)
      for (const result of this.#results) this.#printVerdict(result, this.#results.length > 1);
    await this.#writeJobSummary();
    if (this.#exitOnNoGo && this.#results.some((result) => result.decision === 'NO-GO')) process.exitCode = 1;
  }

  async #report(
    project: string,
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): Promise<GateRunResult> {
    const root = this.#vitest?.config.root ?? process.cwd();
    const own = testModules.filter((module) => module.project.name === project);
    const others = testModules.filter((module) => module.project.name !== project);
    const runId = createRunId(project);
    const policy = own[0] === undefined ? (this.#policy ?? PLAN_GATES) : this.#policyOf(own[0].project);
    const model: EvidenceModel = {
      runId,
      project,
      generatedAt: new Date().toISOString(),
      vitestVersion: this.#vitest?.version ?? 'unknown',
      target: targetFromMetadata(own[0]?.project.getProvidedContext().runMetadata),
      run: {
        reason,
        failedElsewhere: others.reduce((total, module) => total + failuresIn(module), 0),
        unhandledErrors: unhandledErrors.map((error) => toEvidenceError(error, root)),
      },
      checks: collectChecks(own, policy.definitions, this.#collected),
    };
    const evaluation = evaluateGates(model, policy);
    const base = resolveReportBase(root, this.#outputDir);
    let directory: string | null = null;
    let writeError: string | null = null;
    try {
      directory = (await writeReportSet(base, runId, renderReportSet(model, evaluation))).directory;
    } catch (error) {
      writeError = `The reports could not be written to ${join(base, runId)} (${errorMessage(error)}); set MIGRATION_GATE_REPORT_DIR to a writable directory`;
      this.#warn(writeError);
    }
    // Evidence nobody can read is no evidence: a run whose reports were not written is NO-GO.
    return {
      project,
      runId,
      decision: writeError === null ? evaluation.verdict.decision : 'NO-GO',
      reasons: writeError === null ? evaluation.verdict.reasons : [...evaluation.verdict.reasons, writeError],
      directory,
      readinessReport: directory === null ? null : join(directory, READINESS_FILE),
    };
  }

  /** The gates an explicit option names, else those of the config the project loaded, else the plan's. */
  #policyOf(project: TestProject): GatePolicy {
    return this.#policy ?? project.getProvidedContext().gateConfig?.gates ?? PLAN_GATES;
  }

  /** In GitHub Actions, the verdict and its reasons go to the job summary too. */
  async #writeJobSummary(): Promise<void> {
    const file = process.env['GITHUB_STEP_SUMMARY'];
    if (file === undefined || file === '' || this.#results.length === 0) return;
    try {
      await appendFile(file, `${renderJobSummary(this.#results)}\n`);
    } catch (error) {
      this.#warn(`could not write the job summary to ${file}: ${errorMessage(error)}`);
    }
  }

  #printVerdict(result: GateRunResult, withProject: boolean): void {
    const where =
      result.readinessReport === null ? 'reports not written' : displayPath(result.readinessReport);
    const lines = [
      `migration-gate: Verdict: ${result.decision}${withProject ? ` [${result.project}]` : ''} — ${where}`,
      ...result.reasons.slice(0, PRINTED_REASONS).map((reason) => `  - ${reason}`),
      ...(result.reasons.length > PRINTED_REASONS
        ? [`  … and ${result.reasons.length - PRINTED_REASONS} more in the readiness report`]
        : []),
    ];
    this.#log(lines.join('\n'));
  }

  #log(text: string): void {
    if (this.#vitest === undefined) console.log(text);
    else this.#vitest.logger.log(text);
  }

  #warn(text: string): void {
    const line = `migration-gate: warning: ${text}`;
    if (this.#vitest === undefined) console.warn(line);
    else this.#vitest.logger.warn(line);
  }
}

/** Failed tests of a module, plus one for each module or suite error (its tests may show as skipped). */
function failuresIn(testModule: TestModule): number {
  let failures = testModule.errors().length;
  for (const suite of testModule.children.allSuites()) failures += suite.errors().length;
  for (const _ of testModule.children.allTests('failed')) failures += 1;
  return failures;
}

/** Relative to the working directory when inside it, absolute otherwise. */
function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd.startsWith('..') || isAbsolute(fromCwd) ? path : fromCwd.replace(/\\/g, '/');
}
