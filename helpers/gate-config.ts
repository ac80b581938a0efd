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

export interface TenancyConfig {
  /** Column that carries the tenant on every tenant-scoped table. */
  readonly tenantKey: string;
  /** The table that lists tenants; it is scoped by its primary key, not by `tenantKey`. */
  readonly tenantTable: string;
  /** Setting the policies read, set LOCAL per transaction. */
  readonly tenantSetting: string;
  /** Login role the application uses; never superuser, owner or BYPASSRLS. */
  readonly appRole: string;
  /** Tables that must exist and be tenant-scoped (a missing one fails). */
  readonly tenantTables: readonly string[];
  /** Tables that must have FORCE ROW LEVEL SECURITY. */
  readonly forceRlsTables: readonly string[];
}

export interface ForeignKeyExpectation {
  readonly table: string;
  readonly constraint: string;
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
  readonly migrations: {
    readonly directory: string;
    /** Version the database must be at after the migrations (CE-22). */
    readonly expectedVersion: string;
  };
  readonly tenancy: TenancyConfig;
  readonly foreignKeys: {
    readonly minimumCount: number;
    readonly critical: readonly ForeignKeyExpectation[];
    /** Constraints allowed to stay NOT VALID. */
    readonly acceptedNotValid: readonly string[];
  };
  readonly integrity: {
    readonly expectedColumns: readonly TableColumnsExpectation[];
    /** Tolerated clock skew, in seconds, before a timestamp counts as "in the future". */
    readonly clockSkewSeconds: number;
    /** Tables whose writes the audit trigger must record. */
    readonly auditedTables: readonly string[];
    readonly auditTable: string;
  };
  readonly fixtures: {
    readonly seed: number;
    /** Tenants seeded into the throw-away database of the `local` project. */
    readonly tenants: number;
  };
  readonly gates: {
    readonly definitions: readonly GateDefinition[];
    /** The verdict is GO only when every required gate passed. */
    readonly required: readonly GateId[];
  };
}

/** Identity helper that gives `gate.config.ts` its type. */
export function defineGateConfig(config: GateConfig): GateConfig {
  return config;
}
