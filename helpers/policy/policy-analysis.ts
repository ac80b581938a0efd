import type { ValueScope } from './context-value.ts';
import { parseExpression, PolicyParseError } from './policy-ast.ts';
import { analyseClause, type BranchFinding, type ClauseAnalysis } from './policy-branches.ts';
import type { CatalogPolicy, PolicyCommand } from './policy-catalog.ts';
import type { PolicyRule } from './policy-rules.ts';

export type PolicyClause = 'USING' | 'WITH CHECK';

/** One way a policy of a tenant table lets a row through without the tenant comparison. */
export interface PolicyFinding {
  readonly table: string;
  /** The policy (several, comma-separated, for a finding on their union). */
  readonly policy: string;
  readonly command: CatalogPolicy['command'];
  readonly clause: PolicyClause;
  readonly rule: PolicyRule;
  /** The OR-branch (or clause) at fault, as SQL. */
  readonly branch: string;
  readonly detail: string;
  /** A value that makes the branch true on a row (see {@link BranchFinding.plant}). */
  readonly plant?: BranchFinding['plant'];
  /** Set when a safe RESTRICTIVE policy is AND-ed onto every command this finding reaches. */
  readonly coveredBy?: string;
}

/** The tenant table a policy analysis judges. */
export interface PolicyTable {
  readonly table: string;
  readonly tenantColumn: string;
  /** The table's policies that apply to the application role. */
  readonly policies: readonly CatalogPolicy[];
}

const READ_COMMANDS: readonly PolicyCommand[] = ['SELECT', 'UPDATE', 'DELETE'];
const CHECK_COMMANDS: readonly PolicyCommand[] = ['INSERT', 'UPDATE'];
/** Rules about a whole function or subquery: a restrictive floor does not make them go away. */
const UNCOVERABLE: ReadonlySet<PolicyRule> = new Set([
  'volatile-function',
  'unknown-function',
  'self-referencing-subquery',
]);

function commandsOf(policy: CatalogPolicy): readonly PolicyCommand[] {
  return policy.command === 'ALL' ? ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] : [policy.command];
}

/** The clause PostgreSQL checks new rows with: WITH CHECK, or USING when a policy has none. */
function checkClause(policy: CatalogPolicy): { readonly text: string | null; readonly clause: PolicyClause } {
  return policy.withCheck !== null
    ? { text: policy.withCheck, clause: 'WITH CHECK' }
    : { text: policy.using, clause: 'USING' };
}

interface AnalysedPolicy {
  readonly policy: CatalogPolicy;
  readonly using: ClauseAnalysis | undefined;
  readonly withCheck: ClauseAnalysis | undefined;
}

function analyseText(text: string | null, table: PolicyTable, scope: ValueScope): ClauseAnalysis | undefined {
  if (text === null) return undefined;
  try {
    return analyseClause(parseExpression(text), {
      table: table.table,
      tenantColumn: table.tenantColumn,
      scope,
    });
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    return {
      scoped: false,
      branches: 0,
      findings: [{ rule: 'unscoped-branch', branch: text, detail: error.message }],
    };
  }
}

function isAllTrue(analysis: ClauseAnalysis | undefined): boolean {
  return (
    analysis !== undefined &&
    analysis.findings.length > 0 &&
    analysis.findings.every((finding) => finding.rule === 'constant-true')
  );
}

/**
 * Judges the policies of one tenant table. Permissive policies are OR-ed: each clause of each one must
 * be scoped on every OR-branch. Restrictive policies are AND-ed onto them: one whose clause is scoped
 * is a floor, and a permissive finding whose every command has such a floor is kept, but `coveredBy`.
 */
