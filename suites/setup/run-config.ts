import path from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  CONFIG_ENV,
  loadGateConfigFile,
  resolveGateConfigPath,
} from '../../helpers/config/gate-config-file.ts';
import type { GateConfig } from '../../helpers/config/gate-config.ts';
import '../../helpers/config/provided-config.ts';

/**
 * Finds and loads the gate config for a gate project (`$MIGRATION_GATE_CONFIG`, else `gate.config.*` in
 * the working directory), applies `$MIGRATION_GATE_MIGRATIONS` (a branch's migrations; the sabotage
 * tests), and hands it to the suites and the reporter with `provide`.
 */
export async function loadRunConfig(project: TestProject): Promise<GateConfig> {
  const file = resolveGateConfigPath(process.cwd(), process.env[CONFIG_ENV]);
  const loaded = await loadGateConfigFile(file);
  const override = process.env['MIGRATION_GATE_MIGRATIONS'];
  const config =
    override === undefined || override === ''
      ? loaded
      : { ...loaded, migrations: { ...loaded.migrations, directory: path.resolve(override) } };
  project.provide('gateConfig', config);
  project.provide('gateConfigFile', file);
  return config;
}
