import type { ReferentialAction } from '../catalog/foreign-keys.ts';
import { PLAN_GATES } from './plan-gates.ts';
import type { PolicyRule, PolicySeverity } from '../policy/policy-rules.ts';

/**
 * What a database promises, as the gate verifies it. Everything schema-specific lives in
 * `gate.config.ts`; helpers and suites read it and name no table of their own.
 */

/** The plan's quality gates, in order. */
export const GATE_IDS = ['gate1', 'gate2', 'gate3', 'gate4', 'gate5'] as const;
export type GateId = (typeof GATE_IDS)[number];

/** CE sections of the plan that become suites. */
export const CE_SECTIONS = ['CE-20', 'CE-21', 'CE-22', 'CE-23', 'CE-24', 'CE-25', 'CE-26', 'CE-27'] as const;
export type CeSection = (typeof CE_SECTIONS)[number];

export interface GateDefinition {
  readonly id: GateId;
  readonly title: string;
  /** CE sections whose checks decide this gate. */
  readonly sections: readonly CeSection[];
}

/** The tenancy model: the tenant key, how the application states its tenant, its role, the tenant tables. */
export interface TenancyConfig {
  /** Column that carries the tenant on every tenant-scoped table. */
  readonly tenantKey: string;
  /**
   * The table that lists tenants; it is scoped by its primary key, not by `tenantKey`. Leave it out
   * when the schema has none: tenant ids are then free values of the tenant key's type.
   */
  readonly tenantTable?: string;
  /** Setting the policies read, set LOCAL per transaction. */
  readonly tenantSetting: string;
  /**
   * How the application puts a transaction into a tenant, when it is more than `set_config(tenantSetting, id, true)`:
   * a statement run as the application role with the tenant id as `$1`, e.g.
   * `SELECT set_config('request.jwt.claims', json_build_object('tenant_id', $1::text)::text, true)` or
   * `SELECT app.set_tenant($1)`. "No tenant" is then the statement not run (unset) and run with ''
   * (empty, probed only when the tenant key is text).
   */
  readonly tenantContext?: TenantContextStatement;
  /** Login role the application uses; never superuser, owner or BYPASSRLS. */
  readonly appRole: string;
  /** Tables that must exist and be tenant-scoped (a missing one fails). */
  readonly tenantTables: readonly string[];
  /**
   * Tables that must have FORCE ROW LEVEL SECURITY. Left out: every tenant table (as the plan says). An
   * explicit `[]`: the application never connects as the table owner, so FORCE is required of none and
   * the FORCE checks report "not applicable" with that reason.
   */
  readonly forceRlsTables?: readonly string[];
  /**
   * The plan's manual cross-tenant test (CE-23 task 5), reproduced as a test with ids free in the
   * target. Left out, that check is not applicable (the generated probes still cover every table).
   */
  readonly crossTenantProbe?: CrossTenantProbe;
  /**
   * Security changes of the run's pending migrations (a widened policy or grant, RLS or FORCE turned
   * off, a dropped restrictive policy) that are intended, each with why. `object` as the CE-23
   * "Security changes" inventory names it, e.g. `public.documents policy documents_tenant_isolation`.
   */
  readonly acknowledgedChanges?: readonly { readonly object: string; readonly reason: string }[];
  /**
   * Table-level UPDATE grants, which cover the tenant key column, are accepted for this reason (e.g.
   * every policy's WITH CHECK keeps rows in their tenant). Unset, they fail
   * `ce23.privileges.<table>.tenant-key-update`; a column grant naming the tenant key fails regardless.
   */
  readonly acceptedTenantKeyUpdate?: { readonly reason: string };
  /**
   * Severity overrides for the CE-23 policy analysis (`suites/ce23-policy-analysis.test.ts`): `rule`
   * on `table` (or `'*'`) becomes `severity`, and the report prints `reason`. E.g.
   * `{ table: 'documents', rule: 'row-attribute-branch', severity: 'warning', reason: 'public templates are meant to be shared' }`.
   */
  readonly policyFindings?: readonly PolicyFindingOverride[];
  /**
   * Tables without the tenant key that reach a tenant table through NOT NULL foreign keys and are
   * readable across tenants on purpose (a public directory of tenants' listings), each with why.
   * Every other such table is probed as isolated through its parent (`suites/ce23-rls-derived.test.ts`);
   * these are reported not applicable with the reason.
   */
  readonly sharedChildTables?: readonly { readonly table: string; readonly reason: string }[];
}

