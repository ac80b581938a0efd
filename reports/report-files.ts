/** Every file the reporter writes, by name, in one place. */
import type { CeSection } from '../helpers/config/gate-config.ts';

/** One markdown report per CE section that has checks. */
export const CE_REPORT_FILES: Readonly<Record<CeSection, string>> = {
  'CE-20': 'ce20_pre_migration_state.md',
  'CE-21': 'ce21_migration_validation.md',
  'CE-22': 'ce22_migration_execution.md',
  'CE-23': 'ce23_rls_verification_report.md',
  'CE-24': 'ce24_foreign_key_report.md',
  'CE-25': 'ce25_data_integrity_report.md',
  'CE-26': 'ce26_performance_report.md',
  'CE-27': 'ce27_rollback_report.md',
};

/** The report of the checks that name no CE section: the team's invariants. */
export const INVARIANTS_REPORT_FILE = 'invariants_report.md';

export const EVIDENCE_FILE = 'evidence.json';
export const READINESS_FILE = 'STAGING_MIGRATION_READINESS_REPORT.md';

/** Directory under the report base that points at (or copies) the newest run. */
export const LATEST_DIR = 'latest';

/** Default report base, relative to the Vitest root. */
export const DEFAULT_REPORT_DIR = 'reports/out';

/** Environment variable that overrides the report base directory (nested runs in tests use it). */
export const REPORT_DIR_ENV = 'MIGRATION_GATE_REPORT_DIR';
