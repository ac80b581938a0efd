/**
 * Mandatory checks: check ids that must be present and passed for GO, whatever gate they belong to.
 * A gate passes on one passed check per section; these name the checks a GO cannot do without (the
 * post-run "database unchanged" proof, the migration version, …), so a filtered run that left them out
 * cannot pass.
 */
import type { CheckEvidence, MandatoryCheckResult, MandatoryCheckStatus } from './evidence-model.ts';

/** Failed wins over passed, passed over skipped: one failed run of the id fails it. */
function statusOf(checks: readonly CheckEvidence[]): MandatoryCheckStatus {
  if (checks.some((check) => check.status === 'failed')) return 'failed';
  if (checks.some((check) => check.status === 'passed')) return 'passed';
  if (checks.some((check) => check.status === 'skipped')) return 'skipped';
  return checks.length > 0 ? 'not-applicable' : 'missing';
}

/** The result of each id of `ids` among `checks`, in the order of `ids`. */
export function evaluateMandatoryChecks(
  checks: readonly CheckEvidence[],
  ids: readonly string[],
): MandatoryCheckResult[] {
  return ids.map((id) => {
    const matching = checks.filter((check) => check.id === id);
    const status = statusOf(matching);
    const skipReason =
      status === 'skipped' || status === 'not-applicable'
        ? (matching.find((check) => check.skipReason !== null)?.skipReason ?? null)
        : null;
    return { id, status, skipReason };
  });
}

/**
 * The NO-GO reason of a mandatory check that did not run, or null when it passed or failed (a failed
 * check is a reason of its own).
 */
export function describeMandatoryCheck(result: MandatoryCheckResult): string | null {
  switch (result.status) {
    case 'passed':
    case 'failed':
      return null;
    case 'missing':
      return `Mandatory check ${result.id} did not run`;
    case 'skipped':
      return `Mandatory check ${result.id} did not run (skipped${result.skipReason === null ? '' : `: ${result.skipReason}`})`;
    case 'not-applicable':
      return `Mandatory check ${result.id} is not applicable${result.skipReason === null ? '' : ` (${result.skipReason})`}, so it proves nothing`;
  }
}
