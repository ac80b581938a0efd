import type pg from 'pg';
import type { AuditColumns } from '../../config/gate-config.ts';
import { qualifiedName, quoteIdent } from '../../db/sql-identifier.ts';

/** One audit entry, reduced to what the trail must prove: which row, what, in which tenant, by whom. */
export interface AuditEntry {
  readonly record: string;
  readonly action: string;
  readonly tenant: string | null;
  readonly actor: string | null;
  readonly actorRole: string | null;
}

/** The audit entries `auditTable` holds, under `tenant`, for rows `recordIds` of `table`. */
export async function readAuditTrail(
  client: pg.ClientBase,
  schema: string,
  auditTable: string,
  columns: AuditColumns,
  table: string,
  tenant: string,
  recordIds: readonly string[],
): Promise<readonly AuditEntry[]> {
  const audit = qualifiedName(schema, auditTable);
  // Typed through the audit table's own row type, and keyed by tenant, so an index can serve it.
  const wanted = recordIds.map((id) => ({
    [columns.tenant]: tenant,
    [columns.table]: table,
    [columns.record]: id,
  }));
  const result = await client.query<AuditEntry>(
    `SELECT a.${quoteIdent(columns.record)}::text AS record, a.${quoteIdent(columns.action)}::text AS action,
            a.${quoteIdent(columns.tenant)}::text AS tenant, a.${quoteIdent(columns.actor)}::text AS actor,
            a.${quoteIdent(columns.actorRole)}::text AS "actorRole"
       FROM ${audit} a
       JOIN jsonb_populate_recordset(NULL::${audit}, $1::jsonb) k
         ON a.${quoteIdent(columns.tenant)} = k.${quoteIdent(columns.tenant)}
        AND a.${quoteIdent(columns.table)} = k.${quoteIdent(columns.table)}
        AND a.${quoteIdent(columns.record)} = k.${quoteIdent(columns.record)}`,
    [JSON.stringify(wanted)],
  );
  return result.rows;
}

/** What the trail should show for each changed row, and which rows lack it. */
export interface AuditExpectation {
  readonly tenant: string;
  readonly actor: string;
  readonly actorRole: string;
}

/** Record ids with no entry of `action` carrying the expected tenant, actor and role. */
export function missingAuditEntries(
  entries: readonly AuditEntry[],
  recordIds: readonly string[],
  action: string,
  expected: AuditExpectation,
): readonly string[] {
  return recordIds.filter(
    (record) =>
      !entries.some(
        (entry) =>
          entry.record === record &&
          entry.action === action &&
          entry.tenant === expected.tenant &&
          entry.actor === expected.actor &&
          entry.actorRole === expected.actorRole,
      ),
  );
}
