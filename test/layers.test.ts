import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = new URL('../scripts/check-layers.ts', import.meta.url).pathname;

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tsxen-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function check(root: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, root], { encoding: 'utf8' });
}

test('a lower layer importing a higher one is reported', () => {
  const r = check(tree({
    'src/cpu/a.ts': "import { x } from '../hv/b.js';\n",
    'src/hv/b.ts': 'export const x = 1;\n',
  }));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/cpu\/a\.ts: layer 'cpu' may not import layer 'hv'/);
});

test('Node built-ins outside host are reported, inside host accepted', () => {
  const r = check(tree({
    'src/machine/a.ts': "import { readFileSync } from 'node:fs';\n",
    'src/host/b.ts': "import { readFileSync } from 'node:fs';\nimport { y } from '../machine/a.js';\n",
  }));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/machine\/a\.ts: Node built-in 'node:fs' is allowed only in host/);
  assert.doesNotMatch(r.stderr, /src\/host\/b\.ts/);
});

test('the repository itself follows the layering rule', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
  assert.match(out, /layering check: \d+ files follow/);
});
