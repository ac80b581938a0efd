import { describe, expect, test } from 'vitest';
import { redactSecrets, redactUrl } from '../helpers/redact.ts';

describe('redaction', () => {
  test('removes the password from a connection URL and keeps the rest', () => {
    expect(redactUrl('postgresql://app:s3cr%40t@db.example:5432/c2pro')).toBe(
      'postgresql://app:***@db.example:5432/c2pro',
    );
  });

  test.each([
    ['postgresql://u:p@ss@host:5432/db', 'postgresql://u:***@host:5432/db'],
    ['postgresql://u:pa/ss@host/db', 'postgresql://u:***@host/db'],
    ['postgresql://u:p@s/s@host/db?sslmode=require', 'postgresql://u:***@host/db?sslmode=require'],
  ])('redacts an unencoded password holding @ or / (%s)', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  test('leaves a URL without a password as it is', () => {
    expect(redactUrl('postgresql://postgres@127.0.0.1:5432/db')).toBe(
      'postgresql://postgres@127.0.0.1:5432/db',
    );
  });

  test('redacts URLs, password= pairs and PGPASSWORD inside free text', () => {
    const text =
      'failed for postgres://u:hunter2@h/db (password=hunter2 host=h) with PGPASSWORD=hunter2 and ?password=hunter2&x=1';
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain('hunter2');
    expect(redacted).toContain('postgres://u:***@h/db');
    expect(redacted).toContain('x=1');
  });
});
