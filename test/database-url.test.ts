import { describe, expect, test } from 'vitest';
import { parseDatabaseUrl, withDatabase } from '../helpers/database-url.ts';
import { GateError } from '../helpers/gate-error.ts';

describe('database URL validation', () => {
  test('parses host, port, database and user', () => {
    expect(parseDatabaseUrl('postgresql://app:pw@db.internal:6543/c2pro_staging')).toMatchObject({
      host: 'db.internal',
      port: 6543,
      database: 'c2pro_staging',
      user: 'app',
    });
  });

  test.each([
    [undefined, /No database URL was given/],
    ['', /No database URL was given/],
    ['not a url', /is not a valid database URL/],
    ['mysql://u:pw@h/db', /is not a PostgreSQL URL/],
    ['postgresql://u:pw@h:5432/', /names no database/],
  ])('rejects %s with one clear sentence', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(GateError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });

  test('never echoes the password of a URL it cannot parse', () => {
    expect(() => parseDatabaseUrl('postgresql://u:pa/ss@host/db')).not.toThrow(/pa\/ss|ss@host/);
  });

  test('never echoes the password of a rejected URL', () => {
    expect(() => parseDatabaseUrl('mysql://u:topsecret@h/db')).toThrow(/u:\*\*\*@h/);
    expect(() => parseDatabaseUrl('mysql://u:topsecret@h/db')).not.toThrow(/topsecret/);
  });

  test('points a URL at another database on the same server', () => {
    expect(withDatabase('postgresql://u:pw@h:5432/a?sslmode=disable', 'b')).toBe(
      'postgresql://u:pw@h:5432/b?sslmode=disable',
    );
  });
});
