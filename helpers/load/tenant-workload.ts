import type pg from 'pg';
import { connectClient } from '../db/database-connection.ts';
import { errorMessage } from '../gate-error.ts';
import { isTablePrivilegeDenial, pgErrorFields } from '../db/pg-error.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';
import { inContext, type TenantContextSettings } from '../db/tenant-context.ts';

/** A table the workload touches, and how it writes there (null: read only). */
export interface WorkloadTable {
  readonly schema: string;
  readonly table: string;
  /** A column the application role may UPDATE, set to itself (a real row write, rolled back). */
  readonly writeColumn: string | null;
}

/** What the workload saw over a window (one migration, or the whole apply). */
export interface WorkloadWindow {
  readonly operations: number;
  /** The slowest transaction (a write and a read): how long a request waited on the migration. */
  readonly longestWaitMs: number;
  readonly errors: readonly string[];
  /**
   * Tables whose privilege the application role lost in the window (refused `permission denied` from
   * then on, and left alone): a grant the migration revoked, which CE-23's security changes judge —
   * not an interruption.
   */
  readonly revoked: readonly string[];
}

/**
 * A running workload: `window()` waits for the requests in flight (one blocked by the migration that
 * just committed counts for it), then returns what it saw since the last call; `stop()` ends it.
 */
export interface TenantWorkload {
  window(): Promise<WorkloadWindow>;
  stop(): Promise<void>;
}

/** No request may wait longer than this (a lock queue forever would hang the run instead of failing it). */
const STATEMENT_TIMEOUT_MS = 30_000;
/** A safety bound: the workload stops by itself after this long even if nobody stops it. */
const MAX_RUN_MS = 600_000;
const MAX_ERRORS = 20;

/**
 * One connection per tenant, each looping (bounded) over rolled-back transactions as the application
 * role with its tenant set, table after table: write one row (where the role may), read a page.
 */
export async function startTenantWorkload(options: {
  readonly url: string;
  readonly tenancy: TenantContextSettings;
  readonly tenants: readonly string[];
  readonly tables: readonly WorkloadTable[];
}): Promise<TenantWorkload> {
  let running = true;
  let operations = 0;
  let longestWaitMs = 0;
  let errors: string[] = [];
  const revoked = new Set<string>();
  let revokedInWindow = new Set<string>();
  const started = performance.now();
  const clients: pg.Client[] = [];
  const inFlight = new Set<Promise<unknown>>();
  for (const tenant of options.tenants) {
    clients.push(await connectClient(options.url, { applicationName: `migration-gate workload ${tenant}` }));
  }
  // One table per transaction, written before it is read: a request then holds at most the one lock
  // it asked for first, and waits behind a migration instead of deadlocking with it (a transaction
  // spanning tables that a long migration also locks one by one would make a lock cycle).
  const transaction = (client: pg.Client, tenantId: string, table: WorkloadTable) =>
    inContext(
      client,
      options.tenancy,
      { kind: 'tenant', tenantId },
      async ({ client: tx }) => {
        await tx.query(`SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
        const name = qualifiedName(table.schema, table.table);
        if (table.writeColumn !== null) {
          const column = quoteIdent(table.writeColumn);
          await tx.query(
            `UPDATE ${name} SET ${column} = ${column} WHERE ctid = (SELECT ctid FROM ${name} LIMIT 1)`,
          );
        }
        await tx.query(`SELECT * FROM ${name} LIMIT 20`);
      },
      { rollback: true },
    );
  const workers = options.tenants.map(async (tenant, index) => {
    const client = clients[index];
    if (client === undefined) return;
    for (let turn = index; running && performance.now() - started < MAX_RUN_MS; turn += 1) {
      const table = options.tables[turn % options.tables.length];
      if (table === undefined) return;
      if (revoked.has(qualifiedName(table.schema, table.table))) {
        if (options.tables.every((t) => revoked.has(qualifiedName(t.schema, t.table)))) return;
        continue;
      }
      const t0 = performance.now();
      // Counted when it settles, inside the promise `window()` waits for.
      const request = transaction(client, tenant, table).then(
        () => {
          operations += 1;
          longestWaitMs = Math.max(longestWaitMs, performance.now() - t0);
          return true;
        },
        (error: unknown) => {
          longestWaitMs = Math.max(longestWaitMs, performance.now() - t0);
          const name = qualifiedName(table.schema, table.table);
          // The role no longer holds the privilege (a grant the migration revoked).
          if (isTablePrivilegeDenial(pgErrorFields(error), table.table)) {
            revoked.add(name);
            revokedInWindow.add(name);
          } else if (errors.length < MAX_ERRORS) errors.push(`tenant ${tenant}: ${errorMessage(error)}`);
          return false;
        },
      );
      inFlight.add(request);
      const ok = await request;
      inFlight.delete(request);
      // Leave the two cores to the migration too: this is traffic, not a stress test.
      await new Promise((resolve) => setTimeout(resolve, ok ? 5 : 50));
    }
  });
  return {
    async window() {
      await Promise.allSettled([...inFlight]);
      const seen = {
        operations,
        longestWaitMs: Math.round(longestWaitMs),
        errors,
        revoked: [...revokedInWindow].sort(),
      };
      operations = 0;
      longestWaitMs = 0;
      errors = [];
      revokedInWindow = new Set();
      return seen;
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      await Promise.all(clients.map((client) => client.end()));
    },
  };
}
