import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, inject, test } from 'vitest';
import { createInitProject } from './init-project.ts';
import { TEXT_KEY_JSON_CLAIM } from './init-schemas.ts';

const adminUrl = inject('adminUrl');
const bin = path.resolve(import.meta.dirname, '../../bin/migration-gate.mjs');

function cli(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('npx migration-gate init --database-url writes the files in the working directory, then refuses to overwrite them (exit 1)', async () => {
  await using project = await createInitProject(adminUrl, 'migrations', TEXT_KEY_JSON_CLAIM);
  const password = decodeURIComponent(new URL(project.database.url).password);

  const first = await cli(['init', '--database-url', project.database.url], project.root);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('migrations: 1 dbmate migration(s) in migrations');
  expect(first.stdout).toContain('wrote gate.config.ts');
  expect(first.stdout).toContain('wrote .github/workflows/migration-gate.yml');
  if (password !== '') expect(first.stdout).not.toContain(password);
  expect(await project.readFile('gate.config.ts')).toContain("tenantKey: 'org_id',");

  const second = await cli(['init', '--database-url', project.database.url], project.root);
  expect(second.code).toBe(1);
  expect(second.stderr.trim()).toBe(
    `migration-gate: init would overwrite gate.config.ts, vitest.config.ts, .env.staging.example, .github/workflows/migration-gate.yml in ${project.root}; pass --force to replace them.`,
  );

  const forced = await cli(['init', '--database-url', project.database.url, '--force'], project.root);
  expect(forced.code).toBe(0);
});
