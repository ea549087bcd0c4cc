import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EVTCHNSTAT_closed, EVTCHNSTAT_interdomain, EVTCHNSTAT_ipi, EVTCHNSTAT_unbound, EVTCHNSTAT_virq,
} from '../../abi/xen/event_channel.js';
import { DOMID_SELF, VIRQ_CONSOLE, VIRQ_DEBUG, VIRQ_TIMER } from '../../abi/xen/xen.js';
import { EventChannels } from './event-channel.js';
import { EventTwoLevel } from './event-2l.js';
import { FakeSharedInfo } from './testing.js';

const EINVAL = -22, ENOENT = -2, EEXIST = -17, ENOSPC = -28;

function guest(domid: number, vcpus = 1, maxPorts?: number) {
  const shared = new FakeSharedInfo(vcpus);
  const ev = new EventChannels(domid, new EventTwoLevel(shared), { vcpus, maxPorts });
  return { ev, shared };
}

test('alloc_unbound hands out the lowest free port, never port 0', () => {
  const { ev } = guest(1);
  assert.equal(ev.allocUnbound(0), 1);
  assert.equal(ev.allocUnbound(0), 2);
  assert.equal(ev.close(1), 0);
  assert.equal(ev.allocUnbound(0), 1);
  assert.deepEqual(ev.status(1), { status: EVTCHNSTAT_unbound, vcpu: 0, dom: 0 });
  assert.deepEqual(ev.status(0), { status: EVTCHNSTAT_closed, vcpu: 0 });
});

test('alloc_unbound with DOMID_SELF offers the port to the domain itself; bad domids are EINVAL', () => {
  const { ev } = guest(7);
  const p = ev.allocUnbound(DOMID_SELF);
  assert.deepEqual(ev.status(p), { status: EVTCHNSTAT_unbound, vcpu: 0, dom: 7 });
  assert.equal(ev.allocUnbound(-1), EINVAL);
  assert.equal(ev.allocUnbound(0x10000), EINVAL);
  assert.equal(ev.allocUnbound(1.5), EINVAL);
});

test('ports run out at maxPorts (4096 for the 2-level ABI) with ENOSPC', () => {
  const { ev } = guest(1);
  assert.equal(ev.maxPorts, 4096);
  for (let i = 1; i < 4096; i++) assert.equal(ev.allocUnbound(0), i);
  assert.equal(ev.allocUnbound(0), ENOSPC);
  assert.equal(ev.bindVirq(VIRQ_TIMER, 0), ENOSPC);
  const small = guest(2, 1, 4).ev;
  assert.equal(small.allocUnbound(0), 1);
  assert.equal(small.allocUnbound(0), 2);
  assert.equal(small.allocUnbound(0), 3);
  assert.equal(small.allocUnbound(0), ENOSPC);
});

test('constructor refuses impossible limits', () => {
  const ops = new EventTwoLevel(new FakeSharedInfo());
  assert.throws(() => new EventChannels(1, ops, { vcpus: 1, maxPorts: 4097 }), RangeError);
  assert.throws(() => new EventChannels(1, ops, { vcpus: 0 }), RangeError);
});

test('interdomain binding connects both ends, sets the new local port pending, and send crosses over', () => {
  const a = guest(1);
  const b = guest(2);
  const pa = a.ev.allocUnbound(2);
  const pb = b.ev.bindInterdomain(a.ev, pa);
  assert.equal(pb, 1);
  assert.deepEqual(a.ev.status(pa), { status: EVTCHNSTAT_interdomain, vcpu: 0, dom: 2, port: pb });
  assert.deepEqual(b.ev.status(pb), { status: EVTCHNSTAT_interdomain, vcpu: 0, dom: 1, port: pa });
  // bind_interdomain conservatively sets the local port pending
  assert.equal(b.shared.pending[pb], 1);
  assert.deepEqual(b.shared.upcalls, [0]);
  // A -> B
  b.shared.pending[pb] = 0;
  b.shared.ack(0);
  assert.equal(a.ev.send(pa), 0);
  assert.equal(b.shared.pending[pb], 1);
  assert.deepEqual(b.shared.upcalls, [0, 0]);
  assert.equal(a.shared.pending[pa], 0);
  // B -> A
  assert.equal(b.ev.send(pb), 0);
  assert.equal(a.shared.pending[pa], 1);
  assert.deepEqual(a.shared.upcalls, [0]);
});

