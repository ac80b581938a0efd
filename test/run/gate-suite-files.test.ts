import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TestProject, TestSpecification } from 'vitest/node';
import gateConfig from '../../gate.config.ts';
import { provideGateSuiteFiles, suiteInList } from '../../helpers/run/gate-suite-files.ts';
import { GATE_SUITES } from '../../suites/setup/gate-suites.ts';
import { provideMigrationLoad } from '../../suites/setup/migration-load-step.ts';

/** A project as these functions see it: a name and what was provided to it. */
function fakeProject(name: string) {
  const provided = new Map<string, unknown>();
  const project = { name, provide: (key: string, value: unknown) => void provided.set(key, value) };
  return { project: project as unknown as TestProject, provided };
}

function spec(project: TestProject, moduleId: string): TestSpecification {
  return { project, moduleId } as unknown as TestSpecification;
}

describe("the run's gate suite files", () => {
  test('each gate project is told the file names of its suites in the run; other projects nothing', () => {
    const staging = fakeProject('staging');
    const self = fakeProject('self');
    provideGateSuiteFiles(
      [
        spec(staging.project, '/repo/suites/ce20-environment.test.ts'),
        spec(self.project, '/repo/test/unit.test.ts'),
        spec(staging.project, '/repo/node_modules/migration-gate/dist/suites/ce27-rollback.test.js'),
      ],
      (name) => name === 'staging',
    );
    expect(staging.provided.get('gateSuiteFiles')).toEqual([
      'ce20-environment.test.ts',
      'ce27-rollback.test.js',
    ]);
    expect(self.provided.has('gateSuiteFiles')).toBe(false);
  });

  test('a suite is in the run when its file is listed, whatever the extension; every suite is when no list exists', () => {
    const files = ['ce20-environment.test.ts', 'ce27-rollback.test.js'];
    expect(suiteInList(files, 'ce27-rollback')).toBe(true);
    expect(suiteInList(files, 'ce26-performance')).toBe(false);
    // A prefix of another suite's name is not that suite.
    expect(suiteInList(['ce22-under-load.test.ts'], 'ce22')).toBe(false);
    expect(suiteInList(undefined, 'ce26-performance')).toBe(true);
  });

  test('every suite whose steps may be skipped names a suite file (a rename fails here, not silently)', () => {
    const suites = fs.readdirSync(path.resolve(import.meta.dirname, '../../suites'));
    for (const stem of Object.values(GATE_SUITES)) expect(suites, stem).toContain(`${stem}.test.ts`);
  });

  test('local: with neither CE-26 nor CE-22 under load in the run, no clone is made and both are not run', async () => {
    const local = fakeProject('local');
    const lines: string[] = [];
    // An unreachable server: any attempt to clone would fail the step instead of leaving it not run.
    await provideMigrationLoad(
      local.project,
      'postgresql://postgres@127.0.0.1:1/gate',
      gateConfig,
      (line) => lines.push(line),
      {
        baseline: false,
        underLoad: false,
      },
    );
    expect(local.provided.get('perfBaseline')).toEqual({ ok: 'not-run', reason: 'CE-26 is not in this run' });
    expect(local.provided.get('migrationLoad')).toEqual({
      ok: 'not-run',
      reason: 'CE-22 under load is not in this run',
    });
    expect(lines).toEqual([]);
  });

  test('local: a clone that cannot be made fails each half that was wanted', async () => {
    const local = fakeProject('local');
    await provideMigrationLoad(
      local.project,
      'postgresql://postgres@127.0.0.1:1/gate',
      gateConfig,
      () => undefined,
      {
        baseline: true,
        underLoad: false,
      },
    );
    expect(local.provided.get('perfBaseline')).toMatchObject({ ok: false });
    expect(local.provided.get('migrationLoad')).toEqual({
      ok: 'not-run',
      reason: 'CE-22 under load is not in this run',
    });
  });
});
