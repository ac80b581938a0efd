import { describe, expect, test } from 'vitest';
import { renderJobSummary } from '../../reports/render-job-summary.ts';

describe('renderJobSummary', () => {
  test('a NO-GO names the failed checks and where the readiness report is', () => {
    const text = renderJobSummary([
      {
        project: 'local',
        runId: '20260108T100000000Z-local-abc123',
        decision: 'NO-GO',
        reasons: ['Failed check ce23.rls.documents.enabled — "documents: RLS is enabled" (CE-23, Gate 3)'],
        directory: 'reports/out/20260108T100000000Z-local-abc123',
        readinessReport: 'reports/out/20260108T100000000Z-local-abc123/STAGING_MIGRATION_READINESS_REPORT.md',
      },
    ]);
    expect(text).toContain('## migration-gate local: ❌ NO-GO');
    expect(text).toContain('- Failed check ce23.rls.documents.enabled');
    expect(text).toContain(
      'Readiness report: `reports/out/20260108T100000000Z-local-abc123/STAGING_MIGRATION_READINESS_REPORT.md`',
    );
  });

  test('a GO says so; unwritten reports are said too', () => {
    const text = renderJobSummary([
      { project: 'staging', runId: 'r', decision: 'GO', reasons: [], directory: null, readinessReport: null },
    ]);
    expect(text).toContain('## migration-gate staging: ✅ GO');
    expect(text).toContain('Every required gate passed and no check failed.');
    expect(text).toContain('The reports could not be written.');
  });
});