test('a domain cannot bind a port that was not offered to it', () => {
  const a = guest(1);
  const b = guest(2);
  const c = guest(3);
  const forC = a.ev.allocUnbound(3);
  assert.equal(b.ev.bindInterdomain(a.ev, forC), EINVAL); // offered to d3, not d2
  assert.equal(b.ev.bindInterdomain(a.ev, 77), EINVAL); // free port
  assert.equal(b.ev.bindInterdomain(a.ev, 0), EINVAL); // reserved port
  assert.equal(b.ev.bindInterdomain(a.ev, 5000), EINVAL); // out of range
  assert.equal(b.ev.bindInterdomain(a.ev, -1), EINVAL);
  const virq = a.ev.bindVirq(VIRQ_CONSOLE, 0);
  assert.equal(b.ev.bindInterdomain(a.ev, virq), EINVAL); // not unbound
  // the failed attempts left no port behind in b
  assert.equal(b.ev.allocUnbound(0), 1);
  // the rightful domain binds it; a second binding of the same port fails (no longer unbound)
  assert.equal(c.ev.bindInterdomain(a.ev, forC), 1);
  const d3again = guest(3);
  assert.equal(d3again.ev.bindInterdomain(a.ev, forC), EINVAL);
});

test('a domain cannot signal, close, unmask or rebind ports it does not own', () => {
  const a = guest(1);
  const b = guest(2);
  const pa = a.ev.allocUnbound(3); // offered to d3, b holds no binding
  // b naming the same number only reaches b's own (free) port
  assert.equal(b.ev.send(pa), EINVAL);
  assert.equal(b.ev.close(pa), EINVAL);
  assert.equal(b.ev.bindVcpu(pa, 0), EINVAL);
  assert.equal(b.ev.unmask(pa), 0); // a free port: accepted and ignored, as in Xen
  assert.equal(a.shared.pending[pa], 0);
  assert.deepEqual(a.shared.upcalls, []);
  assert.deepEqual(a.ev.status(pa), { status: EVTCHNSTAT_unbound, vcpu: 0, dom: 3 });
});

test('close of an interdomain port puts the peer back to unbound, offered to the closer again', () => {
  const a = guest(1);
  const b = guest(2);
  const pa = a.ev.allocUnbound(2);
  const pb = b.ev.bindInterdomain(a.ev, pa);
  assert.equal(b.ev.close(pb), 0);
  assert.deepEqual(b.ev.status(pb), { status: EVTCHNSTAT_closed, vcpu: 0 });
  assert.deepEqual(a.ev.status(pa), { status: EVTCHNSTAT_unbound, vcpu: 0, dom: 2 });
  // a's sends are now dropped silently; b's closed port refuses to send
  assert.equal(a.ev.send(pa), 0);
  assert.equal(b.ev.send(pb), EINVAL);
  // and b can bind again
  assert.equal(b.ev.bindInterdomain(a.ev, pa), pb);
});

test('closing the unbound side frees it; the peer end cannot be bound afterwards', () => {
  const a = guest(1);
  const b = guest(2);
  const pa = a.ev.allocUnbound(2);
  assert.equal(a.ev.close(pa), 0);
  assert.equal(b.ev.bindInterdomain(a.ev, pa), EINVAL);
});

test('close clears the pending bit, resets the notify vCPU, and a closed port cannot be closed twice', () => {
  const a = guest(1, 2);
  const b = guest(2);
  const pa = a.ev.allocUnbound(2);
  b.ev.bindInterdomain(a.ev, pa);
  assert.equal(a.ev.bindVcpu(pa, 1), 0);
  a.shared.mask[pa] = 1;
  b.ev.send(1);
  assert.equal(a.shared.pending[pa], 1);
  assert.equal(a.ev.close(pa), 0);
  assert.equal(a.shared.pending[pa], 0);
  assert.equal(a.shared.mask[pa], 1); // the mask is the guest's business
  assert.equal(a.ev.close(pa), EINVAL);
  assert.equal(a.ev.close(0), EINVAL);
  assert.equal(a.ev.close(4096), EINVAL);
  const again = a.ev.allocUnbound(0);
  assert.equal(again, pa);
  assert.equal((a.ev.status(again) as { vcpu: number }).vcpu, 0);
});

test('loopback: a domain may bind its own port offered to itself', () => {
  const a = guest(4);
  const p1 = a.ev.allocUnbound(DOMID_SELF);
  const p2 = a.ev.bindInterdomain(a.ev, p1);
  assert.equal(p2, p1 + 1);
  a.shared.pending.fill(0);
  assert.equal(a.ev.send(p1), 0);
  assert.equal(a.shared.pending[p2], 1);
  assert.equal(a.ev.close(p1), 0);
  assert.deepEqual(a.ev.status(p2), { status: EVTCHNSTAT_unbound, vcpu: 0, dom: 4 });
});

