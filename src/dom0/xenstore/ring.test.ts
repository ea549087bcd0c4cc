import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as W from '../../abi/xen/io/xs_wire.js';
import { encodeMessage } from './connection.js';
import { FakeGuestRing, parts, payload, splitMessages, WireTester, type Reply } from './testing.js';
import { Xenstored, type XenstoredOptions } from './xenstored.js';

/** A xenstored whose platform maps one fake ring for every INTRODUCE, and domain `domid` introduced on it. */
function setup(domid = 1, opts: XenstoredOptions = {}, base = 0) {
  const guest = new FakeGuestRing();
  guest.setIndexes(base);
  let kick: (() => void) | null = null;
  const mapped: [number, number, number][] = [];
  const xs = new Xenstored({
    ...opts,
    platform: {
      mapRing: (d, gfn, port) => {
        mapped.push([d, gfn, port]);
        return { page: guest.page, notify: () => guest.notifications++, setKickHandler: h => (kick = h) };
      },
    },
  });
  const dom0 = WireTester.socket(xs);
  dom0.mkdir(`/local/domain/${domid}`);
  dom0.setPerms(`/local/domain/${domid}`, `n${domid}`);
  assert.equal(dom0.call(W.XS_INTRODUCE, [String(domid), String(0x39001), '1']), 'OK');
  if (base) guest.setIndexes(base); // INTRODUCE resets the indexes to 0; start elsewhere for wrap tests
  let reqId = 0;
  const received: Reply[] = [];
  let pending = new Uint8Array(0);
  const pump = () => {
    const more = guest.take();
    const all = new Uint8Array(pending.length + more.length);
    all.set(pending);
    all.set(more, pending.length);
    const msgs = splitMessages(all);
    const used = msgs.reduce((n, m) => n + 16 + m.payload.length, 0);
    pending = all.slice(used);
    received.push(...msgs);
    kick!();
  };
  /** The guest side: send a whole request through the ring (in pieces if needed), return its reply. */
  const call = (type: number, body: Uint8Array, tx = 0): Reply => {
    const id = ++reqId;
    const msg = encodeMessage({ type, reqId: id, txId: tx, payload: body });
    for (let off = 0; off < msg.length;) {
      off += guest.put(msg.subarray(off));
      kick!();
      pump();
    }
    for (let i = 0; i < 100; i++) {
      const r = received.find(m => m.reqId === id && m.type !== W.XS_WATCH_EVENT);
      if (r) return r;
      pump();
    }
    throw new Error('no reply');
  };
  return { xs, dom0, guest, mapped, call, received, kick: () => kick!(), pump };
}

const text = (r: Reply) => (r.type === W.XS_ERROR ? 'E:' : '') + parts(r.payload).join(' ');

test('INTRODUCE maps the ring, advertises reconnection and error reporting, and serves requests', () => {
  const { guest, mapped, call } = setup(1);
  assert.deepEqual(mapped, [[1, 0x39001, 1]]);
  assert.equal(guest.u32(W.XENSTORE_SERVER_FEATURES), W.XENSTORE_SERVER_FEATURE_RECONNECTION | W.XENSTORE_SERVER_FEATURE_ERROR);
  assert.equal(text(call(W.XS_WRITE, payload(['data'], 'v'))), 'OK');
  assert.equal(text(call(W.XS_READ, payload(['/local/domain/1/data']))), 'v');
  assert.equal(text(call(W.XS_READ, payload(['/tool']))), 'E:EACCES');
  assert.ok(guest.notifications > 0);
});

test('indexes are free-running: requests and replies wrap the ring and the 32-bit counters', () => {
  const { guest, call } = setup(1, {}, 0xfffffc00 + 7);
  for (let i = 0; i < 300; i++) {
    const v = `value-${i}-`.padEnd(50 + (i % 37), 'x');
    assert.equal(text(call(W.XS_WRITE, payload([`k${i % 10}`], v))), 'OK');
    assert.equal(text(call(W.XS_READ, payload([`k${i % 10}`]))), v);
  }
  assert.ok(guest.u32(W.XENSTORE_REQ_PROD) < 0x10000, 'req_prod wrapped past 2^32');
  assert.equal(guest.u32(W.XENSTORE_REQ_CONS), guest.u32(W.XENSTORE_REQ_PROD));
});

test('messages larger than the ring flow through in pieces both ways', () => {
  const { call, dom0 } = setup(1);
  const big = 'B'.repeat(4000);
  // the 4 KiB request crosses the ring in pieces; the node-size quota then refuses it for a guest
  assert.equal(text(call(W.XS_WRITE, payload(['big'], big))), 'E:ENOSPC');
  dom0.write('/local/domain/1/big', big);
  const r = call(W.XS_READ, payload(['big']));
  assert.equal(r.payload.length, 4000);
  assert.equal(String.fromCharCode(...r.payload), big);
});

