import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import { HYPERVISOR_sched_op, XEN_EFAULT, XEN_EINVAL, XEN_ENOSYS, XEN_EPERM, XEN_ESRCH } from '../../abi/xen/xen.js';
import {
  SCHEDOP_block, SCHEDOP_pin_override, SCHEDOP_poll, SCHEDOP_remote_shutdown, SCHEDOP_shutdown,
  SCHEDOP_shutdown_code, SCHEDOP_watchdog, SCHEDOP_yield,
} from '../../abi/xen/sched.js';
import { GUEST, struct, xenTestbed, type XenTestbed } from './testbed.js';

const shutdown = (t: XenTestbed, reason: number, cmd = SCHEDOP_shutdown) => {
  t.e.writePhys(GUEST.ARG, struct(4, [[0, 4, reason]]));
  return t.call(HYPERVISOR_sched_op, [cmd, GUEST.ARG]);
};

test('SCHEDOP_shutdown with each reason shuts the domain down with that reason; the first one sticks', async () => {
  const expected: [number, string, string][] = [
    [0, 'poweroff', 'poweroff'], [1, 'reboot', 'reboot'], [3, 'crash', 'crash'], [4, 'watchdog', 'crash'],
    [5, 'soft_reset', 'reboot'], [77, 'unknown(77)', 'crash'],
  ];
  for (const [code, xen, domain] of expected) {
    const t = await xenTestbed(createEngine);
    const events: string[] = [];
    t.xen.onDomainEvent(e => events.push(`${e.type}:${e.domid}:${'reason' in e ? e.reason : ''}`));
    assert.equal(shutdown(t, code), 0);
    assert.equal(t.d.shutdownReason, xen);
    assert.equal(t.domain.state, 'shutdown');
    assert.equal(t.domain.shutdownReason, domain);
    assert.deepEqual(events, [`shutdown:${t.d.id}:${xen}`]);
    assert.equal(shutdown(t, 1), 0);
    assert.equal(t.d.shutdownReason, xen);
  }
});

test('SCHEDOP_shutdown(suspend) pauses the domain; a cancelled suspend returns 1 to the guest', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(shutdown(t, 2), 0);
  assert.equal(t.d.shutdownReason, 'suspend');
  assert.equal(t.domain.state, 'paused');
  assert.equal(t.xen.resumeDomain(t.d.id), 0);
  assert.equal(t.domain.state, 'running');
  assert.equal(t.e.x(0, 0), 1n);
  assert.equal(t.d.shutdownReason, undefined);
  assert.equal(t.xen.resumeDomain(t.d.id), -XEN_EINVAL);
});

test('SCHEDOP_shutdown_code sets the reason a later shutdown reports', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(shutdown(t, 3, SCHEDOP_shutdown_code), 0);
  assert.equal(t.domain.state, 'running');
  assert.equal(shutdown(t, 0), 0);
  assert.equal(t.d.shutdownReason, 'crash');
});

test('yield returns at once; block waits like WFI unless an interrupt is pending', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(t.call(HYPERVISOR_sched_op, [SCHEDOP_yield, 0]), 0);
  assert.equal(t.domain.vcpus[0].blocked, false);
  assert.equal(t.call(HYPERVISOR_sched_op, [SCHEDOP_block, 0]), 0);
  assert.equal(t.domain.vcpus[0].blocked, true);
});

test('SCHEDOP_poll returns at once for a pending port and otherwise blocks until the port is raised', async () => {
  const t = await xenTestbed(createEngine);
  const p1 = t.d.evtchn.allocUnbound(0);
  const p2 = t.d.evtchn.allocUnbound(0);
  const poll = (ports: number[], timeout = 0n, nr = ports.length) => {
    t.e.writePhys(GUEST.BUF, struct(Math.max(4, ports.length * 4), ports.map((p, i) => [i * 4, 4, p] as [number, 4, number])));
    t.e.writePhys(GUEST.ARG, struct(24, [[0, 8, GUEST.BUF], [8, 4, nr], [16, 8, timeout]]));
    return t.call(HYPERVISOR_sched_op, [SCHEDOP_poll, GUEST.ARG]);
  };
  t.d.evtchn.raise(p2);
  assert.equal(poll([p1, p2]), 0);
  assert.equal(t.domain.vcpus[0].blocked, false);
  t.d.evtchn.unmask(p2);
  t.d.shared.clearPending(p2);
  assert.equal(poll([p1]), 0);
  assert.equal(t.domain.vcpus[0].blocked, true);
  assert.equal(t.d.isPolling(0), true);
  t.d.evtchn.raise(p2); // not the polled port
  assert.equal(t.domain.vcpus[0].blocked, true);
  t.d.evtchn.raise(p1);
  assert.equal(t.domain.vcpus[0].blocked, false);
  assert.deepEqual(t.wakes, [0]);
  assert.equal(t.d.isPolling(0), false);
});

