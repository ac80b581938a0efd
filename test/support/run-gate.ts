import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { startVitest, type Reporter } from 'vitest/node';
import GateReporter from '../../reports/gate-reporter.ts';

/** What a nested gate run decided, read back from the files its reporter wrote. */
export interface GateOutcome {
  readonly decision: 'GO' | 'NO-GO';
  readonly reasons: readonly string[];
  readonly checks: readonly GateOutcomeCheck[];
  readonly readiness: string;
  readonly reportDir: string;
  /** Ids of the checks that failed. */
  readonly failed: readonly string[];
  /** Test files, relative to the project root, in the order they finished. */
  readonly moduleOrder: readonly string[];
  /** The run's `ce26_baseline.json` as written (null when CE-26 measured nothing). */
  readonly perfBaseline: string | null;
}

/** A check as evidence.json records it, the fields the tests read. */
export interface GateOutcomeCheck {
  readonly id: string;
  readonly status: string;
  readonly name: string;
  readonly errors?: readonly { readonly message: string }[];
}

interface EvidenceFile {
  readonly verdict: { readonly decision: 'GO' | 'NO-GO'; readonly reasons: readonly string[] };
  readonly checks: readonly GateOutcomeCheck[];
}

/**
 * Runs the real gate — the `staging` project's suites and the evidence reporter — against a database
 * URL, in this process, and returns what the reporter wrote. `files` narrows the run to some suites.
 */
export async function runGate(options: {
  readonly databaseUrl: string;
  readonly files: readonly string[];
  /** `staging` (default: the URL as it is) or `local` (a fresh embedded server, migrated and seeded). */
  readonly project?: 'staging' | 'local';
  readonly migrationsDirectory?: string;
  /**
   * Server for the restore rehearsal (MIGRATION_GATE_REHEARSAL_URL): the rehearsal restores into a
   * scratch database there instead of starting a server of its own. Left out, a `staging` run whose
   * target is on the shared self-test server uses that server (its roles are already there); any
   * other run (a server of its own for role attributes, a `local` project) starts its own, so its
   * roles are never copied onto the shared server.
   */
  readonly rehearsalUrl?: string;
  /** Further environment for the run (e.g. MIGRATION_GATE_APPLY, PATH); undefined unsets. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}): Promise<GateOutcome> {
  // Set MIGRATION_GATE_DEBUG=1 to see the nested run's own output.
  const debug = process.env['MIGRATION_GATE_DEBUG'] === '1';
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-nested-'));
  const settings: Record<string, string | undefined> = {
    DATABASE_URL: options.databaseUrl,
    MIGRATION_GATE_BACKUP_DIR: path.join(workDir, 'backups'),
    MIGRATION_GATE_MIGRATIONS: options.migrationsDirectory,
    MIGRATION_GATE_APPLY: undefined,
    MIGRATION_GATE_QUIET: debug ? undefined : '1',
    MIGRATION_GATE_REHEARSAL_URL:
      options.rehearsalUrl ??
      ((options.project ?? 'staging') === 'staging' ? sharedServerOf(options.databaseUrl) : undefined),
    ...options.env,
  };
  const saved = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
  setEnvironment(settings);
  const outputDir = path.join(workDir, 'reports');
  const moduleOrder: string[] = [];
  const orderRecorder: Reporter = {
    onTestModuleEnd: (module) => void moduleOrder.push(path.relative(process.cwd(), module.moduleId)),
  };
  try {
    const vitest = await startVitest('test', [...options.files], {
      project: [options.project ?? 'staging'],
      watch: false,
      reporters: [
        ...(debug ? ['default'] : []),
        new GateReporter({ outputDir, exitOnNoGo: false, printVerdict: debug }),
        orderRecorder,
      ],
    });
    await vitest.close();
    const runs = (await fs.readdir(outputDir).catch(() => [])).filter((entry) => entry !== 'latest');
    if (runs.length === 0) {
      throw new Error(
        'The nested gate run wrote no report (its globalSetup failed?); rerun with MIGRATION_GATE_DEBUG=1 to see why.',
      );
    }
    const runDir = path.join(outputDir, runs.sort().at(-1) ?? 'missing');
    const evidence = JSON.parse(
      await fs.readFile(path.join(runDir, 'evidence.json'), 'utf8'),
    ) as EvidenceFile;
    const readiness = await fs.readFile(path.join(runDir, 'STAGING_MIGRATION_READINESS_REPORT.md'), 'utf8');
    return {
      decision: evidence.verdict.decision,
      reasons: evidence.verdict.reasons,
      checks: evidence.checks,
      readiness,
      reportDir: runDir,
      failed: evidence.checks.filter((check) => check.status === 'failed').map((check) => check.id),
      moduleOrder,
      perfBaseline: await fs.readFile(path.join(runDir, 'ce26_baseline.json'), 'utf8').catch(() => null),
    };
  } finally {
    setEnvironment(saved);
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/** The self-test server's admin URL when `databaseUrl` is a database on it, else undefined. */
function sharedServerOf(databaseUrl: string): string | undefined {
  const admin = inject('adminUrl');
  const server = (url: string): string => {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port}`;
  };
  return server(admin) === server(databaseUrl) ? admin : undefined;
}

function setEnvironment(values: Readonly<Record<string, string | undefined>>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** The error messages check `id` recorded, one per line ('' when it recorded none). */
export function errorsOf(outcome: Pick<GateOutcome, 'checks'>, id: string): string {
  return (
    outcome.checks
      .find((check) => check.id === id)
      ?.errors?.map((error) => error.message)
      .join('\n') ?? ''
  );
}

/** Asserts a NO-GO verdict in which each of `ids` failed and is named among the reasons. */
export function expectChecksFailed(outcome: GateOutcome, ids: readonly string[]): void {
  expect(outcome.decision).toBe('NO-GO');
  for (const id of ids) {
    expect(outcome.failed).toContain(id);
    expect(outcome.reasons.join('\n')).toContain(id);
  }
}
