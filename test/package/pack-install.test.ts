import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import {
  compareSnapshots,
  takeSnapshot,
  type DatabaseSnapshot,
} from '../../helpers/run/database-snapshot.ts';
import { quoteIdent } from '../../helpers/db/sql-identifier.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/db/scratch-database.ts';
import { cleanEnv, runCommand, runOrThrow, type CommandResult } from './run-command.ts';
import { TEAM_ROWS_SQL, addRlsOffMigration, writeTeamProject } from './team-project.ts';

/**
 * The package as another team gets it: `npm pack` of this repository, installed with vitest from the
 * registry into a fresh project outside it that holds only its own migrations. The installed CLI
 * migrates a scratch database on the machine's server and `npx migration-gate init --database-url`
 * writes the gate config, the preset `vitest.config.ts`, `.env.staging.example` and the CI workflow
 * from it, with no hand edit; then `local` is GO, `staging` is GO on the scratch database, the
 * database unchanged, and `local` NO-GO once a migration turns row-level security off. One install
 * serves every run.
 */
const REPOSITORY = process.cwd();
const STAGING_ADMIN_URL = process.env['STAGING_ADMIN_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** Roles are server-wide: the staging run creates this one on a shared server, so it is unique. */
const APP_ROLE = `mg_pack_app_${randomBytes(4).toString('hex')}`;
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];
/** What issue 9 has `init` write into the team project. */
const INIT_FILES = [
  'gate.config.ts',
  'vitest.config.ts',
  '.env.staging.example',
  '.github/workflows/migration-gate.yml',
];

interface EvidenceFile {
  readonly verdict: { readonly decision: 'GO' | 'NO-GO'; readonly reasons: readonly string[] };
  readonly checks: readonly { readonly id: string; readonly status: string }[];
}

let work = '';
let project = '';
let staging: ScratchDatabase | undefined;

async function gate(
  name: 'local' | 'staging',
  env: NodeJS.ProcessEnv = {},
): Promise<{ readonly run: CommandResult; readonly evidence: EvidenceFile }> {
  const run = await runCommand('npx', ['vitest', 'run', '--project', name], {
    cwd: project,
    env: cleanEnv(env),
  });
  const latest = path.join(project, 'reports', 'out', 'latest');
  const evidence = JSON.parse(await fs.readFile(path.join(latest, 'evidence.json'), 'utf8')) as EvidenceFile;
  return { run, evidence };
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-pack-'));
  project = path.join(work, 'team');
  // prepack builds dist/ first; --json names the tarball it wrote.
  const packed = await runOrThrow('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: REPOSITORY,
    env: cleanEnv(),
  });
  const jsonStart = packed.output.indexOf('[');
  const [manifest] = JSON.parse(packed.output.slice(jsonStart)) as readonly { readonly filename: string }[];
  if (manifest === undefined) throw new Error(`npm pack wrote no tarball:\n${packed.output}`);
  await writeTeamProject(project, APP_ROLE);
  await runOrThrow(
    'npm',
    ['install', '--save-dev', ...NPM_FLAGS, path.join(work, manifest.filename), 'vitest@4.1'],
    { cwd: project },
  );
}, 600_000);

