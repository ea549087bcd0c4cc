import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as W from '../../abi/xen/io/xs_wire.js';
import { encodeMessage } from './connection.js';
import { latin1ToBytes } from './cstring.js';
import { payload, storeWithDomains, WireTester } from './testing.js';
import { Xenstored } from './xenstored.js';

test('unknown and reply-only types are ENOSYS', () => {
  const dom0 = WireTester.socket(new Xenstored());
  for (const t of [W.XS_WATCH_EVENT, W.XS_ERROR, 20, W.XS_TYPE_COUNT, 99, W.XS_INVALID, 0xffffffff]) {
    assert.equal(dom0.call(t, ['/tool']), 'E:ENOSYS', `type ${t}`);
  }
});

test('a payload length over 4096 drops the connection without a reply, and nothing changes', () => {
  const xs = new Xenstored();
  const dom0 = WireTester.socket(xs);
  const bad = WireTester.socket(xs);
  bad.watch('/x', 't');
  const hdr = encodeMessage({ type: W.XS_WRITE, reqId: 1, txId: 0, payload: new Uint8Array(0) });
  new DataView(hdr.buffer).setUint32(12, 4097, true);
  const before = bad.log.length;
  bad.raw(hdr);
  assert.equal(bad.closedWith, W.XENSTORE_ERROR_PROTO);
  assert.equal(bad.log.length, before);
  assert.ok(!xs.connections.has(bad.conn));
  bad.raw(encodeMessage({ type: W.XS_WRITE, reqId: 2, txId: 0, payload: payload(['/y'], 'z') }));
  assert.equal(dom0.read('/y'), 'E:ENOENT');
  dom0.write('/x', 'no watcher left');
  assert.equal(bad.takeEvents().length, 1); // only the initial event
});

test('a guest ring connection sending an oversized message is ignored (no more requests served)', () => {
  const { xs } = storeWithDomains([1]);
  const d1 = WireTester.domain(xs, 1);
  const hdr = new Uint8Array(16);
  new DataView(hdr.buffer).setUint32(12, 0x10000000, true);
  d1.raw(hdr);
  assert.equal(d1.read('/local/domain/1'), '(no reply)');
  assert.ok(xs.domains.introduced(1)); // still introduced: @releaseDomain will come when it dies
});

test('missing NULs, extra NULs and empty payloads are EINVAL', () => {
  const dom0 = WireTester.socket(new Xenstored());
  const raw = (type: number, s: string) => dom0.send(type, latin1ToBytes(s))!;
  const err = (type: number, s: string) => {
    const r = raw(type, s);
    return r.type === W.XS_ERROR ? String.fromCharCode(...r.payload.subarray(0, -1)) : 'ok';
  };
  assert.equal(err(W.XS_READ, '/tool'), 'EINVAL');
  assert.equal(err(W.XS_READ, '/tool\0\0'), 'EINVAL');
  assert.equal(err(W.XS_READ, ''), 'EINVAL');
  assert.equal(err(W.XS_WRITE, '/novalue'), 'EINVAL');
  assert.equal(err(W.XS_MKDIR, '/a\0b'), 'EINVAL');
  assert.equal(err(W.XS_RM, ''), 'EINVAL');
  assert.equal(err(W.XS_DIRECTORY, '/tool'), 'EINVAL');
  assert.equal(err(W.XS_GET_PERMS, ''), 'EINVAL');
  assert.equal(err(W.XS_SET_PERMS, '/tool\0'), 'EINVAL');
  assert.equal(err(W.XS_TRANSACTION_END, 'T'), 'EINVAL');
  assert.equal(err(W.XS_WRITE, '/ok\0value without terminator'), 'ok');
});

test('bad paths are EINVAL: relative empty, trailing slash, double slash, bad characters', () => {
  const dom0 = WireTester.socket(new Xenstored());
  for (const p of ['', '/a/', '//a', '/a b', '/a\tb', '/ä', 'rel/', '/a/../b']) {
    assert.equal(dom0.write(p, 'x'), 'E:EINVAL', JSON.stringify(p));
    assert.equal(dom0.read(p), 'E:EINVAL', JSON.stringify(p));
  }
});

test('messages may arrive split anywhere, even byte by byte, and several in one chunk', () => {
  const dom0 = WireTester.socket(new Xenstored());
  const a = encodeMessage({ type: W.XS_WRITE, reqId: 7, txId: 0, payload: payload(['/split'], 'ok') });
  for (const b of a) dom0.raw(Uint8Array.of(b));
  const two = [
    encodeMessage({ type: W.XS_READ, reqId: 8, txId: 0, payload: payload(['/split']) }),
    encodeMessage({ type: W.XS_READ, reqId: 9, txId: 0, payload: payload(['/nope']) }),
  ];
  const both = new Uint8Array(two[0]!.length + two[1]!.length);
  both.set(two[0]!);
  both.set(two[1]!, two[0]!.length);
  dom0.raw(both);
  assert.deepEqual(dom0.log.slice(-3).map(r => [r.type, r.reqId]), [[W.XS_WRITE, 7], [W.XS_READ, 8], [W.XS_ERROR, 9]]);
});

/** xorshift32: deterministic random numbers for the fuzz test. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s % n;
  };
}

test('random requests from guests never throw and never corrupt the store', () => {
  const { xs, dom0 } = storeWithDomains([1, 2]);
  const guests = [WireTester.domain(xs, 1), WireTester.domain(xs, 2), dom0];
  const r = rng(12345);
  const words = ['', '/', 'a', 'b', '/local', '/local/domain/1', '/local/domain/2/x', 'data', '@releaseDomain', 'n1', 'r2', 'b0', 'T', 'F', '1', '0', '//', 'x/'];
  const pick = () => words[r(words.length)]!;
  for (let i = 0; i < 20000; i++) {
    const c = guests[r(guests.length)]!;
    if (c.conn.ignored) continue;
    const type = r(25);
    const n = r(4);
    const strs = Array.from({ length: n }, () => (r(4) === 0 ? pick() + '/' + pick() : pick()));
    const tail = r(3) === 0 ? pick() : undefined;
    const tx = r(5) === 0 ? r(4) : 0;
    if (type === W.XS_INTRODUCE || type === W.XS_RELEASE) continue; // covered elsewhere; keep the domains
    c.send(type, payload(strs, tail), tx);
  }
  assert.deepEqual(xs.store.check(), []);
  assert.equal(dom0.write('/after/fuzz', 'fine'), 'OK');
  assert.equal(dom0.read('/after/fuzz'), 'fine');
});

test('a bug behind a request (here a failing platform) drops that connection, not the process or the store', () => {
  const xs = new Xenstored({ platform: { mapRing: () => { throw new Error('platform bug'); } } });
  const dom0 = WireTester.socket(xs);
  const other = WireTester.socket(xs);
  assert.equal(dom0.call(W.XS_INTRODUCE, ['3', '1', '1']), '(no reply)');
  assert.equal(dom0.closedWith, W.XENSTORE_ERROR_COMM);
  assert.equal(other.write('/still', 'works'), 'OK');
  assert.deepEqual(xs.store.check(), []);
});
