// hv/xen/grant-table.ts - one domain's grant table, version 1 only (xen/common/grant_table.c; ABI in
// xen/include/public/grant_table.h). The shared frames are hypervisor-owned pages in the domain's Memory that the
// guest maps with XENMEM_add_to_physmap(XENMAPSPACE_grant_table) and fills with grant_entry_v1 records; the
// backend API (acquire/release, copyFrom/copyTo, map) is what an in-process dom0 backend uses instead of
// GNTTABOP_map_grant_ref / GNTTABOP_copy, checked as acquire_grant_for_copy and _set_status_v1 check: the ref
// is in the table, the entry is GTF_permit_access for the backend's domid, no writes through GTF_readonly, and
// GTF_reading / GTF_writing are set with a compare-and-swap on the entry's first 32-bit word (flags in the low
// u16, domid in the high u16) because the guest updates the same word concurrently (gnttab_end_foreign_access).
// Pins are counted per entry; when they drop to zero the flags are cleared again (reduce_status_for_pin), so a
// backend must release before it posts its response: blkfront/netfront treat a grant still in use as fatal.

import { Logger, RateLimitedLog } from '../../base/log.js';
import {
  GNTST_bad_gntref, GNTST_bad_page, GNTST_general_error, GRANT_ENTRY_V1_SIZE,
  GTF_permit_access, GTF_reading, GTF_readonly, GTF_sub_page, GTF_type_mask, GTF_writing,
} from '../../abi/xen/grant_table.js';
import {
  XEN_EAGAIN, XEN_EBUSY, XEN_EFAULT, XEN_EINVAL, XEN_ENOMEM, XEN_ENOSYS, XEN_EPERM, XEN_PAGE_SIZE,
} from '../../abi/xen/xen.js';

const PAGE_SIZE = XEN_PAGE_SIZE;
const ENTRIES_PER_FRAME = PAGE_SIZE / GRANT_ENTRY_V1_SIZE; // 512
const ENTRY_SHIFT = 9;
/** INITIAL_NR_GRANT_FRAMES (xen/arch/arm/include/asm/grant_table.h): grant_table_init grows to one frame. */
const INITIAL_NR_GRANT_FRAMES = 1;
/** The guest's grant window (GUEST_GNTTAB_SIZE, 16 MiB) holds at most 4096 frames. */
const MAX_GRANT_FRAMES_LIMIT = 4096;
/** _set_status_v1 retries the compare-and-swap five times, then decides the guest is misbehaving. */
const CAS_ATTEMPTS = 5;
/** Pin counters are 8 bits in Xen (GNTPIN_cntr_width); GNTPIN_incr2oflow_mask refuses once bit 7 is set. */
const PIN_LIMIT = 128;

export interface GrantTableOptions {
  /** max_grant_frames (Xen's default 64, `gnttab_max_frames`). */
  maxFrames?: number;
  /** Host address (offset in `bytes`) of a zeroed, page-aligned 4 KiB hypervisor page, or negative if none. */
  allocFrame: () => number;
  /** The domain's Memory (engine.bytes): grant frames and granted pages both live in it. */
  bytes: Uint8Array;
  /** Host address of guest frame `gfn` if it is RAM the domain owns, else -1 (get_paged_frame). */
  gfnToHost?: (gfn: number) => number;
  /**
   * Called after the hypervisor changed a grant entry, so that a guest vCPU stopped between LDXR and STXR on the
   * same word fails its store and retries (the engine's clearExclusive on each vCPU).
   */
  onEntryWritten?: () => void;
}

/** A granted page mapped for an in-process backend; `bytes` is only valid until release(). */
export interface GrantMapping {
  readonly handle: number;
  readonly bytes: Uint8Array;
  /** Drop the pin (idempotent); clears GTF_reading/GTF_writing when the last pin goes. */
  release(): void;
}

/** Xen's active_grant_entry for one ref: who pinned it, what frame, how many read and write pins. */
interface ActiveEntry {
  domid: number;
  host: number;
  readers: number;
  writers: number;
}

