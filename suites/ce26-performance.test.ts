import { describe, expect, inject, test } from 'vitest';
import { withReadScope } from '../helpers/scans/integrity-read-scope.ts';
import { discoverTenantTables, type TenantTable } from '../helpers/catalog/tenant-tables.ts';
import type { PerformanceParam } from '../helpers/config/gate-config.ts';
import { measureQuery, overheadRatio, type QueryMeasurement } from '../helpers/perf/measure-query.ts';
import {
  BASELINE_ENV,
  DEFAULT_REGRESSION_RULE,
  compareWithBaseline,
  readBaselineFromEnv,
  type PerfBaseline,
  type RegressionRule,
} from '../helpers/perf/perf-baseline.ts';
import { chooseTenant, resolveParams, sizeTenantTables } from '../helpers/perf/perf-inputs.ts';
import { readCommandPrivileges } from '../helpers/probes/rls/rls-write-reach.ts';
import { gateConnections, indexUsage, relationSizes } from '../helpers/perf/workload-stats.ts';
import { qualifiedName, quoteIdent } from '../helpers/db/sql-identifier.ts';
import { inContext, type TenantContext } from '../helpers/db/tenant-context.ts';
import {
  WELL_KNOWN_CHECK_IDS,
  WELL_KNOWN_CHECK_PREFIXES,
  checkId,
  defineCheck,
  defineWellKnownCheck,
  notApplicable,
  type QueryTimingMeasures,
} from '../reports/check-meta.ts';
import { suitePool } from './support/database.ts';
import { gateSettings } from './support/gate-settings.ts';
import { errorMessage } from '../helpers/gate-error.ts';
import type { MeasuredBaseline } from '../helpers/perf/measure-baseline.ts';
import type { StepOutcome } from './setup/gate-run-record.ts';
import './setup/migration-load-record.ts';
import { baselineKey } from './support/baseline-key.ts';
import { rollbackCycleSettled } from './support/rollback-cycle-run.ts';

const pool = await suitePool();
// Queries are timed on a quiet server: CE-27's cycle, if under way on its copy, finishes first.
await rollbackCycleSettled();
const settings = gateSettings();
const { schema, tenancy } = settings;
const perf = settings.performance;
const runs = perf?.runs ?? 5;
const seqScanMinRows = perf?.seqScanMinRows ?? 10_000;
const maxRatio = perf?.maxRlsOverheadRatio ?? 2;
const floorMs = perf?.rlsOverheadFloorMs ?? 1;
const listBudgetMs = perf?.listBudgetMs ?? 50;
const regressionRule: RegressionRule = {
  ...DEFAULT_REGRESSION_RULE,
  ...(perf?.maxRegression === undefined ? {} : { maxRegression: perf.maxRegression }),
  ...(perf?.regressionFloorMs === undefined ? {} : { timeFloorMs: perf.regressionFloorMs }),
};
// The baseline: a file (MIGRATION_GATE_BASELINE, CI comparing a PR with main) wins over the one the
// local setup measured on a clone at the rollback target. A bad file fails every regression check
// with its one sentence, not the whole suite.
const inRun: StepOutcome<MeasuredBaseline> | undefined = inject('perfBaseline');
const baseline:
  | {
      readonly ok: true;
      readonly value: PerfBaseline | undefined;
      readonly source: string;
      readonly unavailable: Readonly<Record<string, string>>;
    }
  | { readonly ok: false; readonly error: string } = await readBaselineFromEnv().then(
  (value) =>
    value !== undefined
      ? {
          ok: true as const,
          value,
          source: `${BASELINE_ENV}=${process.env[BASELINE_ENV] ?? ''}`,
          unavailable: {},
        }
      : inRun?.ok === true
        ? {
            ok: true as const,
            value: inRun.value.baseline,
            source: `this run's clone at version ${inRun.value.baseline.migrationVersion ?? 'none'}`,
            unavailable: inRun.value.unavailable,
          }
        : inRun?.ok === false
          ? { ok: false as const, error: `the baseline could not be measured: ${inRun.error}` }
          : { ok: true as const, value: undefined, source: 'none', unavailable: {} },
  (error: unknown) => ({ ok: false as const, error: errorMessage(error) }),
);
const NO_CONFIG = 'gate.config.ts has no `performance` section, so no query, budget or plan rule is stated';

