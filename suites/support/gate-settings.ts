import path from 'node:path';
import { inject } from 'vitest';
import type { GateConfig } from '../../helpers/config/gate-config.ts';
import '../setup/run-config.ts';

/**
 * The configuration the suites verify against, as the project's globalSetup loaded it (see
 * `suites/setup/run-config.ts`): the team's `gate.config.ts`, paths resolved, the migrations directory
 * overridden by MIGRATION_GATE_MIGRATIONS when set.
 */
export function gateSettings(): GateConfig {
  return inject('gateConfig');
}

export function migrationsDirectory(): string {
  return gateSettings().migrations.directory;
}

/** Where pg_dump backups go: `backups/` unless MIGRATION_GATE_BACKUP_DIR says otherwise. */
export function backupDirectory(): string {
  return path.resolve(process.env['MIGRATION_GATE_BACKUP_DIR'] ?? 'backups');
}
