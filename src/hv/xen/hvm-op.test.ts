import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import { DOMID_SELF, HYPERVISOR_hvm_op, XEN_EFAULT, XEN_EINVAL, XEN_ENOSYS, XEN_EPERM, XEN_ESRCH } from '../../abi/xen/xen.js';
import {
  HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_CONSOLE_EVTCHN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_MONITOR_RING_PFN,
  HVM_PARAM_STORE_EVTCHN, HVM_PARAM_STORE_PFN, HVMOP_get_param, HVMOP_guest_request_vm_event, HVMOP_set_param,
} from '../../abi/xen/hvm_params.js';
import { GUEST, guestView, struct, xenTestbed, type XenTestbed } from './testbed.js';

function param(t: XenTestbed, op: number, index: number, domid = DOMID_SELF, value = 0n): { rc: number; value: bigint } {
  t.e.writePhys(GUEST.ARG, struct(16, [[0, 2, domid], [4, 4, index], [8, 8, value]]));
  const rc = t.call(HYPERVISOR_hvm_op, [op, GUEST.ARG]);
  return { rc, value: guestView(t.d, GUEST.ARG, 16).getBigUint64(8, true) };
}

test('a guest reads the params the toolstack set: xenstore and console pages and ports, the callback IRQ', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(t.xen.setHvmParam(t.d.id, HVM_PARAM_STORE_PFN, 0x39001n), 0);
  assert.equal(t.xen.setHvmParam(t.d.id, HVM_PARAM_STORE_EVTCHN, 1n), 0);
  assert.equal(t.xen.setHvmParam(t.d.id, HVM_PARAM_CONSOLE_PFN, 0x39000n), 0);
  assert.equal(t.xen.setHvmParam(t.d.id, HVM_PARAM_CONSOLE_EVTCHN, 2n), 0);
  assert.deepEqual(param(t, HVMOP_get_param, HVM_PARAM_STORE_PFN), { rc: 0, value: 0x39001n });
  assert.deepEqual(param(t, HVMOP_get_param, HVM_PARAM_CONSOLE_EVTCHN), { rc: 0, value: 2n });
  assert.deepEqual(param(t, HVMOP_get_param, HVM_PARAM_STORE_EVTCHN, t.d.id), { rc: 0, value: 1n });
  // PPI 31, active-low level (XEN-ABI.md section 1)
  assert.deepEqual(param(t, HVMOP_get_param, HVM_PARAM_CALLBACK_IRQ), { rc: 0, value: 0x020000000000021fn });
});

test('a guest may set none of its params and read no others', async () => {
  const t = await xenTestbed(createEngine);
  for (const i of [HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_STORE_PFN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_MONITOR_RING_PFN]) {
    assert.equal(param(t, HVMOP_set_param, i, DOMID_SELF, 5n).rc, -XEN_EPERM);
  }
  assert.equal(param(t, HVMOP_set_param, 3, DOMID_SELF, 5n).rc, -XEN_EINVAL);
  assert.equal(param(t, HVMOP_get_param, HVM_PARAM_MONITOR_RING_PFN).rc, -XEN_EPERM);
  for (const i of [3, 38, 39, 0xffffffff]) assert.equal(param(t, HVMOP_get_param, i).rc, -XEN_EINVAL, `index ${i}`);
  assert.equal(t.d.params[HVM_PARAM_STORE_PFN], 0n);
});

test('another domain\'s params, missing domains, bad pointers and other ops', async () => {
  const t = await xenTestbed(createEngine);
  const other = t.xen.createDomain({ name: 'other', engine: t.e, machine: t.machine, clock: t.clock });
  assert.equal(param(t, HVMOP_get_param, HVM_PARAM_STORE_PFN, other.id).rc, -XEN_EPERM);
  assert.equal(param(t, HVMOP_get_param, HVM_PARAM_STORE_PFN, 0).rc, -XEN_EPERM);
  assert.equal(param(t, HVMOP_get_param, HVM_PARAM_STORE_PFN, 0x7ff4).rc, -XEN_ESRCH);
  assert.equal(t.call(HYPERVISOR_hvm_op, [HVMOP_get_param, 0x1000]), -XEN_EFAULT);
  assert.equal(t.call(HYPERVISOR_hvm_op, [HVMOP_guest_request_vm_event, 0]), 0);
  assert.equal(t.call(HYPERVISOR_hvm_op, [HVMOP_guest_request_vm_event, GUEST.ARG]), -XEN_EINVAL);
  assert.equal(t.call(HYPERVISOR_hvm_op, [(1n << 32n) | 1n, GUEST.ARG]), -XEN_ENOSYS);
  assert.equal(t.xen.setHvmParam(t.d.id, 3, 1n), -XEN_EINVAL);
});
