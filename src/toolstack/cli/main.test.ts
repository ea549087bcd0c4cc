import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './main.js';
import { testCliHost } from './testing.js';

function host() {
  const out: string[] = [];
  const err: string[] = [];
  const h = testCliHost({ version: '9.9.9', stdout: l => out.push(l), stderr: l => err.push(l) });
  return { h, out, err };
}

test('tsxen --version prints the package version', async () => {
  const { h, out } = host();
  assert.equal(await runCli(['--version'], h), 0);
  assert.deepEqual(out, ['9.9.9']);
});

test('an unknown subcommand is a usage error that names it', async () => {
  const { h, err } = host();
  assert.equal(await runCli(['frobnicate'], h), 1);
  assert.match(err.join('\n'), /unknown command 'frobnicate'/);
});

test('tsxen with no arguments prints help and exits 2', async () => {
  const { h, out, err } = host();
  assert.equal(await runCli([], h), 2);
  assert.match([...out, ...err].join('\n'), /Usage: tsxen/);
});
