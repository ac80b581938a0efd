import type { NoTenantRead } from '../../helpers/probes/rls/rls-probe.ts';
import type { CheckRecorder } from '../../reports/check-meta.ts';

/**
 * Records a `select-no-tenant` probe ({@link NoTenantRead}) on its check: what each context saw and
 * the access-matrix cell. The same for tenant tables and tables isolated through a parent.
 */
export function recordNoTenantRead(
  check: CheckRecorder,
  table: string,
  read: NoTenantRead,
  emptySkipped: string | null,
): void {
  check.measureAll({ settingEmpty: read.emptyText, settingNeverSet: read.unsetText, emptySkipped });
  check.matrix({
    table,
    command: 'SELECT',
    context: 'no-tenant',
    outcome: `empty: ${read.emptyText}; unset: ${read.unsetText}`,
    expected: 'denied',
    ok: read.ok,
  });
}
