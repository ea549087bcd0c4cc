import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import {
  HYPERVISOR_vcpu_op, HYPERVISOR_vm_assist, XEN_EFAULT, XEN_EINVAL, XEN_ENOENT, XEN_ENOSYS, XEN_ENXIO,
} from '../../abi/xen/xen.js';
import {
  VCPUOP_down, VCPUOP_is_up, VCPUOP_register_runstate_memory_area, VCPUOP_register_runstate_phys_area,
  VCPUOP_register_vcpu_info, VCPUOP_up,
} from '../../abi/xen/vcpu.js';
import { GUEST, guestView, struct, xenTestbed } from './testbed.js';
import { decode } from './runstate.js';

const vcpuInfo = (gfn: bigint, offset: number) => struct(16, [[0, 8, gfn], [8, 4, offset]]);

test('register_vcpu_info moves vCPU 0 out of shared_info with its contents, then marks everything pending', async () => {
  const t = await xenTestbed(createEngine);
  const s = t.d.shared;
  // something pending in the old place: selector bit 3 and a guest byte at +1
  s.testAndSetPendingSel(0, 3);
  t.e.bytes[s.page + 1] = 0x5a;
  t.e.writePhys(GUEST.ARG, vcpuInfo(GUEST.PAGE >> 12n, 0x40));
  t.e.writePhys(GUEST.PAGE + 0x40n, new Uint8Array(48).fill(0xee));
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_vcpu_info, 0, GUEST.ARG]), 0);
  const info = guestView(t.d, GUEST.PAGE + 0x40n, 48);
  assert.equal(info.getUint8(0), 1); // upcall pending, as map_vcpu_info's vcpu_mark_events_pending does
  assert.equal(info.getUint8(1), 0x5a); // copied from the old vcpu_info
  assert.equal(info.getBigUint64(8, true), (1n << 64n) - 1n); // evtchn_pending_sel = ~0
  assert.equal(info.getUint8(16), 0); // vcpu_time_info copied (zero), not left as 0xee
  assert.equal(s.vcpuInfoHost(0), t.d.p2m.gfnToHost(Number(GUEST.PAGE >> 12n)) + 0x40);
  // new events land in the new place
  s.clearPending(0);
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_vcpu_info, 0, GUEST.ARG]), -XEN_EINVAL); // only once
});

test('register_vcpu_info refuses bad offsets, unmapped frames, other running vCPUs and bad pointers', async () => {
  const t = await xenTestbed(createEngine, { vcpus: 3 });
  const reg = (gfn: bigint, off: number, vcpu = 0, caller = 0) => {
    t.e.writePhys(GUEST.ARG, vcpuInfo(gfn, off));
    return t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_vcpu_info, vcpu, GUEST.ARG], caller);
  };
  const gfn = GUEST.PAGE >> 12n;
  assert.equal(reg(gfn, 4096 - 47), -XEN_ENXIO); // crosses the page
  assert.equal(reg(gfn, 4), -XEN_ENXIO); // misaligned
  assert.equal(reg(0x10n, 0), -XEN_EINVAL); // not RAM
  assert.equal(reg((1n << 64n) - 1n, 0), -XEN_EINVAL);
  assert.equal(reg(gfn, 0, 3), -XEN_ENOENT); // no vCPU 3
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_vcpu_info, 0, 0x10]), -XEN_EFAULT);
  // vCPU 2 is down: vCPU 0 may register for it; vCPU 1 is up: only vCPU 1 itself may
  assert.equal(reg(gfn, 0x80, 2), 0);
  t.domain.cpuOn(1, 0x4000_0000n, 0n);
  assert.equal(reg(gfn, 0xc0, 1, 0), -XEN_EINVAL);
  assert.equal(reg(gfn, 0xc0, 1, 1), 0);
});

