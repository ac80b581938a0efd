/**
 * The migration file layouts the gate reads, recognised by file name:
 * - `numbered`: `003_name.up.sql` + `003_name.down.sql` (also golang-migrate's `000003_name.up.sql`);
 * - `dbmate`: one `20240101120000_name.sql` with `-- migrate:up` and `-- migrate:down` sections;
 * - `flyway`: `V3__name.sql` / `V1.1__name.sql`, with the undo script `U3__name.sql`;
 * - `prisma`: a folder per migration, `20240101120000_name/migration.sql`, with an optional
 *   `down.sql` beside it (Prisma writes none; its docs generate one with `migrate diff`).
 */
export const MIGRATION_FORMATS = ['numbered', 'dbmate', 'flyway', 'prisma'] as const;
export type MigrationFormat = (typeof MIGRATION_FORMATS)[number];

/** What a file name says about the migration it belongs to. */
export interface ParsedFileName {
  readonly format: MigrationFormat;
  readonly version: string;
  /** The migration's name as history records it: `003_foreign_keys`, `V1.1__add_x`. */
  readonly name: string;
  /** `both` for a dbmate file, which holds the up and the down section. */
  readonly role: 'up' | 'down' | 'both';
}

const NUMBERED = /^(\d+)_([A-Za-z0-9_-]+)\.(up|down)\.sql$/;
const DBMATE = /^(\d+)_([A-Za-z0-9_-]+)\.sql$/;
const FLYWAY = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/;

/** How each format names its files, for error messages. */
export const FORMAT_EXAMPLES: Readonly<Record<MigrationFormat, string>> = {
  numbered: 'NNN_name.up.sql / NNN_name.down.sql',
  dbmate: 'YYYYMMDDHHMMSS_name.sql with -- migrate:up / -- migrate:down',
  flyway: 'V1__name.sql / U1__name.sql',
  prisma: 'YYYYMMDDHHMMSS_name/migration.sql (and down.sql)',
};

/** A Prisma migration folder: `20240101120000_init`. */
const PRISMA_FOLDER = /^(\d+)_([A-Za-z0-9_-]+)$/;

/** The version and name of a Prisma migration folder, or undefined when the name is not one. */
export function parsePrismaFolder(folder: string): { readonly version: string; readonly name: string } | undefined {
  const match = PRISMA_FOLDER.exec(folder);
  return match === null ? undefined : { version: match[1] ?? '', name: folder };
}

/** Parses a `.sql` file name; undefined when it follows none of the formats. */
export function parseFileName(file: string): ParsedFileName | undefined {
  const numbered = NUMBERED.exec(file);
  if (numbered !== null) {
    const [, version = '', label = '', direction] = numbered;
    return { format: 'numbered', version, name: `${version}_${label}`, role: direction === 'up' ? 'up' : 'down' };
  }
  const dbmate = DBMATE.exec(file);
  if (dbmate !== null) {
    const [, version = '', label = ''] = dbmate;
    return { format: 'dbmate', version, name: `${version}_${label}`, role: 'both' };
  }
  const flyway = FLYWAY.exec(file);
  if (flyway !== null) {
    const [, prefix, written = '', description = ''] = flyway;
    // Flyway reads `V1_1` as version 1.1.
    const version = written.replace(/_/g, '.');
    return { format: 'flyway', version, name: `V${written}__${description}`, role: prefix === 'V' ? 'up' : 'down' };
  }
  return undefined;
}

/** The up and down sections of a dbmate file, each the length of the file so lines keep their numbers. */
export interface DbmateSections {
  readonly up: string | undefined;
  readonly down: string | undefined;
}

const UP_MARKER = /^--\s*migrate:up\b/;
const DOWN_MARKER = /^--\s*migrate:down\b/;

/**
 * Splits a dbmate file at its `-- migrate:up` / `-- migrate:down` lines. Lines outside a section
 * become empty lines, so an error's line number is the line in the file. A section that appears twice
 * is reported as `duplicate`.
 */
export function splitDbmateSections(text: string): DbmateSections | { readonly duplicate: 'up' | 'down' } {
  const lines = text.split('\n');
  const up: string[] = [];
  const down: string[] = [];
  let current: 'up' | 'down' | undefined;
  let seenUp = false;
  let seenDown = false;
  for (const line of lines) {
    if (UP_MARKER.test(line)) {
      if (seenUp) return { duplicate: 'up' };
      seenUp = true;
      current = 'up';
      up.push('');
      down.push('');
      continue;
    }
    if (DOWN_MARKER.test(line)) {
      if (seenDown) return { duplicate: 'down' };
      seenDown = true;
      current = 'down';
      up.push('');
      down.push('');
      continue;
    }
    up.push(current === 'up' ? line : '');
    down.push(current === 'down' ? line : '');
  }
  return { up: seenUp ? up.join('\n') : undefined, down: seenDown ? down.join('\n') : undefined };
}
