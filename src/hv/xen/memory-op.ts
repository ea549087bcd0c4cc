// hv/xen/memory-op.ts - the memory_op hypercall (xen/common/memory.c do_memory_op with Arm's
// xenmem_add_to_physmap_one of xen/arch/arm/mm.c): ballooning (populate_physmap, decrease_reservation),
// reservation queries, and placing hypervisor pages in the guest physical map (add_to_physmap for
// XENMAPSPACE_shared_info and XENMAPSPACE_grant_table; remove_from_physmap). The frame changes go through
// p2m.ts; reservation ops report the extents done, bound their work per call and continue through
// hypercall continuations encoded in cmd[63:6] as Xen does (MEMOP_EXTENT_SHIFT).

import {
  ADD_TO_PHYSMAP_BATCH_DOMID, ADD_TO_PHYSMAP_BATCH_ERRS, ADD_TO_PHYSMAP_BATCH_GPFNS, ADD_TO_PHYSMAP_BATCH_IDXS,
  ADD_TO_PHYSMAP_BATCH_SIZE, ADD_TO_PHYSMAP_BATCH_SIZE_FIELD, ADD_TO_PHYSMAP_BATCH_SPACE, ADD_TO_PHYSMAP_BATCH_U,
  ADD_TO_PHYSMAP_DOMID, ADD_TO_PHYSMAP_GPFN, ADD_TO_PHYSMAP_IDX, ADD_TO_PHYSMAP_SIZE, ADD_TO_PHYSMAP_SIZE_FIELD,
  ADD_TO_PHYSMAP_SPACE, MEMORY_DOMAIN_DOMID, MEMORY_DOMAIN_SIZE, REMOVE_FROM_PHYSMAP_DOMID, REMOVE_FROM_PHYSMAP_GPFN,
  REMOVE_FROM_PHYSMAP_SIZE, RESERVATION_DOMID, RESERVATION_EXTENT_ORDER, RESERVATION_EXTENT_START,
  RESERVATION_MEM_FLAGS, RESERVATION_NR_EXTENTS, RESERVATION_SIZE, VNUMA_TOPOLOGY_DOMID, VNUMA_TOPOLOGY_PAD,
  VNUMA_TOPOLOGY_SIZE, XENMAPSPACE_dev_mmio, XENMAPSPACE_gmfn, XENMAPSPACE_gmfn_foreign, XENMAPSPACE_gmfn_range,
  XENMAPSPACE_grant_table, XENMAPSPACE_shared_info, XENMEMF_address_bits_mask, XENMEMF_exact_node_request,
  XENMEMF_populate_on_demand, XENMEMF_vnode, XENMEM_add_to_physmap, XENMEM_add_to_physmap_batch, XENMEM_claim_pages,
  XENMEM_current_reservation, XENMEM_decrease_reservation, XENMEM_get_sharing_freed_pages,
  XENMEM_get_sharing_shared_pages, XENMEM_get_vnumainfo, XENMEM_increase_reservation, XENMEM_maximum_gpfn,
  XENMEM_maximum_ram_page, XENMEM_maximum_reservation, XENMEM_populate_physmap, XENMEM_remove_from_physmap,
} from '../../abi/xen/memory.js';
import {
  XEN_EACCES, XEN_EDOM, XEN_EFAULT, XEN_EILSEQ, XEN_EINVAL, XEN_ENOENT, XEN_ENOMEM, XEN_ENOSYS, XEN_EOPNOTSUPP,
  XEN_EOVERFLOW, XEN_EPERM, XEN_ESRCH, XEN_EBUSY,
} from '../../abi/xen/xen.js';
import { PAGE_SIZE } from '../../cpu/layout.js';
import { Continuation, type HypercallResult } from './hypercall-abi.js';
import { GFN_LIMIT, gfnFromGuest } from './p2m.js';
import type { XenDomain } from './xen-domain.js';

/** xen/include/xen/hypercall.h: cmd[5:0] is the op, cmd[63:6] the extent to start from (continuations). */
const MEMOP_EXTENT_SHIFT = 6n;
const MEMOP_CMD_MASK = 0x3fn;
const UINT_MAX = 0xffffffffn;
/** CONFIG_DOMU_MAX_ORDER on Arm (xen/arch/arm/include/asm/config.h): 2 MiB extents at most. */
const DOMU_MAX_ORDER = 9;
/** Pages one call may touch before it continues (Xen uses hypercall_preempt_check between extents). */
const PAGES_PER_CALL = 4096;
/** Indexes of add_to_physmap_batch handled per call. */
const BATCH_PER_CALL = 256;
/** Bits of guest physical address (XENMEMF_address_bits below this restrict where pages come from). */
const PADDR_BITS = 40;
const INVALID_GFN = (1n << 64n) - 1n;

