#!/usr/bin/env node
// The `tsxen` command. Runs the compiled toolstack (dist/, made by `npm run build`); from a source checkout
// without a build it falls back to the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/host/main.js', import.meta.url);
let mod;
if (existsSync(compiled)) {
  mod = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../src/host/main.ts', import.meta.url).href);
}
process.exitCode = await mod.main(process.argv.slice(2));