export class GrantTable {
  readonly domid: number;
  readonly maxFrames: number;
  private readonly frames: number[] = [];
  private readonly bytes: Uint8Array;
  private readonly words: Uint32Array;
  private readonly opts: GrantTableOptions;
  private readonly active = new Map<number, ActiveEntry>();
  // maptrack: handle -> ref and access, with a free list of handles
  private readonly handleRef: number[] = [];
  private readonly handleWrite: boolean[] = [];
  private readonly freeHandles: number[] = [];
  private readonly log: RateLimitedLog;

  constructor(domid: number, opts: GrantTableOptions) {
    const maxFrames = opts.maxFrames ?? 64;
    if (!Number.isInteger(maxFrames) || maxFrames < INITIAL_NR_GRANT_FRAMES || maxFrames > MAX_GRANT_FRAMES_LIMIT) {
      throw new RangeError(`grant table of d${domid}: max frames must be 1..${MAX_GRANT_FRAMES_LIMIT}, got ${maxFrames}`);
    }
    if (opts.bytes.byteOffset % 4 !== 0) throw new RangeError('grant table: domain memory must be 4-byte aligned');
    this.domid = domid;
    this.maxFrames = maxFrames;
    this.opts = opts;
    this.bytes = opts.bytes;
    this.words = new Uint32Array(opts.bytes.buffer, opts.bytes.byteOffset, opts.bytes.byteLength >>> 2);
    const logger = new Logger(`d${domid} gnttab`);
    this.log = new RateLimitedLog(line => logger.warn(line));
    if (this.grow(INITIAL_NR_GRANT_FRAMES) !== 0) {
      throw new Error(`grant table of d${domid}: no hypervisor page for the first grant frame`);
    }
  }

  // ---- the granting guest's side ----

  get nrFrames(): number {
    return this.frames.length;
  }

