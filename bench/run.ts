/**
 * Speed figures of the gate's building blocks on this machine (`npm run bench`). Targets live here,
 * not in timed unit tests: these machines are noisy, so read ratios more than absolute numbers.
 */
import path from 'node:path';
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

  // CE-26 volume seeding against the floor: a bare INSERT … SELECT generate_series of the same row
  // count into the same (largest) table, constant values, triggers off, rolled back.
  {
    await using db = await createScratchDatabase(server.url, { prefix: 'bench_volume' });
    await new Migrator({ databaseUrl: db.url, directory, bookkeepingSchema }).migrate();
    const volume = await seedVolume(db.url, {
      schema: gateConfig.schema,
      tenantKey: gateConfig.tenancy.tenantKey,
      tenantTable: gateConfig.tenancy.tenantTable,
      ...gateConfig.performance?.volume,
    });
    const largest = volume.largestTable ?? 'missing';
    const largestRows = volume.inserted[largest] ?? 0;
    record('volume seed: rows (largest table)', `${volume.totalRows} (${largest}: ${largestRows})`);
    record(
      'volume seed: insert time',
      `${ms(volume.insertMs)} (${Math.round(volume.rowsPerSecond)} rows/s), ANALYZE ${ms(volume.analyzeMs)}`,
    );
    const client = await connectClient(db.url);
    try {
      const sample = await client.query<Record<string, unknown>>(
        `SELECT * FROM ${qualifiedName(gateConfig.schema, largest)} LIMIT 1`,
      );
      const row = sample.rows[0] ?? {};
      const columns = Object.keys(row).filter((column) => row[column] !== null && column !== 'id');
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      const [, bareMs] = await timed(() =>
        client.query(
          `INSERT INTO ${qualifiedName(gateConfig.schema, largest)} (${columns.map(quoteIdent).join(', ')})
           SELECT ${columns.map((column) => `(SELECT ${quoteIdent(column)} FROM ${qualifiedName(gateConfig.schema, largest)} LIMIT 1)`).join(', ')}
             FROM generate_series(1, $1::int)`,
          [largestRows],
        ),
      );
      await client.query('ROLLBACK');
      record(
        `bare INSERT … SELECT generate_series of ${largestRows} rows into ${largest}`,
        `${ms(bareMs)} (${Math.round(largestRows / (bareMs / 1000))} rows/s)`,
      );
      const [, volumeSnap] = await timed(() => takeSnapshot(client));
      record(
        `fingerprint at volume (${volume.totalRows} rows)`,
        `${ms(volumeSnap)} (${Math.round(volume.totalRows / (volumeSnap / 1000))} rows/s)`,
      );
    } finally {
      await client.end();
    }
  }
} finally {
  await server.stop();
}
record('peak resident memory of this process', `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