afterAll(async () => {
  await staging?.drop();
  const admin = await connectClient(STAGING_ADMIN_URL);
  try {
    await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(APP_ROLE)}`);
  } finally {
    await admin.end();
  }
  if (work !== '') await fs.rm(work, { recursive: true, force: true });
});

async function fingerprint(url: string): Promise<DatabaseSnapshot> {
  const client = await connectClient(url);
  try {
    return await takeSnapshot(client);
  } finally {
    await client.end();
  }
}

describe('npm pack, installed into a team project outside this repository', () => {
  test('ships compiled JS with declarations, the evidence schema, a bin without tsx', async () => {
    const installed = path.join(project, 'node_modules', 'migration-gate');
    const manifest = JSON.parse(await fs.readFile(path.join(installed, 'package.json'), 'utf8')) as {
      readonly dependencies: Readonly<Record<string, string>>;
      readonly peerDependencies: Readonly<Record<string, string>>;
    };
    expect(manifest.dependencies).not.toHaveProperty('tsx');
    expect(manifest.peerDependencies).toEqual({ vitest: '4.1' });
    for (const file of [
      'dist/package/index.js',
      'dist/package/index.d.ts',
      'dist/package/vitest-preset.d.ts',
      'dist/helpers/providers/embedded-reaper.mjs',
      'reports/evidence.schema.json',
    ]) {
      await expect(fs.access(path.join(installed, file))).resolves.toBeUndefined();
    }
    await expect(fs.access(path.join(installed, 'helpers'))).rejects.toThrow();
    await expect(fs.access(path.join(project, 'node_modules', 'tsx'))).rejects.toThrow();
    const help = await runOrThrow('npx', ['migration-gate', '--help'], { cwd: project });
    expect(help.output).toContain('migration-gate');
  });

  test('the installed CLI migrates a scratch database; `init --database-url` there writes the four files, which type-check and which check-config reads', async () => {
    staging = await createScratchDatabase(STAGING_ADMIN_URL, { prefix: 'mg_pack_staging' });
    const migrated = await runOrThrow(
      'npx',
      ['migration-gate', 'migrate', '--database-url', staging.url, '--migrations', 'migrations'],
      { cwd: project },
    );
    expect(migrated.output).toContain('none → 002');
    for (const file of INIT_FILES) {
      await expect(fs.access(path.join(project, file))).rejects.toThrow();
    }
    const init = await runOrThrow('npx', ['migration-gate', 'init', '--database-url', staging.url], {
      cwd: project,
    });
    expect(init.output).not.toContain('TODO');
    for (const file of INIT_FILES) {
      await expect(fs.access(path.join(project, file))).resolves.toBeUndefined();
    }
    const config = await fs.readFile(path.join(project, 'gate.config.ts'), 'utf8');
    expect(config).toContain("expectedVersion: '002'");
    expect(config).toContain(`appRole: '${APP_ROLE}'`);
    expect(config).toContain("tenantSetting: 'team.tenant_id'");
    expect(config).toContain("tenantTables: ['tasks', 'workspaces']");
    // The written configs type-check against the shipped declarations (skipLibCheck off).
    const tsc = path.join(REPOSITORY, 'node_modules', 'typescript', 'bin', 'tsc');
    await runOrThrow(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project });
    // The compiled CLI on plain Node reads the written TypeScript config (bundled by Vite).
    const checked = await runOrThrow(
      'npx',
      ['migration-gate', 'check-config', '--database-url', staging.url],
      {
        cwd: project,
      },
    );
    expect(checked.output).toContain('fits the schema with no pending migration.');
  });

  test('its own schema: `npx vitest run --project local` → GO, reports written in the project', async () => {
    const { run, evidence } = await gate('local');
    expect(run.output).toContain('Verdict: GO');
    expect(run.code, run.output).toBe(0);
    expect(evidence.verdict.decision).toBe('GO');
    const ids = evidence.checks.map((check) => check.id);
    expect(ids).toContain('ce23.rls.tasks.enabled');
    // init cannot know which foreign keys are critical (`critical: []`); the count it read holds.
    expect(ids).toContain('ce24.fk.count');
    // The insert probe init listed from the app role's INSERT grants ran.
    expect(ids).toContain('ce25.integrity.insert-visible.tasks');
    await expect(
      fs.access(path.join(project, 'reports', 'out', 'latest', 'STAGING_MIGRATION_READINESS_REPORT.md')),
    ).resolves.toBeUndefined();
  });

  test('`--project staging` on the scratch database init read → GO, database unchanged', async () => {
    if (staging === undefined) throw new Error('The scratch database was not created.');
    const owner = await connectClient(staging.url);
    try {
      await owner.query(TEAM_ROWS_SQL);
    } finally {
      await owner.end();
    }
    const before = await fingerprint(staging.url);
    const { run, evidence } = await gate('staging', { DATABASE_URL: staging.url });
    expect(run.output).toContain('Verdict: GO');
    expect(run.code, run.output).toBe(0);
    expect(evidence.verdict.decision).toBe('GO');
    expect(compareSnapshots(before, await fingerprint(staging.url))).toEqual({
      tables: [],
      schemaChanged: false,
    });
  });

  test('a migration turning RLS off on tasks → NO-GO naming ce23.rls.tasks.enabled', async () => {
    await addRlsOffMigration(project);
    const { run, evidence } = await gate('local');
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Verdict: NO-GO');
    // The console lists the first few failures; evidence.json has them all.
    expect(run.output).toMatch(/Failed check ce23\.rls\.tasks\./);
    expect(evidence.verdict.decision).toBe('NO-GO');
    const failed = evidence.checks.filter((check) => check.status === 'failed').map((check) => check.id);
    expect(failed).toContain('ce23.rls.tasks.enabled');
    // The same rule on the table left alone still holds: the sabotage broke exactly one table.
    expect(failed).not.toContain('ce23.rls.workspaces.enabled');
  });
});
