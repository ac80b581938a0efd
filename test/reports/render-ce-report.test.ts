import { describe, expect, test } from 'vitest';
import { renderCeReport } from '../../reports/render-ce-report.ts';
import { evaluateGates } from '../../reports/verdict.ts';
import {
  CHECKSUM,
  aCheck,
  aModel,
  aTarget,
  failingRlsCheck,
  passingChecks,
  policy,
} from './evidence-fixtures.ts';

const model = aModel({
  checks: [
    ...passingChecks(),
    failingRlsCheck,
    aCheck({
      id: 'ce23.rls.documents.select-own-tenant',
      fullName: 'documents > SELECT as own tenant sees its rows',
      measured: { rowsSeen: 12, rowsExpected: 12 },
      accessMatrix: [
        {
          table: 'documents',
          command: 'SELECT',
          context: 'own-tenant',
          outcome: 'rows: 12 of 12',
          expected: 'allowed',
          ok: true,
        },
      ],
    }),
    aCheck({ id: 'ce23.rls.audit_logs.delete', status: 'skipped', durationMs: null, skipReason: 'todo' }),
  ],
});
const report = renderCeReport('CE-23', model, evaluateGates(model, policy));

describe('renderCeReport', () => {
  test('says what was checked, against which database and when', () => {
    expect(report.startsWith('# CE-23 — RLS Policy Verification\n')).toBe(true);
    expect(report).toContain('## What was checked');
    expect(report).toContain('| Server version | PostgreSQL 15.8 on x86_64-pc-linux-gnu |');
    expect(report).toContain('| Migration version | 005 |');
    expect(report).toContain('| Host | 127.0.0.1:54329 |');
    expect(report).toContain(
      '| Connection (password redacted) | postgres://gate:***@127.0.0.1:54329/gate_local |',
    );
    expect(report).toContain(
      `| 001 | initial_schema | \`${CHECKSUM}\` | 2026-01-08T10:00:01.000Z | 120 ms |`,
    );
    expect(report).toContain('| Run started | 2026-01-08T10:00:00.000Z |');
  });

  test('lists every check of the section with its status and measured values, and only those', () => {
    expect(report).toContain(
      '**Result: ❌ FAIL** — 2 passed, 1 failed, 1 skipped, 0 not applicable (4 checks).',
    );
    expect(report).toContain(
      '| ✅ passed | `ce23.rls.documents.select-own-tenant` | documents > SELECT as own tenant sees its rows | rowsSeen: 12, rowsExpected: 12 | 3.2 ms |',
    );
    expect(report).toContain('| ❌ FAILED | `ce23.rls.documents.update-other-tenant` |');
    expect(report).not.toContain('ce20.connection.select-version');
    expect(report).toContain('| `ce23.rls.audit_logs.delete` | ce23.rls.audit_logs.delete | todo |');
  });

  test('a failure carries its reason, diff, measured values, offending rows and failing matrix cells', () => {
    const failures = report.slice(report.indexOf('## Failures'));
    expect(failures).toContain('### ❌ `ce23.rls.documents.update-other-tenant`');
    expect(failures).toContain('- Measured: rowsAffected: 3, tenant: tenant-b');
    expect(failures).toContain(
      'AssertionError: expected 3 to be +0 // Object.is equality\n\n- Expected\n+ Received',
    );
    expect(failures).toContain('Offending rows: 2.');
    expect(failures).toContain('| d-1 | tenant-b | Contract \\| annex |');
    expect(failures).toContain('| d-2 | tenant-b | line ↵ break |');
    expect(failures).toContain('- documents UPDATE as other-tenant: 3 rows affected (expected denied)');
  });

  test('carries the CE-23 access matrix and no ANSI codes', () => {
    expect(report).toContain('| documents | own-tenant | ✅ rows: 12 of 12 | — | — | — |');
    expect(report).toContain(
      '| documents | other-tenant | — | — | ❌ 3 rows affected (expected denied) | — |',
    );
    expect(report).not.toContain('\u001b[');
  });

  test('without run metadata the report says the database is unknown', () => {
    const anonymous = aModel({ target: null });
    const text = renderCeReport('CE-20', anonymous, evaluateGates(anonymous, policy));
    expect(text).toContain('the database this evidence describes is unknown');
  });

  test('metrics get a budget table with the change against the baseline', () => {
    const perf = aModel({
      checks: [
        aCheck({
          id: 'ce26.perf.query.projects-by-tenant',
          ce: 'CE-26',
          metric: { value: 11, unit: 'ms', budget: 10, baseline: 10 },
        }),
      ],
    });
    const text = renderCeReport('CE-26', perf, evaluateGates(perf, policy));
    expect(text).toContain(
      '| `ce26.perf.query.projects-by-tenant` | 11 ms | 10 ms | 10 ms | 10.0 % | OVER BUDGET |',
    );
  });
});

describe('renderCeReport: not-applicable checks', () => {
  test('are counted, listed with their reason under "Not applicable", and not shown as skipped', () => {
    const withNotApplicable = aModel({
      checks: [
        aCheck({ id: 'ce25.integrity.clause-columns', ce: 'CE-25' }),
        aCheck({
          id: 'ce25.integrity.audit.trigger',
          ce: 'CE-25',
          status: 'not-applicable',
          durationMs: null,
          skipReason: 'the config names no audit table',
        }),
      ],
    });
    const text = renderCeReport('CE-25', withNotApplicable, evaluateGates(withNotApplicable, policy));
    expect(text).toContain('1 passed, 0 failed, 0 skipped, 1 not applicable (2 checks).');
    expect(text).toContain('## Not applicable');
    expect(text).toContain('| `ce25.integrity.audit.trigger` |');
    expect(text).toContain('| the config names no audit table |');
    expect(text).toContain('| ➖ not applicable | `ce25.integrity.audit.trigger` |');
    expect(text).not.toContain('## Skipped checks');
  });
});

describe('renderCeReport: backups', () => {
  test('say where the run keeps its pg_dump files and when they go', () => {
    const withBackups = aModel({
      target: {
        ...aTarget(),
        backups: {
          directory: '/repo/backups',
          keepRuns: 1,
          expires: 'deleted when the next gate run using /repo/backups starts',
          removed: ['local_pre_migration_1.dump'],
        },
      },
    });
    const text = renderCeReport('CE-20', withBackups, evaluateGates(withBackups, policy));
    expect(text).toContain(
      '| Backups | `/repo/backups` (directory 0700, dumps 0600); deleted when the next gate run using /repo/backups starts; 1 older dump(s) removed at start |',
    );
  });
});
