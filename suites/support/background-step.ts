/**
 * A step a suite needs that may start earlier, in the background: the gate's suites share one module
 * cache (`isolate: false`), so CE-20 starts it and the suite that judges it awaits the same promise.
 * Started on first use in any other case (a run narrowed to that suite, or isolated files).
 */
export interface BackgroundStep<T> {
  /** The step's result, starting it if nothing has yet. */
  result(): Promise<T>;
  /** Waits for the step if it is under way (its outcome is read elsewhere); never starts it. */
  settled(): Promise<void>;
}

export function backgroundStep<T>(start: () => Promise<T>): BackgroundStep<T> {
  let started: Promise<T> | undefined;
  return {
    result() {
      if (started === undefined) {
        started = start();
        // Awaited by its suite; until then a failure must not surface as an unhandled rejection.
        started.catch(() => undefined);
      }
      return started;
    },
    async settled() {
      await started?.catch(() => undefined);
    },
  };
}
