import { describe, expect, test } from 'vitest';
import { CE24, runSabotageCase } from './sabotage-case.ts';

const CHECK = 'ce24.fk.cross-tenant.documents_project_id_fkey';

// Nothing here shares a gate run: all three rewrite documents_project_id_fkey (one key, three
// definitions), and the two clean negatives assert that nothing failed. One run each, the rehearsal
// on the shared server (runSabotageCase).
describe('sabotage: a foreign key between tenant tables without the tenant key (CE-24)', () => {
  test(`a plain project_id key, with clean data, fails ${CHECK}`, async () => {
    const outcome = await runSabotageCase({
      sql: 'ce24/cross-tenant-plain-fk.sql',
      suites: [CE24],
      mustFail: [CHECK],
    });
    // The data is clean: only the probe sees the hole.
    expect(outcome.checks.find((c) => c.id === 'ce24.fk.same-tenant.documents_project_id_fkey')?.status).toBe(
      'passed',
    );
  });
});

describe('clean negatives: the tenant kept another way (CE-24)', () => {
  test(`a plain key guarded by a same-tenant trigger passes ${CHECK}`, async () => {
    const outcome = await runSabotageCase({
      sql: 'ce24/cross-tenant-trigger-guarded.sql',
      suites: [CE24],
      mustFail: [],
    });
    expect(outcome.checks.find((c) => c.id === CHECK)?.status).toBe('passed');
    expect(outcome.failed).toEqual([]);
  });

  test('a composite key with its columns in another order is enforced by schema (nothing to probe)', async () => {
    const outcome = await runSabotageCase({
      sql: 'ce24/cross-tenant-composite-reordered.sql',
      suites: [CE24],
      mustFail: [],
    });
    expect(outcome.checks.some((c) => c.id.startsWith('ce24.fk.cross-tenant.'))).toBe(false);
    expect(outcome.failed).toEqual([]);
  });
});
