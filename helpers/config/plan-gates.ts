import type { GateConfig } from './gate-config.ts';

/**
 * The plan's five quality gates (CE-P0-06 "Quality Gates"), with gates 1, 2, 3 and 5 required: what a
 * config that says nothing about gates gets, and what the reporter falls back to when no config was
 * loaded (such a run has no run metadata either, so it is NO-GO whatever the gates say).
 */
export const PLAN_GATES: GateConfig['gates'] = {
  definitions: [
    { id: 'gate1', title: 'Environment validation', sections: ['CE-20'] },
    { id: 'gate2', title: 'Migration execution', sections: ['CE-21', 'CE-22'] },
    { id: 'gate3', title: 'Security and integrity verification', sections: ['CE-23', 'CE-24', 'CE-25'] },
    { id: 'gate4', title: 'Performance', sections: ['CE-26'] },
    { id: 'gate5', title: 'Rollback readiness', sections: ['CE-27'] },
  ],
  required: ['gate1', 'gate2', 'gate3', 'gate5'],
  mandatoryChecks: ['ce20.post-run.unchanged', 'ce22.migrations.version'],
};
