import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import {
  DOMID_SELF, HYPERVISOR_event_channel_op, VIRQ_TIMER, XEN_EEXIST, XEN_EFAULT, XEN_EINVAL, XEN_ENOENT, XEN_ENOSYS,
  XEN_EOPNOTSUPP, XEN_EPERM, XEN_ESRCH,
} from '../../abi/xen/xen.js';
import {
  EVTCHNOP_alloc_unbound, EVTCHNOP_bind_interdomain, EVTCHNOP_bind_pirq, EVTCHNOP_bind_vcpu, EVTCHNOP_bind_virq,
  EVTCHNOP_close, EVTCHNOP_expand_array, EVTCHNOP_init_control, EVTCHNOP_reset, EVTCHNOP_send,
  EVTCHNOP_set_priority, EVTCHNOP_status, EVTCHNOP_unmask, EVTCHNSTAT_closed, EVTCHNSTAT_interdomain,
  EVTCHNSTAT_unbound, EVTCHNSTAT_virq,
} from '../../abi/xen/event_channel.js';
import { GUEST, guestView, struct, xenTestbed, type XenTestbed } from './testbed.js';

function op(t: XenTestbed, cmd: number, arg: Uint8Array | null, vcpu = 0): { rc: number; out: DataView } {
  if (arg) t.e.writePhys(GUEST.ARG, arg);
  const rc = t.call(HYPERVISOR_event_channel_op, [cmd, arg ? GUEST.ARG : 0x10], vcpu);
  return { rc, out: guestView(t.d, GUEST.ARG, 24) };
}
const port1 = (port: number) => struct(4, [[0, 4, port]]);

test('a port offered to dom0 and bound by a service: guest sends run the service, dom0 notifies raise the upcall', async () => {
  const t = await xenTestbed(createEngine);
  const a = op(t, EVTCHNOP_alloc_unbound, struct(8, [[0, 2, DOMID_SELF], [2, 2, 0]]));
  assert.equal(a.rc, 0);
  const port = a.out.getUint32(4, true);
  assert.equal(port, 1);
  const st = op(t, EVTCHNOP_status, struct(24, [[0, 2, DOMID_SELF], [4, 4, port]]));
  assert.equal(st.rc, 0);
  assert.equal(st.out.getUint32(8, true), EVTCHNSTAT_unbound);
  assert.equal(st.out.getUint16(16, true), 0);
  const kicks: number[] = [];
  const dport = t.xen.evtchnBindInterdomain(t.d.id, port, p => kicks.push(p));
  assert.ok(dport > 0);
  // bind_interdomain raises the binder's new end once, in case the guest signalled before: the service runs
  assert.deepEqual(kicks, [dport]);
  assert.equal(t.d.shared.isPending(port), false);
  assert.equal(op(t, EVTCHNOP_send, port1(port)).rc, 0);
  assert.deepEqual(kicks, [dport, dport]);
  assert.equal(t.xen.evtchnNotify(dport), 0);
  assert.equal(t.d.shared.isPending(port), true);
  assert.equal(t.d.shared.upcallPending(0), true);
  const s2 = op(t, EVTCHNOP_status, struct(24, [[0, 2, DOMID_SELF], [4, 4, port]]));
  assert.equal(s2.out.getUint32(8, true), EVTCHNSTAT_interdomain);
  assert.deepEqual([s2.out.getUint16(16, true), s2.out.getUint32(20, true)], [0, dport]);
});

test('bind_interdomain to a port dom0 offered; closing it makes dom0\'s end unbound again', async () => {
  const t = await xenTestbed(createEngine);
  const offered = t.xen.evtchnAllocUnbound(0, t.d.id);
  const b = op(t, EVTCHNOP_bind_interdomain, struct(12, [[0, 2, 0], [4, 4, offered]]));
  assert.equal(b.rc, 0);
  const local = b.out.getUint32(8, true);
  assert.equal(op(t, EVTCHNOP_close, port1(local)).rc, 0);
  const st = t.xen.evtchnStatus(0, offered);
  assert.ok(typeof st !== 'number' && st.status === EVTCHNSTAT_unbound && st.dom === t.d.id);
  assert.equal(op(t, EVTCHNOP_close, port1(local)).rc, -XEN_EINVAL);
  // a port dom0 did not offer to this domain cannot be bound
  const notOurs = t.xen.evtchnAllocUnbound(0, 0);
  assert.equal(op(t, EVTCHNOP_bind_interdomain, struct(12, [[0, 2, 0], [4, 4, notOurs]])).rc, -XEN_EINVAL);
  assert.equal(op(t, EVTCHNOP_bind_interdomain, struct(12, [[0, 2, 0x5555], [4, 4, 1]])).rc, -XEN_ESRCH);
});

