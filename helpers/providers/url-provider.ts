import { connectClient } from '../db/database-connection.ts';
import { parseDatabaseUrl } from '../db/database-url.ts';
import type { DatabaseProvider, StartedDatabase } from './database-provider.ts';

/** An existing database at a URL (staging). Starting only proves it answers; stopping closes nothing. */
export class UrlProvider implements DatabaseProvider {
  readonly name = 'url' as const;
  readonly #url: string | undefined;

  constructor(url: string | undefined) {
    this.#url = url;
  }

  async start(): Promise<StartedDatabase> {
    const { url } = parseDatabaseUrl(this.#url);
    const client = await connectClient(url);
    await client.end();
    const stop = async (): Promise<void> => undefined;
    return { provider: 'url', url, stop, [Symbol.asyncDispose]: stop };
  }
}