test('send on closed, reserved, VIRQ and out-of-range ports is EINVAL; on unbound it is dropped', () => {
  const { ev, shared } = guest(1);
  assert.equal(ev.send(0), EINVAL);
  assert.equal(ev.send(3), EINVAL);
  assert.equal(ev.send(4096), EINVAL);
  assert.equal(ev.send(0xffffffff), EINVAL);
  assert.equal(ev.send(NaN), EINVAL);
  const virq = ev.bindVirq(VIRQ_TIMER, 0);
  assert.equal(ev.send(virq), EINVAL);
  const u = ev.allocUnbound(0);
  assert.equal(ev.send(u), 0);
  assert.equal(shared.pending[u], 0);
});

test('bind_vcpu routes an interdomain port to another vCPU\'s selector and upcall', () => {
  const a = guest(1, 4);
  const b = guest(2);
  const pa = a.ev.allocUnbound(2);
  const pb = b.ev.bindInterdomain(a.ev, pa);
  assert.equal(a.ev.bindVcpu(pa, 3), 0);
  assert.equal((a.ev.status(pa) as { vcpu: number }).vcpu, 3);
  b.ev.send(pb);
  assert.equal(a.shared.pending[pa], 1);
  assert.equal(a.shared.pendingSel[3], 1n);
  assert.equal(a.shared.pendingSel[0], 0n);
  assert.deepEqual(a.shared.upcalls, [3]);
});

test('bind_vcpu errors: no such vCPU is ENOENT, per-vCPU VIRQs, IPIs and free ports are EINVAL', () => {
  const { ev } = guest(1, 2);
  const u = ev.allocUnbound(0);
  assert.equal(ev.bindVcpu(u, 2), ENOENT);
  assert.equal(ev.bindVcpu(u, -1), ENOENT);
  assert.equal(ev.bindVcpu(9999, 0), EINVAL);
  assert.equal(ev.bindVcpu(50, 1), EINVAL);
  const timer = ev.bindVirq(VIRQ_TIMER, 1);
  assert.equal(ev.bindVcpu(timer, 0), EINVAL);
  const ipi = ev.bindIpi(1);
  assert.equal(ev.bindVcpu(ipi, 0), EINVAL);
  const con = ev.bindVirq(VIRQ_CONSOLE, 0);
  assert.equal(ev.bindVcpu(con, 1), 0);
  assert.deepEqual(ev.status(con), { status: EVTCHNSTAT_virq, vcpu: 1, virq: VIRQ_CONSOLE });
});

test('unmask re-raises a pending event at the notify vCPU', () => {
  const a = guest(1, 2);
  const b = guest(2);
  const pa = a.ev.allocUnbound(2);
  const pb = b.ev.bindInterdomain(a.ev, pa);
  a.ev.bindVcpu(pa, 1);
  a.shared.mask[pa] = 1;
  b.ev.send(pb);
  assert.deepEqual(a.shared.upcalls, []);
  assert.equal(a.ev.isPending(pa), true);
  assert.equal(a.ev.isMasked(pa), true);
  assert.equal(a.ev.unmask(pa), 0);
  assert.deepEqual(a.shared.upcalls, [1]);
  assert.equal(a.ev.unmask(4096), EINVAL);
  assert.equal(a.ev.unmask(-3), EINVAL);
});

test('bind_virq: global VIRQs only on vCPU 0, per-vCPU ones once per vCPU', () => {
  const { ev } = guest(1, 2);
  assert.equal(ev.bindVirq(24, 0), EINVAL);
  assert.equal(ev.bindVirq(-1, 0), EINVAL);
  assert.equal(ev.bindVirq(VIRQ_CONSOLE, 1), EINVAL);
  assert.equal(ev.bindVirq(VIRQ_TIMER, 2), ENOENT);
  const t0 = ev.bindVirq(VIRQ_TIMER, 0);
  const t1 = ev.bindVirq(VIRQ_TIMER, 1);
  assert.ok(t0 > 0 && t1 > 0 && t0 !== t1);
  assert.equal(ev.bindVirq(VIRQ_TIMER, 1), EEXIST);
  const c = ev.bindVirq(VIRQ_CONSOLE, 0);
  assert.equal(ev.bindVirq(VIRQ_CONSOLE, 0), EEXIST);
  assert.deepEqual(ev.status(t1), { status: EVTCHNSTAT_virq, vcpu: 1, virq: VIRQ_TIMER });
  // after close the VIRQ can be bound again
  assert.equal(ev.close(t1), 0);
  assert.ok(ev.bindVirq(VIRQ_TIMER, 1) > 0);
  assert.equal(ev.close(c), 0);
  assert.ok(ev.bindVirq(VIRQ_CONSOLE, 0) > 0);
});

