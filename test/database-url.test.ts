import { describe, expect, test } from 'vitest';
import { parseDatabaseUrl, withDatabase } from '../helpers/db/database-url.ts';
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

  test('reads connect_timeout (seconds, libpq rules) from the URL', () => {
    expect(parseDatabaseUrl('postgresql://u@h/db?connect_timeout=7').connectTimeoutMs).toBe(7000);
    expect(parseDatabaseUrl('postgresql://u@h/db?connect_timeout=1').connectTimeoutMs).toBe(2000);
    expect(parseDatabaseUrl('postgresql://u@h/db?connect_timeout=0').connectTimeoutMs).toBeUndefined();
    expect(parseDatabaseUrl('postgresql://u@h/db').connectTimeoutMs).toBeUndefined();
    expect(() => parseDatabaseUrl('postgresql://u@h/db?connect_timeout=soon')).toThrow(
      /connect_timeout=soon in the database URL is not a whole number of seconds/,
    );
  });

  test('a password with an unencoded @ still parses, up to the last @', () => {
    expect(parseDatabaseUrl('postgresql://app:p@ss@db.internal:6543/c2pro')).toMatchObject({
      host: 'db.internal',
      port: 6543,
      database: 'c2pro',
      user: 'app',
    });
    // An @ in the query string is not a password problem.
    expect(parseDatabaseUrl('postgresql://u:pw@h/db?options=-c%20x%3Dy@z').database).toBe('db');
  });

  test.each([
    'postgresql://u:zq9/xk7@host:5432/db',
    'postgresql://u:47/xk7@host/db',
    'postgresql://u:zq9?xk7@host/db',
    'postgresql://u:zq9#xk7@host/db',
    'postgresql://u:zq9@xk/7@host/db',
  ])('a password with an unencoded / ? or # (%s) is refused without showing any of it', (url) => {
    let message = '';
    try {
      parseDatabaseUrl(url);
    } catch (error) {
      expect(error).toBeInstanceOf(GateError);
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toMatch(/percent-encode/);
    expect(message).not.toMatch(/zq9|xk|47/);
  });
});
