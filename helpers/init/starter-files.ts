/** The files `init` writes besides `gate.config.ts`, as text, with the migrations directory they watch. */

export const VITEST_CONFIG = `import { defineGateVitestConfig } from 'migration-gate/vitest';

// The gate's \`local\` and \`staging\` projects: \`npx vitest run --project local\` (or \`staging\`).
export default defineGateVitestConfig();
`;

export const ENV_STAGING_EXAMPLE = `# Copy to .env.staging (never commit it): the staging database the \`staging\` project gates.
# The gate only reads and rolls back there; it applies migrations only with MIGRATION_GATE_APPLY=1.
DATABASE_URL=postgresql://user:password@staging-host:5432/app
`;

/** The team's CI workflow: the local gate on every migration PR, a staging job guarded by a secret. */
export function renderWorkflow(migrationsDirectory: string): string {
  return `# Written by \`npx migration-gate init\`: the local gate on every PR touching migrations (reports as an
# artifact, JUnit XML, non-zero on NO-GO); the staging gate only when a STAGING_DATABASE_URL secret is set.
name: migration-gate

on:
  pull_request:
    paths:
      - '${migrationsDirectory}/**'
      - 'gate.config.ts'
      - 'package.json'
      - 'package-lock.json'
  workflow_dispatch:

permissions:
  contents: read

jobs:
  local:
    name: local gate (embedded PostgreSQL)
    runs-on: ubuntu-latest
    timeout-minutes: 30
    env:
      MIGRATION_GATE_JUNIT: reports/out/junit-local.xml
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - name: Gate (local)
        run: npx vitest run --project local
      - name: Upload reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: migration-gate-reports-local
          path: reports/out/
          if-no-files-found: warn

  staging:
    name: staging gate (non-destructive)
    runs-on: ubuntu-latest
    timeout-minutes: 60
    needs: local
    env:
      DATABASE_URL: \${{ secrets.STAGING_DATABASE_URL }}
      MIGRATION_GATE_JUNIT: reports/out/junit-staging.xml
    steps:
      - name: Skip without a staging database
        if: env.DATABASE_URL == ''
        run: echo "No STAGING_DATABASE_URL secret is set; the staging gate did not run." >> "$GITHUB_STEP_SUMMARY"
      - uses: actions/checkout@v4
        if: env.DATABASE_URL != ''
      - uses: actions/setup-node@v4
        if: env.DATABASE_URL != ''
        with:
          node-version: 20
          cache: npm
      - run: npm ci
        if: env.DATABASE_URL != ''
      - name: Gate (staging)
        if: env.DATABASE_URL != ''
        run: npx vitest run --project staging
      - name: Upload reports
        if: always() && env.DATABASE_URL != ''
        uses: actions/upload-artifact@v4
        with:
          name: migration-gate-reports-staging
          path: reports/out/
          if-no-files-found: warn
`;
}
