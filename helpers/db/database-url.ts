import { GateError } from '../gate-error.ts';
import { redactUrl } from '../redact.ts';

/** The parts of a PostgreSQL URL the gate needs, with the URL validated up front. */
export interface ParsedDatabaseUrl {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** From the URL's `connect_timeout` (seconds, as libpq reads it); undefined when absent or 0 (wait forever is not offered). */
  readonly connectTimeoutMs: number | undefined;
}

/**
 * A password holding an unencoded `/`, `?` or `#` ends the URL's authority early, so the URL either
 * fails to parse or parses into the wrong host and database. Detected on the raw text, so the message
 * can say so without echoing any part of the password.
 */
function refuseUnencodedPassword(url: string): void {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (scheme === null) return;
  const rest = url.slice(scheme[0].length);
  // The user:password part ends at the first "@" that is followed by a host (and optional port, path, query).
  const hostAndRest = /^[A-Za-z0-9.\-_[\]:%,]+(?:\/[^/?#]*)?(?:[?#].*)?$/s;
  for (let at = rest.indexOf('@'); at >= 0; at = rest.indexOf('@', at + 1)) {
    if (!hostAndRest.test(rest.slice(at + 1))) continue;
    if (/[/?#]/.test(rest.slice(0, at))) {
      throw new GateError(
        'The user:password part of the database URL holds an unencoded "/", "?" or "#", which ends it early; percent-encode those characters in the password (/ as %2F, ? as %3F, # as %23, @ as %40) and retry.',
      );
    }
    return;
  }
}

function connectTimeoutOf(parsed: URL): number | undefined {
  const value = parsed.searchParams.get('connect_timeout');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new GateError(`connect_timeout=${value} in the database URL is not a whole number of seconds.`);
  }
  // libpq: 0 waits forever, and anything below 2 s counts as 2 s.
  return seconds === 0 ? undefined : Math.max(2, seconds) * 1000;
}

/** Parses and validates a `postgres://` / `postgresql://` URL; a bad one is a one-sentence GateError. */
export function parseDatabaseUrl(url: string | undefined): ParsedDatabaseUrl {
  if (url === undefined || url.trim() === '') {
    throw new GateError(
      'No database URL was given: set DATABASE_URL (or pass --database-url / --env NAME with DATABASE_URL in .env.NAME).',
    );
  }
  refuseUnencodedPassword(url);
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
    connectTimeoutMs: connectTimeoutOf(parsed),
  };
}

/** The same URL pointing at another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
