/** Password redaction for every string that may reach a log line, an error or a report. */

const REDACTED = '***';

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; also `?password=` query values. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

/**
 * Redacts passwords anywhere in free text: credentials inside URLs, `password=…` key/value pairs
 * (libpq keyword strings and query strings) and `PGPASSWORD=…` assignments.
 */
export function redactSecrets(text: string): string {
  return (
    text
      // The password runs to the LAST `@` of the URL: it may itself hold `@` or `/` (unencoded).
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)(\S*)(@[^@\s]*)/gi, `$1${REDACTED}$3`)
      .replace(/(\bpassword\s*=\s*)('[^']*'|"[^"]*"|[^&\s]+)/gi, `$1${REDACTED}`)
      .replace(/(\bPGPASSWORD\s*=\s*)(\S+)/g, `$1${REDACTED}`)
  );
}