/** memory_op(cmd, arg) */
export function memoryOp(d: XenDomain, vcpu: number, a: readonly bigint[]): HypercallResult {
  const op = Number(a[0] & MEMOP_CMD_MASK);
  const start = a[0] >> MEMOP_EXTENT_SHIFT;
  const arg = a[1];
  switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
      return reservation(d, vcpu, op, start, arg);
    case XENMEM_maximum_ram_page:
      return start !== 0n ? -XEN_EINVAL : d.p2m.ramEnd;
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
      return start !== 0n ? -XEN_EINVAL : reservationInfo(d, vcpu, op, arg);
    case XENMEM_add_to_physmap:
      return addToPhysmap(d, vcpu, start, arg);
    case XENMEM_add_to_physmap_batch:
      return addToPhysmapBatch(d, vcpu, start, arg);
    case XENMEM_remove_from_physmap:
      return start !== 0n ? -XEN_EINVAL : removeFromPhysmap(d, vcpu, arg);
    case XENMEM_claim_pages:
      return start !== 0n ? -XEN_EINVAL : claimPages(d, vcpu, arg);
    case XENMEM_get_vnumainfo:
      return start !== 0n ? -XEN_EINVAL : vnumaInfo(d, vcpu, arg);
    case XENMEM_get_sharing_freed_pages:
    case XENMEM_get_sharing_shared_pages: // Arm's arch_memory_op: no memory sharing
      return 0;
    default:
      // exchange, memory maps, acquire_resource, ...: not offered to Arm guests by tsxen (arch_memory_op)
      d.log.warn(`memop:${op}`, () => `d${d.id} memory_op ${op} is not implemented`);
      return -XEN_ENOSYS;
  }
}

/** A guest target of a memory op (dom0 has no guest memory). */
function guestTarget(d: XenDomain, domid: number): XenDomain | number {
  const t = d.host.lookup(d, domid);
  if (typeof t === 'number') return t;
  if (!d.host.mayTarget(d, t)) return -XEN_EPERM;
  return t.kind === 'guest' ? t : -XEN_EINVAL;
}

// ---------------------------------------------------------------- reservations

/** increase_reservation / decrease_reservation / populate_physmap: returns the extents done. */
function reservation(d: XenDomain, vcpu: number, op: number, start: bigint, arg: bigint): HypercallResult {
  const r = d.guest.readStruct(vcpu, arg, RESERVATION_SIZE);
  if (!r) return start;
  const nr = r.getBigUint64(RESERVATION_NR_EXTENTS, true);
  // the count must fit a continuation's cmd[31:6]; nothing to do past the end
  if (nr > UINT_MAX >> MEMOP_EXTENT_SHIFT || start >= nr) return start;
  const t = guestTarget(d, r.getUint16(RESERVATION_DOMID, true));
  if (typeof t === 'number') return start;
  const flags = r.getUint32(RESERVATION_MEM_FLAGS, true);
  const order = r.getUint32(RESERVATION_EXTENT_ORDER, true);
  if (!memflagsOk(flags, d.privileged)) return start;
  if (order > DOMU_MAX_ORDER) return start;
  const list = r.getBigUint64(RESERVATION_EXTENT_START, true);
  let i = Number(start);
  const n = Number(nr);
  if (op === XENMEM_increase_reservation) {
    // pages allocated but mapped nowhere are of no use to an auto-translated guest: none are handed out
    return start;
  }
  if (op === XENMEM_populate_physmap && (flags & XENMEMF_populate_on_demand) !== 0 && t === d) {
    return start; // populate-on-demand on oneself is refused
  }
  let pages = 0;
  for (; i < n; i++) {
    if (i !== Number(start) && pages >= PAGES_PER_CALL) {
      t.p2m.commit();
      return new Continuation([BigInt(op) | (BigInt(i) << MEMOP_EXTENT_SHIFT), arg]);
    }
    const gfn = d.guest.readU64(vcpu, list, i);
    if (gfn === null) break;
    const g = gfnFromGuest(gfn);
    if (g < 0 || g + (1 << order) > GFN_LIMIT) break;
    const rc = op === XENMEM_populate_physmap ? populateFrames(t, g, order) : decreaseFrames(t, g, order);
    if (rc !== 0) break;
    pages += 1 << order;
  }
  t.p2m.commit();
  return i;
}

