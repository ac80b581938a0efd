import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { runGate } from '../support/run-gate.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const template = inject('templateDatabase');

/** The whole gate, every suite, as a platform engineer runs it against staging. */
const ALL_SUITES = ['suites/'];

describe('readiness verdict of the full gate (CE-28)', () => {
  test('the reference schema gets "Verdict: GO" with every required gate passing', async () => {
    await using db = await createScratchDatabase(adminUrl, { template });
    const outcome = await runGate({ databaseUrl: db.url, files: ALL_SUITES });
    expect(outcome.failed).toEqual([]);
    expect(outcome.decision).toBe('GO');
    expect(outcome.readiness).toMatch(/^Verdict: GO$/m);
    expect(outcome.readiness).toMatch(/\| Gate 3 \| Security and integrity verification \|.*\| ✅ PASS \|/);
    // Suites run in plan order and the "nothing changed" proof runs last, after every writer.
    expect(outcome.moduleOrder.at(-1)).toBe('suites/ce20-post-run-unchanged.test.ts');
    const rest = outcome.moduleOrder.slice(0, -1);
    expect(rest).toEqual([...rest].sort());
    expect(rest.length).toBeGreaterThanOrEqual(8);
  });

  test('with RLS disabled on one table the readiness report says "Verdict: NO-GO" and names the check', async () => {
    await using db = await createScratchDatabase(adminUrl, { template });
    const client = await connectClient(db.url);
    try {
      await client.query('ALTER TABLE documents DISABLE ROW LEVEL SECURITY');
    } finally {
      await client.end();
    }
    const outcome = await runGate({ databaseUrl: db.url, files: ALL_SUITES });
    expect(outcome.decision).toBe('NO-GO');
    expect(outcome.readiness).toMatch(/^Verdict: NO-GO$/m);
    expect(outcome.failed).toContain('ce23.rls.documents.enabled');
    const verdictSection = outcome.readiness.slice(0, outcome.readiness.indexOf('## Run'));
    expect(verdictSection).toContain('ce23.rls.documents.enabled');
    // Only isolation broke: every failing check is a CE-23 check about documents or the RLS count.
    expect(outcome.failed.every((id) => id.startsWith('ce23.'))).toBe(true);
  });
});
