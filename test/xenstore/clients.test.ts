// test/xenstore/clients.test.ts - Debian's xenstore-utils (libxenstore 4.17) against tsxen's xenstored over its
// Unix socket. libxenstore stat()s $XENSTORED_PATH and connects when it is a socket (tools/xenstore/xs_lib.c
// xs_daemon_path; checked with strace: newfstatat(XENSTORED_PATH) = S_IFSOCK, then connect()).
// The clients run asynchronously: the server answers from this process's event loop.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XsClient } from '../../src/dom0/xenstore/client.js';
import { Xenstored } from '../../src/dom0/xenstore/xenstored.js';
import { skipUnlessPeer, type Peer } from '../../src/host/peers.js';
import { listenXenstore, type XenstoreSocketServer } from '../../src/host/xenstore-socket.js';

const XENSTORE_UTILS: Peer = { command: 'xenstore-ls', debianPackage: 'xenstore-utils' };
const skip = skipUnlessPeer(XENSTORE_UTILS);
// `xenstore-ls -fp` on real Xen 4.17 (arm64) with one Debian domU running, uuid and start time masked: a copy of
// shared/reference/xen-4.17-arm64/xenstore-ls-fp.normalized.txt
const REFERENCE = new URL('./xen-4.17-domU-xenstore-ls-fp.txt', import.meta.url).pathname;

let dir: string;
let server: XenstoreSocketServer;
let xs: Xenstored;
let client: XsClient;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'tsxen-xenstore-'));
  xs = new Xenstored();
  client = new XsClient(xs);
  server = await listenXenstore(xs, join(dir, 'socket'));
});

after(async () => {
  if (skip) return;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run { code: number; stdout: string; stderr: string }

function run(cmd: string, ...args: string[]): Promise<Run> {
  return new Promise(resolve => {
    execFile(cmd, args, { env: { ...process.env, XENSTORED_PATH: server.path, XENSTORED_RUNDIR: dir }, timeout: 10000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }));
  });
}

test('xenstore-write, -read, -list, -exists and -rm', { skip }, async () => {
  assert.deepEqual(await run('xenstore-write', '/t1/a', 'hello', '/t1/b', 'world'), { code: 0, stdout: '', stderr: '' });
  assert.equal((await run('xenstore-read', '/t1/a')).stdout, 'hello\n');
  assert.equal((await run('xenstore-read', '/t1/a', '/t1/b')).stdout, 'hello\nworld\n');
  assert.equal((await run('xenstore-read', '-p', '/t1/b')).stdout, '/t1/b: world\n');
  assert.equal((await run('xenstore-list', '/t1')).stdout, 'a\nb\n');
  assert.equal((await run('xenstore-exists', '/t1/a')).code, 0);
  assert.equal((await run('xenstore-exists', '/t1/zz')).code, 1);
  assert.equal((await run('xenstore-rm', '/t1/a')).code, 0);
  assert.equal(client.read('/t1/a'), null);
  const missing = await run('xenstore-read', '/t1/a');
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "xenstore-read: couldn't read path /t1/a\n");
  assert.equal(client.read('/t1/b'), 'world');
});

test('values travel escaped: xenstore-write unescapes, xenstore-read escapes, -R is raw', { skip }, async () => {
  assert.equal((await run('xenstore-write', '/t2/v', 'tab\\there\\x01')).code, 0);
  assert.deepEqual([...client.readBytes('/t2/v')!], [...Buffer.from('tab\there\x01')]);
  assert.equal((await run('xenstore-read', '/t2/v')).stdout, 'tab\\there\\001\n');
  assert.equal((await run('xenstore-read', '-R', '/t2/v')).stdout, 'tab\there\x01'); // raw: no newline either
});

