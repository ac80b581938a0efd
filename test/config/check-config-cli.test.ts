import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, test } from 'vitest';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/migration-gate.mjs');

/** Runs `migration-gate check-config` and returns its exit code and output. */
async function checkConfig(args: readonly string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, 'check-config', ...args], {
      env: { ...process.env, DATABASE_URL: '' },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('migration-gate check-config', () => {
  test('the reference config fits; a config with a typo gets one sentence per problem and exit 1', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
      prefix: 'mg_checkcfg',
    });
    const fits = await checkConfig(['--database-url', db.url]);
    expect(fits.out).toContain('gate.config.ts fits the schema with no pending migration.');
    expect(fits.code).toBe(0);
    expect(fits.out).not.toContain(decodeURIComponent(new URL(db.url).password || 'no-password-set'));

    const mistyped = path.resolve('test/sabotage/configs/mistyped-tenancy.gate.config.ts');
    const wrong = await checkConfig(['--database-url', db.url, '--config', mistyped]);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('does not fit the schema with no pending migration:');
    expect(wrong.out).toContain(
      '  - tenancy.tenantKey is "tenantid", but none of the 13 tables tenancy.tenantTables lists has that column (did you mean "tenant_id"?).',
    );
    expect(wrong.out).toContain(
      '  - tenancy.appRole is "c2pro_application", but no such role exists on the server.',
    );
    expect(wrong.out).not.toMatch(/\n\s+at /);
  });

  test('a gate.config.ts outside any "type": "module" package loads (through Vite) and is judged', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
      prefix: 'mg_checkcfg',
    });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-config-'));
    try {
      const config = path.join(dir, 'gate.config.ts');
      const helpers = path.resolve('helpers/config/gate-config.ts');
      const reference = path.resolve('gate.config.ts');
      await fs.writeFile(
        config,
        `import type { GateConfig } from ${JSON.stringify(helpers)};
         import reference from ${JSON.stringify(reference)};
         const config: GateConfig = { ...reference, migrations: { ...reference.migrations, directory: ${JSON.stringify(path.resolve('migrations'))} } };
         export default config;`,
      );
      const result = await checkConfig(['--database-url', db.url, '--config', config]);
      expect(result.out).toContain('fits the schema with no pending migration.');
      expect(result.code).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
