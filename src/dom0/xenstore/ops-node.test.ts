import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as W from '../../abi/xen/io/xs_wire.js';
import { parts, payload, storeWithDomains, WireTester } from './testing.js';
import { Xenstored } from './xenstored.js';

test('a new store holds /tool/xenstored, owned by dom0', () => {
  const dom0 = WireTester.socket(new Xenstored());
  assert.equal(dom0.dir('/'), 'tool');
  assert.equal(dom0.dir('/tool'), 'xenstored');
  assert.equal(dom0.perms('/tool/xenstored'), 'n0');
  assert.equal(dom0.read('/tool'), '');
});

test('WRITE creates missing parents with empty values; READ returns the value without a NUL', () => {
  const dom0 = WireTester.socket(new Xenstored());
  assert.equal(dom0.write('/a/b/c', 'hello'), 'OK');
  assert.equal(dom0.read('/a/b/c'), 'hello');
  assert.equal(dom0.read('/a/b'), '');
  assert.equal(dom0.dir('/a'), 'b');
  const r = dom0.send(W.XS_READ, payload(['/a/b/c']))!;
  assert.deepEqual([...r.payload], [...Buffer.from('hello')]);
});

test('values are binary: NULs and any byte survive a round trip', () => {
  const dom0 = WireTester.socket(new Xenstored());
  const v = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.equal(dom0.call(W.XS_WRITE, ['/bin'], 0, v), 'OK');
  assert.deepEqual(dom0.send(W.XS_READ, payload(['/bin']))!.payload, v);
  assert.equal(dom0.write('/empty', ''), 'OK');
  assert.equal(dom0.send(W.XS_READ, payload(['/empty']))!.payload.length, 0);
});

test('DIRECTORY lists children in creation order; an empty node lists nothing', () => {
  const dom0 = WireTester.socket(new Xenstored());
  for (const c of ['z', 'a', 'm']) dom0.mkdir(`/d/${c}`);
  assert.equal(dom0.dir('/d'), 'z a m');
  assert.equal(dom0.send(W.XS_DIRECTORY, payload(['/d/a']))!.payload.length, 0);
  assert.equal(dom0.dir('/nope'), 'E:ENOENT');
});

test('MKDIR leaves an existing node and its value alone', () => {
  const dom0 = WireTester.socket(new Xenstored());
  dom0.write('/m', 'v');
  assert.equal(dom0.mkdir('/m'), 'OK');
  assert.equal(dom0.read('/m'), 'v');
  assert.equal(dom0.mkdir('/m/n/o'), 'OK');
  assert.equal(dom0.read('/m/n/o'), '');
});

test('RM removes a subtree; a missing node is fine if its parent exists, else ENOENT; "/" cannot go', () => {
  const dom0 = WireTester.socket(new Xenstored());
  dom0.write('/r/a/b', '1');
  dom0.write('/r/c', '2');
  assert.equal(dom0.rm('/r/a'), 'OK');
  assert.equal(dom0.read('/r/a/b'), 'E:ENOENT');
  assert.equal(dom0.dir('/r'), 'c');
  assert.equal(dom0.rm('/r/missing'), 'OK');
  assert.equal(dom0.rm('/r/missing/deeper'), 'E:ENOENT');
  assert.equal(dom0.rm('/'), 'E:EINVAL');
});

test('relative paths are taken under /local/domain/<id>, dom0 and sockets included', () => {
  const { xs, dom0 } = storeWithDomains([3]);
  dom0.mkdir('/local/domain/3/data');
  dom0.setPerms('/local/domain/3/data', 'n3');
  const d3 = WireTester.domain(xs, 3);
  assert.equal(d3.write('data/x', '1'), 'OK');
  assert.equal(dom0.read('/local/domain/3/data/x'), '1');
  assert.equal(dom0.write('rel', 'dom0'), 'OK');
  assert.equal(dom0.read('/local/domain/0/rel'), 'dom0');
});

test('GET_PERMS lists owner first; SET_PERMS replaces the list', () => {
  const dom0 = WireTester.socket(new Xenstored());
  dom0.write('/p', '');
  assert.equal(dom0.setPerms('/p', 'n0', 'r1', 'b2', 'w0x3'), 'OK');
  assert.equal(dom0.perms('/p'), 'n0 r1 b2 w3');
  assert.equal(dom0.setPerms('/p', 'x1'), 'E:EINVAL');
  assert.equal(dom0.call(W.XS_SET_PERMS, ['/p']), 'E:EINVAL');
  assert.equal(dom0.setPerms('/nope', 'n0'), 'E:ENOENT');
});

test('DIRECTORY_PART returns the generation and the children from a byte offset, "" at the end', () => {
  const dom0 = WireTester.socket(new Xenstored());
  const names = Array.from({ length: 600 }, (_, i) => `child-${i}`);
  for (const n of names) dom0.mkdir(`/big/${n}`);
  assert.equal(dom0.dir('/big'), 'E:E2BIG'); // 600 * 10 bytes > 4096
  const got: string[] = [];
  let off = 0;
  let gen: string | undefined;
  for (;;) {
    const r = dom0.send(W.XS_DIRECTORY_PART, payload(['/big', String(off)]))!;
    assert.equal(r.type, W.XS_DIRECTORY_PART);
    assert.ok(r.payload.length <= W.XENSTORE_PAYLOAD_MAX);
    const p = parts(r.payload);
    gen ??= p[0];
    assert.equal(p[0], gen);
    const kids = p.slice(1);
    if (kids[kids.length - 1] === '') {
      got.push(...kids.slice(0, -1));
      break;
    }
    got.push(...kids);
    off += kids.reduce((n, k) => n + k.length + 1, 0);
  }
  assert.deepEqual(got, names);
});

test('GET_DOMAIN_PATH answers /local/domain/<id> for any number, as atoi reads it', () => {
  const dom0 = WireTester.socket(new Xenstored());
  assert.equal(dom0.call(W.XS_GET_DOMAIN_PATH, ['7']), '/local/domain/7');
  assert.equal(dom0.call(W.XS_GET_DOMAIN_PATH, ['x']), '/local/domain/0');
  assert.equal(dom0.call(W.XS_GET_DOMAIN_PATH, []), 'E:EINVAL');
});

test('replies echo req_id and tx_id; errors are type ERROR with the errno name', () => {
  const dom0 = WireTester.socket(new Xenstored());
  const tx = dom0.start();
  const r = dom0.send(W.XS_READ, payload(['/nope']), tx)!;
  assert.equal(r.type, W.XS_ERROR);
  assert.equal(r.txId, tx);
  assert.equal(r.reqId, dom0.reqId);
  assert.deepEqual(parts(r.payload), ['ENOENT']);
  assert.equal(r.payload[r.payload.length - 1], 0);
});
