/** The contract every database provider fulfils: start a real PostgreSQL, hand back a URL, stop it. */

export const PROVIDER_NAMES = ['embedded', 'url', 'testcontainers'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** A running database. `url` connects as a superuser-or-owner; stopping twice is harmless. */
export interface StartedDatabase extends AsyncDisposable {
  readonly provider: ProviderName;
  /** Connection URL, password included: never print it unredacted. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface DatabaseProvider {
  readonly name: ProviderName;
  start(): Promise<StartedDatabase>;
}
