import { describe, expect, test } from 'vitest';
import { clientEnvironment } from '../helpers/database-backup.ts';

describe('environment for pg_dump / pg_restore', () => {
  test('carries host, port, user, password and database, and TLS settings from the URL query', () => {
    const env = clientEnvironment(
      'postgresql://app:s%40cret@db.internal:6543/c2pro?sslmode=verify-full&sslrootcert=/etc/ca.pem&application_name=gate',
    );
    expect(env).toMatchObject({
      PGHOST: 'db.internal',
      PGPORT: '6543',
      PGUSER: 'app',
      PGPASSWORD: 's@cret',
      PGDATABASE: 'c2pro',
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: '/etc/ca.pem',
      PGAPPNAME: 'gate',
    });
  });

  test('a socket directory given as ?host= wins over the URL host', () => {
    expect(clientEnvironment('postgresql://postgres@localhost/db?host=/var/run/postgresql').PGHOST).toBe(
      '/var/run/postgresql',
    );
  });
});
