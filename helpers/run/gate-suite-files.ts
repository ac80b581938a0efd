import path from 'node:path';
import type {} from 'vitest';
import type { TestSpecification } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * File names (no folder) of the gate suites this run includes, provided by the gate reporter when
     * the run starts, before the project's global setup: a step that only one suite judges (the CE-26
     * baseline, CE-22 under load, CE-27's cycle) is skipped when that suite is not in the run.
     * Undefined without the gate reporter: then every step runs.
     */
    gateSuiteFiles?: readonly string[];
  }
}

/** Tells each gate project which of its suite files the run includes (see `gateSuiteFiles`). */
export function provideGateSuiteFiles(
  specifications: readonly TestSpecification[],
  isGateProject: (name: string) => boolean,
): void {
  const byProject = new Map<TestSpecification['project'], string[]>();
  for (const specification of specifications) {
    if (!isGateProject(specification.project.name)) continue;
    const files = byProject.get(specification.project) ?? [];
    files.push(path.basename(specification.moduleId));
    byProject.set(specification.project, files);
  }
  for (const [project, files] of byProject) project.provide('gateSuiteFiles', files);
}

/**
 * Whether the suite `stem` (its file name without extensions, e.g. `ce27-rollback`) is among `files`;
 * true when the list is unknown, so a step its suite needs is never left out.
 */
export function suiteInList(files: readonly string[] | undefined, stem: string): boolean {
  return files === undefined || files.some((file) => file.startsWith(`${stem}.`));
}
