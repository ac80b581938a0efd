/** What a finding of the CE-23 policy analysis does to the verdict. */
export const POLICY_SEVERITIES = ['error', 'warning'] as const;
export type PolicySeverity = (typeof POLICY_SEVERITIES)[number];

/**
 * The rules of the policy analysis with their default severity: `error` fails the table's check
 * (NO-GO), `warning` records the finding and lets the check pass. `tenancy.policyFindings` in
 * gate.config.ts overrides the severity per table and rule, with a reason the report prints.
 */
export const POLICY_RULES = {
  'constant-true': { severity: 'error', title: 'a branch that is always true: every row passes' },
  'row-attribute-branch': {
    severity: 'error',
    title: 'an OR branch on a row attribute (`OR is_public`): rows of every tenant that have it pass',
  },
  'is-null-branch': {
    severity: 'error',
    title: 'an `IS NULL OR` branch: a missing setting or a NULL tenant key lets rows through',
  },
  'setting-fallback': {
    severity: 'error',
    title: 'COALESCE / CASE / NULLIF fallback: without a tenant the comparison compares the row with itself',
  },
  'session-only-predicate': {
    severity: 'error',
    title: 'a branch that reads only the session, not the row: when it holds, every row passes',
  },
  'pattern-match-setting': {
    severity: 'error',
    title: 'LIKE / ~ / SIMILAR TO against the setting: a pattern, not equality, decides the tenant',
  },
  'unscoped-branch': {
    severity: 'error',
    title: 'a branch that does not compare the tenant key with the tenant setting',
  },
  'with-check-drops-scope': {
    severity: 'error',
    title: 'WITH CHECK drops the tenant scope its USING has: rows can be written into another tenant',
  },
  'using-true-scoped-check': {
    severity: 'error',
    title: 'UPDATE / DELETE with USING (true) and a scoped WITH CHECK: every tenant’s rows are reachable',
  },
  'update-check-union': {
    severity: 'error',
    title: 'several permissive UPDATE policies whose WITH CHECKs, OR-ed, let a row move to another tenant',
  },
  'self-referencing-subquery': {
    severity: 'warning',
    title: 'the policy reads its own table in a subquery (recursion, or a scope read from rows)',
  },
  'unsafe-function': {
    severity: 'error',
    title: 'a function compared with the tenant key does not return the tenant setting',
  },
  'volatile-function': {
    severity: 'error',
    title: 'a VOLATILE user function in a policy: evaluated per row, may return anything',
  },
  'unknown-function': {
    severity: 'error',
    title: 'a user function whose body the gate cannot read (not SQL or PL/pgSQL, or no RETURN)',
  },
} as const satisfies Readonly<Record<string, { readonly severity: PolicySeverity; readonly title: string }>>;

export type PolicyRule = keyof typeof POLICY_RULES;

export const POLICY_RULE_IDS = Object.keys(POLICY_RULES) as readonly PolicyRule[];

export function isPolicyRule(value: string): value is PolicyRule {
  return Object.hasOwn(POLICY_RULES, value);
}
