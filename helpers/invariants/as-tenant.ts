import type { Kysely } from 'kysely';
import { connectClient } from '../db/database-connection.ts';
import type { GateConfig } from '../config/gate-config.ts';
import { inContext, type TenantContext } from '../db/tenant-context.ts';
import type {} from '../config/provided-config.ts';
import type {} from '../run/run-metadata.ts';

/** The database an invariant runs against and the `tenancy` it acts with. */
export interface InvariantTarget {
  readonly databaseUrl: string;
  readonly config: Pick<GateConfig, 'tenancy' | 'budgets'>;
}

/**
 * The gate run's database and config, as the `local` / `staging` globalSetup provided them
 * (`inject('databaseUrl')`, `inject('gateConfig')`). Only inside a gate project's test file.
 */
export async function gateTarget(): Promise<InvariantTarget> {
  // Imported lazily: this module is part of the package entry, which gate.config.ts loads outside tests.
  const { inject } = await import('vitest');
  return { databaseUrl: inject('databaseUrl'), config: inject('gateConfig') };
}

async function inRolledBack<T, DB>(
  context: TenantContext,
  fn: (db: Kysely<DB>) => Promise<T>,
  target: InvariantTarget | undefined,
): Promise<T> {
  const { databaseUrl, config } = target ?? (await gateTarget());
  const timeout = config.budgets?.statementTimeoutMs;
  const client = await connectClient(databaseUrl, {
    applicationName: 'migration-gate invariant',
    ...(timeout === undefined ? {} : { statementTimeoutMs: timeout }),
  });
  try {
    return await inContext<T, DB>(client, config.tenancy, context, (tx) => fn(tx.db), { rollback: true });
  } finally {
    await client.end();
  }
}

/**
 * Runs `fn` with a Kysely instance bound to ONE transaction as the application role with `tenantId`
 * as the current tenant (the config's tenant setting or context statement), then ROLLS BACK, whatever
 * `fn` did. Type `db` with the interface `npx migration-gate types` generated.
 *
 * @example
 * ```ts
 * import type { Kysely } from 'kysely';
 * import { asTenant } from 'migration-gate';
 * import type { DB } from './gate-db.ts';
 *
 * const rows = await asTenant(tenantA, (db: Kysely<DB>) => db.selectFrom('projects').selectAll().execute());
 * ```
 */
export function asTenant<T, DB = Record<string, never>>(
  tenantId: string,
  fn: (db: Kysely<DB>) => Promise<T>,
  target?: InvariantTarget,
): Promise<T> {
  return inRolledBack({ kind: 'tenant', tenantId }, fn, target);
}

/** Like {@link asTenant}, as the application role with NO tenant: policies must fail closed. */
export function asNoTenant<T, DB = Record<string, never>>(
  fn: (db: Kysely<DB>) => Promise<T>,
  target?: InvariantTarget,
): Promise<T> {
  return inRolledBack({ kind: 'no-tenant' }, fn, target);
}

/** Like {@link asTenant}, as the connecting (owner) role, for setup and inspection; rolled back too. */
export function asOwner<T, DB = Record<string, never>>(
  fn: (db: Kysely<DB>) => Promise<T>,
  target?: InvariantTarget,
): Promise<T> {
  return inRolledBack({ kind: 'owner' }, fn, target);
}

/**
 * The three contexts typed once with the schema's `DB` interface:
 * `const { asTenant } = typedContexts<DB>(); await asTenant(a, (db) => db.selectFrom('projects')…)`.
 */
export function typedContexts<DB>(target?: InvariantTarget) {
  return {
    asTenant: <T>(tenantId: string, fn: (db: Kysely<DB>) => Promise<T>) => asTenant(tenantId, fn, target),
    asNoTenant: <T>(fn: (db: Kysely<DB>) => Promise<T>) => asNoTenant(fn, target),
    asOwner: <T>(fn: (db: Kysely<DB>) => Promise<T>) => asOwner(fn, target),
  } as const;
}
