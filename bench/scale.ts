/**
 * `npm run bench -- --scale 0.2GB [--database-url postgresql://…/postgres]`: builds a staging database
 * of about that size (the reference migrations, the fixtures, then fixtures/volume-seed.ts with the
 * largest table's rows chosen to reach the size), runs the `staging` gate on it as a child process,
 * and prints its wall time beside `pg_dump -Fc` + `pg_restore` of the same database in the same run,
 * as a ratio, with the gate's peak RSS. The scratch databases (and the app role, if this created it)
 * are dropped afterwards.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import gateConfig from '../gate.config.ts';
import { seedDatabase } from '../fixtures/index.ts';
import { seedVolume } from '../fixtures/volume-seed.ts';
import { clientEnvironment } from '../helpers/run/database-backup.ts';
import { connectClient } from '../helpers/db/database-connection.ts';
import { GateError, errorMessage } from '../helpers/gate-error.ts';
import { bookkeepingSchemaOf } from '../helpers/migrations/migration-history.ts';
import { Migrator } from '../helpers/migrations/migrator.ts';
import { redactUrl } from '../helpers/redact.ts';
import { quoteIdent } from '../helpers/db/sql-identifier.ts';
import { createScratchDatabase } from '../helpers/db/scratch-database.ts';

const run = promisify(execFile);
const PILOT_ROWS = 50_000;

function log(line: string): void {
  process.stdout.write(`[bench scale] ${line}\n`);
}

/** `0.2GB`, `1GB`, `500MB` → bytes; anything else is one sentence. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(GB|MB)$/i.exec(text.trim());
  if (match === null || match[1] === undefined || match[2] === undefined) {
    throw new GateError(`--scale takes a size such as 0.2GB or 500MB, not "${text}".`);
  }
  return Number(match[1]) * (match[2].toUpperCase() === 'GB' ? 1024 ** 3 : 1024 ** 2);
}

function argument(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

async function databaseSize(url: string): Promise<number> {
  const client = await connectClient(url);
  try {
    const result = await client.query<{ bytes: string }>(
      'SELECT pg_database_size(current_database())::text AS bytes',
    );
    return Number(result.rows[0]?.bytes ?? 0);
  } finally {
    await client.end();
  }
}

/** The largest table by heap size: the "a table over 2 GB" is judged on it. */
async function largestTable(
  url: string,
): Promise<{ name: string; heapBytes: number; totalBytes: number; rows: number }> {
  const client = await connectClient(url);
  try {
    const result = await client.query<{ name: string; heap: string; total: string; rows: string }>(
      `SELECT c.oid::regclass::text AS name, pg_relation_size(c.oid)::text AS heap,
              pg_total_relation_size(c.oid)::text AS total, c.reltuples::bigint::text AS rows
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        ORDER BY pg_relation_size(c.oid) DESC LIMIT 1`,
    );
    const row = result.rows[0];
    return {
      name: row?.name ?? 'none',
      heapBytes: Number(row?.heap ?? 0),
      totalBytes: Number(row?.total ?? 0),
      rows: Number(row?.rows ?? 0),
    };
  } finally {
    await client.end();
  }
}

const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Resident memory (kB) of a process tree by kind: the gate's Node processes, its client tools, its own database server. */
interface TreeRss {
  readonly node: number;
  readonly tools: number;
  readonly server: number;
}

async function treeRssKb(pid: number): Promise<TreeRss> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const own = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? '';
  // The embedded rehearsal server's processes share its buffers: their RSS is the database's, not the gate's.
  const kind: keyof TreeRss = name === 'node' ? 'node' : name.startsWith('pg_') ? 'tools' : 'server';
  const total = { node: 0, tools: 0, server: 0, [kind]: own };
  const children = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  for (const child of children.split(/\s+/).filter((entry) => entry !== '')) {
    const below = await treeRssKb(Number(child));
    total.node += below.node;
    total.tools += below.tools;
    total.server += below.server;
  }
  return total;
}

interface GateRun {
  readonly exitCode: number;
  readonly wallMs: number;
  /** VmHWM of the Vitest main process (where globalSetup fingerprints, dumps and restores). */
  readonly mainPeakKb: number;
  /** Highest sampled sums of VmRSS over the gate's Node processes (main and workers), its pg_dump / pg_restore, and its embedded server. */
  readonly treePeakKb: TreeRss;
  readonly verdict: string;
}

async function runStagingGate(databaseUrl: string, backupDir: string): Promise<GateRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [path.resolve('node_modules/vitest/vitest.mjs'), 'run', '--project', 'staging'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, DATABASE_URL: databaseUrl, MIGRATION_GATE_BACKUP_DIR: backupDir },
    },
  );
  let verdict = 'no verdict printed';
  let mainPeakKb = 0;
  const treePeakKb = { node: 0, tools: 0, server: 0 };
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    process.stdout.write(text);
    const found = /Verdict: (GO|NO-GO)/.exec(text);
    if (found?.[1] !== undefined) verdict = found[1];
  });
  const sampler = setInterval(() => {
    const pid = child.pid;
    if (pid === undefined) return;
    void fs
      .readFile(`/proc/${pid}/status`, 'utf8')
      .then((status) => {
        mainPeakKb = Math.max(mainPeakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      })
      .catch(() => undefined);
    void treeRssKb(pid).then((kb) => {
      treePeakKb.node = Math.max(treePeakKb.node, kb.node);
      treePeakKb.tools = Math.max(treePeakKb.tools, kb.tools);
      treePeakKb.server = Math.max(treePeakKb.server, kb.server);
    });
  }, 200);
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  clearInterval(sampler);
  return { exitCode, wallMs: performance.now() - started, mainPeakKb, treePeakKb, verdict };
}

