// Watchdog for one embedded PostgreSQL: started detached by the embedded provider, it outlives a
// crashed or killed test run, then stops the orphaned server and deletes its temp directory.
// Plain JavaScript so it runs with bare `node`, without the TypeScript loader of the parent.
import fs from 'node:fs';
import path from 'node:path';

const [parentPidText, rootDir, dataDir] = process.argv.slice(2);
const parentPid = Number(parentPidText);
const POLL_MS = 500;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function postmasterPid() {
  try {
    const first = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function sleep(ms) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function reap() {
  const pid = postmasterPid();
  if (pid !== undefined && alive(pid)) {
    // SIGQUIT = immediate shutdown: nothing in a throw-away cluster is worth a checkpoint.
    process.kill(pid, 'SIGQUIT');
    for (let waited = 0; waited < 10_000 && alive(pid); waited += 100) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(rootDir, { recursive: true, force: true });
}

async function main() {
  if (!Number.isInteger(parentPid) || rootDir === undefined || dataDir === undefined) process.exit(2);
  for (;;) {
    // The provider removed the directory itself: a clean stop, nothing left to do.
    if (!fs.existsSync(rootDir)) return;
    if (!alive(parentPid)) {
      await reap();
      return;
    }
    await sleep(POLL_MS);
  }
}

await main();
