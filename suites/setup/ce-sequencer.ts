import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Gate suites run in plan order (ce20 … ce27), one file at a time, with `*post-run*` files last:
 * those prove the run left the database as it found it, so nothing may run after them.
 */
export class CeSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): string =>
      `${file.moduleId.includes('post-run') ? '1' : '0'}${file.moduleId.split('/').pop() ?? ''}`;
    return [...files].sort((a, b) => rank(a).localeCompare(rank(b)));
  }
}
