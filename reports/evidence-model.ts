/**
 * The typed evidence model the reporter collects from a run, before anything is rendered. Renderers
 * are pure functions of it; `evidence.json` is it, serialised (see `evidence.schema.json`).
 */
import type { CeSection, GateId } from '../helpers/config/gate-config.ts';
import type { AccessMatrixCell, CheckMetric } from './check-meta.ts';
import type { JsonObject, JsonValue } from '../helpers/json-value.ts';

/**
 * Version of the `evidence.json` shape; bump major on a breaking change of the schema, minor on an
 * addition (1.1.0 added `checks[].inventories`; 1.2.0 added `gates[].bySection`,
 * `gates[].sectionsNotRun` and `mandatoryChecks`; 1.3.0 added the `not-applicable` status and
 * `notApplicable` counts).
 */
export const EVIDENCE_SCHEMA_VERSION = '1.3.0';

export const CHECK_STATUSES = ['passed', 'failed', 'skipped', 'not-applicable'] as const;
/**
 * `skipped` covers `.skip`, `.todo`, `ctx.skip()` and tests not run because of a filter.
 * `not-applicable`: the check could not judge anything here (its input is absent from the config or the
 * database), with the reason in `skipReason`; like `skipped` it neither passes nor fails a gate.
 */
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** An error a check or the run raised: plain text, no ANSI, passwords redacted. */
export interface EvidenceError {
  readonly name: string;
  readonly message: string;
  /** Expected/actual diff of a failed assertion, when Vitest produced one. */
  readonly diff?: string;
  /** First stack frames that point into the project (not node_modules). */
  readonly stack?: string;
}

/** A listing a check recorded in full (`CheckRecorder.inventory`), ready to render as a table. */
export interface InventoryEvidence {
  readonly title: string;
  /** Every key of every row, in the order first seen: the table's columns. */
  readonly columns: readonly string[];
  readonly rows: readonly JsonObject[];
  /** Rows before the recorder's cap; equals `rows.length` when nothing was cut. */
  readonly total: number;
}

/** One check: one Vitest test (or a suite-level error that stopped tests from running). */
export interface CheckEvidence {
  readonly id: string;
  /** Null for a test in a file that is not named `ceNN-…`. */
  readonly ce: CeSection | null;
  /** Gate whose sections contain `ce`; null when no gate covers it. */
  readonly gate: GateId | null;
  readonly name: string;
  /** Names of the enclosing describe blocks and the test, joined by ` > `. */
  readonly fullName: string;
  /** Test file relative to the project root, with `/` separators. */
  readonly file: string;
  readonly status: CheckStatus;
  readonly durationMs: number | null;
  readonly measured: Readonly<Record<string, JsonValue>>;
  readonly offending: readonly JsonValue[];
  /** Offending rows before the cap; equals `offending.length` when nothing was cut. */
  readonly offendingTotal: number;
  readonly accessMatrix: readonly AccessMatrixCell[];
  readonly metric: CheckMetric | null;
  /** Full listings the check recorded, in the order recorded; empty when none. */
  readonly inventories: readonly InventoryEvidence[];
  readonly errors: readonly EvidenceError[];
  /** Why it was skipped (`ctx.skip(note)`, `todo`, …) or why it is not applicable. */
  readonly skipReason: string | null;
  /** Messages the test added with `annotate()`. */
  readonly notes: readonly string[];
}

/** What the run verified against, from `RunMetadata` (never the unredacted URL). */
export interface TargetEvidence {
  readonly provider: string;
  /** Connection URL, password redacted. */
  readonly url: string;
  /** `host:port`, from the URL. */
  readonly host: string;
  readonly database: string;
  readonly serverVersion: string;
  readonly migrationVersion: string | null;
  readonly migrations: readonly MigrationEvidence[];
  readonly startedAt: string;
  /** Where the run's pg_dump backups are and when they go (since 1.3.0); null when the run says nothing. */
  readonly backups?: BackupsEvidence | null;
}

/** The retention of the run's backups, as the run metadata recorded it. */
export interface BackupsEvidence {
  readonly directory: string;
  readonly keepRuns: number;
  /** A sentence: when this run's backups are deleted. */
  readonly expires: string;
  /** Older dumps the run deleted when it started. */
  readonly removed: readonly string[];
}

export interface MigrationEvidence {
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: string;
  readonly durationMs: number;
}

export type RunEndReason = 'passed' | 'failed' | 'interrupted';

/** Everything collected for one gate project of one run. */
export interface EvidenceModel {
  readonly runId: string;
  /** Vitest project that ran the gate: `local`, `staging`, … */
  readonly project: string;
  readonly generatedAt: string;
  readonly vitestVersion: string;
  /** Null when the project's globalSetup provided no `runMetadata`. */
  readonly target: TargetEvidence | null;
  readonly run: {
    readonly reason: RunEndReason;
    /** Failed tests in projects other than this one (they still fail the run). */
    readonly failedElsewhere: number;
    readonly unhandledErrors: readonly EvidenceError[];
  };
  readonly checks: readonly CheckEvidence[];
}

export const GATE_STATUSES = ['PASS', 'FAIL', 'NOT RUN'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

export interface CheckCounts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Checks that reported `not-applicable` (counted apart from `skipped`). */
  readonly notApplicable: number;
  readonly total: number;
}

/** The checks of one CE section of a gate. */
export interface SectionResult {
  readonly ce: CeSection;
  readonly counts: CheckCounts;
}

/**
 * A quality gate, decided from the checks of its CE sections: PASS only when every section has a
 * passed check and no check of the gate failed.
 */
export interface GateResult {
  readonly id: GateId;
  readonly title: string;
  readonly sections: readonly CeSection[];
  readonly required: boolean;
  readonly status: GateStatus;
  readonly counts: CheckCounts;
  /** Counts of each section, in the order of `sections`. */
  readonly bySection: readonly SectionResult[];
  /** Sections in which no check ran (none recorded, or all skipped); empty when every section ran. */
  readonly sectionsNotRun: readonly CeSection[];
}

/** `missing`: no check with the id was recorded (its suite was filtered out, or the id changed). */
export type MandatoryCheckStatus = CheckStatus | 'missing';

/** A check id that must be present and passed for GO (`gates.mandatoryChecks` of gate.config.ts). */
export interface MandatoryCheckResult {
  readonly id: string;
  readonly status: MandatoryCheckStatus;
  /** Why it was skipped, when skipped. */
  readonly skipReason: string | null;
}

export type Decision = 'GO' | 'NO-GO';

export interface Verdict {
  readonly decision: Decision;
  /**
   * Why: failing checks (id and test name), required gates with sections that did not run, mandatory
   * checks that did not run, run errors.
   */
  readonly reasons: readonly string[];
}

/** Gates and verdict derived from an {@link EvidenceModel} by `evaluateGates`. */
export interface GateEvaluation {
  readonly gates: readonly GateResult[];
  /** Every mandatory check of the policy, in the order configured. */
  readonly mandatoryChecks: readonly MandatoryCheckResult[];
  readonly verdict: Verdict;
}
