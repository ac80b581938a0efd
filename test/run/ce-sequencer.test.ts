import { describe, expect, test } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { CeSequencer } from '../../suites/setup/ce-sequencer.ts';

/** A project as the sequencer sees it: a name and what was provided to it. */
function fakeProject(name: string) {
  const provided = new Map<string, unknown>();
  return { name, provided, provide: (key: string, value: unknown) => void provided.set(key, value) };
}

function spec(project: ReturnType<typeof fakeProject>, moduleId: string): TestSpecification {
  return { project, moduleId } as unknown as TestSpecification;
}

describe('CeSequencer', () => {
  test('orders gate suites by plan with post-run last, and tells each gate project which suites run', async () => {
    const staging = fakeProject('staging');
    const self = fakeProject('self');
    const files = [
      spec(staging, '/repo/suites/ce27-rollback.test.ts'),
      spec(staging, '/repo/suites/ce20-post-run-unchanged.test.ts'),
      spec(self, '/repo/test/unit.test.ts'),
      spec(staging, '/repo/suites/ce20-environment.test.ts'),
    ];
    const vitest = {
      config: { sequence: { shuffle: false } },
      cache: { getFileTestResults: () => undefined, getFileStats: () => undefined },
    };
    const sorted = await new CeSequencer(vitest as unknown as Vitest).sort(files);
    expect(sorted.map((file) => file.moduleId)).toEqual([
      '/repo/test/unit.test.ts',
      '/repo/suites/ce20-environment.test.ts',
      '/repo/suites/ce27-rollback.test.ts',
      '/repo/suites/ce20-post-run-unchanged.test.ts',
    ]);
    expect(staging.provided.get('gateSuiteFiles')).toEqual([
      'ce27-rollback.test.ts',
      'ce20-post-run-unchanged.test.ts',
      'ce20-environment.test.ts',
    ]);
    // Other projects are not gate runs: nothing is provided to them.
    expect(self.provided.has('gateSuiteFiles')).toBe(false);
  });
});
