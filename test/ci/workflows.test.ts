import fs from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { junitReporters } from '../../reports/junit-reporter.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

interface Step {
  readonly run?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly with?: Readonly<Record<string, unknown>>;
}
interface Workflow {
  readonly on: { readonly pull_request?: { readonly paths?: readonly string[] } };
  readonly jobs: Readonly<
    Record<string, { readonly env?: Readonly<Record<string, string>>; readonly steps: readonly Step[] }>
  >;
}

describe.each(fs.readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file)))('workflow %s', (file) => {
  const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');

  test('is valid against the GitHub Actions workflow schema', () => {
    const errors = validateWorkflow(text).errors.map(
      (error) => `${'path' in error ? error.path : ''} ${error.title}`,
    );
    expect(errors).toEqual([]);
  });

  test('gates migration PRs: npm ci, the local gate, reports uploaded even on NO-GO, JUnit XML', () => {
    const workflow = parse(text) as Workflow;
    expect(workflow.on.pull_request?.paths).toContain('migrations/**');
    const local = workflow.jobs['local'];
    const runs = local?.steps.flatMap((step) => step.run ?? []) ?? [];
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npx vitest run --project local');
    const upload = local?.steps.find((step) => step.uses?.startsWith('actions/upload-artifact') === true);
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.['path']).toBe('reports/out/');
    expect(local?.env?.['MIGRATION_GATE_JUNIT']).toMatch(/\.xml$/);
  });

  test('the staging job runs only with a database secret', () => {
    const staging = (parse(text) as Workflow).jobs['staging'];
    expect(staging?.env?.['DATABASE_URL']).toBe('${{ secrets.STAGING_DATABASE_URL }}');
    const gate = staging?.steps.find((step) => step.run === 'npx vitest run --project staging');
    expect(gate?.if).toBe("env.DATABASE_URL != ''");
  });
});

describe('the schema validation can fail', () => {
  test('a job without runs-on is refused', () => {
    expect(
      validateWorkflow('on: push\njobs:\n  a:\n    steps:\n      - run: echo\n').errors.length,
    ).toBeGreaterThan(0);
  });
});

describe('JUnit XML', () => {
  test('MIGRATION_GATE_JUNIT adds Vitest’s JUnit reporter writing there; unset adds nothing', () => {
    expect(junitReporters({ MIGRATION_GATE_JUNIT: 'reports/out/junit.xml' })).toEqual([
      ['junit', { outputFile: 'reports/out/junit.xml' }],
    ]);
    expect(junitReporters({})).toEqual([]);
  });
});