test('a guest can neither allocate in nor look into another domain, nor signal ports it does not own', async () => {
  const t = await xenTestbed(createEngine);
  const other = t.xen.createDomain({ name: 'other', engine: t.e, machine: t.machine, clock: t.clock });
  const theirs = other.evtchn.allocUnbound(0);
  assert.equal(op(t, EVTCHNOP_alloc_unbound, struct(8, [[0, 2, other.id], [2, 2, t.d.id]])).rc, -XEN_EPERM);
  assert.equal(op(t, EVTCHNOP_alloc_unbound, struct(8, [[0, 2, 0x6000], [2, 2, 0]])).rc, -XEN_ESRCH);
  assert.equal(op(t, EVTCHNOP_status, struct(24, [[0, 2, other.id], [4, 4, theirs]])).rc, -XEN_EPERM);
  assert.equal(op(t, EVTCHNOP_reset, struct(2, [[0, 2, other.id]])).rc, -XEN_EPERM);
  // the same port number in the guest's own table is free: nothing reaches the other domain
  assert.equal(op(t, EVTCHNOP_send, port1(theirs)).rc, -XEN_EINVAL);
  assert.equal(other.shared.isPending(theirs), false);
  for (const bad of [0, 4096, 0xffffffff]) {
    assert.equal(op(t, EVTCHNOP_send, port1(bad)).rc, -XEN_EINVAL, `port ${bad}`);
    assert.equal(op(t, EVTCHNOP_unmask, port1(bad)).rc, bad === 0 ? 0 : -XEN_EINVAL);
  }
});

test('bind_virq, bind_vcpu and unmask follow Xen\'s rules', async () => {
  const t = await xenTestbed(createEngine, { vcpus: 2 });
  const v = op(t, EVTCHNOP_bind_virq, struct(12, [[0, 4, VIRQ_TIMER], [4, 4, 1]]));
  assert.equal(v.rc, 0);
  const vport = v.out.getUint32(8, true);
  assert.equal(op(t, EVTCHNOP_bind_virq, struct(12, [[0, 4, VIRQ_TIMER], [4, 4, 1]])).rc, -XEN_EEXIST);
  assert.equal(op(t, EVTCHNOP_bind_virq, struct(12, [[0, 4, 24], [4, 4, 0]])).rc, -XEN_EINVAL);
  assert.equal(op(t, EVTCHNOP_bind_virq, struct(12, [[0, 4, VIRQ_TIMER], [4, 4, 7]])).rc, -XEN_ENOENT);
  const st = op(t, EVTCHNOP_status, struct(24, [[0, 2, DOMID_SELF], [4, 4, vport]]));
  const fields = [st.out.getUint32(8, true), st.out.getUint32(12, true), st.out.getUint32(16, true)];
  assert.deepEqual(fields, [EVTCHNSTAT_virq, 1, VIRQ_TIMER]);
  const u = op(t, EVTCHNOP_alloc_unbound, struct(8, [[0, 2, DOMID_SELF], [2, 2, 0]])).out.getUint32(4, true);
  assert.equal(op(t, EVTCHNOP_bind_vcpu, struct(8, [[0, 4, u], [4, 4, 1]])).rc, 0);
  assert.equal(op(t, EVTCHNOP_bind_vcpu, struct(8, [[0, 4, u], [4, 4, 2]])).rc, -XEN_ENOENT);
  assert.equal(op(t, EVTCHNOP_bind_vcpu, struct(8, [[0, 4, vport], [4, 4, 0]])).rc, -XEN_EINVAL); // per-vCPU VIRQ
  // masked while raised, then unmasked: the event is delivered to the notify vCPU
  t.d.shared.setMask(u);
  t.d.evtchn.raise(u);
  assert.equal(t.d.shared.isPending(u), true);
  assert.equal(op(t, EVTCHNOP_unmask, port1(u)).rc, 0);
  assert.equal(t.d.shared.isMasked(u), false);
  const st2 = op(t, EVTCHNOP_status, struct(24, [[0, 2, DOMID_SELF], [4, 4, 300]]));
  assert.deepEqual([st2.rc, st2.out.getUint32(8, true)], [0, EVTCHNSTAT_closed]);
});

test('FIFO setup is refused so Linux uses 2-level; PIRQs do not exist; bad pointers are -EFAULT', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(op(t, EVTCHNOP_init_control, struct(24, [])).rc, -XEN_ENOSYS);
  assert.equal(op(t, EVTCHNOP_expand_array, struct(8, [])).rc, -XEN_EOPNOTSUPP);
  assert.equal(op(t, EVTCHNOP_bind_pirq, struct(12, [[0, 4, 1]])).rc, -XEN_EINVAL);
  assert.equal(op(t, EVTCHNOP_set_priority, struct(8, [[0, 4, 5]])).rc, -XEN_ENOSYS);
  assert.equal(op(t, EVTCHNOP_set_priority, struct(8, [[0, 4, 5000]])).rc, -XEN_EINVAL);
  assert.equal(op(t, 77, struct(8, [])).rc, -XEN_ENOSYS);
  for (const cmd of [EVTCHNOP_alloc_unbound, EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_bind_virq, EVTCHNOP_close]) {
    assert.equal(op(t, cmd, null).rc, -XEN_EFAULT, `cmd ${cmd}`);
  }
  assert.equal(op(t, EVTCHNOP_reset, struct(2, [[0, 2, DOMID_SELF]])).rc, 0);
});
