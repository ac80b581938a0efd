/**
 * Speed figures of the gate's building blocks on this machine (`npm run bench`). Targets live here,
 * not in timed unit tests: these machines are noisy, so read ratios more than absolute numbers.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import gateConfig from '../gate.config.ts';
import { seedDatabase } from '../fixtures/index.ts';
import { seedVolume } from '../fixtures/volume-seed.ts';
import { connectClient } from '../helpers/db/database-connection.ts';
import { takeSnapshot } from '../helpers/run/database-snapshot.ts';
import { qualifiedName, quoteIdent } from '../helpers/db/sql-identifier.ts';
import { bookkeepingSchemaOf } from '../helpers/migrations/migration-history.ts';
import { Migrator } from '../helpers/migrations/migrator.ts';
import { EmbeddedProvider } from '../helpers/providers/embedded-provider.ts';
import { createScratchDatabase } from '../helpers/db/scratch-database.ts';

// `npm run bench -- --scale 0.2GB`: the staging gate at scale against pg_dump + pg_restore (bench/scale.ts).
if (process.argv.includes('--scale')) {
  const { runScaleBench } = await import('./scale.ts');
  try {
    process.exit(await runScaleBench(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`bench --scale failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

const rows: [string, string][] = [];

function record(name: string, value: string): void {
  rows.push([name, value]);
  process.stdout.write(`${name}: ${value}\n`);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const ms = (value: number): string => `${value.toFixed(0)} ms`;

// Shared machines change speed between sessions: a fixed CPU-bound loop, timed first, says how fast
// this one is today. It is the script the closing notes have quoted since stop 17 (run as `node -e`, in
// a process of its own), so figures from two sessions can be compared.
{
  const PROBE = 'let t=Date.now();let s=0;for(let i=0;i<1e8;i++)s+=i;console.log(Date.now()-t)';
  const probes: number[] = [];
  for (let run = 0; run < 3; run++) {
    const probe = spawnSync(process.execPath, ['-e', PROBE], { encoding: 'utf8' });
    probes.push(Number(probe.stdout.trim()));
  }
  const cpus = os.cpus();
  record(
    'machine',
    `${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.versions.node}`,
  );
  record(`machine: CPU probe, node -e "${PROBE}" (median of 3)`, ms(median(probes)));
}

// The cold `local` gate as a user runs it: a fresh Vitest process, its setup phases from its log.
{
  const reportDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-bench-reports-'));
  try {
    const vitest = path.resolve('node_modules/vitest/vitest.mjs');
    const [output, wallMs] = await timed(
      () =>
        new Promise<{ code: number | null; text: string }>((resolve) => {
          const child = spawn(process.execPath, [vitest, 'run', '--project', 'local'], {
            env: { ...process.env, MIGRATION_GATE_REPORT_DIR: reportDir, FORCE_COLOR: '0' },
          });
          let text = '';
          child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
          child.on('close', (code) => resolve({ code, text }));
        }),
    );
    // eslint-disable-next-line no-control-regex -- Vitest colours its summary even when piped.
    const text = output.text.replace(/\u001b\[[0-9;]*m/g, '');
    for (const match of text.matchAll(/\[migration-gate local\] ([^:\n]+): (?:done|measured) in (\d+) ms/g))
      record(`cold local gate: ${match[1]}`, ms(Number(match[2])));
    const duration = /Duration\s+([\d.]+)s \(([^)]*)\)/.exec(text);
    if (duration !== null) record('cold local gate: Vitest duration', `${duration[1]} s (${duration[2]})`);
    const verdict = /Verdict: (GO|NO-GO)/.exec(text)?.[1] ?? `none (exit ${String(output.code)})`;
    record('cold local gate: wall time, verdict', `${ms(wallMs)}, ${verdict}`);
  } finally {
    await fs.rm(reportDir, { recursive: true, force: true });
  }
}

const startStop: number[] = [];
for (let i = 0; i < 3; i++) {
  const [db, start] = await timed(() => new EmbeddedProvider({ database: 'bench' }).start());
  const [, stop] = await timed(() => db.stop());
  startStop.push(start + stop);
}
record('embedded server start + stop (median of 3)', ms(median(startStop)));

const server = await new EmbeddedProvider({ database: 'bench' }).start();
try {
  const directory = path.resolve(gateConfig.migrations.directory);
  const bookkeepingSchema = bookkeepingSchemaOf(gateConfig.migrations);
  const volumes = [1, 10] as const;
  const snapshotMs: number[] = [];
  for (const factor of volumes) {
    await using db = await createScratchDatabase(server.url, { prefix: `bench_${factor}x` });
    const migrator = new Migrator({ databaseUrl: db.url, directory, bookkeepingSchema });
    if (factor === 1) {
      const [, dry] = await timed(() => migrator.dryRun());
      record('dry run 001-005 on an empty database', ms(dry));
      const [, up] = await timed(() => migrator.migrate());
      record('migrate 001-005 on an empty database', ms(up));
      const [, down] = await timed(() => migrator.rollback({ to: gateConfig.migrations.rollbackTarget }));
      record(`rollback to ${gateConfig.migrations.rollbackTarget}`, ms(down));
    }
    await migrator.migrate();
    const tenants = gateConfig.fixtures.tenants * factor;
    const [counts, seedMs] = await timed(() =>
      seedDatabase(db.url, { tenants, seed: gateConfig.fixtures.seed }),
    );
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    record(`seed ${tenants} tenants (${factor}x): rows`, String(total));
    record(
      `seed ${tenants} tenants (${factor}x): time`,
      `${ms(seedMs)} (${Math.round(total / (seedMs / 1000))} rows/s)`,
    );
    const client = await connectClient(db.url);
    try {
      const [, snap] = await timed(() => takeSnapshot(client));
      snapshotMs.push(snap);
      record(`fingerprint (row checksums) at ${factor}x`, ms(snap));
    } finally {
      await client.end();
    }
  }
  const [one, ten] = snapshotMs;
  if (one !== undefined && ten !== undefined)
    record('fingerprint time ratio 10x / 1x', (ten / one).toFixed(1));

  // CE-26 volume seeding at two volumes, each against its floor: a bare INSERT … SELECT generate_series
  // of the same row counts into the same tables (constant values from a seeded row, unique columns
  // left to their defaults, triggers off, rolled back).
  const configured = gateConfig.performance?.volume?.largestTableRows ?? 250_000;
  const seedRates: number[] = [];
  for (const largestTableRows of [Math.round(configured / 5), configured]) {
    await using db = await createScratchDatabase(server.url, { prefix: 'bench_volume' });
    await new Migrator({ databaseUrl: db.url, directory, bookkeepingSchema }).migrate();
    const volume = await seedVolume(db.url, {
      schema: gateConfig.schema,
      tenantKey: gateConfig.tenancy.tenantKey,
      tenantTable: gateConfig.tenancy.tenantTable,
      ...gateConfig.performance?.volume,
      largestTableRows,
    });
    const largest = volume.largestTable ?? 'missing';
    const label = `volume seed, ${largest} at ${largestRowsLabel(volume.inserted[largest] ?? 0)}`;
    record(`${label}: rows`, String(volume.totalRows));
    record(
      `${label}: insert time`,
      `${ms(volume.insertMs)} (${Math.round(volume.rowsPerSecond)} rows/s), ANALYZE ${ms(volume.analyzeMs)}`,
    );
    seedRates.push(volume.rowsPerSecond);
    const client = await connectClient(db.url);
    try {
      const bare = await bareInserts(client, gateConfig.schema, volume.inserted);
      const bareRate = bare.rows / (bare.ms / 1000);
      record(
        `${label}: bare INSERT … SELECT generate_series of the same rows`,
        `${ms(bare.ms)} (${Math.round(bareRate)} rows/s over ${bare.tables} of ${Object.keys(volume.inserted).length} tables${bare.refused.length === 0 ? '' : `; refused constant rows: ${bare.refused.join(', ')}`})`,
      );
      record(`${label}: seed rows/s ÷ bare rows/s`, (volume.rowsPerSecond / bareRate).toFixed(2));
      const [, volumeSnap] = await timed(() => takeSnapshot(client));
      record(
        `${label}: fingerprint (${volume.totalRows} rows)`,
        `${ms(volumeSnap)} (${Math.round(volume.totalRows / (volumeSnap / 1000))} rows/s)`,
      );
    } finally {
      await client.end();
    }
  }
  const [small, large] = seedRates;
  if (small !== undefined && large !== undefined)
    record('volume seed rows/s, 5x volume ÷ 1x volume', (large / small).toFixed(2));
} finally {
  await server.stop();
}
record('peak resident memory of this process', `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);

function largestRowsLabel(rows: number): string {
  return rows >= 1000 ? `${Math.round(rows / 1000)}k rows` : `${rows} rows`;
}

/**
 * The floor a seeder is judged against: per table, `rows` copies of one of its rows by a bare
 * INSERT … SELECT generate_series, unique columns left to their defaults, triggers off, all rolled
 * back. A table that refuses constant rows (a unique column without a default) is left out and named.
 */