/** construct_memop_from_reservation's checks of mem_flags for the calling domain. */
function memflagsOk(flags: number, privileged: boolean): boolean {
  const bits = flags & XENMEMF_address_bits_mask;
  if (bits !== 0 && bits < PADDR_BITS && bits <= 12) return false;
  if ((flags & XENMEMF_vnode) === 0) {
    const node = ((flags >>> 8) - 1) & 0xff;
    // propagate_node: a guest may not insist on a physical NUMA node
    if (node !== 0xff && !privileged && (flags & XENMEMF_exact_node_request) !== 0) return false;
  }
  return true;
}

/**
 * populate_physmap of one extent of 2^order frames at `gfn`: every frame gets a fresh zeroed page (RAM given
 * back earlier reappears, frames outside RAM get a HYP page). All or nothing: -ENOMEM when max_pages, the HYP
 * region or the overlay table cannot take the whole extent.
 */
export function populateFrames(t: XenDomain, gfn: number, order: number): number {
  const count = 1 << order;
  let newPages = 0;
  let hypPages = 0;
  let newSlots = 0;
  for (let j = 0; j < count; j++) {
    const k = t.p2m.kind(gfn + j);
    if (k === 'hole') newPages++;
    else if (k === 'none') { newPages++; hypPages++; newSlots++; }
    else if (k === 'xen' && !t.p2m.isRam(gfn + j)) { newPages++; hypPages++; }
  }
  if (t.totPages + newPages > t.maxPages) {
    t.log.warn('populate:max', () => `d${t.id} populate_physmap over max_pages (${t.maxPages})`);
    return -XEN_ENOMEM;
  }
  if (hypPages > t.p2m.hypPagesFree || newSlots > t.p2m.overlayFree) return -XEN_ENOMEM;
  for (let j = 0; j < count; j++) {
    const g = gfn + j;
    const k = t.p2m.kind(g);
    if (k === 'ram' || k === 'owned') {
      zeroFrame(t, g);
    } else if (k === 'hole' || (k === 'xen' && t.p2m.isRam(g))) {
      t.p2m.clear(g);
      zeroFrame(t, g);
      if (k === 'hole') t.totPages++;
    } else {
      const host = t.p2m.allocPage();
      t.p2m.set(g, { kind: 'owned', host, readOnly: false });
      t.totPages++;
    }
  }
  return 0;
}

/** decrease_reservation of one extent (guest_remove_page per frame); stops at the first frame that fails. */
function decreaseFrames(t: XenDomain, gfn: number, order: number): number {
  for (let j = 0; j < 1 << order; j++) {
    const rc = removeFrame(t, gfn + j);
    if (rc !== 0) return rc;
  }
  return 0;
}

/**
 * guest_remove_page: unmap frame `gfn`. RAM becomes a hole and an owned page is freed (both leave tot_pages);
 * a hypervisor page (shared_info, grant frame) is only unmapped. -EINVAL when nothing is there.
 */
function removeFrame(t: XenDomain, gfn: number): number {
  const k = t.p2m.kind(gfn);
  switch (k) {
    case 'ram':
    case 'owned':
    case 'xen': {
      const r = t.p2m.makeEmpty(gfn);
      if (!r.ok) return -XEN_ENOMEM; // the overlay table is full: no more holes
      if (k !== 'xen') t.totPages--;
      return 0;
    }
    default:
      return -XEN_EINVAL;
  }
}

function zeroFrame(t: XenDomain, gfn: number): void {
  const host = t.p2m.gfnToHost(gfn);
  if (host >= 0) t.engine.bytes.fill(0, host, host + PAGE_SIZE);
}

/** current_reservation / maximum_reservation / maximum_gpfn of a domain (xen_memory_domain). */
function reservationInfo(d: XenDomain, vcpu: number, op: number, arg: bigint): number {
  const s = d.guest.readStruct(vcpu, arg, MEMORY_DOMAIN_SIZE);
  if (!s) return -XEN_EFAULT;
  const t = guestTarget(d, s.getUint16(MEMORY_DOMAIN_DOMID, true));
  if (typeof t === 'number') return t;
  if (op === XENMEM_current_reservation) return t.totPages;
  if (op === XENMEM_maximum_reservation) return t.maxPages;
  return t.p2m.maxMappedGfn();
}

// ---------------------------------------------------------------- add_to_physmap

/** xatp_permission_check + the domain lookup of add_to_physmap(_batch). */
function physmapTarget(d: XenDomain, domid: number, space: number): XenDomain | number {
  const t = d.host.lookup(d, domid);
  if (typeof t === 'number') return t;
  if (t.kind !== 'guest') return -XEN_EACCES;
  // XENMAPSPACE_dev_mmio is for the hardware domain mapping its own devices
  if (space === XENMAPSPACE_dev_mmio && (!d.privileged || t !== d)) return -XEN_EACCES;
  return d.host.mayTarget(d, t) ? t : -XEN_EPERM;
}

