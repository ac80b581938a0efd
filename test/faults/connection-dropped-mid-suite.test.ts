import { expect, inject, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { runGate } from '../support/run-gate.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

/**
 * A connection that drops in the middle of a suite: every statement the application role runs on
 * `documents` kills its own session (a policy calling pg_terminate_backend on itself). The checks that
 * hit it must fail with the reason, the others go on, and the run still writes its reports and says
 * NO-GO.
 */
const DROP_CONNECTION = `
CREATE FUNCTION public.mg_fault_drop_connection() RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  PERFORM pg_terminate_backend(pg_backend_pid());
  RETURN true;
END
$$;
GRANT EXECUTE ON FUNCTION public.mg_fault_drop_connection() TO c2pro_app;
CREATE POLICY mg_fault_drop ON public.documents AS RESTRICTIVE TO c2pro_app
  USING (public.mg_fault_drop_connection());
`;

test('a connection dropped mid-suite fails the checks it hit with a clear reason; the run still reports NO-GO', async () => {
  await using db = await createScratchDatabase(inject('adminUrl'), {
    template: inject('templateDatabase'),
    prefix: 'mg_fault',
  });
  const client = await connectClient(db.url);
  try {
    await client.query(DROP_CONNECTION);
  } finally {
    await client.end();
  }
  const outcome = await runGate({ databaseUrl: db.url, files: ['suites/ce23-rls-behaviour.test.ts'] });
  expect(outcome.decision).toBe('NO-GO');
  const documents = outcome.failed.filter((id) => id.startsWith('ce23.rls.documents.'));
  expect(documents.length, 'checks on documents failed').toBeGreaterThan(0);
  // The other tables were judged normally: the suite went on after the dropped connections.
  expect(outcome.checks.find((check) => check.id === 'ce23.rls.clauses.select-other-tenant')?.status).toBe(
    'passed',
  );
  const documentErrors = outcome.checks
    .filter((check) => documents.includes(check.id))
    .flatMap((check) => check.errors ?? [])
    .map((error) => error.message)
    .join('\n');
  expect(documentErrors).toMatch(/terminat|Connection/i);
  expect(outcome.readiness).toMatch(/^Verdict: NO-GO$/m);
  const reasons = outcome.reasons.join('\n');
  expect(reasons).toContain('ce23.rls.documents.');
});
