// Child process for the interrupt tests: starts an embedded server with its progress on stdout,
// then waits to be killed (the test kills it wherever it likes, e.g. during initdb).
import { EmbeddedProvider } from '../../../helpers/providers/embedded-provider.ts';

const db = await new EmbeddedProvider({
  database: 'interrupted',
  log: (line) => process.stdout.write(`LOG ${line}\n`),
}).start();
process.stdout.write(`URL ${db.url}\n`);
setInterval(() => undefined, 1_000);