/** A query the suite measures, as the application role under RLS and as the owner. */
interface Benchmark {
  readonly name: string;
  /** Check id segments after `ce26.perf.query.` / `ce26.perf.rls-overhead.`. */
  readonly idParts: readonly string[];
  readonly sql: string;
  readonly ownerSql: string;
  readonly params: readonly PerformanceParam[];
  /** Params of the owner query: the app query's, plus the tenant when the owner query filters on it. */
  readonly ownerParams: readonly PerformanceParam[];
  readonly budgetMs: number;
  /** A generated list query that returns no row measured nothing: reported not applicable. */
  readonly emptyMeansNothingMeasured?: boolean;
  /** Why the application role cannot run it at all (no SELECT on the table): not applicable. */
  readonly unreadable?: string;
}

const inputs = await withReadScope(pool, async (client) => {
  const tenantTables = await discoverTenantTables(client, settings);
  const sized = await sizeTenantTables(client, tenantTables);
  const estimates = await client.query<{ name: string; estimate: number }>(
    `SELECT n.nspname || '.' || c.relname AS name, greatest(c.reltuples, 0)::float8 AS estimate
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  );
  const functions = await client.query<{ name: string }>(
    `SELECT DISTINCT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'`,
  );
  // A tenant table the role may not read (an audit trail only a trigger writes) is never listed by it.
  const privileges = await readCommandPrivileges(client, tenancy.appRole, tenantTables);
  const flush = await client.query<{ present: boolean }>(
    `SELECT to_regproc('pg_catalog.pg_stat_force_next_flush') IS NOT NULL AS present`,
  );
  return {
    tenantTables,
    largest: sized[0],
    tenantId: await chooseTenant(client, sized[0]?.table),
    estimates: new Map(estimates.rows.map((row) => [row.name, row.estimate])),
    userFunctions: new Set(functions.rows.map((row) => row.name)),
    canFlushStats: flush.rows[0]?.present === true,
    mayRead: (table: string): boolean => privileges.get(table)?.SELECT ?? true,
  };
});
const { tenantId } = inputs;

const listQuery = (table: TenantTable): Benchmark => ({
  name: `list ${table.table}`,
  idParts: ['list', table.table],
  emptyMeansNothingMeasured: true,
  sql: `SELECT * FROM ${qualifiedName(table.schema, table.table)}`,
  ownerSql: `SELECT * FROM ${qualifiedName(table.schema, table.table)} WHERE ${quoteIdent(table.tenantColumn)} = $1`,
  params: [],
  ownerParams: ['tenant'],
  budgetMs: listBudgetMs,
  ...(inputs.mayRead(table.table)
    ? {}
    : { unreadable: `${tenancy.appRole} holds no SELECT on ${table.table}: the application never lists it` }),
});
const benchmarks: readonly Benchmark[] =
  perf === undefined
    ? []
    : [
        ...perf.queries.map((query) => ({
          name: query.name,
          idParts: [query.name],
          sql: query.sql,
          ownerSql: query.ownerSql ?? query.sql,
          params: query.params,
          ownerParams: query.params,
          budgetMs: query.budgetMs,
        })),
        ...inputs.tenantTables.map(listQuery),
      ];

interface Pair {
  readonly app: QueryMeasurement;
  readonly owner: QueryMeasurement;
  readonly params: readonly unknown[];
}

// Each benchmark is measured once, when its first check asks, and shared with its overhead check.
const pairs = new Map<string, Promise<Pair>>();
function measured(benchmark: Benchmark, tenant: string): Promise<Pair> {
  let pair = pairs.get(benchmark.name);
  if (pair === undefined) {
    pair = measurePair(benchmark, tenant);
    pairs.set(benchmark.name, pair);
  }
  return pair;
}

async function measurePair(benchmark: Benchmark, tenant: string): Promise<Pair> {
  const [params, ownerParams] = await withReadScope(pool, async (client) => [
    await resolveParams(client, { name: benchmark.name, params: benchmark.params }, tenant),
    await resolveParams(client, { name: benchmark.name, params: benchmark.ownerParams }, tenant),
  ]);
  const run = (context: TenantContext, sql: string, values: readonly unknown[]) =>
    inContext(
      pool,
      tenancy,
      context,
      async ({ client }) => {
        // A runaway plan (a function per row on a large table) must fail the check, not hang the run.
        await client.query(`SET LOCAL statement_timeout = '60s'`);
        const measurement = await measureQuery(client, sql, values, runs);
        // So this backend's scans are in pg_stat_user_indexes when the workload check reads it.
        if (inputs.canFlushStats) await client.query('SELECT pg_stat_force_next_flush()');
        return measurement;
      },
      { rollback: true },
    );
  const app = await run({ kind: 'tenant', tenantId: tenant }, benchmark.sql, params);
  const owner = await run({ kind: 'owner' }, benchmark.ownerSql, ownerParams);
  return { app, owner, params };
}

