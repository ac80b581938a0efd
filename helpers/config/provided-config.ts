import type {} from 'vitest';
import type { GateConfig } from './gate-config.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The loaded gate config (paths absolute), as the suites and the reporter read it. */
    gateConfig: GateConfig;
    /** Absolute path of the file it came from. */
    gateConfigFile: string;
  }
}
