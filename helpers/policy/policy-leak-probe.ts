import type pg from 'pg';
import { RlsProbe } from '../probes/rls/rls-probe.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';
import type { TenantContextSettings } from '../db/tenant-context.ts';
import type { PolicyFinding } from './policy-analysis.ts';

/** What a probe saw of a finding: rows of other tenants (or any row with no tenant) came back, or not. */
export type LeakProbe =
  | { readonly kind: 'confirmed'; readonly detail: string; readonly rows: number }
  | { readonly kind: 'not-observed'; readonly detail: string }
  | { readonly kind: 'inconclusive'; readonly detail: string };

export interface LeakProbeTarget {
  readonly schema: string;
  readonly table: string;
  readonly tenantColumn: string;
}

/** Findings a SELECT can show: on USING, of a policy that applies to SELECT. */
export function isProbeable(finding: PolicyFinding): boolean {
  return finding.clause === 'USING' && (finding.command === 'ALL' || finding.command === 'SELECT');
}

/**
 * Tries to see a finding's leak, inside savepoints the caller's open transaction rolls back: as the
 * owner, plant the branch's value (`finding.plant`) on one row of another tenant; then, as the
 * application role with a tenant set, count the rows of other tenants it can read. Errors are judged by
 * SQLSTATE only (message text depends on lc_messages). `unsetClient` is a connection whose tenant
 * setting was never defined: there, any visible row is a leak (the `IS NULL OR` / fallback cases).
 */
export async function probeLeak(
  clients: { readonly main: pg.ClientBase; readonly unset: pg.ClientBase },
  target: LeakProbeTarget,
  finding: PolicyFinding,
  settings: TenantContextSettings,
): Promise<LeakProbe> {
  if (!isProbeable(finding)) return { kind: 'inconclusive', detail: 'not a SELECT-side clause' };
  const name = qualifiedName(target.schema, target.table);
  const key = quoteIdent(target.tenantColumn);
  const main = new RlsProbe(clients.main, settings);
  const actorRow = await clients.main.query<{ tenant: string }>(
    `SELECT ${key}::text AS tenant FROM ${name} WHERE ${key} IS NOT NULL ORDER BY 1 LIMIT 1`,
  );
  const actor = actorRow.rows[0]?.tenant;

  const unset = new RlsProbe(clients.unset, settings);
  const unsetSeen = await unset.attempt<{ rows: number }>(
    { kind: 'unset' },
    `SELECT count(*)::int AS rows FROM ${name}`,
  );
  if (unsetSeen.ok && (unsetSeen.rows[0]?.rows ?? 0) > 0) {
    const rows = unsetSeen.rows[0]?.rows ?? 0;
    return {
      kind: 'confirmed',
      rows,
      detail: `${rows} rows visible to the application role with no tenant set`,
    };
  }
  if (actor === undefined)
    return { kind: 'inconclusive', detail: `${target.table} has no row to probe with` };

  return main.rolledBack(async () => {
    let planted = '';
    if (finding.plant !== undefined) {
      const column = quoteIdent(finding.plant.column);
      const plant = await main.attempt(
        { kind: 'owner' },
        `UPDATE ${name} SET ${column} = $2 WHERE ctid = (SELECT ctid FROM ${name} WHERE ${key}::text IS DISTINCT FROM $1 LIMIT 1)`,
        [actor, finding.plant.value],
        { keep: true },
      );
      if (!plant.ok) {
        return {
          kind: 'inconclusive',
          detail: `planting ${finding.plant.column} = ${finding.plant.value ?? 'NULL'} on another tenant's row failed (SQLSTATE ${plant.code})`,
        };
      }
      planted = ` after planting ${finding.plant.column} = ${finding.plant.value ?? 'NULL'} on ${plant.rowCount} row of another tenant`;
    }
    const seen = await main.attempt<{ rows: number }>(
      { kind: 'tenant', tenantId: actor },
      `SELECT count(*)::int AS rows FROM ${name} WHERE ${key}::text IS DISTINCT FROM $1`,
      [actor],
    );
    if (!seen.ok)
      return { kind: 'inconclusive', detail: `the probe SELECT was refused (SQLSTATE ${seen.code})` };
    const rows = seen.rows[0]?.rows ?? 0;
    return rows > 0
      ? {
          kind: 'confirmed',
          rows,
          detail: `${rows} rows of other tenants visible with tenant ${actor} set${planted}`,
        }
      : {
          kind: 'not-observed',
          detail: `no row of another tenant visible with tenant ${actor} set${planted}`,
        };
  });
}
