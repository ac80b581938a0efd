import type {} from 'vitest';
import type { MigrationLoadRecord } from '../../helpers/load/migrations-under-load.ts';
import type { MeasuredBaseline } from '../../helpers/perf/measure-baseline.ts';
import type { StepOutcome } from './gate-run-record.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** CE-22 under load: set by the `local` setup only (staging never re-applies migrations). */
    migrationLoad: StepOutcome<MigrationLoadRecord>;
    /** CE-26 measured at the rollback target on the same clone (`local` only). */
    perfBaseline: StepOutcome<MeasuredBaseline>;
  }
}
