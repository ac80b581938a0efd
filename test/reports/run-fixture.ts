/**
 * Runs Vitest programmatically on inline fixture suites written to a temp directory, with the gate
 * reporter configured and a project named `local` whose globalSetup provides a fake RunMetadata.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { startVitest } from 'vitest/node';
import type { RunMetadata } from '../../helpers/run/run-metadata.ts';
import { policy } from './evidence-fixtures.ts';
import GateReporter, { type GateReporterOptions } from '../../reports/gate-reporter.ts';

/** Absolute path of check-meta.ts, for fixture files that live outside the repository. */
export const CHECK_META = fileURLToPath(new URL('../../reports/check-meta.ts', import.meta.url));

export const FAKE_METADATA: RunMetadata = {
  project: 'local',
  provider: 'embedded',
  database: {
    url: 'postgres://gate:***@127.0.0.1:54329/gate_fixture',
    name: 'gate_fixture',
    serverVersion: 'PostgreSQL 15.8 (fixture)',
  },
  migrations: {
    version: '005',
    applied: [
      {
        version: '001',
        name: 'initial_schema',
        checksum: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
        appliedAt: '2026-01-08T10:00:01.000Z',
        durationMs: 42,
      },
    ],
  },
  startedAt: '2026-01-08T10:00:00.000Z',
};

export interface FixtureOptions {
  /** Suite files by path relative to the fixture root, e.g. `suites/ce23-rls.test.ts`. */
  readonly files: Readonly<Record<string, string>>;
  readonly reporter?: GateReporterOptions;
  /** Name of the fixture's only project; default `local`. */
  readonly project?: string;
  /** Metadata the fixture's globalSetup provides; null provides none. */
  readonly metadata?: RunMetadata | null;
  /** Reuse a fixture directory (a second run over the same output). */
  readonly root?: string;
}

export interface FixtureRun {
  readonly root: string;
  readonly reporter: GateReporter;
  /** `process.exitCode` as the run left it (restored for the outer run afterwards). */
  readonly exitCode: string | number | null | undefined;
  /** What Vitest and the reporter printed, ANSI codes removed. */
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as printed, colours included. */
  readonly rawStdout: string;
}

/**
 * Collects what Vitest prints. Vitest pipes each worker's stdout into its logger stream, and `pipe()`
 * ends a destination that is not `process.stdout` when the worker exits; a sink that ended would drop
 * the summary and the verdict printed after it, so this one ignores `end()` as `process.stdout` does.
 */
class CaptureStream extends Writable {
  readonly #chunks: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.#chunks.push(chunk.toString());
    callback();
  }

  override end(): this {
    return this;
  }

  text(): string {
    return this.#chunks.join('');
  }
}

/** Writes the fixture, runs it, and returns what the reporter decided and printed. */
export async function runFixture(options: FixtureOptions): Promise<FixtureRun> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'mg-fixture-')));
  const metadata = options.metadata === undefined ? FAKE_METADATA : options.metadata;
  const setup =
    metadata === null
      ? 'export default function setup() {}\n'
      : `export default function setup(project) { project.provide('runMetadata', ${JSON.stringify(metadata)}); }\n`;
  await writeFile(join(root, 'setup.js'), setup);
  for (const [path, content] of Object.entries(options.files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }

  const reporter = new GateReporter({ gates: policy, ...options.reporter });
  const stdout = new CaptureStream();
  const stderr = new CaptureStream();
  // The nested run sets process.exitCode of this worker; keep the outer run's own exit code intact.
  const outerExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    const vitest = await startVitest(
      'test',
      [],
      {
        root,
        config: false,
        watch: false,
        reporters: ['default', reporter],
        projects: [
          {
            test: {
              name: options.project ?? 'local',
              root,
              include: ['suites/**/*.test.ts'],
              globals: true,
              globalSetup: ['./setup.js'],
            },
          },
        ],
      },
      {},
      { stdout, stderr },
    );
    await vitest.close();
    return {
      root,
      reporter,
      exitCode: process.exitCode,
      stdout: stripVTControlCharacters(stdout.text()),
      stderr: stripVTControlCharacters(stderr.text()),
      rawStdout: stdout.text(),
    };
  } finally {
    process.exitCode = outerExitCode;
  }
}
