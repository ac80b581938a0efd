import type { TestProject } from 'vitest/node';
import type { BackupRetentionRecord } from './run-metadata.ts';
import './run-metadata.ts';

/**
 * Adds where the run's backups are and when they go to the run metadata globalSetup already
 * provided, so the suites and the reporter read it with the rest of the run's facts.
 */
export function provideBackupRetention(project: TestProject, backups: BackupRetentionRecord): void {
  const metadata = project.getProvidedContext().runMetadata;
  project.provide('runMetadata', { ...metadata, backups });
}
