import { GateError } from './gate-error.ts';
import { redactUrl } from './redact.ts';

/** The parts of a PostgreSQL URL the gate needs, with the URL validated up front. */
export interface ParsedDatabaseUrl {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/** Parses and validates a `postgres://` / `postgresql://` URL; a bad one is a one-sentence GateError. */
export function parseDatabaseUrl(url: string | undefined): ParsedDatabaseUrl {
  if (url === undefined || url.trim() === '') {
    throw new GateError(
      'No database URL was given: set DATABASE_URL (or pass --database-url / --env NAME with DATABASE_URL in .env.NAME).',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GateError(
      `"${redactUrl(url)}" is not a valid database URL; expected postgresql://user:password@host:5432/database.`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new GateError(
      `"${redactUrl(url)}" is not a PostgreSQL URL (scheme "${parsed.protocol}"); expected postgresql://user:password@host:5432/database.`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '') {
    throw new GateError(`"${redactUrl(url)}" names no database; add it after the host, e.g. …:5432/mydb.`);
  }
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  return {
    url,
    host: parsed.hostname === '' ? 'localhost' : parsed.hostname,
    port,
    database,
    user: decodeURIComponent(parsed.username) || 'postgres',
  };
}

/** The same URL pointing at another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