/** Why a list query that returned no row for the measured tenant judges nothing; null when it returned rows. */
function nothingMeasured(benchmark: Benchmark, app: QueryMeasurement, tenant: string): string | null {
  return benchmark.emptyMeansNothingMeasured === true && app.plan.rows === 0
    ? `tenant ${tenant} (the one with the most rows) has no row here, so the query measured nothing`
    : null;
}

/** Seq Scans of tables the planner estimates at `seqScanMinRows` rows or more. */
function largeSeqScans(measurement: QueryMeasurement) {
  return measurement.plan.seqScans
    .map((scan) => ({ ...scan, estimatedRows: inputs.estimates.get(`${scan.schema}.${scan.table}`) ?? 0 }))
    .filter((scan) => scan.estimatedRows >= seqScanMinRows);
}

/** User-defined functions a Filter calls with no InitPlan to evaluate them once: called per row. */
function functionsPerRow(measurement: QueryMeasurement): readonly string[] {
  if (measurement.plan.hasInitPlan) return [];
  return measurement.plan.filterFunctions
    .map((name) => name.split('.').pop() ?? name)
    .filter((name) => inputs.userFunctions.has(name));
}

describe('CE-26 performance: benchmark queries as the application role under RLS', () => {
  if (perf === undefined) {
    test('benchmark queries (none configured)', ({ task, skip }) => {
      const check = defineCheck(task, { id: checkId('CE-26', 'perf', 'queries'), ce: 'CE-26' });
      notApplicable({ skip }, check, NO_CONFIG);
    });
  }
  for (const benchmark of benchmarks) {
    test(`${benchmark.name}: median within ${benchmark.budgetMs} ms, no Seq Scan of a table of ${seqScanMinRows}+ rows`, async ({
      task,
      skip,
    }) => {
      const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_PREFIXES.queryTiming, ...benchmark.idParts);
      if (tenantId === undefined) {
        notApplicable(
          { skip },
          check,
          'the tenant tables hold no rows, so there is no tenant to measure with',
        );
      }
      if (benchmark.unreadable !== undefined) notApplicable({ skip }, check, benchmark.unreadable);
      const { app, params } = await measured(benchmark, tenantId);
      const empty = nothingMeasured(benchmark, app, tenantId);
      if (empty !== null) notApplicable({ skip }, check, empty);
      const seqScans = largeSeqScans(app);
      const baselineMs = baseline.ok
        ? baseline.value?.queries[baselineKey(benchmark.idParts)]?.medianMs
        : undefined;
      const timing: QueryTimingMeasures = {
        executionMs: app.medianMs,
        budgetMs: benchmark.budgetMs,
        ...(baselineMs === undefined ? {} : { baselineMs }),
      };
      check.measureAll({
        ...timing,
        planningMs: app.plan.planningMs,
        runsMs: app.timingsMs.map((ms) => Number(ms.toFixed(3))),
        rows: app.plan.rows,
        sharedHitBlocks: app.plan.sharedHitBlocks,
        sharedReadBlocks: app.plan.sharedReadBlocks,
        planShape: app.plan.shape,
        seqScans: seqScans.map(
          (scan) => `${scan.schema}.${scan.table} (~${Math.round(scan.estimatedRows)} rows)`,
        ),
        seqScanMinRows,
        tenant: tenantId,
        params: params.map(String),
        sql: benchmark.sql,
      });
      check.metric({
        value: app.medianMs,
        unit: 'ms',
        budget: benchmark.budgetMs,
        ...(baselineMs === undefined ? {} : { baseline: baselineMs }),
      });
      expect(
        seqScans.map((scan) => `${scan.schema}.${scan.table}`),
        `${benchmark.name} reads a large table with a Seq Scan (plan: ${app.plan.shape.join(' > ')}); index the columns it filters or joins on`,
      ).toEqual([]);
      expect(
        app.medianMs,
        `${benchmark.name} took ${app.medianMs.toFixed(2)} ms (median of ${runs}), over its ${benchmark.budgetMs} ms budget`,
      ).toBeLessThanOrEqual(benchmark.budgetMs);
    });
  }
});