export function analyseTablePolicies(table: PolicyTable, scope: ValueScope): readonly PolicyFinding[] {
  const analysed: AnalysedPolicy[] = table.policies.map((policy) => ({
    policy,
    using: analyseText(policy.using, table, scope),
    withCheck: analyseText(policy.withCheck, table, scope),
  }));
  const restrictive = analysed.filter(({ policy }) => !policy.permissive);
  const permissive = analysed.filter(({ policy }) => policy.permissive);

  const floor = (command: PolicyCommand, use: 'read' | 'check'): string | undefined =>
    restrictive.find(({ policy, using, withCheck }) => {
      if (!commandsOf(policy).includes(command)) return false;
      const clause = use === 'read' ? using : (withCheck ?? using);
      return (
        clause?.scoped === true && clause.findings.every((finding) => UNCOVERABLE.has(finding.rule) === false)
      );
    })?.policy.name;

  /** The floor that covers every (command, use) a clause of `policy` is evaluated for, if one does. */
  const coverOf = (policy: CatalogPolicy, clause: PolicyClause): string | undefined => {
    const uses: { command: PolicyCommand; use: 'read' | 'check' }[] = [];
    for (const command of commandsOf(policy)) {
      if (clause === 'USING' && READ_COMMANDS.includes(command)) uses.push({ command, use: 'read' });
      if (CHECK_COMMANDS.includes(command) && checkClause(policy).clause === clause)
        uses.push({ command, use: 'check' });
    }
    const floors = uses.map(({ command, use }) => floor(command, use));
    const [first] = floors;
    return floors.length > 0 && floors.every((name) => name !== undefined) ? first : undefined;
  };

  const findings: PolicyFinding[] = [];
  const push = (
    policy: CatalogPolicy,
    clause: PolicyClause,
    finding: BranchFinding,
    rule: PolicyRule = finding.rule,
  ): void => {
    const coveredBy = UNCOVERABLE.has(rule) ? undefined : coverOf(policy, clause);
    findings.push({
      table: table.table,
      policy: policy.name,
      command: policy.command,
      clause,
      rule,
      branch: finding.branch,
      detail: finding.detail,
      ...(finding.plant === undefined ? {} : { plant: finding.plant }),
      ...(coveredBy === undefined ? {} : { coveredBy }),
    });
  };

  const scopedWrites = permissive.some(
    ({ policy, using, withCheck }) =>
      commandsOf(policy).some((command) => CHECK_COMMANDS.includes(command)) &&
      (withCheck ?? using)?.scoped === true,
  );
  for (const { policy, using, withCheck } of permissive) {
    const writes = policy.command === 'UPDATE' || policy.command === 'DELETE' || policy.command === 'ALL';
    const usingTrueScopedCheck =
      writes && isAllTrue(using) && (policy.command === 'DELETE' ? scopedWrites : withCheck?.scoped === true);
    for (const finding of using?.findings ?? []) {
      push(
        policy,
        'USING',
        finding,
        usingTrueScopedCheck && finding.rule === 'constant-true' ? 'using-true-scoped-check' : finding.rule,
      );
    }
    for (const finding of withCheck?.findings ?? []) {
      const generic = finding.rule === 'unscoped-branch' || finding.rule === 'constant-true';
      push(
        policy,
        'WITH CHECK',
        finding,
        generic && using?.scoped === true ? 'with-check-drops-scope' : finding.rule,
      );
    }
  }

  // UPDATE checks a new row against the OR of every permissive UPDATE policy's check clause.
  const updaters = permissive.filter(({ policy }) => commandsOf(policy).includes('UPDATE'));
  const leaky = updaters.filter(({ withCheck, using }) => (withCheck ?? using)?.scoped !== true);
  if (updaters.length >= 2 && leaky.length > 0 && leaky.every(({ using }) => using?.scoped === true)) {
    const names = updaters.map(({ policy }) => policy.name).join(', ');
    const coveredBy = floor('UPDATE', 'check');
    findings.push({
      table: table.table,
      policy: names,
      command: 'UPDATE',
      clause: 'WITH CHECK',
      rule: 'update-check-union',
      branch: updaters.map(({ policy }) => `(${checkClause(policy).text ?? 'true'})`).join(' OR '),
      detail: `an UPDATE passes when any of ${names} accepts the new row; ${leaky
        .map(({ policy }) => policy.name)
        .join(', ')} accepts rows of another tenant`,
      ...(coveredBy === undefined ? {} : { coveredBy }),
    });
  }
  return findings;
}
