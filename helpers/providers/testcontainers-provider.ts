import { GateError, errorMessage } from '../gate-error.ts';
import type { DatabaseProvider, StartedDatabase } from './database-provider.ts';

export interface TestcontainersProviderOptions {
  /** Docker image, e.g. `postgres:15-alpine`. */
  readonly image?: string;
}

/** PostgreSQL in a Docker container via @testcontainers/postgresql; needs a running Docker engine. */
export class TestcontainersProvider implements DatabaseProvider {
  readonly name = 'testcontainers' as const;
  readonly #image: string;

  constructor(options: TestcontainersProviderOptions = {}) {
    this.#image = options.image ?? 'postgres:15-alpine';
  }

  async start(): Promise<StartedDatabase> {
    const { getContainerRuntimeClient } = await import('testcontainers');
    try {
      // Asked first, so a machine without Docker gets one sentence at once instead of a retry loop.
      await getContainerRuntimeClient();
    } catch (error) {
      throw new GateError(
        `The testcontainers provider needs a Docker engine and none answered (${errorMessage(error).split('\n')[0]}); start Docker, or use the default embedded provider.`,
        { cause: error },
      );
    }
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer(this.#image).withDatabase('gate').start();
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await container.stop();
    };
    return {
      provider: 'testcontainers',
      url: container.getConnectionUri(),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  }
}
