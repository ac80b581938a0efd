import { Kysely, PostgresDialect, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { TenantContextStatement } from '../config/gate-config.ts';
import { quoteIdent } from './sql-identifier.ts';

/** Who a transaction acts as; what the RLS policies see. */
export type TenantContext =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'no-tenant' }
  | { readonly kind: 'owner' };

/** The two promises of `gate.config.ts` `tenancy` that a context needs. */
export interface TenantContextSettings {
  /** Role the application runs as; the connecting role must be a member of it (SET ROLE). */
  readonly appRole: string;
  /** Setting the policies read, e.g. `app.current_tenant`. */
  readonly tenantSetting: string;
  /** The application's own way to set the tenant (`$1` = tenant id); replaces `set_config(tenantSetting, …)`. */
  readonly tenantContext?: TenantContextStatement | undefined;
}

/** The open transaction handed to the callback: raw client, a Kysely bound to it, and a way to switch context. */
export interface ContextTransaction<DB> {
  readonly client: pg.ClientBase;
  /** Kysely over this one transaction's connection; typed with the schema's `DB` interface. */
  readonly db: Kysely<DB>;
  readonly context: TenantContext;
  /** Switches the rest of the transaction to another context, again with SET LOCAL only. */
  switchTo(context: TenantContext): Promise<void>;
}

export interface ContextOptions {
  /** Roll back instead of committing (what the gate does with every write on a staging database). */
  readonly rollback?: boolean;
}

/** Anything to take one connection from: a pool (connection borrowed and released) or a client. */
export type ConnectionSource = pg.Pool | pg.ClientBase;

/**
 * Why the "empty tenant" case cannot be probed, or null when it can. With a tenant setting it always
 * can ('' is what a pooled connection without a tenant carries). With a context statement the tenant
 * id is its parameter: '' only means "no tenant" for a text key; for uuid or integer keys the
 * statement would fail on the cast itself, which would be mistaken for a policy failing closed.
 */
export function emptyTenantSkipReason(settings: TenantContextSettings, keyType: string): string | null {
  if (settings.tenantContext === undefined || /^(text|character|citext|name)/.test(keyType)) return null;
  return `the tenant is set by a statement (${settings.tenantContext.sql}) and the tenant key is ${keyType}, which has no empty value: only the unset case (statement not run) is probed`;
}

/**
 * Puts the current transaction into `context`, transaction-locally:
 * `SET LOCAL ROLE` (the application role, or back to the session role for `owner`) and
 * `set_config(setting, value, true)`. The setting is always written — to '' when there is no tenant —
 * so a value left at session level by an earlier user of a pooled connection cannot leak in.
 * Everything is undone at COMMIT / ROLLBACK, and by ROLLBACK TO a savepoint taken before.
 *
 * With `tenantContext`, the application's statement sets the tenant instead, run as the application
 * role (its function may be granted to that role only) with the tenant id — or '' for no tenant — as
 * `$1`; the owner context runs nothing.
 */
export async function applyContext(
  client: pg.ClientBase,
  settings: TenantContextSettings,
  context: TenantContext,
): Promise<void> {
  const tenant = context.kind === 'tenant' ? context.tenantId : '';
  if (settings.tenantContext !== undefined) {
    await client.query(
      context.kind === 'owner' ? 'SET LOCAL ROLE NONE' : `SET LOCAL ROLE ${quoteIdent(settings.appRole)}`,
    );
    if (context.kind !== 'owner') await client.query(settings.tenantContext.sql, [tenant]);
    return;
  }
  await client.query('SELECT set_config($1, $2, true)', [settings.tenantSetting, tenant]);
  await client.query(
    context.kind === 'owner' ? 'SET LOCAL ROLE NONE' : `SET LOCAL ROLE ${quoteIdent(settings.appRole)}`,
  );
}