/** A statement that sets the current tenant, `$1` being the tenant id as text. */
export interface TenantContextStatement {
  readonly sql: string;
}

/**
 * Tenant A and B are created as the owner; as the application role with A's tenant set, `row` is
 * inserted into `table`; with B's set, looking it up by all of `row`'s columns must return 0 rows.
 * Everything runs in one transaction that is rolled back.
 */
export interface CrossTenantProbe {
  /** Rows of the tenant table for tenant A and tenant B (must include its primary key). */
  readonly tenants: readonly [Readonly<Record<string, string>>, Readonly<Record<string, string>>];
  readonly table: string;
  /** The row tenant A creates; carries A's tenant key. */
  readonly row: Readonly<Record<string, string>>;
}

export interface ForeignKeyExpectation {
  readonly table: string;
  readonly constraint: string;
  /** The ON DELETE action the constraint must declare; re-declaring it differently fails. */
  readonly onDelete?: ReferentialAction;
}

/** A row to insert, by column name (JSON values, cast by the column types). */
export type ScenarioRow = Readonly<Record<string, string | number | boolean | null>>;

/** The plan's cascade test: insert a parent and a child, delete the parent, see the child gone (or refused). */
export interface CascadeScenario {
  readonly parent: { readonly table: string; readonly row: ScenarioRow };
  readonly child: { readonly table: string; readonly row: ScenarioRow };
}

/** A reference the plan checks on data: every `table.column` (when set) names a row of `references`. */
export interface LinkageExpectation {
  readonly table: string;
  readonly column: string;
  readonly references: { readonly table: string; readonly column: string };
  /** NULL counts as broken when true (the plan's "every alert has a valid analysis"). */
  readonly required: boolean;
}

/** Where the audit trigger writes who changed which row. */
export interface AuditColumns {
  readonly tenant: string;
  readonly actor: string;
  readonly actorRole: string;
  readonly table: string;
  readonly record: string;
  readonly action: string;
}

export interface ColumnExpectation {
  readonly name: string;
  /** As `format_type` prints it, e.g. `uuid`, `text`, `timestamp with time zone`. */
  readonly type: string;
  readonly nullable: boolean;
}

export interface TableColumnsExpectation {
  readonly table: string;
  readonly columns: readonly ColumnExpectation[];
}

