/** The "which database, when" section shared by every report. */
import type { EvidenceModel } from './evidence-model.ts';
import { document, formatDuration, inlineCode, table } from './markdown.ts';

/** Run and database facts as a two-column table, then the applied migrations with their checksums. */
export function renderTarget(model: EvidenceModel): string {
  const { target } = model;
  const runRows: (readonly string[])[] = [
    ['Run id', model.runId],
    ['Vitest project', model.project],
    ['Report generated', model.generatedAt],
  ];
  if (target === null) {
    return document([
      table(['Field', 'Value'], runRows),
      "> ⚠️ No run metadata was provided by the project's globalSetup: the database this evidence describes is unknown.",
    ]);
  }
  const rows: (readonly string[])[] = [
    ...runRows,
    ['Run started', target.startedAt],
    ['Provider', target.provider],
    ['Host', target.host],
    ['Database', target.database],
    ['Connection (password redacted)', target.url],
    ['Server version', target.serverVersion],
    ['Migration version', target.migrationVersion ?? 'none (no version table)'],
    ...(target.backups === undefined || target.backups === null
      ? []
      : [
          [
            'Backups',
            `${inlineCode(target.backups.directory)} (directory 0700, dumps 0600); ${target.backups.expires}; ${target.backups.removed.length} older dump(s) removed at start`,
          ],
        ]),
  ];
  const migrations =
    target.migrations.length === 0
      ? '_No applied migrations were recorded._'
      : table(
          ['Version', 'Name', 'Checksum (SHA-256)', 'Applied at', 'Duration'],
          target.migrations.map((migration) => [
            migration.version,
            migration.name,
            inlineCode(migration.checksum),
            migration.appliedAt,
            formatDuration(migration.durationMs),
          ]),
        );
  return document([table(['Field', 'Value'], rows), '### Migrations applied', migrations]).trimEnd();
}