test('sendVirq delivers per-vCPU VIRQs to their vCPU and global ones to the bound notify vCPU', () => {
  const { ev, shared } = guest(1, 2);
  assert.equal(ev.sendVirq(VIRQ_DEBUG, 1), false); // not bound
  const d1 = ev.bindVirq(VIRQ_DEBUG, 1);
  assert.equal(ev.sendVirq(VIRQ_DEBUG, 1), true);
  assert.equal(shared.pending[d1], 1);
  assert.deepEqual(shared.upcalls, [1]);
  const con = ev.bindVirq(VIRQ_CONSOLE, 0);
  ev.bindVcpu(con, 1);
  shared.ack(1);
  assert.equal(ev.sendVirq(VIRQ_CONSOLE), true);
  assert.deepEqual(shared.upcalls, [1, 1]);
  assert.equal(ev.sendVirq(99), false);
  assert.equal(ev.sendVirq(VIRQ_DEBUG, 7), false);
});

test('IPI ports signal their own vCPU', () => {
  const { ev, shared } = guest(1, 2);
  assert.equal(ev.bindIpi(2), ENOENT);
  const p = ev.bindIpi(1);
  assert.deepEqual(ev.status(p), { status: EVTCHNSTAT_ipi, vcpu: 1 });
  assert.equal(ev.send(p), 0);
  assert.deepEqual(shared.upcalls, [1]);
});

test('raise marks one of the domain\'s own usable ports pending, and refuses others', () => {
  const { ev, shared } = guest(1);
  const p = ev.allocUnbound(0);
  assert.equal(ev.raise(p), 0);
  assert.equal(shared.pending[p], 1);
  assert.deepEqual(shared.upcalls, [0]);
  assert.equal(ev.raise(0), EINVAL);
  assert.equal(ev.raise(p + 1), EINVAL);
  assert.equal(ev.raise(4096), EINVAL);
});

test('status of out-of-range ports is EINVAL', () => {
  const { ev } = guest(1);
  assert.equal(ev.status(4096), EINVAL);
  assert.equal(ev.status(-1), EINVAL);
});

test('set_priority is ENOSYS under the 2-level ABI, EINVAL for a port out of range', () => {
  const { ev } = guest(1);
  assert.equal(ev.setPriority(1, 7), -38);
  assert.equal(ev.setPriority(4096, 7), EINVAL);
});

test('destroy closes everything, peers become unbound, no new ports are allocated', () => {
  const a = guest(1);
  const b = guest(2);
  const pa = a.ev.allocUnbound(2);
  const pb = b.ev.bindInterdomain(a.ev, pa);
  a.ev.bindVirq(VIRQ_TIMER, 0);
  a.ev.destroy();
  assert.deepEqual(a.ev.dump(), []);
  assert.deepEqual(b.ev.status(pb), { status: EVTCHNSTAT_unbound, vcpu: 0, dom: 1 });
  assert.equal(a.ev.allocUnbound(0), EINVAL);
});

test('reset closes every port but the domain keeps working', () => {
  const { ev } = guest(1);
  ev.allocUnbound(0);
  ev.bindVirq(VIRQ_TIMER, 0);
  assert.equal(ev.reset(), 0);
  assert.deepEqual(ev.dump(), []);
  assert.equal(ev.allocUnbound(0), 1);
  assert.equal(ev.bindVirq(VIRQ_TIMER, 0), 2);
});

test('dump lists open ports like the e debug key', () => {
  const a = guest(1);
  const b = guest(2);
  const pa = a.ev.allocUnbound(2);
  b.ev.bindInterdomain(a.ev, pa);
  a.ev.allocUnbound(0);
  assert.deepEqual(a.ev.dump(), ['1 [0/0]: s=3 n=0 d=2 p=1', '2 [0/0]: s=2 n=0 d=0']);
});

test('setDom0Handler on a guest\'s channels is a host programming error', () => {
  const { ev } = guest(1);
  assert.throws(() => ev.setDom0Handler(1, () => {}), /in-process/);
});
