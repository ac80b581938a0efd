import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Projects whose files are gate suites sharing one database. */
const GATE_PROJECTS = new Set(['local', 'staging']);

function rank(file: TestSpecification): string {
  const name = file.moduleId.split('/').pop() ?? '';
  return `${file.moduleId.includes('post-run') ? '1' : '0'}${name}`;
}

/**
 * Gate suites run in plan order (ce20 … ce27), one file at a time, with `*post-run*` files last:
 * those prove the run left the database as it found it, so nothing may run after them. Other
 * projects keep Vitest's default order. Vitest reads the sequencer from the root config only.
 */
export class CeSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const gate = files.filter((file) => GATE_PROJECTS.has(file.project.name));
    const others = files.filter((file) => !GATE_PROJECTS.has(file.project.name));
    const sortedGate = [...gate].sort((a, b) => rank(a).localeCompare(rank(b)));
    return [...(await super.sort(others)), ...sortedGate];
  }
}
