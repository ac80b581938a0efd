import { connectClient } from '../db/database-connection.ts';

/** A relation lock the sampled sessions held: first and last sample that saw it. */
export interface SampledLock {
  /** `regclass` text (schema-qualified when off the search path); `uncommitted relation <oid>` for one the sampled transaction created. */
  readonly relation: string;
  /** `r`, `p`, `i`, … from pg_class; null for a relation dropped before the sample could name it. */
  readonly relkind: string | null;
  readonly mode: string;
  /** Last sample that saw it minus the first: a lower bound, to within one sampling interval. */
  readonly heldMs: number;
  readonly samples: number;
}

/** A running sampler; `stop()` ends it and returns every lock it saw. */
export interface LockSampler {
  stop(): Promise<readonly SampledLock[]>;
}

interface Seen {
  relkind: string | null;
  first: number;
  last: number;
  samples: number;
}

/**
 * Polls `pg_locks` every `intervalMs` on its own connection for the granted relation locks of the
 * sessions named `applicationName` in this database (the migrator is `migration-gate migrator`).
 */
export async function startLockSampler(
  url: string,
  applicationName: string,
  intervalMs: number,
): Promise<LockSampler> {
  const client = await connectClient(url, { applicationName: 'migration-gate lock sampler' });
  const seen = new Map<string, Seen & { relation: string; mode: string }>();
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      const result = await client.query<{ relation: string; relkind: string | null; mode: string }>(
        `SELECT coalesce(c.oid::regclass::text, 'uncommitted relation ' || l.relation::text) AS relation, c.relkind::text AS relkind, l.mode
           FROM pg_locks l
           JOIN pg_stat_activity a ON a.pid = l.pid
           LEFT JOIN pg_class c ON c.oid = l.relation
          WHERE a.application_name = $1 AND l.locktype = 'relation' AND l.granted
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [applicationName],
      );
      const now = performance.now();
      for (const row of result.rows) {
        const key = `${row.relation}\u0000${row.mode}`;
        const entry = seen.get(key);
        if (entry === undefined) {
          seen.set(key, {
            relation: row.relation,
            mode: row.mode,
            relkind: row.relkind,
            first: now,
            last: now,
            samples: 1,
          });
        } else {
          entry.last = now;
          entry.samples += 1;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })().catch((error: unknown) => {
    failure = error;
  });
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      if (failure !== undefined) throw failure;
      return [...seen.values()]
        .map((entry) => ({
          relation: entry.relation,
          relkind: entry.relkind,
          mode: entry.mode,
          heldMs: Math.round(entry.last - entry.first),
          samples: entry.samples,
        }))
        .sort((a, b) => b.heldMs - a.heldMs || a.relation.localeCompare(b.relation));
    },
  };
}