test('request bytes are copied out: the guest rewriting consumed bytes changes nothing', () => {
  const { guest, kick, pump, received } = setup(1);
  const msg = encodeMessage({ type: W.XS_WRITE, reqId: 77, txId: 0, payload: payload(['copy'], 'safe') });
  guest.put(msg.subarray(0, 16));
  kick();
  assert.equal(guest.u32(W.XENSTORE_REQ_CONS), 16);
  guest.page.fill(0xff, W.XENSTORE_REQ, W.XENSTORE_REQ + 16); // scribble over the consumed header
  guest.put(msg.subarray(16));
  kick();
  pump();
  assert.equal(text(received.find(m => m.reqId === 77)!), 'OK');
});

test('a guest not reading replies is stalled after 20 outstanding ones, then resumes in order', () => {
  const { dom0, guest, kick, pump, received } = setup(1);
  dom0.write('/local/domain/1/v', 'x'.repeat(300)); // 316-byte replies: three fill the response ring
  const reqs: Uint8Array[] = [];
  for (let i = 0; i < 30; i++) reqs.push(encodeMessage({ type: W.XS_READ, reqId: 1000 + i, txId: 0, payload: payload(['v']) }));
  const stream = new Uint8Array(reqs.reduce((n, r) => n + r.length, 0));
  let o = 0;
  for (const r of reqs) { stream.set(r, o); o += r.length; }
  assert.equal(guest.put(stream), stream.length);
  kick();
  // the response ring is full (3 replies and part of a 4th) and 20 replies wait: 23 requests read, then a stop
  assert.equal(guest.u32(W.XENSTORE_RSP_PROD), 1024);
  assert.equal(guest.u32(W.XENSTORE_REQ_CONS), 23 * 18);
  for (let i = 0; i < 20 && received.length < 30; i++) pump();
  assert.deepEqual(received.map(r => r.reqId), reqs.map((_, i) => 1000 + i));
  assert.equal(guest.u32(W.XENSTORE_REQ_CONS), stream.length);
});

test('inconsistent ring indexes stop the connection and set the error field', () => {
  const { guest, kick, call } = setup(1);
  assert.equal(text(call(W.XS_READ, payload(['/local/domain/1']))), '');
  guest.setU32(W.XENSTORE_REQ_PROD, guest.u32(W.XENSTORE_REQ_CONS) + 2000);
  kick();
  assert.equal(guest.u32(W.XENSTORE_ERROR_FIELD), W.XENSTORE_ERROR_RINGIDX);
});

test('an oversized message sets the protocol error', () => {
  const { xs, guest, kick } = setup(1);
  const hdr = new Uint8Array(16);
  new DataView(hdr.buffer).setUint32(12, 5000, true);
  guest.put(hdr);
  kick();
  assert.equal(guest.u32(W.XENSTORE_ERROR_FIELD), W.XENSTORE_ERROR_PROTO);
  assert.ok(xs.domainConnection(1)!.ignored);
});

test('ring reconnection: the guest sets connection=1 and kicks; watches go, indexes reset, connection=0', () => {
  const { xs, guest, call, kick } = setup(1);
  assert.equal(text(call(W.XS_WATCH, payload(['data', 'tok']))), 'OK');
  const notes = guest.notifications;
  guest.setU32(W.XENSTORE_CONNECTION, W.XENSTORE_RECONNECT);
  kick();
  assert.equal(guest.u32(W.XENSTORE_CONNECTION), W.XENSTORE_CONNECTED);
  for (const off of [W.XENSTORE_REQ_CONS, W.XENSTORE_REQ_PROD, W.XENSTORE_RSP_CONS, W.XENSTORE_RSP_PROD]) assert.equal(guest.u32(off), 0);
  assert.ok(guest.notifications > notes);
  assert.equal(xs.domainConnection(1)!.watches.length, 0);
});

test('watch events from other connections reach the guest through the ring with a notification', () => {
  const { dom0, guest, call, received, pump } = setup(1);
  call(W.XS_WATCH, payload(['/local/domain/1/control', 'ctl']));
  const before = received.length;
  const notes = guest.notifications;
  dom0.write('/local/domain/1/control/shutdown', 'poweroff');
  assert.ok(guest.notifications > notes);
  pump();
  assert.deepEqual(received.slice(before).map(r => parts(r.payload).join(' ')), ['/local/domain/1/control/shutdown ctl']);
});

test('a second INTRODUCE resets the ring and the connection (watches, transactions)', () => {
  const { xs, dom0, guest, call } = setup(1);
  call(W.XS_WATCH, payload(['data', 'tok']));
  const tx = Number(parts(call(W.XS_TRANSACTION_START, payload([''])).payload)[0]);
  assert.equal(dom0.call(W.XS_INTRODUCE, ['1', '1', '1']), 'OK');
  assert.equal(guest.u32(W.XENSTORE_RSP_PROD), 0);
  assert.equal(xs.domainConnection(1)!.watches.length, 0);
  assert.equal(xs.domainConnection(1)!.transactions.size, 0);
  void tx;
});