function bindKysely<DB>(client: pg.ClientBase): Kysely<DB> {
  const borrowed: PostgresPoolClient = {
    query: client.query.bind(client) as PostgresPoolClient['query'],
    // The connection belongs to the surrounding transaction, not to Kysely.
    release: () => undefined,
  };
  return new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: { connect: () => Promise.resolve(borrowed), end: () => Promise.resolve() },
    }),
  });
}

/**
 * Runs `fn` inside ONE transaction in `context`: BEGIN, SET LOCAL ROLE / set_config(…, true), fn,
 * then COMMIT (or ROLLBACK when `rollback` is set or `fn` throws). Nothing outlives the transaction:
 * the next user of a pooled connection gets it with its own role and no tenant.
 */
export async function inContext<T, DB = Record<string, never>>(
  source: ConnectionSource,
  settings: TenantContextSettings,
  context: TenantContext,
  fn: (tx: ContextTransaction<DB>) => Promise<T>,
  options: ContextOptions = {},
): Promise<T> {
  const pooled = source instanceof pg.Pool;
  const client = source instanceof pg.Pool ? await source.connect() : source;
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      await applyContext(client, settings, context);
      let current = context;
      const tx: ContextTransaction<DB> = {
        client,
        db: bindKysely<DB>(client),
        get context() {
          return current;
        },
        async switchTo(next) {
          await applyContext(client, settings, next);
          current = next;
        },
      };
      const value = await fn(tx);
      await client.query(options.rollback === true ? 'ROLLBACK' : 'COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    }
  } finally {
    // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than pool it.
    if (pooled) (client as pg.PoolClient).release(broken);
  }
}

/** Runs `fn` in one transaction as the application role with `tenantId` as the current tenant. */
export function withTenant<T, DB = Record<string, never>>(
  source: ConnectionSource,
  settings: TenantContextSettings,
  tenantId: string,
  fn: (tx: ContextTransaction<DB>) => Promise<T>,
  options: ContextOptions = {},
): Promise<T> {
  return inContext(source, settings, { kind: 'tenant', tenantId }, fn, options);
}

/** Runs `fn` in one transaction as the application role with NO tenant: policies must fail closed. */
export function withoutTenant<T, DB = Record<string, never>>(
  source: ConnectionSource,
  settings: TenantContextSettings,
  fn: (tx: ContextTransaction<DB>) => Promise<T>,
  options: ContextOptions = {},
): Promise<T> {
  return inContext(source, settings, { kind: 'no-tenant' }, fn, options);
}

/** Runs `fn` in one transaction as the connecting (owner / admin) role, for setup and inspection. */
export function withOwner<T, DB = Record<string, never>>(
  source: ConnectionSource,
  settings: TenantContextSettings,
  fn: (tx: ContextTransaction<DB>) => Promise<T>,
  options: ContextOptions = {},
): Promise<T> {
  return inContext(source, settings, { kind: 'owner' }, fn, options);
}

/**
 * The three contexts bound to one connection source and one `tenancy` config, so call sites read as
 * the issue states them: `const { withTenant } = tenantContexts(pool, config.tenancy);
 * await withTenant(tenantA, ({ db }) => db.selectFrom('projects').selectAll().execute());`
 */
export function tenantContexts<DB = Record<string, never>>(
  source: ConnectionSource,
  settings: TenantContextSettings,
) {
  return {
    withTenant: <T>(
      tenantId: string,
      fn: (tx: ContextTransaction<DB>) => Promise<T>,
      options?: ContextOptions,
    ) => withTenant<T, DB>(source, settings, tenantId, fn, options),
    withoutTenant: <T>(fn: (tx: ContextTransaction<DB>) => Promise<T>, options?: ContextOptions) =>
      withoutTenant<T, DB>(source, settings, fn, options),
    withOwner: <T>(fn: (tx: ContextTransaction<DB>) => Promise<T>, options?: ContextOptions) =>
      withOwner<T, DB>(source, settings, fn, options),
  } as const;
}
