import { describe, expect, test } from 'vitest';
import { runSabotageCase } from '../ce24/sabotage-case.ts';

const TENANT_KEY_INDEX = 'invariants/tenant-key-index.test.ts';
const VIEWS = 'invariants/views-cross-tenant.test.ts';

function statusOf(checks: readonly { readonly id: string; readonly status: string }[], id: string) {
  return checks.find((check) => check.id === id)?.status;
}

describe("sabotage: this repository's invariants", () => {
  test('a tenant table without an index led by the tenant key fails invariant.tenant-key-index', async () => {
    const outcome = await runSabotageCase({
      sql: 'invariants/tenant-key-index-dropped.sql',
      suites: [TENANT_KEY_INDEX],
      mustFail: ['invariant.tenant-key-index'],
    });
    expect(outcome.readiness).toContain('## Invariants');
    expect(JSON.stringify(outcome.checks)).toContain('stakeholders');
  });

  test('a view that bypasses RLS fails invariant.views.cross-tenant', async () => {
    await runSabotageCase({
      sql: 'invariants/leaky-view.sql',
      suites: [VIEWS],
      mustFail: ['invariant.views.cross-tenant'],
    });
  });
});

describe('clean negatives: the invariants pass on correct schemas', () => {
  test('reference schema: the index invariant passes; without views the view invariant is not applicable', async () => {
    const outcome = await runSabotageCase({ sql: '', suites: [TENANT_KEY_INDEX, VIEWS], mustFail: [] });
    expect(outcome.failed).toEqual([]);
    expect(statusOf(outcome.checks, 'invariant.tenant-key-index')).toBe('passed');
    expect(statusOf(outcome.checks, 'invariant.views.cross-tenant')).toBe('not-applicable');
  });

  test('a tenant-led composite primary key and a security_invoker view pass', async () => {
    const outcome = await runSabotageCase({
      sql: 'invariants/clean-invariants.sql',
      suites: [TENANT_KEY_INDEX, VIEWS],
      mustFail: [],
    });
    expect(outcome.failed).toEqual([]);
    expect(statusOf(outcome.checks, 'invariant.tenant-key-index')).toBe('passed');
    expect(statusOf(outcome.checks, 'invariant.views.cross-tenant')).toBe('passed');
  });
});
