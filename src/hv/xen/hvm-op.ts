// hv/xen/hvm-op.ts - the hvm_op hypercall on Arm (xen/arch/arm/hvm.c do_hvm_op): HVMOP_get_param and
// HVMOP_set_param on the few parameters an Arm domain has. A guest reads CALLBACK_IRQ, STORE_PFN/EVTCHN and
// CONSOLE_PFN/EVTCHN (what the toolstack set: how Linux finds xenstore and the console); it may set none of
// them (-EPERM), and any other index is -EINVAL. Another domain's params need XSM_TARGET rights (-EPERM).

import {
  HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_CONSOLE_EVTCHN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_DOMID, HVM_PARAM_INDEX,
  HVM_PARAM_MONITOR_RING_PFN, HVM_PARAM_SIZE, HVM_PARAM_STORE_EVTCHN, HVM_PARAM_STORE_PFN, HVM_PARAM_VALUE,
  HVMOP_get_param, HVMOP_guest_request_vm_event, HVMOP_set_param,
} from '../../abi/xen/hvm_params.js';
import { XEN_EFAULT, XEN_EINVAL, XEN_ENOSYS, XEN_EPERM } from '../../abi/xen/xen.js';
import { isNull, type HypercallResult } from './hypercall-abi.js';
import type { XenDomain } from './xen-domain.js';

/** hvm_allow_set_param: the toolstack's params are read-only to the domain itself. */
function allowSet(index: number, self: boolean): number {
  switch (index) {
    case HVM_PARAM_CALLBACK_IRQ: case HVM_PARAM_STORE_PFN: case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN: case HVM_PARAM_CONSOLE_EVTCHN: case HVM_PARAM_MONITOR_RING_PFN:
      return self ? -XEN_EPERM : 0;
    default:
      return -XEN_EINVAL;
  }
}

/** hvm_allow_get_param */
function allowGet(index: number, self: boolean): number {
  switch (index) {
    case HVM_PARAM_CALLBACK_IRQ: case HVM_PARAM_STORE_PFN: case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN: case HVM_PARAM_CONSOLE_EVTCHN:
      return 0;
    case HVM_PARAM_MONITOR_RING_PFN:
      return self ? -XEN_EPERM : 0;
    default:
      return -XEN_EINVAL;
  }
}

/** hvm_op(op, arg) */
export function hvmOp(d: XenDomain, vcpu: number, a: readonly bigint[]): HypercallResult {
  const op = a[0];
  const arg = a[1];
  if (op === BigInt(HVMOP_set_param) || op === BigInt(HVMOP_get_param)) {
    const p = d.guest.readStruct(vcpu, arg, HVM_PARAM_SIZE);
    if (!p) return -XEN_EFAULT;
    const t = d.host.lookup(d, p.getUint16(HVM_PARAM_DOMID, true));
    if (typeof t === 'number') return t;
    if (!d.host.mayTarget(d, t) || t.kind !== 'guest') return -XEN_EPERM;
    const index = p.getUint32(HVM_PARAM_INDEX, true);
    const self = t === d;
    if (op === BigInt(HVMOP_set_param)) {
      const rc = allowSet(index, self);
      if (rc === 0) t.params[index] = p.getBigUint64(HVM_PARAM_VALUE, true);
      return rc;
    }
    const rc = allowGet(index, self);
    if (rc !== 0) return rc;
    p.setBigUint64(HVM_PARAM_VALUE, t.params[index], true);
    return d.guest.writeStruct(vcpu, arg, p) ? 0 : -XEN_EFAULT;
  }
  if (op === BigInt(HVMOP_guest_request_vm_event)) return isNull(arg) ? 0 : -XEN_EINVAL;
  d.log.warn(`hvmop:${op}`, () => `d${d.id} HVMOP ${op} is not implemented`);
  return -XEN_ENOSYS;
}
