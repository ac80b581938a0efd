// Watchdog for one embedded PostgreSQL: started detached by the embedded provider, it outlives a
// crashed or killed test run, then stops the orphaned initdb or server and deletes its directory
// (data and the initdb password file with it).
// Plain JavaScript so it runs with bare `node`, without the TypeScript loader of the parent.
import fs from 'node:fs';
import path from 'node:path';

const [parentPidText, rootDir, dataDir] = process.argv.slice(2);
const parentPid = Number(parentPidText);
const POLL_MS = 500;
// Names shared with embedded-provider.ts and password-file.ts.
const INITDB_PID_FILE = 'initdb.pid';
const PASSWORD_FILE = 'initdb-password';

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function pidFrom(file) {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function sleep(ms) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function terminate(pid, signal) {
  if (pid === undefined || !alive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  for (let waited = 0; waited < 10_000 && alive(pid); waited += 100) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Removes a path, retrying: a dying initdb or server may still be writing into it. */
async function removeWithRetry(target) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      fs.rmSync(target, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      if (!fs.existsSync(target)) return;
    } catch {
      // retried below
    }
    await sleep(200);
  }
}

async function reap() {
  // The password first: it is the one secret on disk.
  await removeWithRetry(path.join(rootDir, PASSWORD_FILE));
  await terminate(pidFrom(path.join(rootDir, INITDB_PID_FILE)), 'SIGTERM');
  // SIGQUIT = immediate shutdown: nothing in a throw-away cluster is worth a checkpoint.
  await terminate(pidFrom(path.join(dataDir, 'postmaster.pid')), 'SIGQUIT');
  await removeWithRetry(rootDir);
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
