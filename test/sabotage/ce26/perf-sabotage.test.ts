import { describe, expect, test } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { expectChecksFailed } from '../../support/run-gate.ts';
import { describeCe26Batch, runCe26Case } from './ce26-sabotage-case.ts';

const ce26Failures = (failed: readonly string[]) => failed.filter((id) => id.startsWith('ce26.'));
const LEAK_CHECK = 'ce26.perf.connection-leaks';

describe('sabotage: performance (CE-26)', () => {
  test('control: the reference schema on seeded volume fails no CE-26 check', async () => {
    const outcome = await runCe26Case('');
    expect(ce26Failures(outcome.failed)).toEqual([]);
    const ids = outcome.checks.map((check) => check.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'ce26.perf.query.projects-of-tenant',
        'ce26.perf.query.document-with-clauses',
        'ce26.perf.query.analysis-with-alerts',
        'ce26.perf.query.list.alerts',
        'ce26.perf.rls-overhead.list.alerts',
        'ce26.perf.index-usage',
        'ce26.perf.connection-leaks',
      ]),
    );
    expect(outcome.checks.filter((check) => check.status === 'passed').length).toBeGreaterThan(30);
  });

  test('clean negative: a policy function wrapped as (SELECT f()) runs once (InitPlan) and stays passing', async () => {
    const outcome = await runCe26Case('ce26/initplan-policy-function.sql');
    expect(ce26Failures(outcome.failed)).toEqual([]);
  });

  test('a tenant table without rows makes its list checks not applicable, not passed', async () => {
    const outcome = await runCe26Case('ce26/empty-tenant-table.sql');
    expect(ce26Failures(outcome.failed)).toEqual([]);
    const statusOf = (id: string) => outcome.checks.find((check) => check.id === id)?.status;
    expect(statusOf('ce26.perf.query.list.stakeholder_wbs_raci')).toBe('not-applicable');
    expect(statusOf('ce26.perf.rls-overhead.list.stakeholder_wbs_raci')).toBe('not-applicable');
    expect(statusOf('ce26.perf.query.list.alerts')).toBe('passed');
  });

  test('a policy calling a volatile function per row fails the RLS overhead of alerts', async () => {
    const outcome = await runCe26Case('ce26/volatile-policy-function.sql');
    expectChecksFailed(outcome, ['ce26.perf.rls-overhead.list.alerts', 'ce26.perf.query.list.alerts']);
    expect(outcome.readiness).toContain('ce26.perf.rls-overhead.list.alerts');
  });

  // The alerts queries (their indexes dropped) and the gate's connections (one left idle in
  // transaction): a different query and an independent property, so one gate run judges both. The
  // held connection adds no load, so it cannot push another query over its time budget. Each case's
  // "nothing else failed" is scoped to what its batch-mate breaks; the stray-failure test covers both.
  describeCe26Batch('alerts FK indexes dropped and a connection left idle in transaction, one gate run', [
    {
      name: 'the FK indexes of alerts dropped fail the alerts queries (Seq Scan of a large table)',
      sql: 'alerts-fk-indexes-dropped.sql',
      mustFail: ['ce26.perf.query.list.alerts', 'ce26.perf.query.analysis-with-alerts'],
      // The other CE-26 checks of the alerts queries (ids naming alerts).
      mayAlsoFail: [
        'ce26.perf.rls-overhead.list.alerts',
        'ce26.perf.rls-overhead.analysis-with-alerts',
        'ce26.perf.regression.list.alerts',
        'ce26.perf.regression.analysis-with-alerts',
      ],
      also: (outcome) => {
        const others = ce26Failures(outcome.failed).filter((id) => id !== LEAK_CHECK);
        expect(others.every((id) => id.includes('alerts'))).toBe(true);
      },
    },
    {
      name: 'a gate connection left idle in transaction fails ce26.perf.connection-leaks',
      during: async (url) => {
        const client = await connectClient(url, { applicationName: 'migration-gate leaky helper' });
        await client.query('BEGIN');
        await client.query('SELECT 1');
        return { [Symbol.asyncDispose]: () => client.end() };
      },
      mustFail: [LEAK_CHECK],
      also: (outcome) => {
        expect(ce26Failures(outcome.failed).filter((id) => !id.includes('alerts'))).toEqual([LEAK_CHECK]);
      },
    },
  ]);
});
