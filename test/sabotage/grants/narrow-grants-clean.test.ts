import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { copyMigrations } from '../../support/migrations-copy.ts';
import { runGate } from '../../support/run-gate.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const MIGRATION = '006_narrow_grants';

// Clean negatives for grants narrower than the reference's (see 006_narrow_grants.up.sql): each was
// a false alarm once. One `local` run of every suite, the migration applied under the workload too.
describe('clean negatives: narrower grants stay GO (CE-22 … CE-26)', () => {
  test('tenants provisioned by an admin, an audit trail only its trigger writes, rename-only projects, a lookup table without tenant key', async () => {
    await using copy = await copyMigrations({
      [`${MIGRATION}.up.sql`]: await fs.readFile(here(`./${MIGRATION}.up.sql`), 'utf8'),
      [`${MIGRATION}.down.sql`]: await fs.readFile(here(`./${MIGRATION}.down.sql`), 'utf8'),
    });
    const outcome = await runGate({
      databaseUrl: 'postgresql://unused@127.0.0.1:1/unused',
      project: 'local',
      files: [],
      migrationsDirectory: copy.directory,
      env: { MIGRATION_GATE_CONFIG: here('../configs/narrow-grants.gate.config.ts') },
    });
    const statusOf = (id: string) => outcome.checks.find((check) => check.id === id)?.status;
    expect(outcome.failed).toEqual([]);
    expect(outcome.decision).toBe('GO');
    // The tenant row the insert probes need is created as the connecting role when the app may not.
    expect(statusOf('ce25.integrity.insert-visible.clauses')).toBe('passed');
    // The audit probe updates a column the role may update (name), not the tenant key.
    expect(statusOf('ce25.integrity.audit.projects')).toBe('passed');
    // A table the role may not read: its read is refused on privilege, it is append-only, never listed.
    expect(statusOf('ce23.rls.audit_logs.select-own-tenant')).toBe('passed');
    expect(statusOf('ce23.privileges.audit-append-only')).toBe('passed');
    expect(statusOf('ce26.perf.query.list.audit_logs')).toBe('not-applicable');
    expect(statusOf(`ce22.load.${MIGRATION}`)).toBe('passed');
    // The tenants INSERT it revokes is acknowledged; UPDATE on projects narrowed to a column is kept.
    expect(statusOf('ce23.privileges.app-access-kept')).toBe('passed');
    // No row references a country: nothing to observe a delete under, which is said, not failed.
    expect(statusOf('ce24.fk.delete-behaviour.projects_country_code_fkey')).toBe('not-applicable');
  });
});
