import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import {
  DOMID_SELF, HYPERVISOR_event_channel_op, HYPERVISOR_grant_table_op, HYPERVISOR_hvm_op, HYPERVISOR_memory_op,
  HYPERVISOR_vcpu_op, HYPERVISOR_vm_assist, HYPERVISOR_xen_version, VIRQ_DOM_EXC, XEN_EINVAL, XEN_ENOSYS, XEN_ESRCH,
} from '../../abi/xen/xen.js';
import { EVTCHNOP_init_control, EVTCHNOP_send, EVTCHNSTAT_unbound } from '../../abi/xen/event_channel.js';
import { GNTTABOP_query_size, GNTTABOP_set_version } from '../../abi/xen/grant_table.js';
import { HVM_PARAM_CONSOLE_EVTCHN, HVM_PARAM_CONSOLE_PFN, HVMOP_get_param } from '../../abi/xen/hvm_params.js';
import { XENMAPSPACE_grant_table, XENMAPSPACE_shared_info, XENMEM_add_to_physmap } from '../../abi/xen/memory.js';
import { VCPUOP_register_runstate_memory_area, VCPUOP_register_vcpu_info } from '../../abi/xen/vcpu.js';
import { XENVER_get_features } from '../../abi/xen/version.js';
import { GUEST, guestView, struct, xenTestbed } from './testbed.js';

test('a Linux-like bring-up: features, shared_info, grant table, vcpu_info, 2-level events, runstate, console', async () => {
  const t = await xenTestbed(createEngine);
  const xen = t.xen;
  // the toolstack: console page at the magic frame, a port dom0 binds, params the guest reads
  assert.equal(xen.populatePhysmap(t.d.id, [0x39000, 0x39001]), 2);
  const ring = xen.foreignPage(t.d.id, 0x39000) as Uint8Array;
  const cport = xen.evtchnAllocUnbound(t.d.id, 0);
  const kicks: number[] = [];
  xen.evtchnBindInterdomain(t.d.id, cport, p => kicks.push(p));
  xen.setHvmParam(t.d.id, HVM_PARAM_CONSOLE_PFN, 0x39000n);
  xen.setHvmParam(t.d.id, HVM_PARAM_CONSOLE_EVTCHN, BigInt(cport));
  kicks.length = 0;

  const at = (off: bigint) => GUEST.ARG + off;
  t.e.writePhys(at(0n), struct(8, [[0, 4, 0]]));
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_get_features, at(0n)]), 0);
  const sharedGfn = (GUEST.PAGE >> 12n) + 8n;
  t.e.writePhys(at(0x40n), struct(24, [[0, 2, DOMID_SELF], [4, 4, XENMAPSPACE_shared_info], [16, 8, sharedGfn]]));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_add_to_physmap, at(0x40n)]), 0);
  t.e.writePhys(at(0x80n), struct(16, [[0, 2, DOMID_SELF]]));
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_query_size, at(0x80n), 1]), 0);
  t.e.writePhys(at(0xc0n), struct(4, [[0, 4, 1]]));
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_set_version, at(0xc0n), 1]), 0);
  t.e.writePhys(at(0x100n), struct(24, [[0, 2, DOMID_SELF], [4, 4, XENMAPSPACE_grant_table], [8, 8, 0], [16, 8, 0x38000]]));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_add_to_physmap, at(0x100n)]), 0);
  t.e.writePhys(at(0x140n), struct(16, [[0, 8, GUEST.PAGE >> 12n], [8, 4, 0x100]]));
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_vcpu_info, 0, at(0x140n)]), 0);
  assert.equal(t.call(HYPERVISOR_event_channel_op, [EVTCHNOP_init_control, at(0x180n)]), -XEN_ENOSYS);
  assert.equal(t.call(HYPERVISOR_vm_assist, [0, 5]), 0);
  t.e.writePhys(at(0x1c0n), struct(8, [[0, 8, GUEST.PAGE + 0x200n]]));
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_runstate_memory_area, 0, at(0x1c0n)]), 0);
  t.e.writePhys(at(0x200n), struct(16, [[0, 2, DOMID_SELF], [4, 4, HVM_PARAM_CONSOLE_EVTCHN]]));
  assert.equal(t.call(HYPERVISOR_hvm_op, [HVMOP_get_param, at(0x200n)]), 0);
  const port = Number(guestView(t.d, at(0x200n), 16).getBigUint64(8, true));
  assert.equal(port, cport);

  // the guest writes to its console page (as seen at the magic frame) and kicks the port
  t.e.bytes.set(new TextEncoder().encode('hi'), t.d.p2m.gfnToHost(0x39000) + 1024);
  assert.equal(ring[1024], 'h'.charCodeAt(0));
  t.e.writePhys(at(0x240n), struct(4, [[0, 4, port]]));
  assert.equal(t.call(HYPERVISOR_event_channel_op, [EVTCHNOP_send, at(0x240n)]), 0);
  assert.equal(kicks.length, 1);
  // dom0 answers: the event lands in the shared_info page the guest mapped, and vcpu_info's upcall byte is set
  xen.evtchnNotify(kicks[0]);
  const shared = guestView(t.d, sharedGfn << 12n, 64);
  assert.notEqual(shared.getBigUint64(48, true) & (1n << BigInt(port)), 0n);
  assert.equal(guestView(t.d, GUEST.PAGE + 0x100n, 1).getUint8(0), 1);
});

