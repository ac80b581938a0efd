/** `RunMetadata` (from the project's globalSetup) → the database section of the evidence. */
import { redactUrl } from '../helpers/redact.ts';
import type { RunMetadata } from '../helpers/run/run-metadata.ts';
import type { TargetEvidence } from './evidence-model.ts';

/** `host:port` of a connection URL, or `unknown` when it does not parse. */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host.length > 0 ? parsed.host : 'unknown';
  } catch {
    return 'unknown';
  }
}

function isRunMetadata(value: unknown): value is RunMetadata {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<RunMetadata>;
  return (
    typeof candidate.project === 'string' &&
    typeof candidate.database?.url === 'string' &&
    Array.isArray(candidate.migrations?.applied)
  );
}

/**
 * The target database as evidence; null when `metadata` is missing or malformed. The URL is redacted
 * again here, because a report is the last place a password could leak from.
 */
export function targetFromMetadata(metadata: unknown): TargetEvidence | null {
  if (!isRunMetadata(metadata)) return null;
  const url = redactUrl(metadata.database.url);
  return {
    provider: metadata.provider,
    url,
    host: hostOf(url),
    database: metadata.database.name,
    serverVersion: metadata.database.serverVersion,
    migrationVersion: metadata.migrations.version,
    migrations: metadata.migrations.applied.map((migration) => ({
      version: migration.version,
      name: migration.name,
      checksum: migration.checksum,
      appliedAt: migration.appliedAt,
      durationMs: migration.durationMs,
    })),
    startedAt: metadata.startedAt,
    backups:
      metadata.backups === undefined
        ? null
        : {
            directory: metadata.backups.directory,
            keepRuns: metadata.backups.keepRuns,
            expires: metadata.backups.expires,
            removed: [...metadata.backups.removed],
          },
  };
}
