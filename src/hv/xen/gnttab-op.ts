// hv/xen/gnttab-op.ts - the grant_table_op hypercall (xen/common/grant_table.c do_grant_table_op) for the
// granting side, which is all a frontend needs: query_size, set_version (v1 only), get_version and setup_table
// (the frames' guest frame numbers). The mapping and copying operations of a backend domain are served to the
// in-process dom0 backends through GrantTable's API instead, so a guest calling them gets -ENOSYS.

import {
  GET_VERSION_DOM, GET_VERSION_SIZE, GET_VERSION_VERSION, GNTST_bad_domain, GNTST_general_error, GNTST_okay,
  GNTST_permission_denied, GNTTABOP_cache_flush, GNTTABOP_get_version, GNTTABOP_query_size, GNTTABOP_set_version,
  GNTTABOP_setup_table, QUERY_SIZE_DOM, QUERY_SIZE_MAX_NR_FRAMES, QUERY_SIZE_NR_FRAMES, QUERY_SIZE_SIZE,
  QUERY_SIZE_STATUS, SET_VERSION_SIZE, SET_VERSION_VERSION, SETUP_TABLE_DOM, SETUP_TABLE_FRAME_LIST,
  SETUP_TABLE_NR_FRAMES, SETUP_TABLE_SIZE, SETUP_TABLE_STATUS,
} from '../../abi/xen/grant_table.js';
import { XEN_EFAULT, XEN_EINVAL, XEN_ENOSYS, XEN_EPERM } from '../../abi/xen/xen.js';
import { u32, type HypercallResult } from './hypercall-abi.js';
import type { XenDomain } from './xen-domain.js';

/** grant_table.c: cmd[11:0] is the op, higher bits are continuation state only GNTTABOP_cache_flush uses. */
const GNTTABOP_CMD_MASK = 0xfff;
/** INVALID_GFN as a xen_pfn_t: a frame not mapped anywhere. */
const INVALID_GFN = (1n << 64n) - 1n;

/** grant_table_op(cmd, uop, count) */
export function grantTableOp(d: XenDomain, vcpu: number, a: readonly bigint[]): HypercallResult {
  let cmd = u32(a[0]);
  const uop = a[1];
  const count = u32(a[2]);
  if (count > 0x7fffffff) return -XEN_EINVAL; // (int)count < 0
  const opaque = cmd & ~GNTTABOP_CMD_MASK;
  cmd &= GNTTABOP_CMD_MASK;
  if (cmd !== GNTTABOP_cache_flush && opaque !== 0) return -XEN_EINVAL;
  switch (cmd) {
    case GNTTABOP_query_size:
      return querySize(d, vcpu, uop, count);
    case GNTTABOP_set_version: {
      const s = d.guest.readStruct(vcpu, uop, SET_VERSION_SIZE);
      if (!s) return -XEN_EFAULT;
      const rc = d.gnttab.setVersion(s.getUint32(SET_VERSION_VERSION, true));
      s.setUint32(SET_VERSION_VERSION, d.gnttab.getVersion(), true);
      return d.guest.writeStruct(vcpu, uop, s) ? rc : -XEN_EFAULT;
    }
    case GNTTABOP_get_version: {
      const s = d.guest.readStruct(vcpu, uop, GET_VERSION_SIZE);
      if (!s) return -XEN_EFAULT;
      const t = d.host.lookup(d, s.getUint16(GET_VERSION_DOM, true));
      if (typeof t === 'number') return t;
      if (!d.host.mayTarget(d, t) || t.kind !== 'guest') return -XEN_EPERM;
      s.setUint32(GET_VERSION_VERSION, t.gnttab.getVersion(), true);
      return d.guest.write(vcpu, uop + BigInt(GET_VERSION_VERSION), new Uint8Array(s.buffer, GET_VERSION_VERSION, 4))
        ? 0 : -XEN_EFAULT;
    }
    case GNTTABOP_setup_table:
      return setupTable(d, vcpu, uop, count);
    default:
      // map/unmap/copy/transfer/...: backend operations (dom0's backends use GrantTable directly)
      d.log.warn(`gnttabop:${cmd}`, () => `d${d.id} GNTTABOP ${cmd} is not available to a guest`);
      return -XEN_ENOSYS;
  }
}

/** GNTTABOP_query_size: errors about the domain go in `status`; the call itself returns 0. */
function querySize(d: XenDomain, vcpu: number, uop: bigint, count: number): number {
  if (count !== 1) return -XEN_EINVAL;
  const s = d.guest.readStruct(vcpu, uop, QUERY_SIZE_SIZE);
  if (!s) return -XEN_EFAULT;
  const t = d.host.lookup(d, s.getUint16(QUERY_SIZE_DOM, true));
  if (typeof t === 'number' || t.kind !== 'guest') {
    s.setInt16(QUERY_SIZE_STATUS, GNTST_bad_domain, true);
  } else if (!d.host.mayTarget(d, t)) {
    s.setInt16(QUERY_SIZE_STATUS, GNTST_permission_denied, true);
  } else {
    const q = t.gnttab.querySize();
    s.setUint32(QUERY_SIZE_NR_FRAMES, q.nrFrames, true);
    s.setUint32(QUERY_SIZE_MAX_NR_FRAMES, q.maxFrames, true);
    s.setInt16(QUERY_SIZE_STATUS, GNTST_okay, true);
  }
  return d.guest.writeStruct(vcpu, uop, s) ? 0 : -XEN_EFAULT;
}

/**
 * GNTTABOP_setup_table (gnttab_setup_table): grow the table to nr_frames and list each frame's guest frame
 * number, which on Arm is where the guest mapped it with add_to_physmap (INVALID_GFN if nowhere yet).
 */
function setupTable(d: XenDomain, vcpu: number, uop: bigint, count: number): number {
  if (count !== 1) return -XEN_EINVAL;
  const s = d.guest.readStruct(vcpu, uop, SETUP_TABLE_SIZE);
  if (!s) return -XEN_EFAULT;
  const nr = s.getUint32(SETUP_TABLE_NR_FRAMES, true);
  const list = s.getBigUint64(SETUP_TABLE_FRAME_LIST, true);
  const t = d.host.lookup(d, s.getUint16(SETUP_TABLE_DOM, true));
  let status = GNTST_okay;
  if (typeof t === 'number' || t.kind !== 'guest') status = GNTST_bad_domain;
  else if (!d.host.mayTarget(d, t)) status = GNTST_permission_denied;
  else if (nr > t.gnttab.maxFrames || (nr > 0 && t.gnttab.frameHost(nr - 1) < 0)) status = GNTST_general_error;
  else {
    for (let i = 0; i < nr; i++) {
      const gfn = t.p2m.gfnOfXenPage(t.gnttab.frameHost(i));
      const out = new DataView(new ArrayBuffer(8));
      out.setBigUint64(0, gfn === undefined ? INVALID_GFN : BigInt(gfn), true);
      if (!d.guest.write(vcpu, list + BigInt(i) * 8n, new Uint8Array(out.buffer))) return -XEN_EFAULT;
    }
  }
  s.setInt16(SETUP_TABLE_STATUS, status, true);
  return d.guest.write(vcpu, uop + BigInt(SETUP_TABLE_STATUS), new Uint8Array(s.buffer, SETUP_TABLE_STATUS, 2))
    ? 0 : -XEN_EFAULT;
}
