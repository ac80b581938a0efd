import type pg from 'pg';
import type { TenancyConfig } from '../../config/gate-config.ts';
import { qualifiedName } from '../../db/sql-identifier.ts';
import { applyContext, type TenantContext } from '../../db/tenant-context.ts';
import { RowSynthesiser, type SynthesisResult } from '../../synthesis/row-synthesis.ts';

/**
 * Writes one row of `table` the way the application would: as the application role, in tenant
 * `tenantId`. What the row needs first — the tenant's row when the schema has a tenants table, and
 * parents synthesised from the catalog — is written as that tenant too when the role may; when it may
 * not (tenants are provisioned by an administrator, a parent is read-only to the application), as the
 * connecting role instead: those rows are the probe's preconditions, not the write it judges. Leaves the
 * transaction in the tenant's context; the caller must roll back. With `actor`, the setting the audit
 * trigger reads is set too.
 */
export async function insertAsApplication(
  client: pg.ClientBase,
  schema: string,
  tenancy: TenancyConfig,
  tenantId: string,
  table: string,
  actor?: { readonly setting: string; readonly id: string },
): Promise<SynthesisResult> {
  const asTenant: TenantContext = { kind: 'tenant', tenantId };
  const enter = async (context: TenantContext): Promise<void> => {
    await applyContext(client, tenancy, context);
    if (actor !== undefined) await client.query('SELECT set_config($1, $2, true)', [actor.setting, actor.id]);
  };
  // One synthesiser for both attempts and the row: it caches the catalog, never data.
  const synthesiser = new RowSynthesiser(client, schema, tenancy);
  await client.query('SAVEPOINT mg_app_write_preconditions');
  let prepared = await preconditions(synthesiser, tenancy, tenantId, table, () => enter(asTenant));
  if (!prepared.ok) {
    await client.query('ROLLBACK TO SAVEPOINT mg_app_write_preconditions');
    const asApplication = prepared.reason;
    prepared = await preconditions(synthesiser, tenancy, tenantId, table, () => enter({ kind: 'owner' }));
    if (!prepared.ok)
      return { ok: false, reason: `${asApplication} (and as the connecting role: ${prepared.reason})` };
  }
  await enter(asTenant);
  return synthesiser.insertRow(table, prepared.row, { keep: true });
}

/**
 * In the context `enter` sets: the tenant's row (when the schema has a tenants table) and the row's
 * parents inserted, and the row's values chosen, without inserting it.
 */
async function preconditions(
  synthesiser: RowSynthesiser,
  tenancy: TenancyConfig,
  tenantId: string,
  table: string,
  enter: () => Promise<void>,
): Promise<SynthesisResult> {
  await enter();
  // With no tenants table, a tenant is just a value of the tenant key: nothing to create first.
  if (tenancy.tenantTable !== undefined) {
    const tenant = await synthesiser.insert(tenancy.tenantTable, tenantId);
    if (!tenant.ok) return { ok: false, reason: `the tenant row could not be created: ${tenant.reason}` };
  }
  return synthesiser.candidate(table, tenantId);
}

/**
 * What `appRole` may write on `table`: a column it may UPDATE — the tenant column if it may, else the
 * first plain column it may (never an identity ALWAYS or generated one) — and whether it may DELETE.
 */
export async function appWritesAllowed(
  client: pg.ClientBase,
  schema: string,
  appRole: string,
  table: string,
  tenantColumn: string,
): Promise<{ readonly updateColumn: string | null; readonly delete: boolean }> {
  const result = await client.query<{ update_column: string | null; may_delete: boolean }>(
    `SELECT (SELECT a.attname FROM pg_attribute a
              WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
                AND a.attgenerated = '' AND a.attidentity <> 'a'
                AND has_column_privilege($2, a.attrelid, a.attname, 'UPDATE')
              ORDER BY a.attname <> $3, a.attnum LIMIT 1) AS update_column,
            has_table_privilege($2, $1::regclass, 'DELETE') AS may_delete`,
    [qualifiedName(schema, table), appRole, tenantColumn],
  );
  return { updateColumn: result.rows[0]?.update_column ?? null, delete: result.rows[0]?.may_delete === true };
}
