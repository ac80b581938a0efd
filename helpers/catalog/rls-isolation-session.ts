import type pg from 'pg';
import { GateError } from '../gate-error.ts';
import {
  seedIsolationTenants,
  type IsolationSeed,
  type IsolationTable,
} from '../../fixtures/seed-isolation-tenants.ts';
import type { JsonValue } from '../../reports/json-value.ts';
import type { TenancyConfig } from '../gate-config.ts';
import { qualifiedName, quoteIdent } from '../sql-identifier.ts';
import { freshTenantIds } from './fresh-key-values.ts';
import { RlsProbe } from './rls-probe.ts';
import { RowSynthesiser, type SynthesisResult } from './row-synthesis.ts';

/** Whose row a candidate is: tenant A's, tenant B's, or (tenant table only) a brand-new tenant's. */
export type CandidateOwner = 'A' | 'B' | 'new-tenant';

/** A row proven insertable (as the owner, then rolled back) and the tenant it belongs to. */
export type Candidate =
  | { readonly ok: true; readonly row: Readonly<Record<string, JsonValue>>; readonly tenantId: string }
  | { readonly ok: false; readonly reason: string };

/**
 * The probes seed tenants and read the truth as the connecting role; under FORCE ROW LEVEL SECURITY
 * only a superuser or BYPASSRLS role can do both. Fail once, clearly, instead of 200 times vaguely.
 */
async function assertCanSeed(client: pg.ClientBase): Promise<void> {
  const role = await client.query<{ name: string; bypasses: boolean }>(
    'SELECT current_user AS name, (rolsuper OR rolbypassrls) AS bypasses FROM pg_roles WHERE rolname = current_user',
  );
  const row = role.rows[0];
  if (row?.bypasses !== true) {
    throw new GateError(
      `CE-23 seeds tenants A and B and reads them back as the connecting role "${row?.name ?? '?'}", which is neither superuser nor BYPASSRLS, so FORCE ROW LEVEL SECURITY hides them from it; connect the gate as a superuser or BYPASSRLS role (the application role is taken with SET LOCAL ROLE).`,
    );
  }
}

/**
 * One connection inside one open transaction, seeded with tenants A and B across every tenant table,
 * for behavioural RLS probes. {@link close} rolls everything back: nothing is ever committed.
 */
export class IsolationSession {
  readonly probe: RlsProbe;
  readonly seed: IsolationSeed;
  readonly #client: pg.ClientBase;
  readonly #schema: string;
  readonly #tenancy: TenancyConfig;
  readonly #synthesiser: RowSynthesiser;
  readonly #tables: readonly IsolationTable[];

  private constructor(
    client: pg.ClientBase,
    schema: string,
    tenancy: TenancyConfig,
    seed: IsolationSeed,
    tables: readonly IsolationTable[],
  ) {
    this.#client = client;
    this.#schema = schema;
    this.#tenancy = tenancy;
    this.#tables = tables;
    this.seed = seed;
    this.probe = new RlsProbe(client, tenancy);
    this.#synthesiser = new RowSynthesiser(client, schema, tenancy);
  }

  /** BEGIN on `client`, then seed tenants A and B into every table of `tables` (as the connecting role). */
  static async open(
    client: pg.ClientBase,
    options: {
      readonly schema: string;
      readonly tenancy: TenancyConfig;
      readonly tables: readonly IsolationTable[];
      readonly seed: number;
    },
  ): Promise<IsolationSession> {
    await assertCanSeed(client);
    await client.query('BEGIN');
    try {
      const seed = await seedIsolationTenants(client, {
        schema: options.schema,
        tenancy: options.tenancy,
        tables: options.tables,
        seed: options.seed,
      });
      return new IsolationSession(client, options.schema, options.tenancy, seed, options.tables);
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  get tenantA(): string {
    return this.seed.tenantIds[0] ?? '';
  }

  get tenantB(): string {
    return this.seed.tenantIds[1] ?? '';
  }

  /** A tenant id of the key's type that no tenant-scoped table holds (nor any id handed out before). */
  async freshTenantId(): Promise<string> {
    const [id] = await freshTenantIds(this.#client, this.#schema, this.#tables, 1);
    if (id === undefined) throw new Error('no fresh tenant id was returned');
    return id;
  }

  /** The row with a NULL tenant seeded into `table` (its tenant key is nullable), or null. */
  nullTenantRow(table: string): Readonly<Record<string, unknown>> | null {
    return this.seed.nullTenantRows.get(table) ?? null;
  }

  /** Why `table` has no rows of A and B, or null when it has them. */
  seedFailure(table: string): string | null {
    return this.seed.failures.get(table) ?? null;
  }

  /**
   * A new row of `table` owned by `owner`, synthesised from the catalog (parents it needs are
   * inserted) and proven insertable by inserting it as the owner inside a savepoint rolled back at
   * once — so a refusal seen later, as the application, is the policy's and not a broken row's.
   * `preset` fixes columns in advance (e.g. a NULL tenant key).
   */
  async candidate(
    table: string,
    owner: CandidateOwner,
    preset: Readonly<Record<string, JsonValue>> = {},
  ): Promise<Candidate> {
    const tenantId =
      owner === 'new-tenant' || table === this.#tenancy.tenantTable
        ? await this.freshTenantId()
        : owner === 'A'
          ? this.tenantA
          : this.tenantB;
    const built: SynthesisResult = await this.#synthesiser.candidate(table, tenantId, { preset });
    if (!built.ok) return built;
    const proof = await this.#synthesiser.insertRow(table, built.row, { keep: false });
    if (!proof.ok)
      return {
        ok: false,
        reason: `the synthesised row is not insertable even as the owner: ${proof.reason}`,
      };
    return { ok: true, row: built.row, tenantId };
  }

  /** Inserts `row` as the owner and keeps it (until {@link close}); returns it as stored. */
  async insertAsOwner(table: string, row: Readonly<Record<string, JsonValue>>): Promise<SynthesisResult> {
    return this.#synthesiser.insertRow(table, row, { keep: true });
  }

  /**
   * `INSERT INTO table (…) OVERRIDING SYSTEM VALUE SELECT … FROM jsonb_populate_record(…, $1)`: one
   * statement for any row, including a tenant key that is GENERATED ALWAYS AS IDENTITY.
   */
  insertSql(table: string, row: Readonly<Record<string, JsonValue>>): string {
    const name = qualifiedName(this.#schema, table);
    const list = Object.keys(row).map(quoteIdent).join(', ');
    return `INSERT INTO ${name} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM jsonb_populate_record(NULL::${name}, $1::jsonb)`;
  }

  /** Rolls the whole session back. */
  async close(): Promise<void> {
    await this.#client.query('ROLLBACK');
  }
}