test('xenstore-ls prints the tree, with -f full paths and -p permissions', { skip }, async () => {
  client.write('/t3/a/x', '1');
  client.write('/t3/b', 'two');
  client.setPerms('/t3/b', ['n0', 'r5']);
  assert.equal((await run('xenstore-ls', '/t3')).stdout, 'a = ""\n x = "1"\nb = "two"\n');
  assert.equal((await run('xenstore-ls', '-f', '/t3')).stdout, '/t3/a = ""\n/t3/a/x = "1"\n/t3/b = "two"\n');
  // xenstore-ls pads to column 60 with ". " (odd columns get the dot), then "  (perms)"
  assert.equal((await run('xenstore-ls', '-p', '/t3')).stdout,
    'a = "" . . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)\n'
    + ' x = "1" . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)\n'
    + 'b = "two"  . . . . . . . . . . . . . . . . . . . . . . . . .  (n0,r5)\n');
});

test('xenstore-chmod sets permissions, -r below and -u above the path', { skip }, async () => {
  client.write('/t4/a/b/c', '');
  assert.equal((await run('xenstore-chmod', '/t4/a/b', 'n1', 'r2')).code, 0);
  assert.deepEqual(client.getPerms('/t4/a/b'), ['n1', 'r2']);
  assert.equal((await run('xenstore-chmod', '-r', '/t4/a', 'b3')).code, 0);
  assert.deepEqual(['/t4/a', '/t4/a/b', '/t4/a/b/c'].map(p => client.getPerms(p)!.join()), ['b3', 'b3', 'b3']);
  assert.equal((await run('xenstore-chmod', '-u', '/t4/a/b', 'r7', 'w8')).code, 0);
  assert.deepEqual(['/t4', '/t4/a', '/t4/a/b', '/t4/a/b/c'].map(p => client.getPerms(p)!.join()), ['r7,w8', 'r7,w8', 'r7,w8', 'b3']);
});

test('xenstore-rm -t removes empty parents', { skip }, async () => {
  client.write('/t5/keep', 'k');
  client.write('/t5/x/y/z', '');
  assert.equal((await run('xenstore-rm', '-t', '/t5/x/y/z')).code, 0);
  assert.deepEqual(client.directory('/t5'), ['keep']);
});

test('xenstore-watch prints the initial event and each change', { skip }, async () => {
  client.mkdir('/t6');
  const child = spawn('xenstore-watch', ['-n', '3', '/t6'], { env: { ...process.env, XENSTORED_PATH: server.path } });
  let out = '';
  const lines = async (n: number) => {
    for (let i = 0; i < 200 && out.split('\n').length <= n; i++) await new Promise(r => setTimeout(r, 25));
  };
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>(r => child.on('exit', code => r(code)));
  await lines(1);
  client.write('/t6/a', '1');
  await lines(2);
  client.rm('/t6');
  assert.equal(await exited, 0);
  assert.equal(out, '/t6\n/t6/a\n/t6\n');
  assert.equal(server.clients, 0);
});

test('xenstore-ls -fp of the tree real Xen 4.17 gave a Debian domU reproduces the reference', { skip }, async () => {
  const uuid = '6a0e7e4c-0f21-4d2f-8f5c-2b5e2a3f4c11';
  const time = '1700000000.00';
  const ref = readFileSync(REFERENCE, 'utf8');
  const line = /^(\S+) = "(.*)"   \((.*)\)$/;
  const top = client.directory('/')!;
  for (const l of ref.trimEnd().split('\n')) {
    const m = line.exec(l);
    assert.ok(m, l);
    const path = m[1]!.replaceAll('<UUID>', uuid);
    client.write(path, m[2]!.replaceAll('<UUID>', uuid).replaceAll('<TIME>', time));
    client.setPerms(path, m[3]!.split(','));
  }
  const mask = (s: string) => s.replaceAll(uuid, '<UUID>').replaceAll(time, '<TIME>');
  const shown = (await run('xenstore-ls', '-fp', '/')).stdout;
  const ours = shown.split('\n').filter(l => !top.some(t => t !== 'tool' && l.startsWith(`/${t}`))).join('\n');
  assert.equal(mask(ours), ref);
});
