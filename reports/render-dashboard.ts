/** The plan's metrics dashboard as markdown tables; absent figures read "not measured". */
import { CE_SECTION_INFO } from './ce-sections.ts';
import type { Dashboard, Figure, Fraction } from './dashboard-metrics.ts';
import { document, formatDuration, table } from './markdown.ts';

const NOT_MEASURED = 'not measured';

function percent(value: Fraction): string {
  return value.whole === 0 ? '—' : `${((value.part / value.whole) * 100).toFixed(0)} %`;
}

function row<T>(label: string, figure: Figure<T> | null, show: (value: T) => string): readonly string[] {
  return figure === null
    ? [label, NOT_MEASURED, '—']
    : [
        label,
        show(figure.value),
        figure.sources.length > 3 ? `${figure.sources.length} checks` : figure.sources.join(', '),
      ];
}

function fractionText(value: Fraction): string {
  return `${value.part}/${value.whole} (${percent(value)})`;
}

function yesNo(value: boolean): string {
  return value ? '✅ yes' : '❌ no';
}

/** Renders the dashboard groups of the plan (CE-28 task 3). */
export function renderDashboard(dashboard: Dashboard): string {
  const headers = ['Metric', 'Value', 'Evidence'];
  const migration = table(headers, [
    row('Migrations applied', dashboard.migrationsApplied, String),
    row(
      'Schema version',
      dashboard.migrationVersion,
      (value) =>
        `${value.version ?? 'none'}${value.expected === null ? '' : ` (expected ${value.expected})`}`,
    ),
    row('Total migration time', dashboard.migrationDurationMs, formatDuration),
  ]);
  const security = table(headers, [
    row('RLS enabled', dashboard.rlsEnabled, fractionText),
    row('FORCE RLS', dashboard.forceRls, fractionText),
    row(
      'Foreign keys',
      dashboard.foreignKeys,
      (value) => `${value.count}${value.minimum === null ? '' : ` (minimum ${value.minimum})`}`,
    ),
    row('Foreign keys validated', dashboard.foreignKeysValidated, fractionText),
  ]);
  const integrity = table(headers, [
    row('Orphaned records', dashboard.orphans, String),
    row('NULL tenant key values', dashboard.nullTenantKeys, String),
    row('Future timestamps', dashboard.futureTimestamps, String),
  ]);
  const performance = table(headers, [
    row(
      'Average query time',
      dashboard.queryTiming,
      (value) =>
        `${formatDuration(value.averageMs)} over ${value.queries} queries${
          value.baselineAverageMs === null ? '' : ` (baseline ${formatDuration(value.baselineAverageMs)})`
        }`,
    ),
    row('Queries over budget', dashboard.queryTiming, (value) => String(value.overBudget)),
    row('Index usage', dashboard.indexUsage, fractionText),
    row('Connection leaks', dashboard.connectionLeaks, String),
  ]);
  const coverage = table(
    ['Suite', 'Passed', 'Failed', 'Skipped', 'Not applicable', 'Total'],
    [
      ...dashboard.perSection.map(({ ce, counts }) => [
        `${ce} ${CE_SECTION_INFO[ce].title}`,
        ...(counts.total === 0
          ? ['—', '—', '—', '—', 'not run']
          : [
              `${counts.passed}/${counts.total}`,
              String(counts.failed),
              String(counts.skipped),
              String(counts.notApplicable),
              String(counts.total),
            ]),
      ]),
      [
        'All checks',
        `${dashboard.total.passed}/${dashboard.total.total}`,
        String(dashboard.total.failed),
        String(dashboard.total.skipped),
        String(dashboard.total.notApplicable),
        String(dashboard.total.total),
      ],
    ],
  );
  const rollback = table(headers, [
    row('Backup verified', dashboard.backupVerified, yesNo),
    row('Rollback cycle tested', dashboard.rollbackTested, yesNo),
  ]);
  return document([
    '### Migration execution',
    migration,
    '### Security',
    security,
    '### Data integrity',
    integrity,
    '### Performance',
    performance,
    '### Test coverage',
    coverage,
    '### Rollback readiness',
    rollback,
  ]).trimEnd();
}
