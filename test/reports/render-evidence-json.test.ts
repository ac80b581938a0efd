import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { EVIDENCE_SCHEMA_VERSION } from '../../reports/evidence-model.ts';
import { EVIDENCE_SCHEMA_ID, renderEvidenceJson } from '../../reports/render-evidence-json.ts';
import { evaluateGates } from '../../reports/verdict.ts';
import { aCheck, aModel, failingRlsCheck, passingChecks, policy } from './evidence-fixtures.ts';
import { evidenceValidator, schemaPath } from './evidence-validator.ts';

const { validate, errorsText } = evidenceValidator();

function documentFor(model = aModel(), gates = policy): Record<string, unknown> {
  return JSON.parse(renderEvidenceJson(model, evaluateGates(model, gates))) as Record<string, unknown>;
}

describe('evidence.json', () => {
  test('the schema file declares the version and id the renderer writes', () => {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toBe(EVIDENCE_SCHEMA_ID);
    expect(JSON.stringify(schema['properties'])).toContain(
      `"schemaVersion":{"const":"${EVIDENCE_SCHEMA_VERSION}"}`,
    );
  });

  test('GO and NO-GO documents with every kind of check validate against the schema', () => {
    const go = documentFor();
    const noGo = documentFor(
      aModel({
        target: null,
        run: { reason: 'failed', failedElsewhere: 1, unhandledErrors: [{ name: 'Error', message: 'boom' }] },
        checks: [
          ...passingChecks(),
          failingRlsCheck,
          aCheck({
            id: 'other.helper-test',
            ce: null,
            status: 'skipped',
            durationMs: null,
            skipReason: 'todo',
          }),
          aCheck({ id: 'ce26.perf.query.a', ce: 'CE-26', metric: { value: 3, unit: 'ms', budget: 10 } }),
          aCheck({
            id: 'ce24.fk.count',
            ce: 'CE-24',
            measured: { count: 2 },
            inventories: [
              {
                title: 'Foreign keys',
                columns: ['constraint', 'validated', 'on delete'],
                rows: [
                  { constraint: 'documents_project_id_fkey', validated: 'yes', 'on delete': 'CASCADE' },
                  { constraint: 'alerts_analysis_id_fkey', validated: 'NOT VALID' },
                ],
                total: 2,
              },
            ],
          }),
        ],
      }),
    );
    expect(validate(go), errorsText()).toBe(true);
    expect(validate(noGo), errorsText()).toBe(true);
    expect(noGo['verdict']).toMatchObject({ decision: 'NO-GO' });
    expect(noGo['summary']).toEqual({ passed: 8, failed: 1, skipped: 1, notApplicable: 0, total: 10 });
    expect((noGo['checks'] as { inventories: unknown[] }[]).at(-1)?.inventories).toHaveLength(1);
  });

  test('every check carries id, CE section, gate, status, duration, measured values and errors', () => {
    const document = documentFor(aModel({ checks: [failingRlsCheck] }));
    expect(document['checks']).toEqual([
      expect.objectContaining({
        id: 'ce23.rls.documents.update-other-tenant',
        ce: 'CE-23',
        gate: 'gate3',
        status: 'failed',
        durationMs: 3.2,
        measured: { rowsAffected: 3, tenant: 'tenant-b' },
        errors: [expect.objectContaining({ name: 'AssertionError' })],
      }),
    ]);
    expect(document).toMatchObject({
      schemaVersion: '1.3.0',
      runId: '20260108T100000000Z-local-abc123',
      target: { serverVersion: 'PostgreSQL 15.8 on x86_64-pc-linux-gnu', migrationVersion: '005' },
    });
  });

  test('gates name their sections not run, and mandatory checks carry their status', () => {
    const checks = passingChecks().filter((check) => check.ce !== 'CE-23' && check.ce !== 'CE-25');
    const document = documentFor(aModel({ checks }), {
      ...policy,
      mandatoryChecks: ['ce22.migrations.version', 'ce20.post-run.unchanged'],
    });
    expect(validate(document), errorsText()).toBe(true);
    expect((document['gates'] as { id: string }[]).find((gate) => gate.id === 'gate3')).toMatchObject({
      status: 'NOT RUN',
      sectionsNotRun: ['CE-23', 'CE-25'],
      bySection: [
        { ce: 'CE-23', counts: { passed: 0, failed: 0, skipped: 0, notApplicable: 0, total: 0 } },
        { ce: 'CE-24', counts: { passed: 1, failed: 0, skipped: 0, notApplicable: 0, total: 1 } },
        { ce: 'CE-25', counts: { passed: 0, failed: 0, skipped: 0, notApplicable: 0, total: 0 } },
      ],
    });
    expect(document['mandatoryChecks']).toEqual([
      { id: 'ce22.migrations.version', status: 'passed', skipReason: null },
      { id: 'ce20.post-run.unchanged', status: 'missing', skipReason: null },
    ]);
  });

  test('the schema rejects what a reader must never get', () => {
    const valid = documentFor();
    const withPassword = structuredClone(valid);
    (withPassword['target'] as Record<string, unknown>)['url'] = 'postgres://gate:hunter2@db/gate';
    const withoutVerdict = structuredClone(valid);
    delete withoutVerdict['verdict'];
    const noGoWithoutReasons = structuredClone(valid);
    noGoWithoutReasons['verdict'] = { decision: 'NO-GO', reasons: [] };
    const badStatus = structuredClone(valid);
    (badStatus['checks'] as Record<string, unknown>[])[0] = {
      ...(valid['checks'] as object[])[0],
      status: 'ok',
    };
    const badInventory = structuredClone(valid);
    (badInventory['checks'] as Record<string, unknown>[])[0] = {
      ...(valid['checks'] as object[])[0],
      inventories: [{ title: 'Foreign keys', columns: [], rows: ['not a record'], total: 1 }],
    };
    for (const document of [withPassword, withoutVerdict, noGoWithoutReasons, badStatus, badInventory]) {
      expect(validate(document)).toBe(false);
    }
  });
});
