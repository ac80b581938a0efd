import type { JsonValue } from '../json-value.ts';

/** A tenant-scoped table the isolation probes seed and judge, with the column that carries the tenant. */
export interface IsolationTable {
  readonly table: string;
  readonly tenantColumn: string;
}

/** Whose row a probe candidate is: tenant A's, tenant B's, or a tenant the probe makes. */
export type CandidateOwner = 'A' | 'B' | 'new-tenant';

/** A row proven insertable (as the owner, then rolled back) and the tenant it belongs to. */
export type Candidate =
  | { readonly ok: true; readonly row: Readonly<Record<string, JsonValue>>; readonly tenantId: string }
  | { readonly ok: false; readonly reason: string };