test('SCHEDOP_poll with a timeout wakes at the deadline', async () => {
  const t = await xenTestbed(createEngine);
  const p1 = t.d.evtchn.allocUnbound(0);
  t.e.writePhys(GUEST.BUF, struct(4, [[0, 4, p1]]));
  t.e.writePhys(GUEST.ARG, struct(24, [[0, 8, GUEST.BUF], [8, 4, 1], [16, 8, t.clock.ns + 5000n]]));
  assert.equal(t.call(HYPERVISOR_sched_op, [SCHEDOP_poll, GUEST.ARG]), 0);
  assert.equal(t.d.expirePolls(), 5000);
  t.clock.advance(5000n);
  assert.equal(t.d.expirePolls(), null);
  assert.equal(t.domain.vcpus[0].blocked, false);
});

test('SCHEDOP_poll rejects too many ports, ports not in use and unreadable lists', async () => {
  const t = await xenTestbed(createEngine);
  const poll = (nr: number, list: bigint, ports: number[] = []) => {
    t.e.writePhys(GUEST.BUF, struct(Math.max(4, ports.length * 4), ports.map((p, i) => [i * 4, 4, p] as [number, 4, number])));
    t.e.writePhys(GUEST.ARG, struct(24, [[0, 8, list], [8, 4, nr]]));
    return t.call(HYPERVISOR_sched_op, [SCHEDOP_poll, GUEST.ARG]);
  };
  assert.equal(poll(129, GUEST.BUF), -XEN_EINVAL);
  assert.equal(poll(1, GUEST.BUF, [0]), -XEN_EINVAL); // port 0 is reserved
  assert.equal(poll(1, GUEST.BUF, [7]), -XEN_EINVAL); // not allocated
  assert.equal(poll(1, GUEST.BUF, [1 << 20]), -XEN_EINVAL);
  assert.equal(poll(2, 0x10n), -XEN_EFAULT);
  assert.equal(t.call(HYPERVISOR_sched_op, [SCHEDOP_poll, 0x10]), -XEN_EFAULT);
  assert.equal(t.domain.vcpus[0].blocked, false);
});

test('remote_shutdown and pin_override are refused to a domU; the watchdog and unknown ops are -ENOSYS', async () => {
  const t = await xenTestbed(createEngine);
  const other = t.xen.createDomain({ name: 'other', engine: t.e, machine: t.machine, clock: t.clock });
  const remote = (domid: number) => {
    t.e.writePhys(GUEST.ARG, struct(8, [[0, 2, domid], [4, 4, 0]]));
    return t.call(HYPERVISOR_sched_op, [SCHEDOP_remote_shutdown, GUEST.ARG]);
  };
  assert.equal(remote(other.id), -XEN_EPERM);
  assert.equal(remote(t.d.id), -XEN_EPERM);
  assert.equal(remote(0x7ff0), -XEN_ESRCH); // DOMID_SELF is not an id here
  assert.equal(other.shutdownCode, null);
  assert.equal(t.call(HYPERVISOR_sched_op, [SCHEDOP_pin_override, GUEST.ARG]), -XEN_EPERM);
  assert.equal(t.call(HYPERVISOR_sched_op, [SCHEDOP_watchdog, GUEST.ARG]), -XEN_ENOSYS);
  assert.equal(t.call(HYPERVISOR_sched_op, [42, GUEST.ARG]), -XEN_ENOSYS);
  assert.equal(t.call(HYPERVISOR_sched_op, [SCHEDOP_shutdown, 0x10]), -XEN_EFAULT);
  assert.equal(t.domain.state, 'running');
});