test('domains get increasing ids, show in the list, and pause, unpause and shut down through the control API', async () => {
  const t = await xenTestbed(createEngine);
  const second = t.xen.createDomain({ name: 'second', engine: t.e, machine: t.machine, clock: t.clock });
  assert.deepEqual(t.xen.list().map(i => [i.domid, i.name]), [[1, 'guest'], [2, 'second']]);
  const info = t.xen.domainInfo(t.d.id)!;
  assert.equal(info.totPages, 1024);
  assert.equal(info.maxPages, 1024 + 256);
  assert.equal(info.vcpusOnline, 1);
  assert.equal(t.xen.pause(t.d.id), 0);
  assert.equal(t.xen.domainInfo(t.d.id)!.paused, true);
  assert.equal(t.xen.unpause(t.d.id), 0);
  assert.equal(t.xen.pause(second.id), -XEN_ESRCH); // not attached to a running Domain
  assert.equal(t.xen.setMaxMem(t.d.id, 8192), 0);
  assert.equal(t.d.maxPages, 2048);
  assert.equal(t.xen.setMaxMem(t.d.id, -1), -XEN_EINVAL);
  assert.equal(t.xen.shutdownDomain(t.d.id, 1), 0);
  assert.equal(t.domain.state, 'shutdown');
  assert.equal(t.xen.domainInfo(t.d.id)!.shutdownReason, 'reboot');
  assert.equal(t.xen.shutdownDomain(99, 0), -XEN_ESRCH);
});

test('destroying a domain unbinds its channels at the peers and tells dom0 (VIRQ_DOM_EXC, @releaseDomain)', async () => {
  const t = await xenTestbed(createEngine);
  const events: string[] = [];
  t.xen.onDomainEvent(e => events.push(e.type));
  const virq = t.xen.dom0.evtchn.bindVirq(VIRQ_DOM_EXC, 0);
  let domExc = 0;
  t.xen.evtchnSetHandler(virq, () => domExc++);
  const gport = t.xen.evtchnAllocUnbound(t.d.id, 0);
  const dport = t.xen.evtchnBindInterdomain(t.d.id, gport);
  assert.equal(t.xen.destroyDomain(t.d.id), 0);
  assert.equal(t.domain.state, 'dying');
  const st = t.xen.evtchnStatus(0, dport);
  assert.ok(typeof st !== 'number' && st.status === EVTCHNSTAT_unbound);
  assert.equal(domExc, 1);
  assert.deepEqual(events, ['destroyed']);
  assert.equal(t.xen.getDomain(t.d.id), undefined);
  assert.equal(t.xen.destroyDomain(t.d.id), -XEN_ESRCH);
  assert.equal(t.xen.foreignPage(t.d.id, 0x40000), -XEN_ESRCH);
});

test('foreign pages are views of what the guest sees; nothing is mapped at an empty frame', async () => {
  const t = await xenTestbed(createEngine);
  t.e.writePhys(0x4000_5000n, Uint8Array.of(9, 8, 7));
  const page = t.xen.foreignPage(t.d.id, 0x40005) as Uint8Array;
  assert.deepEqual([...page.subarray(0, 3)], [9, 8, 7]);
  assert.equal(page.length, 4096);
  assert.equal(t.xen.foreignPage(t.d.id, 0x39000), -XEN_EINVAL);
  assert.equal(t.xen.foreignPage(t.d.id, -5), -XEN_EINVAL);
});