/** XENMEM_add_to_physmap */
function addToPhysmap(d: XenDomain, vcpu: number, start: bigint, arg: bigint): HypercallResult {
  if (start > 0xffffn) return -XEN_EDOM;
  const s = d.guest.readStruct(vcpu, arg, ADD_TO_PHYSMAP_SIZE);
  if (!s) return -XEN_EFAULT;
  const space = s.getUint32(ADD_TO_PHYSMAP_SPACE, true);
  if (space === XENMAPSPACE_gmfn_foreign) return -XEN_ENOSYS; // only through add_to_physmap_batch
  const t = physmapTarget(d, s.getUint16(ADD_TO_PHYSMAP_DOMID, true), space);
  if (typeof t === 'number') return t;
  const idx = s.getBigUint64(ADD_TO_PHYSMAP_IDX, true);
  const gpfn = s.getBigUint64(ADD_TO_PHYSMAP_GPFN, true);
  if (gpfn === INVALID_GFN) return -XEN_EINVAL;
  if (space !== XENMAPSPACE_gmfn_range) {
    const rc = addToPhysmapOne(t, space, idx, gpfn);
    t.p2m.commit();
    if (rc !== 0) {
      t.log.warn(`xatp:${space}:${rc}`,
        () => `d${t.id} add_to_physmap space ${space} idx ${idx} gpfn 0x${gpfn.toString(16)}: error ${rc}`);
    }
    return rc;
  }
  // xenmem_add_to_physmap for a gmfn range: each page is a XENMAPSPACE_gmfn mapping, which Arm refuses
  const size = BigInt(s.getUint16(ADD_TO_PHYSMAP_SIZE_FIELD, true));
  if (size < start) return -XEN_EILSEQ;
  if (gpfn + size > INVALID_GFN || idx + size > INVALID_GFN) return -XEN_EOVERFLOW;
  return size - start > 0n ? addToPhysmapOne(t, XENMAPSPACE_gmfn, idx + start, gpfn + start) : 0;
}

/** XENMEM_add_to_physmap_batch: one error per index in `errs`, continuing every BATCH_PER_CALL indexes. */
function addToPhysmapBatch(d: XenDomain, vcpu: number, start: bigint, arg: bigint): HypercallResult {
  if (start > 0xffffn) return -XEN_EDOM;
  const s = d.guest.readStruct(vcpu, arg, ADD_TO_PHYSMAP_BATCH_SIZE);
  if (!s) return -XEN_EFAULT;
  const space = s.getUint16(ADD_TO_PHYSMAP_BATCH_SPACE, true);
  if (space === XENMAPSPACE_gmfn_range) return -XEN_EOPNOTSUPP;
  const t = physmapTarget(d, s.getUint16(ADD_TO_PHYSMAP_BATCH_DOMID, true), space);
  if (typeof t === 'number') return t;
  const size = s.getUint16(ADD_TO_PHYSMAP_BATCH_SIZE_FIELD, true);
  let extent = Number(start);
  if (size < extent) return -XEN_EILSEQ;
  if (size === extent) return extent ? -XEN_EILSEQ : 0;
  const u = s.getUint16(ADD_TO_PHYSMAP_BATCH_U, true);
  if (space === XENMAPSPACE_dev_mmio && u !== 0) return -XEN_EOPNOTSUPP;
  const idxs = s.getBigUint64(ADD_TO_PHYSMAP_BATCH_IDXS, true);
  const gpfns = s.getBigUint64(ADD_TO_PHYSMAP_BATCH_GPFNS, true);
  const errs = s.getBigUint64(ADD_TO_PHYSMAP_BATCH_ERRS, true);
  let done = 0;
  try {
    while (size > extent) {
      const idx = d.guest.readU64(vcpu, idxs, extent);
      const gpfn = d.guest.readU64(vcpu, gpfns, extent);
      if (idx === null || gpfn === null) return -XEN_EFAULT;
      if (gpfn === INVALID_GFN) return -XEN_EINVAL;
      const rc = space === XENMAPSPACE_gmfn_foreign ? foreignMap(d, t, u) : addToPhysmapOne(t, space, idx, gpfn);
      const out = new DataView(new ArrayBuffer(4));
      out.setInt32(0, rc, true);
      if (!d.guest.write(vcpu, errs + BigInt(extent) * 4n, new Uint8Array(out.buffer))) return -XEN_EFAULT;
      extent++;
      if (size > extent && ++done >= BATCH_PER_CALL) {
        return new Continuation([BigInt(XENMEM_add_to_physmap_batch) | (BigInt(extent) << MEMOP_EXTENT_SHIFT), arg]);
      }
    }
    return 0;
  } finally {
    t.p2m.commit();
  }
}