test('a secondary vCPU without a vcpu_info takes events only once it registers one (zeroed, all pending)', async () => {
  const t = await xenTestbed(createEngine, { vcpus: 2 });
  const s = t.d.shared;
  assert.equal(s.vcpuInfoHost(1), -1);
  s.testAndSetPendingSel(1, 7);
  assert.equal(s.setUpcallPending(1), true);
  t.e.writePhys(GUEST.ARG, vcpuInfo(GUEST.PAGE >> 12n, 0));
  t.e.writePhys(GUEST.PAGE, new Uint8Array(48).fill(0x33));
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_vcpu_info, 1, GUEST.ARG]), 0);
  const info = guestView(t.d, GUEST.PAGE, 48);
  assert.equal(info.getUint8(1), 0);
  assert.equal(info.getUint8(0), 1);
  assert.equal(info.getBigUint64(8, true), (1n << 64n) - 1n);
});

test('register_runstate_memory_area copies the runstate at once and after every state change', async () => {
  const t = await xenTestbed(createEngine, { vcpus: 2 });
  t.e.writePhys(GUEST.ARG, struct(8, [[0, 8, GUEST.BUF]]));
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_runstate_memory_area, 0, GUEST.ARG]), 0);
  let r = decode(t.e.readPhys(GUEST.BUF, 48));
  assert.equal(r.state, 'runnable');
  t.clock.advance(1000n);
  t.d.setRunstate(0, 'running');
  t.clock.advance(5000n);
  t.d.setRunstate(0, 'blocked');
  t.clock.advance(700n);
  t.d.setRunstate(0, 'runnable');
  r = decode(t.e.readPhys(GUEST.BUF, 48));
  assert.equal(r.state, 'runnable');
  assert.deepEqual(r.time, [5000n, 1000n, 700n, 0n]);
  assert.equal(r.stateEntryTime, t.clock.ns);
  assert.equal(r.updating, false);
  // vCPU 1 is offline until started; a bad area pointer is not an error, nothing is written
  t.e.writePhys(GUEST.ARG, struct(8, [[0, 8, 0x10]]));
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_runstate_memory_area, 1, GUEST.ARG]), 0);
  assert.equal(t.d.runstates.state(1), 'offline');
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_runstate_memory_area, 0, 0x10]), -XEN_EFAULT);
});

test('with VMASST_TYPE_runstate_update_flag the copy is bracketed by XEN_RUNSTATE_UPDATE', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(t.call(HYPERVISOR_vm_assist, [0, 5]), 0);
  const seen: bigint[] = [];
  const write = t.d.guest.write.bind(t.d.guest);
  t.d.guest.write = (v, va, data) => {
    if (data.length === 8) seen.push(new DataView(data.buffer, data.byteOffset).getBigUint64(0, true) >> 63n);
    return write(v, va, data);
  };
  t.e.writePhys(GUEST.ARG, struct(8, [[0, 8, GUEST.BUF]]));
  t.call(HYPERVISOR_vcpu_op, [VCPUOP_register_runstate_memory_area, 0, GUEST.ARG]);
  assert.deepEqual(seen, [1n, 0n]);
  assert.equal(decode(t.e.readPhys(GUEST.BUF, 48)).updating, false);
});

test('up, down, is_up and the phys-area calls are -EINVAL on Arm; vm_assist accepts only runstate_update_flag', async () => {
  const t = await xenTestbed(createEngine);
  for (const cmd of [VCPUOP_up, VCPUOP_down, VCPUOP_is_up, VCPUOP_register_runstate_phys_area, 99]) {
    assert.equal(t.call(HYPERVISOR_vcpu_op, [cmd, 0, GUEST.ARG]), -XEN_EINVAL, `cmd ${cmd}`);
  }
  assert.equal(t.call(HYPERVISOR_vcpu_op, [VCPUOP_is_up, 32, 0]), -XEN_ENOENT);
  assert.equal(t.call(HYPERVISOR_vm_assist, [0, 2]), -XEN_EINVAL);
  assert.equal(t.call(HYPERVISOR_vm_assist, [0, 64]), -XEN_EINVAL);
  assert.equal(t.call(HYPERVISOR_vm_assist, [7, 5]), -XEN_ENOSYS);
  assert.equal(t.call(HYPERVISOR_vm_assist, [1, 5]), 0);
  assert.equal(t.d.vmAssist, 0);
});
