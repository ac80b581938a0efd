import type { PolicyFindingOverride } from '../config/gate-config.ts';
import type { PolicyFinding } from './policy-analysis.ts';
import { POLICY_RULES, POLICY_SEVERITIES, isPolicyRule, type PolicySeverity } from './policy-rules.ts';

/** A finding with the severity it has on its table, and why when the config changed it. */
export interface JudgedFinding extends PolicyFinding {
  /** `covered` when a safe RESTRICTIVE policy closes the hole (see `coveredBy`). */
  readonly severity: PolicySeverity | 'covered';
  /** The config's reason, when `tenancy.policyFindings` set the severity. */
  readonly overrideReason?: string;
}

/**
 * Checks `tenancy.policyFindings`: every entry names a known rule and severity and gives a reason.
 * Throws one sentence naming the bad entry.
 */
export function validateOverrides(overrides: readonly PolicyFindingOverride[]): void {
  overrides.forEach((entry, index) => {
    const where = `gate.config.ts tenancy.policyFindings[${index}]`;
    if (!isPolicyRule(entry.rule)) {
      throw new Error(
        `${where} names the unknown rule ${JSON.stringify(entry.rule)}; use one of ${Object.keys(POLICY_RULES).join(', ')}.`,
      );
    }
    if (!POLICY_SEVERITIES.includes(entry.severity)) {
      throw new Error(`${where} has severity ${JSON.stringify(entry.severity)}; use 'error' or 'warning'.`);
    }
    if (typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      throw new Error(`${where} (${entry.table} / ${entry.rule}) needs a reason, which the report prints.`);
    }
    if (typeof entry.table !== 'string' || entry.table.trim() === '') {
      throw new Error(`${where} needs a table (or '*').`);
    }
  });
}

/** Each finding's severity: the rule's default, a table's override (before a `'*'` one), or `covered`. */
export function judgeFindings(
  findings: readonly PolicyFinding[],
  overrides: readonly PolicyFindingOverride[],
): readonly JudgedFinding[] {
  return findings.map((finding) => {
    if (finding.coveredBy !== undefined) return { ...finding, severity: 'covered' };
    const override =
      overrides.find((entry) => entry.table === finding.table && entry.rule === finding.rule) ??
      overrides.find((entry) => entry.table === '*' && entry.rule === finding.rule);
    if (override === undefined) return { ...finding, severity: POLICY_RULES[finding.rule].severity };
    return { ...finding, severity: override.severity, overrideReason: override.reason };
  });
}

/** Overrides that name a table the analysis did not judge (renamed, dropped, a typo): stale config. */
export function staleOverrides(
  overrides: readonly PolicyFindingOverride[],
  tables: readonly string[],
): readonly PolicyFindingOverride[] {
  return overrides.filter((entry) => entry.table !== '*' && !tables.includes(entry.table));
}