describe('CE-26 performance: RLS overhead (application role vs owner with the tenant filter explicit)', () => {
  if (perf === undefined) {
    test('RLS overhead of the benchmark queries (none configured)', ({ task, skip }) => {
      const check = defineCheck(task, { id: checkId('CE-26', 'perf', 'rls-overhead'), ce: 'CE-26' });
      notApplicable({ skip }, check, NO_CONFIG);
    });
  }
  for (const benchmark of benchmarks) {
    test(`${benchmark.name}: RLS costs at most ${maxRatio}x the owner's time`, async ({ task, skip }) => {
      const check = defineCheck(task, {
        id: checkId('CE-26', 'perf', 'rls-overhead', ...benchmark.idParts),
        ce: 'CE-26',
      });
      if (tenantId === undefined) {
        notApplicable(
          { skip },
          check,
          'the tenant tables hold no rows, so there is no tenant to measure with',
        );
      }
      if (benchmark.unreadable !== undefined) notApplicable({ skip }, check, benchmark.unreadable);
      const { app, owner } = await measured(benchmark, tenantId);
      const empty = nothingMeasured(benchmark, app, tenantId);
      if (empty !== null) notApplicable({ skip }, check, empty);
      const ratio = overheadRatio(app.medianMs, owner.medianMs, floorMs);
      const perRow = functionsPerRow(app);
      const finding =
        perRow.length === 0
          ? null
          : `the policy calls ${perRow.map((name) => `${name}()`).join(', ')} once per row (a Filter, no InitPlan): make it STABLE or wrap it as (SELECT ${perRow[0] ?? 'f'}()) so it is evaluated once and can use an index`;
      // No function of the schema's, but the setting itself read in a Filter: the same per-row cost
      // (an unwrapped current_setting(…)::jsonb ->> 'org_id'), said only when the ratio is over.
      const hint =
        finding ??
        (!app.plan.hasInitPlan &&
        app.plan.filterFunctions.some((name) => (name.split('.').pop() ?? name) === 'current_setting')
          ? 'the policy reads current_setting() in a Filter, once per row (no InitPlan): wrap the tenant expression as (SELECT …) so it is evaluated once and can use an index'
          : null);
      check.measureAll({
        appMs: app.medianMs,
        ownerMs: owner.medianMs,
        ratio: Number(ratio.toFixed(3)),
        maxRatio,
        floorMs,
        appPlanShape: app.plan.shape,
        ownerPlanShape: owner.plan.shape,
        functionPerRow: finding,
      });
      expect(
        ratio,
        `${benchmark.name}: as the application role it took ${app.medianMs.toFixed(2)} ms, ${ratio.toFixed(1)}x the owner's ${owner.medianMs.toFixed(2)} ms${hint === null ? '' : `; ${hint}`}`,
      ).toBeLessThanOrEqual(maxRatio);
    });
  }
});

describe(`CE-26 performance: regression against the baseline (${BASELINE_ENV})`, () => {
  const pct = `${Math.round(regressionRule.maxRegression * 100)}%`;
  if (perf === undefined) {
    test('regression against the baseline (no benchmark queries configured)', ({ task, skip }) => {
      const check = defineCheck(task, { id: checkId('CE-26', 'perf', 'regression'), ce: 'CE-26' });
      notApplicable({ skip }, check, NO_CONFIG);
    });
  }
  for (const benchmark of benchmarks) {
    test(`${benchmark.name}: shared buffers and median time at most ${pct} over the baseline`, async ({
      task,
      skip,
    }) => {
      const key = baselineKey(benchmark.idParts);
      const check = defineCheck(task, {
        id: checkId('CE-26', 'perf', 'regression', ...benchmark.idParts),
        ce: 'CE-26',
      });
      if (benchmark.unreadable !== undefined) notApplicable({ skip }, check, benchmark.unreadable);
      if (!baseline.ok) throw new Error(baseline.error);
      if (baseline.value === undefined) {
        notApplicable(
          { skip },
          check,
          `no baseline: ${BASELINE_ENV} is not set and this run measured none (the local project measures one on a clone at the rollback target; elsewhere point ${BASELINE_ENV} at the ce26_baseline.json a run on the main branch wrote)`,
        );
      }
      const before = baseline.value.queries[key];
      if (before === undefined) {
        notApplicable(
          { skip },
          check,
          `no baseline: ${baseline.unavailable[key] ?? `the baseline (${baseline.source}) has no measurement of ${key}, a query new since then`}`,
        );
      }
      if (tenantId === undefined) {
        notApplicable(
          { skip },
          check,
          'the tenant tables hold no rows, so there is no tenant to measure with',
        );
      }
      const { app } = await measured(benchmark, tenantId);
      const empty = nothingMeasured(benchmark, app, tenantId);
      if (empty !== null) notApplicable({ skip }, check, empty);
      const comparisons = compareWithBaseline(
        before,
        {
          medianMs: app.medianMs,
          sharedHitBlocks: app.plan.sharedHitBlocks,
          sharedReadBlocks: app.plan.sharedReadBlocks,
          rows: app.plan.rows,
        },
        regressionRule,
      );
      const buffers = comparisons[0];
      check.measureAll({
        baselineVersion: baseline.value.migrationVersion,
        baselineSource: baseline.source,
        maxRegression: regressionRule.maxRegression,
        timeFloorMs: regressionRule.timeFloorMs,
        bufferFloorBlocks: regressionRule.bufferFloorBlocks,
        comparisons: comparisons.map((comparison) => ({
          metric: comparison.metric,
          baseline: comparison.baseline,
          current: comparison.current,
          change: comparison.change === null ? null : Number(comparison.change.toFixed(3)),
          regressed: comparison.regressed,
        })),
      });
      if (buffers !== undefined) {
        check.metric({ value: buffers.current, unit: 'count', baseline: buffers.baseline });
      }
      const regressed = comparisons.filter((comparison) => comparison.regressed);
      expect(
        regressed.map((comparison) => comparison.metric),
        `${benchmark.name} regressed against the baseline: ${regressed
          .map(
            (comparison) =>
              `${comparison.metric} ${Number(comparison.current.toFixed(2))} vs ${Number(comparison.baseline.toFixed(2))}${comparison.change === null ? '' : ` (+${Math.round(comparison.change * 100)}%)`}`,
          )
          .join('; ')}, over the ${pct} allowed (performance.maxRegression)`,
      ).toEqual([]);
    });
  }
});

