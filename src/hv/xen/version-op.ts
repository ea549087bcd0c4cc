// hv/xen/version-op.ts - the xen_version hypercall (xen/common/kernel.c do_xen_version with the XSM dummy
// policy's xsm_xen_version): version numbers, build strings, capabilities, platform parameters, the feature
// submap and the page size for every guest; the command line is "<denied>" and the build id -EPERM for a domain
// that is not privileged. Strings are NUL-padded into their fixed-size buffers (safe_strcpy).

import {
  XENFEAT_ARM_SMCCC_supported, XENFEAT_auto_translated_physmap, XENFEAT_dom0, XENFEAT_memory_op_vnode_supported,
  XENFEAT_not_direct_mapped, XENFEAT_runstate_phys_area, XENFEAT_writable_page_tables,
} from '../../abi/xen/features.js';
import {
  COMPILE_INFO_BY, COMPILE_INFO_BY_LEN, COMPILE_INFO_COMPILER, COMPILE_INFO_COMPILER_LEN, COMPILE_INFO_DATE,
  COMPILE_INFO_DATE_LEN, COMPILE_INFO_DOMAIN, COMPILE_INFO_DOMAIN_LEN, COMPILE_INFO_SIZE, FEATURE_INFO_SIZE,
  FEATURE_INFO_SUBMAP, FEATURE_INFO_SUBMAP_IDX, PLATFORM_PARAMETERS_SIZE, XEN_CAPABILITIES_INFO_LEN,
  XEN_CHANGESET_INFO_LEN, XEN_EXTRAVERSION_LEN, XENVER_build_id, XENVER_capabilities,
  XENVER_changeset, XENVER_commandline, XENVER_compile_info, XENVER_extraversion, XENVER_get_features,
  XENVER_guest_handle, XENVER_pagesize, XENVER_platform_parameters, XENVER_version,
} from '../../abi/xen/version.js';
import { XEN_EFAULT, XEN_EINVAL, XEN_ENOSYS, XEN_EPERM, XEN_PAGE_SIZE } from '../../abi/xen/xen.js';
import { i32, isNull, type HypercallResult } from './hypercall-abi.js';
import type { XenDomain } from './xen-domain.js';

/** xen_deny(): what a denied string query returns. */
const DENIED = '<denied>';

/**
 * XENVER_get_features submap 0 for an Arm guest (kernel.c): translated, SMCCC, not direct-mapped, vnode memops
 * and the runstate phys-area ABI: 0x56005 for a domU, plus XENFEAT_dom0 for the hardware domain.
 */
export function featureSubmap(isHardwareDomain: boolean): number {
  let m = (1 << XENFEAT_memory_op_vnode_supported) | (1 << XENFEAT_runstate_phys_area) |
    (1 << XENFEAT_writable_page_tables) | (1 << XENFEAT_auto_translated_physmap) |
    (1 << XENFEAT_ARM_SMCCC_supported) | (1 << XENFEAT_not_direct_mapped);
  if (isHardwareDomain) m |= 1 << XENFEAT_dom0;
  return m >>> 0;
}

/** xen_version(cmd, arg) */
export function xenVersion(d: XenDomain, vcpu: number, a: readonly bigint[]): HypercallResult {
  const cmd = i32(a[0]);
  const arg = a[1];
  const v = d.host.version;
  const g = d.guest;
  const put = (text: string, len: number) => (g.write(vcpu, arg, cstr(text, len)) ? 0 : -XEN_EFAULT);
  switch (cmd) {
    case XENVER_version:
      return (v.major << 16) | v.minor;
    case XENVER_extraversion:
      return put(v.extra, XEN_EXTRAVERSION_LEN);
    case XENVER_compile_info: {
      const info = new Uint8Array(COMPILE_INFO_SIZE);
      info.set(cstr(v.compiler, COMPILE_INFO_COMPILER_LEN), COMPILE_INFO_COMPILER);
      info.set(cstr(v.compileBy, COMPILE_INFO_BY_LEN), COMPILE_INFO_BY);
      info.set(cstr(v.compileDomain, COMPILE_INFO_DOMAIN_LEN), COMPILE_INFO_DOMAIN);
      info.set(cstr(v.compileDate, COMPILE_INFO_DATE_LEN), COMPILE_INFO_DATE);
      return g.write(vcpu, arg, info) ? 0 : -XEN_EFAULT;
    }
    case XENVER_capabilities:
      return put(v.capabilities, XEN_CAPABILITIES_INFO_LEN);
    case XENVER_changeset:
      return put(v.changeset, XEN_CHANGESET_INFO_LEN);
    case XENVER_platform_parameters: {
      const p = new DataView(new ArrayBuffer(PLATFORM_PARAMETERS_SIZE));
      p.setBigUint64(0, v.virtStart, true);
      return g.writeStruct(vcpu, arg, p) ? 0 : -XEN_EFAULT;
    }
    case XENVER_get_features: {
      const fi = g.readStruct(vcpu, arg, FEATURE_INFO_SIZE);
      if (!fi) return -XEN_EFAULT;
      if (fi.getUint32(FEATURE_INFO_SUBMAP_IDX, true) !== 0) return -XEN_EINVAL;
      fi.setUint32(FEATURE_INFO_SUBMAP, featureSubmap(false), true);
      return g.writeStruct(vcpu, arg, fi) ? 0 : -XEN_EFAULT;
    }
    case XENVER_pagesize:
      return isNull(arg) ? XEN_PAGE_SIZE : -XEN_EINVAL;
    case XENVER_guest_handle:
      return g.write(vcpu, arg, d.handle) ? 0 : -XEN_EFAULT;
    case XENVER_commandline: {
      // only a control domain sees the command line; others get "<denied>" and its NUL
      const text = d.privileged ? v.commandline : DENIED;
      return put(text, d.privileged ? 1024 : DENIED.length + 1);
    }
    case XENVER_build_id:
      return d.privileged ? -XEN_ENOSYS : -XEN_EPERM;
    default:
      return -XEN_ENOSYS;
  }
}

/** A C string in a buffer of `len` bytes: truncated to len - 1 characters, NUL-padded (safe_strcpy). */
function cstr(text: string, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const n = Math.min(text.length, len - 1);
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}
