// scripts/check-layers.ts - enforces the layering rule (src/base/layers.ts) over src/: every relative import
// must point to the same layer or a layer above it, and Node built-ins are allowed only in `host`.
// Tests (*.test.ts) run on Node by definition: they may use Node built-ins and the `host` adapters (to load
// the engine, make temp files), but otherwise follow their folder's layer.
// Exit status 1 with one line per violation.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { LAYERS, NODE_LAYERS, mayImport, type Layer } from '../src/base/layers.js';

// Usage: check-layers.ts [PROJECT_ROOT]  (default: this repository)
const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
const src = join(root, 'src');
const builtins = new Set(builtinModules);

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

function layerOf(file: string): Layer | undefined {
  const top = relative(src, file).split(sep)[0];
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : undefined;
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

const problems: string[] = [];
let checked = 0;
for (const file of files(src)) {
  const from = layerOf(file);
  const rel = relative(root, file);
  if (!from) {
    problems.push(`${rel}: not inside a layer folder (src/{${LAYERS.join(',')}})`);
    continue;
  }
  checked++;
  const isTest = file.endsWith('.test.ts');
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const to = layerOf(target);
      if (!to) problems.push(`${rel}: imports ${spec}, which is outside src/ layers`);
      else if (!mayImport(from, to) && !(isTest && to === 'host')) problems.push(`${rel}: layer '${from}' may not import layer '${to}' (${spec})`);
    } else if (spec.startsWith('node:') || builtins.has(spec.split('/')[0])) {
      if (!NODE_LAYERS.includes(from) && !isTest) problems.push(`${rel}: Node built-in '${spec}' is allowed only in host/`);
    }
  }
}
if (problems.length) {
  console.error(`layering check: ${problems.length} violation(s)\n` + problems.join('\n'));
  process.exit(1);
}
console.log(`layering check: ${checked} files follow ${LAYERS.join(' > ')}`);
