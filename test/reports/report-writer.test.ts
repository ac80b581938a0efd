import { mkdtemp, readFile, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { REPORT_DIR_ENV } from '../../reports/report-files.ts';
import { createRunId, resolveReportBase, writeReportSet } from '../../reports/report-writer.ts';

let base = '';
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'mg-writer-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('createRunId', () => {
  test('sorts by time and names the project', () => {
    const earlier = createRunId('local', new Date('2026-01-08T09:59:59.999Z'), 'ffffff');
    const later = createRunId('local', new Date('2026-01-08T10:00:00.000Z'), '000000');
    expect(earlier).toBe('20260108T095959999Z-local-ffffff');
    expect([later, earlier].sort()).toEqual([earlier, later]);
    expect(createRunId('Staging EU')).toMatch(/^\d{8}T\d{9}Z-staging-eu-[0-9a-f]{6}$/);
  });
});

describe('resolveReportBase', () => {
  test('the option wins over the environment, which wins over reports/out', () => {
    expect(resolveReportBase('/repo', '/explicit', { [REPORT_DIR_ENV]: '/from-env' })).toBe('/explicit');
    expect(resolveReportBase('/repo', undefined, { [REPORT_DIR_ENV]: 'nested/out' })).toBe(
      '/repo/nested/out',
    );
    expect(resolveReportBase('/repo', undefined, {})).toBe('/repo/reports/out');
  });
});

describe('writeReportSet', () => {
  test('keeps earlier runs and points latest at the newest', async () => {
    const first = await writeReportSet(base, 'run-1', [{ name: 'a.md', content: 'first\n' }]);
    const second = await writeReportSet(base, 'run-2', [{ name: 'a.md', content: 'second\n' }]);
    expect(first.files).toEqual([join(base, 'run-1', 'a.md')]);
    expect((await readdir(base)).sort()).toEqual(['latest', 'run-1', 'run-2']);
    expect(await readFile(join(base, 'run-1', 'a.md'), 'utf8')).toBe('first\n');
    expect(await readFile(join(base, 'latest', 'a.md'), 'utf8')).toBe('second\n');
    expect(await realpath(join(base, 'latest'))).toBe(await realpath(second.directory));
  });

  test('throws when the base directory cannot be created', async () => {
    const { writeFile } = await import('node:fs/promises');
    const blocker = join(base, 'not-a-directory');
    await writeFile(blocker, 'x');
    await expect(writeReportSet(blocker, 'run-1', [{ name: 'a.md', content: '' }])).rejects.toThrow(
      /EEXIST|ENOTDIR/,
    );
  });
});
