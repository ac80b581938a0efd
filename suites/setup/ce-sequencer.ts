import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * File names (no folder) of the gate suites this run includes, provided by {@link CeSequencer}:
     * CE-20 starts another suite's background step only when that suite is in the run. Undefined
     * under another sequencer, and every step starts.
     */
    gateSuiteFiles?: readonly string[];
  }
}

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
 * Each gate project is also told which suites the run includes (`gateSuiteFiles`): Vitest reads the
 * provided context after sorting, when it hands the files to the worker.
 */
export class CeSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const gate = files.filter((file) => GATE_PROJECTS.has(file.project.name));
    const others = files.filter((file) => !GATE_PROJECTS.has(file.project.name));
    const sortedGate = [...gate].sort((a, b) => rank(a).localeCompare(rank(b)));
    for (const project of new Set(gate.map((file) => file.project))) {
      const names = gate
        .filter((file) => file.project === project)
        .map((file) => path.basename(file.moduleId));
      project.provide('gateSuiteFiles', names);
    }
    return [...(await super.sort(others)), ...sortedGate];
  }
}
