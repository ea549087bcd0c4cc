// host/golden.ts - golden-file comparison for tests. `TSXEN_ACCEPT_GOLDEN=1 npm test` (or a single test file)
// rewrites the golden files with the current output; otherwise a difference fails with both texts.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';

export function assertGolden(path: string, actual: string): void {
  if (process.env.TSXEN_ACCEPT_GOLDEN === '1') {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    assert.fail(`golden file ${path} is missing: run the test with TSXEN_ACCEPT_GOLDEN=1 to create it, then review it`);
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from ${path} (TSXEN_ACCEPT_GOLDEN=1 accepts it)`);
}
