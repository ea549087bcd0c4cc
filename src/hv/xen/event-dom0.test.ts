import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventChannels } from './event-channel.js';
import { EventTwoLevel } from './event-2l.js';
import { createDom0EventChannels } from './event-dom0.js';
import { FakeSharedInfo } from './testing.js';

const EINVAL = -22;

function guest(domid: number, vcpus = 1) {
  const shared = new FakeSharedInfo(vcpus);
  return { ev: new EventChannels(domid, new EventTwoLevel(shared), { vcpus }), shared };
}

/** The xenstore pattern: the toolstack allocates an unbound guest port for dom0, xenstored binds it. */
function connect(domid = 1) {
  const g = guest(domid);
  const d0 = createDom0EventChannels();
  const gport = g.ev.allocUnbound(0);
  const dport = d0.evtchn.bindInterdomain(g.ev, gport);
  return { g, d0, gport, dport };
}

test('a guest send on a port bound to dom0 runs the handler registered for the dom0 port', () => {
  const { g, d0, gport, dport } = connect();
  const seen: number[] = [];
  assert.equal(d0.evtchn.setDom0Handler(dport, p => seen.push(p)), 0);
  seen.length = 0; // the bind-time pending event was delivered when the handler was set
  assert.equal(g.ev.send(gport), 0);
  assert.deepEqual(seen, [dport]);
  assert.equal(d0.ops.isPending(dport), false);
});

test('the event pending from bind_interdomain reaches a handler set afterwards', () => {
  const { d0, dport } = connect();
  assert.equal(d0.ops.isPending(dport), true);
  const seen: number[] = [];
  d0.evtchn.setDom0Handler(dport, p => seen.push(p));
  assert.deepEqual(seen, [dport]);
});

test('a dom0 backend kicks the frontend with send on its own port', () => {
  const { g, d0, gport, dport } = connect();
  g.shared.pending.fill(0);
  assert.equal(d0.evtchn.send(dport), 0);
  assert.equal(g.shared.pending[gport], 1);
  assert.deepEqual(g.shared.upcalls, [0]);
});

test('an event arriving while its handler runs runs the handler again afterwards, never nested', () => {
  const { g, d0, gport, dport } = connect();
  let depth = 0;
  let maxDepth = 0;
  let calls = 0;
  d0.evtchn.setDom0Handler(dport, () => {
    depth++;
    maxDepth = Math.max(maxDepth, depth);
    calls++;
    if (calls === 2) g.ev.send(gport); // the guest (or a loopback) signals again mid-handler
    depth--;
  });
  calls = 1; // bind-time delivery done
  g.ev.send(gport);
  assert.equal(calls, 3);
  assert.equal(maxDepth, 1);
});

test('several sends before delivery are absorbed into one with deferred delivery', () => {
  const queued: (() => void)[] = [];
  const g = guest(1);
  const d0 = createDom0EventChannels({ defer: run => queued.push(run) });
  const gport = g.ev.allocUnbound(0);
  const dport = d0.evtchn.bindInterdomain(g.ev, gport);
  let calls = 0;
  d0.evtchn.setDom0Handler(dport, () => calls++);
  g.ev.send(gport);
  g.ev.send(gport);
  assert.equal(calls, 0);
  assert.equal(queued.length, 1);
  queued.shift()!();
  assert.equal(calls, 1);
  g.ev.send(gport);
  assert.equal(queued.length, 1);
  queued.shift()!();
  assert.equal(calls, 2);
});

test('a masked dom0 port keeps its event until unmasked', () => {
  const { g, d0, gport, dport } = connect();
  let calls = 0;
  d0.evtchn.setDom0Handler(dport, () => calls++);
  calls = 0;
  d0.ops.mask(dport);
  g.ev.send(gport);
  assert.equal(calls, 0);
  assert.equal(d0.evtchn.isPending(dport), true);
  assert.equal(d0.evtchn.unmask(dport), 0);
  assert.equal(calls, 1);
});

test('a throwing handler neither reaches the guest\'s hypercall nor starves other ports', () => {
  const g = guest(1);
  const d0 = createDom0EventChannels();
  const gp1 = g.ev.allocUnbound(0);
  const gp2 = g.ev.allocUnbound(0);
  const dp1 = d0.evtchn.bindInterdomain(g.ev, gp1);
  const dp2 = d0.evtchn.bindInterdomain(g.ev, gp2);
  const seen: number[] = [];
  d0.evtchn.setDom0Handler(dp1, () => { throw new Error('xenstored bug'); });
  d0.evtchn.setDom0Handler(dp2, p => seen.push(p));
  seen.length = 0;
  assert.equal(g.ev.send(gp1), 0);
  assert.equal(g.ev.send(gp2), 0);
  assert.deepEqual(seen, [dp2]);
});

test('closing the dom0 port drops its handler; the guest end becomes unbound', () => {
  const { g, d0, gport, dport } = connect();
  let calls = 0;
  d0.evtchn.setDom0Handler(dport, () => calls++);
  calls = 0;
  assert.equal(d0.evtchn.close(dport), 0);
  assert.equal(g.ev.send(gport), 0); // unbound: dropped
  // a new binding on the same dom0 port number has no handler until one is set
  const gport2 = g.ev.allocUnbound(0);
  assert.equal(d0.evtchn.bindInterdomain(g.ev, gport2), dport);
  g.ev.send(gport2);
  assert.equal(calls, 0);
});

test('the handler survives the guest closing and rebinding its end (e.g. after resume)', () => {
  const { g, d0, gport, dport } = connect();
  let calls = 0;
  d0.evtchn.setDom0Handler(dport, () => calls++);
  calls = 0;
  assert.equal(g.ev.close(gport), 0);
  const again = g.ev.bindInterdomain(d0.evtchn, dport);
  assert.ok(again > 0);
  assert.equal(calls, 0);
  g.ev.send(again);
  assert.equal(calls, 1);
});

test('setDom0Handler refuses free, reserved and out-of-range ports', () => {
  const { d0 } = connect();
  assert.equal(d0.evtchn.setDom0Handler(0, () => {}), EINVAL);
  assert.equal(d0.evtchn.setDom0Handler(7, () => {}), EINVAL);
  assert.equal(d0.evtchn.setDom0Handler(4096, () => {}), EINVAL);
});

test('a guest cannot reach a dom0 port that was not offered to it', () => {
  const g = guest(1);
  const other = guest(2);
  const d0 = createDom0EventChannels();
  const forOther = d0.evtchn.allocUnbound(2);
  let calls = 0;
  d0.evtchn.setDom0Handler(forOther, () => calls++);
  assert.equal(g.ev.bindInterdomain(d0.evtchn, forOther), EINVAL);
  assert.equal(g.ev.send(forOther), EINVAL);
  assert.equal(calls, 0);
  const op = other.ev.bindInterdomain(d0.evtchn, forOther);
  assert.equal(calls, 0); // bind sets the *binder's* port pending, not dom0's
  other.ev.send(op);
  assert.equal(calls, 1);
});
