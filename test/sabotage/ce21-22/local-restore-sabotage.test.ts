import { describe, expect, test } from 'vitest';
import { expectChecksFailed, runGate } from '../../support/run-gate.ts';

// `local` restores the backup in its setup, beside the seeding (restoreInSetup), and CE-21's mirror
// clones that restore: a restore the setup could not make fails the mirror with its reason, in a
// `local` run as in a staging one. The clean case is every GO `local` run, whose mirror passes on the
// setup's restore.
describe('sabotage: the backup restore `local` makes in its setup (CE-21)', () => {
  test('a rehearsal server that does not answer fails ce21.mirror, naming the restore, and nothing else', async () => {
    const outcome = await runGate({
      databaseUrl: 'postgresql://unused@127.0.0.1:1/unused',
      project: 'local',
      files: ['suites/ce21-migration-validation.test.ts'],
      rehearsalUrl: 'postgresql://postgres@127.0.0.1:1/postgres',
    });
    expectChecksFailed(outcome, ['ce21.mirror']);
    expect(outcome.failed).toEqual(['ce21.mirror']);
    const mirror = outcome.checks.find((check) => check.id === 'ce21.mirror');
    expect(mirror?.errors?.[0]?.message).toMatch(
      /restore of the backup failed: the rehearsal server did not start/,
    );
  });
});