async function timedTool(tool: string, args: readonly string[], url: string): Promise<number> {
  const started = performance.now();
  try {
    await run(tool, [...args], { env: clientEnvironment(url), maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new GateError(`${tool} failed: ${stderr || errorMessage(error)}.`, { cause: error });
  }
  return performance.now() - started;
}

async function build(url: string, targetBytes: number): Promise<number> {
  const directory = path.resolve(gateConfig.migrations.directory);
  await new Migrator({
    databaseUrl: url,
    directory,
    bookkeepingSchema: bookkeepingSchemaOf(gateConfig.migrations),
  }).migrate();
  await seedDatabase(url, {
    schema: gateConfig.schema,
    tenants: gateConfig.fixtures.tenants,
    seed: gateConfig.fixtures.seed,
  });
  const volume = {
    schema: gateConfig.schema,
    tenantKey: gateConfig.tenancy.tenantKey,
    tenantTable: gateConfig.tenancy.tenantTable,
    ...gateConfig.performance?.volume,
  };
  const empty = await databaseSize(url);
  // A pilot batch gives the bytes per row of the largest table (its children and indexes included).
  await seedVolume(url, { ...volume, largestTableRows: PILOT_ROWS, seed: 11, log });
  let size = await databaseSize(url);
  let perRow = Math.max(1, (size - empty) / PILOT_ROWS);
  // Batches sized from the bytes per row seen so far, until within 10% of the target.
  for (let batch = 0; batch < 4 && size < targetBytes * 0.9; batch++) {
    const rows = Math.floor((targetBytes - size) / perRow);
    log(`${Math.round(perRow)} bytes per largest-table row; seeding ${rows} more`);
    await seedVolume(url, { ...volume, largestTableRows: rows, seed: 12 + batch, log });
    const grown = await databaseSize(url);
    perRow = Math.max(1, (grown - size) / rows);
    size = grown;
  }
  const client = await connectClient(url);
  try {
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
  return databaseSize(url);
}

/** Roles are server-wide and outlive the scratch databases: the app role goes if this run created it. */
async function withRoleCleanup<T>(adminUrl: string, work: () => Promise<T>): Promise<T> {
  const role = gateConfig.tenancy.appRole;
  const admin = await connectClient(adminUrl);
  try {
    const existed = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
    try {
      return await work();
    } finally {
      if (!existed) await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    }
  } finally {
    await admin.end();
  }
}

export async function runScaleBench(argv: readonly string[]): Promise<number> {
  const scale = argument(argv, '--scale') ?? '';
  const targetBytes = parseSize(scale);
  const adminUrl = argument(argv, '--database-url') ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-bench-scale-'));
  try {
    return await withRoleCleanup(adminUrl, async () => {
      await using db = await createScratchDatabase(adminUrl, { prefix: 'mg_bench_scale' });
      log(`building ${scale} in ${redactUrl(db.url)}`);
      const buildStarted = performance.now();
      const size = await build(db.url, targetBytes);
      log(`built in ${seconds(performance.now() - buildStarted)}: pg_database_size ${mb(size)}`);
      const largest = await largestTable(db.url);
      const dumpFile = path.join(workDir, 'bench.dump');
      const dumpMs = await timedTool('pg_dump', ['--no-password', '-Fc', `--file=${dumpFile}`], db.url);
      const dumpBytes = (await fs.stat(dumpFile)).size;
      await using target = await createScratchDatabase(adminUrl, { prefix: 'mg_bench_restore' });
      const restoreMs = await timedTool(
        'pg_restore',
        ['--no-password', '--no-owner', '--exit-on-error', `--dbname=${target.name}`, dumpFile],
        target.url,
      );
      await target.drop();
      await fs.rm(dumpFile);
      log('running the staging gate …');
      const gate = await runStagingGate(db.url, path.join(workDir, 'backups'));
      const toolsMs = dumpMs + restoreMs;
      const lines = [
        `database: ${mb(size)} (pg_database_size), dump ${mb(dumpBytes)}`,
        `largest table: ${largest.name}, ${largest.rows} rows, heap ${mb(largest.heapBytes)}, with indexes and TOAST ${mb(largest.totalBytes)}`,
        `pg_dump -Fc: ${seconds(dumpMs)}; pg_restore: ${seconds(restoreMs)}; together ${seconds(toolsMs)}`,
        `staging gate: ${seconds(gate.wallMs)} wall, exit ${gate.exitCode}, verdict ${gate.verdict}`,
        `ratio gate / (pg_dump + pg_restore): ${(gate.wallMs / toolsMs).toFixed(2)}`,
        `gate peak RSS: main process ${mb(gate.mainPeakKb * 1024)} (VmHWM); sampled sums: Node processes ${mb(gate.treePeakKb.node * 1024)}, pg_dump/pg_restore ${mb(gate.treePeakKb.tools * 1024)}, its embedded rehearsal server ${mb(gate.treePeakKb.server * 1024)}`,
        `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${mb(os.totalmem())} RAM`,
      ];
      for (const line of lines) log(line);
      return 0;
    });
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