export interface GateConfig {
  /** Schema the gate inspects. */
  readonly schema: string;
  /** The migrations and the versions CE-22 and CE-27 expect. */
  readonly migrations: {
    /**
     * The migrations directory, relative to the config file; numbered (`NNN_name.up.sql` /
     * `.down.sql`, golang-migrate), dbmate or Flyway files, detected from the names.
     */
    readonly directory: string;
    /** Version the database must be at after the migrations (CE-22). */
    readonly expectedVersion: string;
    /**
     * Version the CE-27 rollback cycle rolls back to, on an isolated copy, before re-applying; `none`
     * (or `0`) is before the first migration. Left out: the version before the last migration.
     */
    readonly rollbackTarget?: string;
    /**
     * A row written before the CE-27 rollback, which must survive it (the plan's 'Rollback Test' tenant).
     * Left out, the cycle judges the rows already there (the fixtures, or staging's own data).
     */
    readonly rollbackProbe?: { readonly table: string; readonly row: Readonly<Record<string, string>> };
    /**
     * Schema of the migrator's bookkeeping tables (`alembic_version`, `migration_gate_history`),
     * created when missing; e.g. `'gate_meta'` to keep tooling tables apart. Default `'public'`.
     */
    readonly bookkeepingSchema?: string;
  };
  readonly tenancy: TenancyConfig;
  /** CE-24: what the foreign keys must be. */
  readonly foreignKeys: {
    /** At least this many foreign keys must exist (the plan's count). */
    readonly minimumCount: number;
    /** Constraints that must exist by name, with their ON DELETE action. */
    readonly critical: readonly ForeignKeyExpectation[];
    /** Constraints allowed to stay NOT VALID. */
    readonly acceptedNotValid: readonly string[];
    /**
     * Foreign keys between two tenant tables that leave the tenant key out (so tenant A can attach a
     * row to tenant B's parent) and are accepted, each with why.
     */
    readonly acceptedCrossTenant?: readonly { readonly constraint: string; readonly reason: string }[];
    /** The plan's tenant cascade test, reproduced inside a rolled-back transaction. */
    readonly cascadeScenario?: CascadeScenario;
  };
  /**
   * CE-25. Every input is optional: what is left out is reported "not applicable" with the reason, never
   * passed. The audit trail is one unit: `auditTable` set means `auditedTables`, `auditColumns` and
   * `auditActorSetting` are set too.
   */
  readonly integrity: {
    /** Columns, types and nullability some tables must have (the plan's clause structure). */
    readonly expectedColumns?: readonly TableColumnsExpectation[];
    /** Tolerated clock skew, in seconds, before a timestamp counts as "in the future"; default 60. */
    readonly clockSkewSeconds?: number;
    /** Tables whose writes the audit trigger must record. */
    readonly auditedTables?: readonly string[];
    /** The audit table; left out, the schema has no audit trail and the audit checks are not applicable. */
    readonly auditTable?: string;
    readonly auditColumns?: AuditColumns;
    /** Setting the application sets per transaction to the acting user; the trigger records it. */
    readonly auditActorSetting?: string;
    /**
     * Writes the audit trigger records; default all three. One the application role may not make on a
     * table (no UPDATE or DELETE privilege) is not probed there, and the check says so.
     */
    readonly auditedActions?: readonly ('INSERT' | 'UPDATE' | 'DELETE')[];
    /**
     * Columns checked for "not in the future" and `updated >= created` on every table that has them;
     * every tenant table must have the ones named. Left out, the timestamp checks are not applicable.
     */
    readonly timestampColumns?: { readonly created: string; readonly updated?: string };
    /** Tables where an insert as the application role, for its own tenant, must succeed and be visible. */
    readonly insertProbeTables?: readonly string[];
    readonly linkages?: readonly LinkageExpectation[];
  };
  /** pg_dump backups the gate writes (mode 0600 in a 0700 directory). */
  readonly backups?: {
    /** How many gate runs' backups the directory keeps; default 1 (MIGRATION_GATE_KEEP_BACKUPS wins). */
    readonly keepRuns?: number;
  };
  /** What the `local` project seeds into its throw-away database. */
  readonly fixtures: {
    /** Faker seed: the same seed gives the same fixture rows. */
    readonly seed: number;
    /** Tenants seeded into the throw-away database of the `local` project. */
    readonly tenants: number;
    /**
     * A module (path relative to the config file) whose default export commits the schema's own
     * hand-written fixtures: `async (url, { schema, tenants, seed }) => …`. Left out, fixtures are
     * synthesised from the catalog (any schema).
     */
    readonly factories?: string;
  };
  /** The plan's quality gates and which of them GO requires. */
  readonly gates: {
    /** Each gate and the CE sections whose checks decide it. */
    readonly definitions: readonly GateDefinition[];
    /** The verdict is GO only when every required gate passed. */
    readonly required: readonly GateId[];
    /**
     * Check ids that must be present and passed for GO, whatever their gate: a filtered run that
     * leaves one out (e.g. the post-run proof `ce20.post-run.unchanged`) is NO-GO.
     */
    readonly mandatoryChecks: readonly string[];
  };
  /** CE-26: query budgets and plan rules; left out, the CE-26 checks are not applicable. */
  readonly performance?: PerformanceConfig;
  /** Limits that keep one runaway check from hanging the whole run. */
  readonly budgets?: {
    /**
     * `statement_timeout` of the suites' connections (ms): a query running longer is cancelled and
     * fails its check ("canceling statement due to statement timeout"). Left out: the server's own.
     */
    readonly statementTimeoutMs?: number;
  };
}