  /**
   * Host address of shared frame `index` for XENMEM_add_to_physmap(XENMAPSPACE_grant_table, idx), growing the
   * table up to maxFrames on demand (gnttab_get_shared_frame_mfn); -EINVAL beyond it, -ENOMEM without pages.
   */
  frameHost(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.maxFrames) return -XEN_EINVAL;
    if (index >= this.frames.length) {
      const rc = this.grow(index + 1);
      if (rc < 0) return rc;
    }
    return this.frames[index]!;
  }

  /** GNTTABOP_query_size */
  querySize(): { nrFrames: number; maxFrames: number } {
    return { nrFrames: this.frames.length, maxFrames: this.maxFrames };
  }

  /** GNTTABOP_set_version: Xen 4.17 on Arm builds with GNTTAB_MAX_VERSION 1, so 2 is -ENOSYS. */
  setVersion(version: number): number {
    if (version === 1) return 0;
    if (version === 2) return -XEN_ENOSYS;
    return -XEN_EINVAL;
  }

  /** GNTTABOP_get_version */
  getVersion(): number {
    return 1;
  }

  // ---- the backend's side ----

  /**
   * Pin `ref` for `backendDomid` (acquire_grant_for_copy): returns a handle for release(), or -EINVAL (bad ref),
   * -EPERM (not a permit_access grant to that domain, or a write to a read-only grant), -EAGAIN (the entry kept
   * changing under the compare-and-swap), -EBUSY (pinned by another domain, or too many pins), -EFAULT (the
   * granted frame is not the domain's RAM).
   */
  acquire(ref: number, backendDomid: number, write: boolean): number {
    return this.acquireEntry(ref, backendDomid, write, false);
  }

  /** Host address of the page behind a handle from acquire(), or -EINVAL. */
  hostOf(handle: number): number {
    if (!this.liveHandle(handle)) return -XEN_EINVAL;
    return this.active.get(this.handleRef[handle]!)!.host;
  }

  /** Undo one acquire(); the flags are cleared when the entry's last pin goes. -EINVAL for a stale handle. */
  release(handle: number): number {
    if (!this.liveHandle(handle)) return -XEN_EINVAL;
    const ref = this.handleRef[handle]!;
    const write = this.handleWrite[handle]!;
    this.handleRef[handle] = -1;
    this.freeHandles.push(handle);
    const act = this.active.get(ref)!;
    if (write) act.writers--;
    else act.readers--;
    this.reduceStatusForPin(ref, act, write);
    if (act.readers === 0 && act.writers === 0) this.active.delete(ref);
    return 0;
  }

  /** Read `len` bytes at `offset` of the page granted by `ref` into `buf` (acquire, copy, release). */
  copyFrom(ref: number, offset: number, len: number, buf: Uint8Array, backendDomid = 0): number {
    return this.copy(ref, offset, len, buf, backendDomid, false);
  }

  /** Write `len` bytes of `buf` at `offset` of the page granted by `ref` (needs a writable grant). */
  copyTo(ref: number, offset: number, len: number, buf: Uint8Array, backendDomid = 0): number {
    return this.copy(ref, offset, len, buf, backendDomid, true);
  }

  /**
   * Map the page granted by `ref` for the backend (GNTTABOP_map_grant_ref with GNTMAP_host_map): a window into
   * this domain's Memory, read-write only when `write`. Sub-page grants cannot be mapped (GTF_sub_page), as in Xen.
   */
  map(ref: number, write: boolean, backendDomid = 0): GrantMapping | number {
    const handle = this.acquireEntry(ref, backendDomid, write, true);
    if (handle < 0) return handle;
    const host = this.active.get(ref)!.host;
    let live = true;
    return {
      handle,
      bytes: this.bytes.subarray(host, host + PAGE_SIZE),
      release: () => {
        if (!live) return;
        live = false;
        this.release(handle);
      },
    };
  }

  /** Pins currently held on `ref` (tests, teardown checks). */
  pins(ref: number): { readers: number; writers: number } {
    const act = this.active.get(ref);
    return { readers: act?.readers ?? 0, writers: act?.writers ?? 0 };
  }

  /** Number of refs with pins: a domain being torn down waits for 0 (backends disconnected). */
  get pinnedEntries(): number {
    return this.active.size;
  }

  // ---- internals ----

  private copy(ref: number, offset: number, len: number, buf: Uint8Array, dom: number, write: boolean): number {
    if (!Number.isInteger(offset) || !Number.isInteger(len) || offset < 0 || len < 0 ||
        offset + len > PAGE_SIZE || len > buf.length) {
      return -XEN_EINVAL; // GNTST_bad_copy_arg: a copy never crosses its page
    }
    const handle = this.acquireEntry(ref, dom, write, false);
    if (handle < 0) return handle;
    const at = this.active.get(ref)!.host + offset;
    if (write) this.bytes.set(buf.subarray(0, len), at);
    else buf.set(this.bytes.subarray(at, at + len));
    this.release(handle);
    return 0;
  }

  private acquireEntry(ref: number, dom: number, write: boolean, mapping: boolean): number {
    if (!Number.isInteger(ref) || ref < 0 || ref >= this.frames.length * ENTRIES_PER_FRAME) {
      return this.fail(ref, -XEN_EINVAL, 'bad grant reference');
    }
    let act = this.active.get(ref);
    // If already pinned, the pinning domain and the counters decide (the entry itself is not re-read)
    if (act && (act.domid !== dom || (write ? act.writers : act.readers) >= PIN_LIMIT)) {
      return this.fail(ref, -XEN_EBUSY, `pinned by d${act.domid} (${act.readers}r/${act.writers}w), wanted by d${dom}`);
    }
    if (!act || (write && act.writers === 0)) {
      const rc = this.setStatus(ref, dom, write, mapping, act !== undefined);
      if (rc < 0) return rc;
      if (!act) {
        const host = this.grantedHost(ref);
        if (host < 0) {
          this.clearFlags(ref, write ? GTF_reading | GTF_writing : GTF_reading);
          return this.fail(ref, -XEN_EFAULT, 'granted frame is not RAM of the domain');
        }
        act = { domid: dom, host, readers: 0, writers: 0 };
        this.active.set(ref, act);
      }
    }
    if (write) act.writers++;
    else act.readers++;
    return this.newHandle(ref, write);
  }

  /**
   * _set_status_v1: set GTF_reading (and GTF_writing) with a bounded compare-and-swap loop; the type and domid
   * are checked only when the entry is not pinned yet, the read-only flag on every write pin.
   */
  private setStatus(ref: number, dom: number, write: boolean, mapping: boolean, pinned: boolean): number {
    const i = this.entryWord(ref);
    const mask = mapping ? GTF_type_mask | GTF_sub_page : GTF_type_mask;
    let cur = Atomics.load(this.words, i);
    for (let attempt = 1; ; attempt++) {
      const flags = cur & 0xffff;
      if (!pinned && ((flags & mask) !== GTF_permit_access || cur >>> 16 !== dom)) {
        return this.fail(ref, -XEN_EPERM, `bad flags ${flags.toString(16)} or dom ${cur >>> 16}; expected d${dom}`);
      }
      if (write && flags & GTF_readonly) return this.fail(ref, -XEN_EPERM, 'write pin of a read-only grant');
      const next = (cur | GTF_reading | (write ? GTF_writing : 0)) >>> 0;
      const prev = Atomics.compareExchange(this.words, i, cur, next);
      if (prev === cur) break;
      if (attempt === CAS_ATTEMPTS) return this.fail(ref, -XEN_EAGAIN, 'shared grant entry is unstable');
      cur = prev;
    }
    this.opts.onEntryWritten?.();
    return 0;
  }

  /** reduce_status_for_pin: GTF_reading goes with the last pin, GTF_writing with the last write pin. */
  private reduceStatusForPin(ref: number, act: ActiveEntry, write: boolean): void {
    let clear = act.readers + act.writers === 0 ? GTF_reading : 0;
    if (write && act.writers === 0) clear |= GTF_writing;
    if (clear) this.clearFlags(ref, clear);
  }

  /** gnttab_clear_flags: an atomic AND on the entry word, leaving the guest's bits and the domid alone. */
  private clearFlags(ref: number, flags: number): void {
    Atomics.and(this.words, this.entryWord(ref), ~flags >>> 0);
    this.opts.onEntryWritten?.();
  }

  /** The granted GFN of a v1 entry, read once after GTF_reading is set (the guest may no longer change it). */
  private grantedHost(ref: number): number {
    const gfn = Atomics.load(this.words, this.entryWord(ref) + 1);
    const host = this.opts.gfnToHost ? this.opts.gfnToHost(gfn) : -1;
    if (!Number.isInteger(host) || host < 0 || host % PAGE_SIZE !== 0 || host + PAGE_SIZE > this.bytes.length) {
      return -1;
    }
    return host;
  }

  private entryWord(ref: number): number {
    return (this.frames[ref >>> ENTRY_SHIFT]! + (ref & (ENTRIES_PER_FRAME - 1)) * GRANT_ENTRY_V1_SIZE) >>> 2;
  }

  /** gnttab_grow_table: add zeroed frames up to `nr`. */
  private grow(nr: number): number {
    while (this.frames.length < nr) {
      const host = this.opts.allocFrame();
      if (!Number.isInteger(host) || host < 0 || host % PAGE_SIZE !== 0 || host + PAGE_SIZE > this.bytes.length) {
        return -XEN_ENOMEM;
      }
      this.bytes.fill(0, host, host + PAGE_SIZE);
      this.frames.push(host);
    }
    return 0;
  }

  private newHandle(ref: number, write: boolean): number {
    const h = this.freeHandles.pop() ?? this.handleRef.length;
    this.handleRef[h] = ref;
    this.handleWrite[h] = write;
    return h;
  }

  private liveHandle(handle: number): boolean {
    return Number.isInteger(handle) && handle >= 0 && handle < this.handleRef.length && this.handleRef[handle]! >= 0;
  }

  private fail(ref: number, rc: number, why: string): number {
    this.log.warn(`${rc}:${why.split(' ')[0]}`, () => `d${this.domid} grant ref ${ref}: ${why} (error ${rc})`);
    return rc;
  }
}

/**
 * The GNTST_* status a GNTTABOP_map_grant_ref / GNTTABOP_copy implementation reports for an error above: Xen
 * itself answers GNTST_general_error for bad flags, domid, read-only and unstable entries.
 */
export function gntstFromErrno(rc: number): number {
  switch (rc) {
    case 0: return 0;
    case -XEN_EINVAL: return GNTST_bad_gntref;
    case -XEN_EFAULT: return GNTST_bad_page;
    default: return GNTST_general_error;
  }
}
