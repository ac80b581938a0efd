import { describe, test } from 'vitest';
import { CE25, runSabotageCase } from '../ce24/sabotage-case.ts';

describe('sabotage: data integrity (CE-25)', () => {
  test('a NULL tenant key fails ce25.integrity.null-tenant-key.<table>', async () => {
    await runSabotageCase({
      sql: 'ce25/null-tenant-key.sql',
      suites: [CE25],
      mustFail: ['ce25.integrity.null-tenant-key.ai_usage_logs'],
    });
  });

  test('a timestamp a day ahead fails ce25.integrity.future-timestamps.<table>', async () => {
    await runSabotageCase({
      sql: 'ce25/future-timestamp.sql',
      suites: [CE25],
      mustFail: ['ce25.integrity.future-timestamps.tenants'],
    });
  });

  test('a tenant table without updated_at fails ce25.integrity.timestamp-columns', async () => {
    await runSabotageCase({
      sql: 'ce25/timestamp-column-dropped.sql',
      suites: [CE25],
      mustFail: ['ce25.integrity.timestamp-columns'],
    });
  });

  test('updated before created fails ce25.integrity.timestamp-order.<table>', async () => {
    await runSabotageCase({
      sql: 'ce25/timestamp-order.sql',
      suites: [CE25],
      mustFail: ['ce25.integrity.timestamp-order.tenants'],
    });
  });
});
