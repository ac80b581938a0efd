import pg from 'pg';
import { discoverTenantTables } from '../catalog/tenant-tables.ts';
import { errorMessage } from '../gate-error.ts';
import type { GateConfig, PerformanceParam } from '../config/gate-config.ts';
import { qualifiedName } from '../db/sql-identifier.ts';
import { inContext } from '../db/tenant-context.ts';
import { measureQuery } from './measure-query.ts';
import { BASELINE_FORMAT, type PerfBaseline } from './perf-baseline.ts';
import { chooseTenant, resolveParams, sizeTenantTables } from './perf-inputs.ts';

/**
 * Measured runs at the baseline (after a warm-up): at most 3. The baseline version is often the slow one
 * (before the indexes), and shared buffers, the metric that decides, are the same on every run.
 */
const BASELINE_RUNS = 3;

/** The key of a benchmark in a baseline, from its check id segments (`['list', 'alerts']`). */
export type BaselineKey = (idParts: readonly string[]) => string;

/** A baseline measured in this run, with why each query that has none could not be measured. */
export interface MeasuredBaseline {
  readonly baseline: PerfBaseline;
  /** Query key → reason, e.g. a table the migrations under test create. */
  readonly unavailable: Readonly<Record<string, string>>;
}

/**
 * The CE-26 benchmarks (the config's queries and a list query of every tenant table) measured as the
 * application role under RLS at the database's current version — in `local`, a clone rolled back to
 * the version before the migrations under test — with the tenant the suite will pick on the same data.
 */
export async function measureBaseline(
  url: string,
  config: GateConfig,
  version: string | null,
  baselineKey: BaselineKey,
): Promise<MeasuredBaseline> {
  const perf = config.performance;
  const queries: Record<string, PerfBaseline['queries'][string]> = {};
  const unavailable: Record<string, string> = {};
  const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'migration-gate baseline' });
  try {
    const client = await pool.connect();
    let tenant: string | undefined;
    let benchmarks: { key: string; sql: string; params: readonly PerformanceParam[] }[] = [];
    try {
      const sized = await sizeTenantTables(client, await discoverTenantTables(client, config));
      tenant = await chooseTenant(client, sized[0]?.table);
      benchmarks = [
        ...(perf?.queries ?? []).map((query) => ({
          key: baselineKey([query.name]),
          sql: query.sql,
          params: query.params,
        })),
        ...sized.map(({ table }) => ({
          key: baselineKey(['list', table.table]),
          sql: `SELECT * FROM ${qualifiedName(table.schema, table.table)}`,
          params: [] as const,
        })),
      ];
    } finally {
      client.release();
    }
    for (const benchmark of benchmarks) {
      if (tenant === undefined) {
        unavailable[benchmark.key] = 'the tenant tables held no rows at the baseline version';
        continue;
      }
      const tenantId = tenant;
      try {
        const values = await inContext(
          pool,
          config.tenancy,
          { kind: 'owner' },
          ({ client: tx }) => resolveParams(tx, { name: benchmark.key, params: benchmark.params }, tenantId),
          { rollback: true },
        );
        const measured = await inContext(
          pool,
          config.tenancy,
          { kind: 'tenant', tenantId },
          async ({ client: tx }) => {
            await tx.query(`SET LOCAL statement_timeout = '60s'`);
            return measureQuery(tx, benchmark.sql, values, Math.min(perf?.runs ?? 5, BASELINE_RUNS));
          },
          { rollback: true },
        );
        queries[benchmark.key] = {
          medianMs: measured.medianMs,
          sharedHitBlocks: measured.plan.sharedHitBlocks,
          sharedReadBlocks: measured.plan.sharedReadBlocks,
          rows: measured.plan.rows,
        };
      } catch (error) {
        unavailable[benchmark.key] =
          `it does not run at version ${version ?? 'none'} (${errorMessage(error)})`;
      }
    }
  } finally {
    await pool.end();
  }
  return { baseline: { format: BASELINE_FORMAT, migrationVersion: version, queries }, unavailable };
}
