import { afterEach, describe, expect, test } from 'vitest';
import { GateError } from '../../helpers/gate-error.ts';
import { TestcontainersProvider } from '../../helpers/providers/testcontainers-provider.ts';

const saved = process.env['DOCKER_HOST'];

afterEach(() => {
  if (saved === undefined) delete process.env['DOCKER_HOST'];
  else process.env['DOCKER_HOST'] = saved;
});

describe('testcontainers provider', () => {
  test('with no Docker engine answering, fails at once with one sentence saying what to do', async () => {
    // A socket that cannot exist: no engine answers, whatever the machine has.
    process.env['DOCKER_HOST'] = 'unix:///nonexistent/migration-gate/docker.sock';
    const attempt = new TestcontainersProvider().start();
    await expect(attempt).rejects.toThrow(GateError);
    await expect(attempt).rejects.toThrow(
      /needs a Docker engine and none answered .*use the default embedded provider/,
    );
  });
});