/** XENMAPSPACE_gmfn_foreign for one index: only a control domain may map another domain's frames. */
function foreignMap(d: XenDomain, t: XenDomain, foreignDomid: number): number {
  const od = d.host.byId(foreignDomid);
  if (!od) return -XEN_ESRCH;
  if (od === t) return -XEN_EINVAL;
  if (!d.host.mayTarget(t, od)) return -XEN_EPERM;
  return -XEN_ENOSYS; // in-process backends map with Xen.foreignPage instead
}

/**
 * xenmem_add_to_physmap_one (xen/arch/arm/mm.c) for the spaces a guest maps: the hypervisor page replaces
 * whatever frame `gpfn` held. A shared page already mapped at another frame is -EBUSY until unmapped (Xen 4.17;
 * mapping it again at the same frame is accepted, so a restored guest can redo its setup).
 */
export function addToPhysmapOne(t: XenDomain, space: number, idx: bigint, gpfn: bigint): number {
  let host: number;
  switch (space) {
    case XENMAPSPACE_shared_info:
      if (idx !== 0n) return -XEN_EINVAL;
      host = t.shared.page;
      break;
    case XENMAPSPACE_grant_table:
      // v1 tables have no status frames: XENMAPIDX_grant_table_status makes the index out of range
      if (idx > 0xffffffffn) return -XEN_EINVAL;
      host = t.gnttab.frameHost(Number(idx));
      if (host < 0) return host;
      break;
    default:
      return -XEN_ENOSYS; // gmfn, gmfn_range pages and anything else: not on Arm
  }
  const gfn = gfnFromGuest(gpfn);
  if (gfn < 0) return -XEN_EINVAL;
  const at = t.p2m.gfnOfXenPage(host);
  if (at !== undefined) return at === gfn ? 0 : -XEN_EBUSY;
  const r = t.p2m.set(gfn, { kind: 'xen', host, readOnly: false });
  if (!r.ok) return -XEN_ENOMEM;
  if (r.freedOwned) t.totPages--;
  return 0;
}

/** XENMEM_remove_from_physmap */
function removeFromPhysmap(d: XenDomain, vcpu: number, arg: bigint): number {
  const s = d.guest.readStruct(vcpu, arg, REMOVE_FROM_PHYSMAP_SIZE);
  if (!s) return -XEN_EFAULT;
  const t = guestTarget(d, s.getUint16(REMOVE_FROM_PHYSMAP_DOMID, true));
  if (typeof t === 'number') return t;
  const gfn = gfnFromGuest(s.getBigUint64(REMOVE_FROM_PHYSMAP_GPFN, true));
  const k = gfn < 0 ? 'none' : t.p2m.kind(gfn);
  if (k === 'none' || k === 'hole') return -XEN_ENOENT;
  const rc = removeFrame(t, gfn);
  t.p2m.commit();
  return rc;
}

/** XENMEM_claim_pages: a control-domain operation. */
function claimPages(d: XenDomain, vcpu: number, arg: bigint): number {
  const r = d.guest.readStruct(vcpu, arg, RESERVATION_SIZE);
  if (!r) return -XEN_EFAULT;
  if (r.getBigUint64(RESERVATION_EXTENT_START, true) !== 0n) return -XEN_EINVAL;
  if (r.getUint32(RESERVATION_EXTENT_ORDER, true) !== 0 || r.getUint32(RESERVATION_MEM_FLAGS, true) !== 0)
    return -XEN_EINVAL;
  if (!d.host.byId(r.getUint16(RESERVATION_DOMID, true))) return -XEN_EINVAL;
  return -XEN_EPERM;
}

/** XENMEM_get_vnumainfo: tsxen domains have no virtual NUMA topology. */
function vnumaInfo(d: XenDomain, vcpu: number, arg: bigint): number {
  const s = d.guest.readStruct(vcpu, arg, VNUMA_TOPOLOGY_SIZE);
  if (!s) return -XEN_EFAULT;
  if (s.getUint16(VNUMA_TOPOLOGY_PAD, true) !== 0) return -XEN_EINVAL;
  const t = d.host.lookup(d, s.getUint16(VNUMA_TOPOLOGY_DOMID, true));
  if (typeof t === 'number') return t;
  if (!d.host.mayTarget(d, t)) return -XEN_EPERM;
  return -XEN_EOPNOTSUPP;
}
