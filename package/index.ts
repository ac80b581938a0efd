/**
 * The public API of `migration-gate`: what a team's `gate.config.ts`, invariant tests and scripts import.
 *
 * @example
 * ```ts
 * // gate.config.ts
 * import { defineGateConfig } from 'migration-gate';
 *
 * export default defineGateConfig({
 *   schema: 'public',
 *   migrations: { directory: 'migrations', expectedVersion: '002' },
 *   tenancy: { tenantKey: 'tenant_id', tenantSetting: 'app.tenant_id', appRole: 'app', tenantTables: ['notes'] },
 *   foreignKeys: { minimumCount: 1, critical: [] },
 *   integrity: {},
 * });
 * ```
 */
export * from '../helpers/config/gate-config.ts';
export { GateError, errorMessage } from '../helpers/gate-error.ts';
export * from '../helpers/db/tenant-context.ts';
export * from '../helpers/invariants/as-tenant.ts';
export * from '../reports/check-meta.ts';
export * from '../helpers/providers/database-provider.ts';
export { createProvider, type ProviderSettings } from '../helpers/providers/create-provider.ts';
export { EmbeddedProvider } from '../helpers/providers/embedded-provider.ts';
export { UrlProvider } from '../helpers/providers/url-provider.ts';
export { TestcontainersProvider } from '../helpers/providers/testcontainers-provider.ts';
export * from '../fixtures/index.ts';
export { seedFixtures, type FixtureFactories } from '../fixtures/seed-fixtures.ts';
export * from '../helpers/synthesis/row-synthesis.ts';
export { Migrator } from '../helpers/migrations/migrator.ts';
export { parseDatabaseUrl } from '../helpers/db/database-url.ts';
export { redactUrl } from '../helpers/redact.ts';
