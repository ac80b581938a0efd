#!/usr/bin/env node
// Entry point of the `migration-gate` command. The installed package runs its compiled JS (dist/);
// a source checkout without a build runs the TypeScript sources through tsx (a devDependency).
import { existsSync } from 'node:fs';

const sources = new URL('../cli/run.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import('../dist/cli/run.js');
}
