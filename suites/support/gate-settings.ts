import path from 'node:path';
import gateConfig from '../../gate.config.ts';
import type { GateConfig } from '../../helpers/gate-config.ts';

/**
 * The configuration the suites verify against: `gate.config.ts`, with the migrations directory
 * overridable by MIGRATION_GATE_MIGRATIONS (used to gate a branch's migrations, and by the
 * sabotage tests).
 */
export function gateSettings(): GateConfig {
  const directory = process.env['MIGRATION_GATE_MIGRATIONS'];
  return directory === undefined
    ? gateConfig
    : { ...gateConfig, migrations: { ...gateConfig.migrations, directory } };
}

export function migrationsDirectory(): string {
  return path.resolve(gateSettings().migrations.directory);
}

/** Where pg_dump backups go: `backups/` unless MIGRATION_GATE_BACKUP_DIR says otherwise. */
export function backupDirectory(): string {
  return path.resolve(process.env['MIGRATION_GATE_BACKUP_DIR'] ?? 'backups');
}