describe('CE-26 performance: after the workload', () => {
  const tableNames = inputs.tenantTables.map((table) => table.table);

  test('index usage on tenant tables (idx_scan per index; never-scanned ones listed)', async ({
    task,
    skip,
    annotate,
  }) => {
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.indexUsage);
    if (tableNames.length === 0) {
      notApplicable({ skip }, check, 'the schema has no tenant table');
    }
    // Every benchmark has run (or runs now), so the counters include this suite's workload; a
    // benchmark that failed is its own check's failure, not this one's.
    if (tenantId !== undefined) {
      await Promise.allSettled(
        benchmarks
          .filter((benchmark) => benchmark.unreadable === undefined)
          .map((benchmark) => measured(benchmark, tenantId)),
      );
    }
    const usage = await withReadScope(pool, (client) => indexUsage(client, schema, tableNames));
    const unused = usage.filter((index) => index.scans === 0 && !index.enforcesConstraint);
    check.measureAll({
      used: usage.filter((index) => index.scans > 0).length,
      total: usage.length,
      unused: unused.map((index) => `${index.table}.${index.index}`),
      failOnUnused: perf?.failOnUnusedIndexes ?? false,
    });
    const sizes = await withReadScope(pool, (client) => relationSizes(client, schema));
    check.measure(
      'largestTenantTable',
      inputs.largest === undefined
        ? null
        : {
            table: inputs.largest.table.table,
            estimatedRows: inputs.largest.estimatedRows,
          },
    );
    check.inventory(
      'Table sizes',
      sizes.map((size) => ({ ...size })),
    );
    check.inventory(
      'Index usage',
      usage.map((index) => ({
        table: index.table,
        index: index.index,
        scans: index.scans,
        tuplesRead: index.tuplesRead,
        tuplesFetched: index.tuplesFetched,
        bytes: index.bytes,
        constraint: index.enforcesConstraint,
      })),
    );
    if (unused.length > 0) {
      await annotate(
        `${unused.length} index(es) never scanned since the statistics were reset: ${unused.map((index) => index.index).join(', ')}`,
        'warning',
      );
    }
    if (perf?.failOnUnusedIndexes === true) {
      expect(
        unused.map((index) => `${index.table}.${index.index}`),
        'indexes never scanned (performance.failOnUnusedIndexes)',
      ).toEqual([]);
    }
    expect(usage.length, 'pg_stat_user_indexes lists no index of the tenant tables').toBeGreaterThan(0);
  });

  test('no gate connection is left idle in transaction', async ({ task }) => {
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.connectionLeaks);
    const connections = await withReadScope(pool, (client) => gateConnections(client));
    const leaked = connections.filter((connection) => connection.state.startsWith('idle in transaction'));
    check.measureAll({
      leaked: leaked.length,
      gateConnections: connections.length,
      states: connections.map((connection) => `${connection.applicationName}: ${connection.state}`),
    });
    check.offending(leaked);
    expect(
      leaked.map((connection) => `${connection.applicationName} (pid ${connection.pid})`),
      'gate connections left idle in transaction: they hold snapshots and locks until closed',
    ).toEqual([]);
  });
});