/**
 * A value for one `$n` of a performance query: `'tenant'` is the tenant the run measures with; `{ sql }`
 * is the first column of the first row of `sql` run as the owner with `$1` = that tenant (e.g. one of
 * its documents).
 */
export type PerformanceParam = 'tenant' | { readonly sql: string };

/** One query of CE-26: run as the application role with the tenant set, under RLS. */
export interface PerformanceQuery {
  /** Short name; it becomes the check id (`ce26.perf.query.<name>`). */
  readonly name: string;
  readonly sql: string;
  readonly params: readonly PerformanceParam[];
  /** The median execution time (EXPLAIN ANALYZE) must stay at or below this. */
  readonly budgetMs: number;
  /** The same question as the owner with the tenant filter explicit (RLS bypassed); default `sql`. */
  readonly ownerSql?: string;
}

/** CE-26 performance: the plan's queries, a per-tenant list query on every tenant table, RLS overhead. */
export interface PerformanceConfig {
  readonly queries: readonly PerformanceQuery[];
  /** Budget of the generated per-tenant list query of every tenant table; default 50 ms. */
  readonly listBudgetMs?: number;
  /** A plan must not Seq Scan a table estimated at this many rows or more; default 10 000. */
  readonly seqScanMinRows?: number;
  /** Measured runs after one warm-up; the median counts; default 5. */
  readonly runs?: number;
  /** App-role median / owner median above this fails; default 2. */
  readonly maxRlsOverheadRatio?: number;
  /** Medians below this count as this in the ratio, so sub-millisecond noise cannot fail it; default 1 ms. */
  readonly rlsOverheadFloorMs?: number;
  /** Indexes of tenant tables never scanned fail instead of being listed as a warning; default false. */
  readonly failOnUnusedIndexes?: boolean;
  /**
   * A query whose shared buffers (hit + read) or median time grew by more than this fraction over the
   * baseline (`MIGRATION_GATE_BASELINE`) fails `ce26.perf.regression.<query>`; default 0.1 (10%).
   */
  readonly maxRegression?: number;
  /** A median-time regression also needs the median to grow by more than this many ms; default 5. */
  readonly regressionFloorMs?: number;
  /**
   * CE-22 under load (`local`): a migration holding ACCESS EXCLUSIVE on a populated table longer than
   * this while the tenant workload runs fails `ce22.load.<migration>`; default 2000 ms.
   */
  readonly maxExclusiveLockMs?: number;
  /** Volume the `local` project seeds before CE-26 (`fixtures/volume-seed.ts`). */
  readonly volume?: {
    readonly tenants?: number;
    readonly largestTableRows?: number;
    readonly largestTable?: string;
  };
}

/** What `gate.config.ts` writes: {@link GateConfig} with the sections that have defaults left optional. */
export type GateConfigInput = Omit<GateConfig, 'gates' | 'fixtures'> & {
  /** Left out: the plan's five gates, 1, 2, 3 and 5 required. */
  readonly gates?: GateConfig['gates'];
  /** Left out: seed 20260108, 4 tenants. */
  readonly fixtures?: GateConfig['fixtures'];
};

/** Fixtures of a config that names none. */
export const DEFAULT_FIXTURES: GateConfig['fixtures'] = { seed: 20260108, tenants: 4 };

/**
 * Gives `gate.config.ts` its type and fills the sections left out with their defaults.
 *
 * @example
 * ```ts
 * export default defineGateConfig({ schema: 'public', migrations: { … }, tenancy: { … }, foreignKeys: { … }, integrity: {} });
 * ```
 */
export function defineGateConfig(config: GateConfigInput): GateConfig {
  return { ...config, gates: config.gates ?? PLAN_GATES, fixtures: config.fixtures ?? DEFAULT_FIXTURES };
}

/** A CE-23 policy-analysis rule judged differently on one table (or `'*'`), and why. */
export interface PolicyFindingOverride {
  readonly table: string;
  readonly rule: PolicyRule;
  readonly severity: PolicySeverity;
  /** Printed in the report beside every finding it changes; required. */
  readonly reason: string;
}
