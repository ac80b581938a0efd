// Copies the files the compiled package reads at run time but tsc does not emit: plain `.mjs`
// helpers (the embedded server's reaper runs under bare `node`) next to their compiled siblings.
import fs from 'node:fs';
import path from 'node:path';

const ASSETS = ['helpers/providers/embedded-reaper.mjs'];

for (const asset of ASSETS) {
  const target = path.join('dist', asset);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(asset, target);
}