async function bareInserts(
  client: pg.ClientBase,
  schema: string,
  counts: Readonly<Record<string, number>>,
): Promise<{ rows: number; ms: number; tables: number; refused: string[] }> {
  let rows = 0;
  let total = 0;
  let tables = 0;
  const refused: string[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SET LOCAL session_replication_role = replica');
    for (const [table, count] of Object.entries(counts)) {
      if (count <= 0) continue;
      const name = qualifiedName(schema, table);
      // Unique columns vary per row (their default, else a per-row value of their type); the rest is constant.
      const unique = await client.query<{ column: string; type: string; has_default: boolean }>(
        `SELECT DISTINCT a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
                (a.atthasdef OR a.attidentity <> '') AS has_default
           FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = $1::regclass AND i.indisunique`,
        [name],
      );
      const varied = new Map(unique.rows.map((row) => [row.column, row]));
      const sample = await client.query<Record<string, unknown>>(`SELECT * FROM ${name} LIMIT 1`);
      const row = sample.rows[0] ?? {};
      const columns = Object.keys(row).filter(
        (column) => row[column] !== null && varied.get(column)?.has_default !== true,
      );
      const valueOf = (column: string): string => {
        const constant = `(SELECT ${quoteIdent(column)} FROM ${name} LIMIT 1)`;
        const type = varied.get(column)?.type;
        if (type === undefined) return constant;
        if (type === 'uuid') return 'gen_random_uuid()';
        if (/^(text|character varying)/.test(type)) return `${constant} || g`;
        if (/^(integer|bigint|smallint|numeric)/.test(type)) return `${constant} + g`;
        return constant;
      };
      await client.query('SAVEPOINT bare');
      try {
        const [, took] = await timed(() =>
          client.query(
            `INSERT INTO ${name} (${columns.map(quoteIdent).join(', ')})
             SELECT ${columns.map(valueOf).join(', ')} FROM generate_series(1, $1::int) AS g`,
            [count],
          ),
        );
        await client.query('RELEASE SAVEPOINT bare');
        rows += count;
        total += took;
        tables += 1;
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT bare');
        refused.push(table);
      }
    }
  } finally {
    await client.query('ROLLBACK');
  }
  return { rows, ms: total, tables, refused };
}
