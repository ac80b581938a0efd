import type pg from 'pg';
import type { TenancyConfig } from '../../config/gate-config.ts';
import { applyContext } from '../../db/tenant-context.ts';
import { RowSynthesiser, type SynthesisResult } from '../../synthesis/row-synthesis.ts';

/**
 * Writes one row of `table` the way the application would: as the application role, in tenant
 * `tenantId` (created first, as that tenant, when the schema has a tenants table), with the row's parents synthesised from the catalog and
 * inserted by the same role. Leaves the transaction in that context; the caller must roll back.
 * With `actor`, the setting the audit trigger reads is set too.
 */
export async function insertAsApplication(
  client: pg.ClientBase,
  schema: string,
  tenancy: TenancyConfig,
  tenantId: string,
  table: string,
  actor?: { readonly setting: string; readonly id: string },
): Promise<SynthesisResult> {
  await applyContext(client, tenancy, { kind: 'tenant', tenantId });
  if (actor !== undefined) await client.query('SELECT set_config($1, $2, true)', [actor.setting, actor.id]);
  const synthesiser = new RowSynthesiser(client, schema, tenancy);
  // With no tenants table, a tenant is just a value of the tenant key: nothing to create first.
  if (tenancy.tenantTable !== undefined) {
    const tenant = await synthesiser.insert(tenancy.tenantTable, tenantId);
    if (!tenant.ok) return { ok: false, reason: `the tenant row could not be created: ${tenant.reason}` };
  }
  return synthesiser.insert(table, tenantId);
}
