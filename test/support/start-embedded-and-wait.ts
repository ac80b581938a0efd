// Child process for the crash test: starts an embedded server, prints its URL, then waits to be killed.
import { EmbeddedProvider } from '../../helpers/providers/embedded-provider.ts';

const db = await new EmbeddedProvider({ database: 'crash' }).start();
process.stdout.write(`URL ${db.url}\n`);
setInterval(() => undefined, 1_000);
