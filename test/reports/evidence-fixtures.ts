/** Hand-built evidence for the renderer and verdict tests: valid defaults, overridable per test. */
import gateConfig from '../../gate.config.ts';
import type { CheckEvidence, EvidenceModel, TargetEvidence } from '../../reports/evidence-model.ts';
import type { GatePolicy } from '../../reports/verdict.ts';

/**
 * The tests' own gate policy: the plan's five gates with gates 1-3 required and no mandatory checks.
 * Pinned here so the expectations do not move when a project changes `gates.required` or
 * `gates.mandatoryChecks` in gate.config.ts.
 */
export const policy: GatePolicy = {
  definitions: gateConfig.gates.definitions,
  required: ['gate1', 'gate2', 'gate3'],
  mandatoryChecks: [],
};

export const CHECKSUM = 'a3f1c9e07b2d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';

export function aTarget(overrides: Partial<TargetEvidence> = {}): TargetEvidence {
  return {
    provider: 'embedded',
    url: 'postgres://gate:***@127.0.0.1:54329/gate_local',
    host: '127.0.0.1:54329',
    database: 'gate_local',
    serverVersion: 'PostgreSQL 15.8 on x86_64-pc-linux-gnu',
    migrationVersion: '005',
    migrations: [
      {
        version: '001',
        name: 'initial_schema',
        checksum: CHECKSUM,
        appliedAt: '2026-01-08T10:00:01.000Z',
        durationMs: 120,
      },
      {
        version: '005',
        name: 'force_rls',
        checksum: CHECKSUM.replace('a3', 'b4'),
        appliedAt: '2026-01-08T10:00:02.000Z',
        durationMs: 30,
      },
    ],
    startedAt: '2026-01-08T10:00:00.000Z',
    ...overrides,
  };
}

export function aCheck(overrides: Partial<CheckEvidence> & Pick<CheckEvidence, 'id'>): CheckEvidence {
  const ce = overrides.ce === undefined ? 'CE-23' : overrides.ce;
  const gate = ce === null ? null : (policy.definitions.find((d) => d.sections.includes(ce))?.id ?? null);
  return {
    ce,
    gate,
    name: overrides.id,
    fullName: overrides.id,
    file: `suites/${ce === null ? 'other' : ce.replace('-', '').toLowerCase()}-fixture.test.ts`,
    status: 'passed',
    durationMs: 3.2,
    measured: {},
    offending: [],
    offendingTotal: 0,
    accessMatrix: [],
    metric: null,
    inventories: [],
    errors: [],
    skipReason: null,
    notes: [],
    ...overrides,
  };
}

/**
 * One passing check in each section of the required gates (CE-20 … CE-25): the GO baseline. A gate
 * passes only when every one of its sections has a passed check.
 */
export function passingChecks(): CheckEvidence[] {
  return [
    aCheck({ id: 'ce20.connection.select-version', ce: 'CE-20' }),
    aCheck({ id: 'ce21.migrations.parse', ce: 'CE-21' }),
    aCheck({
      id: 'ce22.migrations.version',
      ce: 'CE-22',
      measured: { version: '005', expected: '005', applied: 5 },
    }),
    aCheck({ id: 'ce23.rls.enabled-count', ce: 'CE-23', measured: { enabled: 14, expected: 14 } }),
    aCheck({ id: 'ce24.fk.critical.users_tenant_id_fkey', ce: 'CE-24' }),
    aCheck({ id: 'ce25.integrity.clause-columns', ce: 'CE-25' }),
  ];
}

export function aModel(overrides: Partial<EvidenceModel> = {}): EvidenceModel {
  return {
    runId: '20260108T100000000Z-local-abc123',
    project: 'local',
    generatedAt: '2026-01-08T10:05:00.000Z',
    vitestVersion: '4.1.12',
    target: aTarget(),
    run: { reason: 'passed', failedElsewhere: 0, unhandledErrors: [] },
    checks: passingChecks(),
    ...overrides,
  };
}

export const failingRlsCheck: CheckEvidence = aCheck({
  id: 'ce23.rls.documents.update-other-tenant',
  ce: 'CE-23',
  name: "UPDATE of another tenant's row affects 0 rows",
  fullName: "documents > UPDATE of another tenant's row affects 0 rows",
  status: 'failed',
  measured: { rowsAffected: 3, tenant: 'tenant-b' },
  offending: [
    { id: 'd-1', tenant_id: 'tenant-b', title: 'Contract | annex' },
    { id: 'd-2', tenant_id: 'tenant-b', title: 'line\nbreak' },
  ],
  offendingTotal: 2,
  accessMatrix: [
    {
      table: 'documents',
      command: 'UPDATE',
      context: 'other-tenant',
      outcome: '3 rows affected',
      expected: 'denied',
      ok: false,
    },
  ],
  errors: [
    {
      name: 'AssertionError',
      message: 'expected 3 to be +0 // Object.is equality',
      diff: '- Expected\n+ Received\n\n- 0\n+ 3',
      stack: 'at <anonymous> (suites/ce23-rls.test.ts:42:7)',
    },
  ],
});
