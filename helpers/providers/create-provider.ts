import { GateError } from '../gate-error.ts';
import { PROVIDER_NAMES, type DatabaseProvider, type ProviderName } from './database-provider.ts';
import { EmbeddedProvider } from './embedded-provider.ts';
import { TestcontainersProvider } from './testcontainers-provider.ts';
import { UrlProvider } from './url-provider.ts';

export interface ProviderSettings {
  readonly provider?: string;
  readonly databaseUrl?: string;
  readonly embeddedMajorVersion?: number;
  readonly log?: (line: string) => void;
}

function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

/** Picks a provider by name (`embedded` by default); an unknown name is a one-sentence error. */
export function createProvider(settings: ProviderSettings): DatabaseProvider {
  // An empty MIGRATION_GATE_PROVIDER= means the default, as an unset one does.
  const name = settings.provider === undefined || settings.provider === '' ? 'embedded' : settings.provider;
  if (!isProviderName(name)) {
    throw new GateError(`Unknown database provider "${name}"; use one of: ${PROVIDER_NAMES.join(', ')}.`);
  }
  switch (name) {
    case 'embedded':
      return new EmbeddedProvider({
        ...(settings.embeddedMajorVersion === undefined
          ? {}
          : { majorVersion: settings.embeddedMajorVersion }),
        ...(settings.log === undefined ? {} : { log: settings.log }),
      });
    case 'url':
      return new UrlProvider(settings.databaseUrl);
    case 'testcontainers':
      return new TestcontainersProvider();
  }
}
