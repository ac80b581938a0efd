import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProjectInlineConfiguration, ViteUserConfig } from 'vitest/config';
import GateReporter, { type GateReporterOptions } from '../reports/gate-reporter.ts';
import { junitReporters } from '../reports/junit-reporter.ts';
import { CeSequencer } from '../suites/setup/ce-sequencer.ts';

/** What {@link gateProjects} and {@link defineGateVitestConfig} accept; every field is optional. */
export interface GateProjectsOptions {
  /**
   * The team's own invariant test files, as globs relative to the project root (the directory of its
   * `vitest.config.ts`). Default `['invariants/**\/*.test.ts']`; a folder that does not exist adds nothing.
   */
  readonly invariants?: readonly string[];
  /** Per-test timeout of the gate suites in ms; default 120 000. */
  readonly testTimeout?: number;
  /** Per-hook timeout (and the globalSetup's database start) in ms; default 180 000. */
  readonly hookTimeout?: number;
}

/** What {@link defineGateVitestConfig} accepts: the projects' options, the reporter's and extra projects. */
export interface GateVitestConfigOptions extends GateProjectsOptions {
  /** Options of the evidence reporter (report directory, gate projects, exit code on NO-GO). */
  readonly reporter?: GateReporterOptions;
  /** The team's own projects (unit tests, …) beside `local` and `staging`. */
  readonly projects?: readonly TestProjectInlineConfiguration[];
}

/** The gate's own suites: `dist/suites` in the installed package, `suites/` in a source checkout. */
const SUITES_DIR = fileURLToPath(new URL('../suites/', import.meta.url));
/** `.js` once built, `.ts` when this file runs from its source. */
const EXTENSION = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

function setupFile(name: string): string {
  return path.join(SUITES_DIR, 'setup', `${name}-global-setup.${EXTENSION}`);
}

/** Globs are matched with forward slashes, also on Windows. */
function slash(file: string): string {
  return file.split(path.sep).join('/');
}

/**
 * The gate's `local` (embedded PostgreSQL, migrated and seeded) and `staging` (`DATABASE_URL` from
 * `.env.staging`, non-destructive) Vitest projects: their globalSetup, the gate suites shipped in this
 * package and the team's invariant files, run one file at a time. Vitest reads the sequencer and the
 * reporters from the root config only: use {@link defineGateVitestConfig}, or add {@link CeSequencer}
 * and {@link GateReporter} yourself.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config';
 * import { CeSequencer, GateReporter, gateProjects } from 'migration-gate/vitest';
 *
 * export default defineConfig({
 *   test: {
 *     reporters: ['default', new GateReporter()],
 *     sequence: { sequencer: CeSequencer },
 *     projects: [...gateProjects(), { test: { name: 'unit', include: ['src/**\/*.test.ts'] } }],
 *   },
 * });
 * ```
 */
export function gateProjects(options: GateProjectsOptions = {}): TestProjectInlineConfiguration[] {
  const invariants = options.invariants ?? ['invariants/**/*.test.ts'];
  const project = (name: 'local' | 'staging'): TestProjectInlineConfiguration => ({
    // The suites and their helpers are plain JS in node_modules; inlining them sends their imports
    // (the team's gate.config.ts, its fixture factories) through Vite, which compiles TypeScript.
    test: {
      name,
      server: { deps: { inline: ['migration-gate'] } },
      globalSetup: [setupFile(name)],
      // An absolute glob reaches the package's suites wherever node_modules is; Vitest matches it as is.
      include: [slash(path.join(SUITES_DIR, `*.test.${EXTENSION}`)), ...invariants],
      // Vitest's default exclude drops node_modules, which is where the gate's own suites live.
      exclude: ['**/.git/**'],
      fileParallelism: false,
      // One file at a time in one worker: sharing its module cache imports pg, kysely and the SQL
      // parser once per run instead of once per suite file. Suites keep no state across files.
      isolate: false,
      testTimeout: options.testTimeout ?? 120_000,
      hookTimeout: options.hookTimeout ?? 180_000,
    },
  });
  return [project('local'), project('staging')];
}

/**
 * A whole Vitest config for a repository gated by migration-gate: the `local` and `staging` projects,
 * the plan-order sequencer and the evidence reporter (markdown, `evidence.json` and the GO / NO-GO verdict
 * under `reports/out/`).
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * import { defineGateVitestConfig } from 'migration-gate/vitest';
 *
 * export default defineGateVitestConfig();
 * ```
 */
export function defineGateVitestConfig(options: GateVitestConfigOptions = {}): ViteUserConfig {
  return {
    test: {
      reporters: ['default', new GateReporter(options.reporter), ...junitReporters()],
      sequence: { sequencer: CeSequencer },
      projects: [...gateProjects(options), ...(options.projects ?? [])],
    },
  };
}

export { CeSequencer, GateReporter, type GateReporterOptions };
