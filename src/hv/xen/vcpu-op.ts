// hv/xen/vcpu-op.ts - the vcpu_op hypercall as Arm offers it (xen/arch/arm/domain.c do_vcpu_op, which lets a
// guest use only these two of common_vcpu_op in xen/common/domain.c): VCPUOP_register_vcpu_info (map_vcpu_info:
// move a vCPU's vcpu_info into a guest page, copying its contents) and VCPUOP_register_runstate_memory_area.
// Every other command, up/down/is_up included, is -EINVAL on Arm (vCPUs come and go with PSCI); a vCPU id
// the domain does not have is -ENOENT. Also vm_assist (xen/common/domain.c do_vm_assist), whose only Arm type
// is VMASST_TYPE_runstate_update_flag (arch_vm_assist_valid_mask).

import {
  REGISTER_RUNSTATE_ADDR, REGISTER_RUNSTATE_SIZE, REGISTER_VCPU_INFO_MFN, REGISTER_VCPU_INFO_OFFSET,
  REGISTER_VCPU_INFO_SIZE, VCPUOP_register_runstate_memory_area, VCPUOP_register_vcpu_info,
} from '../../abi/xen/vcpu.js';
import { VCPU_INFO_ALIGN, VCPU_INFO_SIZE } from '../../abi/xen/shared_info.js';
import {
  VMASST_CMD_disable, VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag, XEN_EFAULT, XEN_EINVAL, XEN_ENOENT,
  XEN_ENOSYS, XEN_ENXIO, XEN_PAGE_SIZE,
} from '../../abi/xen/xen.js';
import { i32, u32, type HypercallResult } from './hypercall-abi.js';
import type { XenDomain } from './xen-domain.js';

/** vm_assist types an Arm domain may set (arch_vm_assist_valid_mask). */
const VM_ASSIST_VALID = 1 << VMASST_TYPE_runstate_update_flag;

/** vcpu_op(cmd, vcpuid, arg) */
export function vcpuOp(d: XenDomain, vcpu: number, a: readonly bigint[]): HypercallResult {
  const cmd = i32(a[0]);
  const target = u32(a[1]);
  if (target >= d.vcpus) return -XEN_ENOENT;
  switch (cmd) {
    case VCPUOP_register_vcpu_info:
      return registerVcpuInfo(d, vcpu, target, a[2]);
    case VCPUOP_register_runstate_memory_area: {
      const s = d.guest.readStruct(vcpu, a[2], REGISTER_RUNSTATE_SIZE);
      if (!s) return -XEN_EFAULT;
      // the area is a guest virtual address of the target vCPU, copied to on every state change; a first copy
      // is made at once and, as in Xen, its failure is not an error
      d.runstates.register(target, s.getBigUint64(REGISTER_RUNSTATE_ADDR, true));
      return 0;
    }
    default:
      return -XEN_EINVAL;
  }
}

/** VCPUOP_register_vcpu_info (map_vcpu_info). */
function registerVcpuInfo(d: XenDomain, vcpu: number, target: number, arg: bigint): number {
  const s = d.guest.readStruct(vcpu, arg, REGISTER_VCPU_INFO_SIZE);
  if (!s) return -XEN_EFAULT;
  const gfn = s.getBigUint64(REGISTER_VCPU_INFO_MFN, true);
  const offset = s.getUint32(REGISTER_VCPU_INFO_OFFSET, true);
  if (offset > XEN_PAGE_SIZE - VCPU_INFO_SIZE || offset % VCPU_INFO_ALIGN !== 0) return -XEN_ENXIO;
  if (d.shared.registered[target]) return -XEN_EINVAL;
  // on yourself, or on a vCPU that is down
  if (target !== vcpu && !d.vcpuDown(target)) return -XEN_EINVAL;
  const host = d.guest.gfnToHost(gfn, true);
  if (host < 0) {
    d.log.warn('vcpu_info:gfn',
      () => `d${d.id}v${target} register_vcpu_info: gfn 0x${gfn.toString(16)} is not a writable page`);
    return -XEN_EINVAL;
  }
  d.shared.moveVcpuInfo(target, host + offset);
  return 0;
}

/** vm_assist(cmd, type) */
export function vmAssist(d: XenDomain, _vcpu: number, a: readonly bigint[]): HypercallResult {
  const cmd = u32(a[0]);
  const type = u32(a[1]);
  if (type >= 64 || ((VM_ASSIST_VALID >>> 0) & (type < 32 ? 1 << type : 0)) === 0) return -XEN_EINVAL;
  switch (cmd) {
    case VMASST_CMD_enable:
      d.vmAssist |= 1 << type;
      return 0;
    case VMASST_CMD_disable:
      d.vmAssist &= ~(1 << type);
      return 0;
    default:
      return -XEN_ENOSYS;
  }
}
