// scripts/test.mjs - runs every *.test.ts under src/ and test/ with node's built-in test runner (Node 20's
// `--test` takes no glob patterns, so the files are listed here). Extra arguments are passed to node --test
// (e.g. --test-name-pattern).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function* find(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* find(p);
    else if (name.endsWith('.test.ts')) yield p;
  }
}
const files = [...find('src'), ...find('test')].sort();
const args = ['--import', 'tsx', '--test', '--test-reporter=spec', ...process.argv.slice(2), ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
