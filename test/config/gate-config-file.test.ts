import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { loadGateConfigFile, resolveGateConfigPath } from '../../helpers/config/gate-config-file.ts';

const DEFINE = fileURLToPath(new URL('../../helpers/config/gate-config.ts', import.meta.url));
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function project(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mg-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const minimal = (directory: string): string => `import { defineGateConfig } from ${JSON.stringify(DEFINE)};
export default defineGateConfig({ schema: 'public', migrations: { directory: ${JSON.stringify(directory)} }, tenancy: { tenantKey: 'org_id' } } as never);
`;

describe('gate config file', () => {
  test('is found in the working directory, .ts before .mjs', async () => {
    const dir = await project({ 'gate.config.mjs': 'export default {}', 'gate.config.ts': minimal('db') });
    expect(resolveGateConfigPath(dir, undefined)).toBe(path.join(dir, 'gate.config.ts'));
  });

  test('an explicit path (MIGRATION_GATE_CONFIG / --config) wins and is resolved against the directory', async () => {
    const dir = await project({ 'gate.config.ts': minimal('db'), 'other/gate.config.ts': minimal('sql') });
    expect(resolveGateConfigPath(dir, 'other/gate.config.ts')).toBe(path.join(dir, 'other/gate.config.ts'));
  });

  test('none, or a missing explicit file, is one sentence naming where it looked and what to do', async () => {
    const dir = await project({});
    expect(() => resolveGateConfigPath(dir, undefined)).toThrow(
      `No gate config in ${dir}: create gate.config.ts (npx migration-gate init writes one) or point MIGRATION_GATE_CONFIG at it.`,
    );
    expect(() => resolveGateConfigPath(dir, 'nope.ts')).toThrow(
      /nope\.ts \(from MIGRATION_GATE_CONFIG or --config\) does not exist\.$/,
    );
  });

  test("loads the default export and resolves the migrations directory against the file's directory", async () => {
    const dir = await project({ 'team/gate.config.ts': minimal('../db/migrations') });
    const config = await loadGateConfigFile(path.join(dir, 'team/gate.config.ts'));
    expect(config.migrations.directory).toBe(path.join(dir, 'db/migrations'));
    expect(config.tenancy.tenantKey).toBe('org_id');
  });

  test('a file that does not export a config, or does not load, says so in one sentence', async () => {
    const dir = await project({ 'gate.config.mjs': 'export default 42;', 'broken.mjs': 'export default {' });
    await expect(loadGateConfigFile(path.join(dir, 'gate.config.mjs'))).rejects.toThrow(
      /must export default defineGateConfig\(\{ schema, migrations, tenancy, … \}\)\.$/,
    );
    await expect(loadGateConfigFile(path.join(dir, 'broken.mjs'))).rejects.toThrow(/could not be loaded: /);
  });
});
