import pg from 'pg';
import { GateError, errorMessage } from '../gate-error.ts';
import { parseDatabaseUrl } from './database-url.ts';
import { LOSSLESS_JSON_TYPES } from './lossless-json.ts';
import { pgErrorFields } from './pg-error.ts';
import { redactUrl } from '../redact.ts';

/** How long a connection attempt may take before the gate gives up with a clear error. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export interface ConnectOptions {
  readonly connectTimeoutMs?: number;
  /** Shown in `pg_stat_activity`, so a DBA sees who is connected. */
  readonly applicationName?: string;
  /** `statement_timeout` of every session (ms), sent at connect: a runaway query is cancelled, not waited on. */
  readonly statementTimeoutMs?: number;
}

function clientConfig(url: string, options: ConnectOptions): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    application_name: options.applicationName ?? 'migration-gate',
    // Rows read back as to_jsonb(t.*) keep bigint ids above 2^53 and long numerics exact.
    types: LOSSLESS_JSON_TYPES,
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
  };
}

/**
 * Server messages in English on this session, when the connecting role may set `lc_messages` (a
 * superuser; others keep the server's language and the guard keeps the statement from failing). Probes
 * decide refusals by SQLSTATE first; where they also read the message (which table refused), it must
 * not depend on the server's locale.
 */
export const ENGLISH_MESSAGES_SQL = `SELECT set_config('lc_messages', 'C', false)
  WHERE (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)`;

/** Connects one client, turning every connection failure into a one-sentence GateError. */
export async function connectClient(url: string, options: ConnectOptions = {}): Promise<pg.Client> {
  const target = parseDatabaseUrl(url);
  const client = new pg.Client(clientConfig(url, options));
  // A dropped connection must surface as a failed query, not an unhandled 'error' event crash.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(ENGLISH_MESSAGES_SQL);
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw explainConnectionError(error, target.url, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  }
}

/** A pool whose first connection is tried at once, so a bad URL fails here and not in the first test. */
export async function connectPool(
  url: string,
  options: ConnectOptions & { readonly max?: number } = {},
): Promise<pg.Pool> {
  const target = parseDatabaseUrl(url);
  const pool = new pg.Pool({
    ...clientConfig(url, options),
    max: options.max ?? 4,
    // Awaited by the pool before the new client is handed out: a query queued behind one still
    // running is deprecated in pg (removed in pg@9).
    onConnect: async (client) => {
      await client.query(ENGLISH_MESSAGES_SQL).catch(() => undefined);
    },
  });
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw explainConnectionError(error, target.url, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  }
}

/** Maps driver and server errors to what a person should do about them. */
export function explainConnectionError(error: unknown, url: string, timeoutMs: number): GateError {
  const target = parseDatabaseUrl(url);
  const where = `${target.host}:${target.port}`;
  const shown = redactUrl(url);
  const { code } = pgErrorFields(error);
  const message = errorMessage(error);
  let sentence: string;
  switch (code) {
    case 'ECONNREFUSED':
      sentence = `Cannot connect to PostgreSQL at ${where}: the connection was refused; check that the server is running and the host and port in ${shown} are right.`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      sentence = `Cannot connect to PostgreSQL: host "${target.host}" in ${shown} was not found; check the host name.`;
      break;
    case '28P01':
    case '28000':
      sentence = `PostgreSQL at ${where} refused user "${target.user}": ${message}; check the user and password in ${shown}.`;
      break;
    case '3D000':
      sentence = `Database "${target.database}" does not exist on ${where}; create it or fix the database name in ${shown}.`;
      break;
    default:
      sentence = /timeout/i.test(message)
        ? `Cannot connect to PostgreSQL at ${where}: no answer within ${timeoutMs} ms; check the host, port and firewall for ${shown}.`
        : `Cannot connect to PostgreSQL at ${where} (${shown}): ${message}.`;
  }
  return new GateError(sentence, { cause: error });
}
