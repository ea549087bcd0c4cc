// hv/xen/p2m.ts - the hypervisor's side of a domain's P2M (guest frame -> host page), Xen's p2m of
// xen/arch/arm/p2m.c reduced to what tsxen needs. Guest RAM is one flat bank the engine maps itself
// (RAM_BASE_PA at host RAM_OFF, cpu/layout.ts); everything else goes through the overlay table in the domain's
// Memory (P2M_OVERLAY_BASE, DOM_OVERLAY_COUNT entries of {u64 gfn, u32 host, u32 flags}), which the engine's
// p2m() consults before RAM: hypervisor pages placed at guest frames (shared_info, grant frames: Xen's
// "xenheap" pages shared with the guest), pages populated outside RAM (magic pages, ballooned-in frames), and
// holes punched into RAM (decrease_reservation). The pages come from the HYP_BASE region of the same Memory.
// After a batch of changes the caller runs `commit()` so every vCPU drops its soft TLB (engine.p2mChanged).

import type { Engine } from '../../cpu/engine.js';
import {
  DOM_OVERLAY_COUNT, HYP_BASE, HYP_PAGES_SIZE, P2M_FLAG_RO, P2M_HOLE, P2M_OVERLAY_BASE, P2M_OVERLAY_ENTRY,
  P2M_OVERLAY_MAX, PAGE_SHIFT, PAGE_SIZE, RAM_BASE_PA,
} from '../../cpu/layout.js';

/** The engine's guest physical address size (cpu/as/mmu.ts PA_BITS = 40): frames at or above this do not exist. */
export const GFN_LIMIT = 1 << (40 - PAGE_SHIFT);

/**
 * What backs a guest frame that has an overlay entry:
 * - `hole`: nothing (a RAM frame given back with decrease_reservation);
 * - `owned`: a page of the HYP region allocated to the domain (populate_physmap outside RAM), freed on removal;
 * - `xen`: a hypervisor page shared with the guest (shared_info, a grant frame), owned by its module.
 */
export type P2mKind = 'hole' | 'owned' | 'xen';

export interface P2mEntry {
  readonly kind: P2mKind;
  /** Host address of the page (P2M_HOLE for a hole). */
  readonly host: number;
  readonly readOnly: boolean;
}

/** What a guest frame is right now (for memory_op's decisions). */
export type FrameKind = P2mKind | 'ram' | 'none';

export class P2m {
  private readonly engine: Engine;
  /** Frames of guest RAM at RAM_BASE_PA: [ramFirst, ramEnd). */
  readonly ramFirst: number;
  readonly ramEnd: number;
  private readonly entries = new Map<number, P2mEntry>();
  /** Overlay table slot of each gfn, and the gfn in each slot (the table is kept dense). */
  private readonly slotOf = new Map<number, number>();
  private readonly gfnAt: number[] = [];
  /** Reverse map of `xen` pages: host address -> the one gfn it is mapped at. */
  private readonly xenGfn = new Map<number, number>();
  /** Host pages mapped read-only somewhere (guest-access refuses writes through them). */
  private readonly readOnlyHosts = new Map<number, number>();
  // HYP region allocator: bump pointer plus a free list
  private hypNext = HYP_BASE;
  private readonly hypFree: number[] = [];
  private dirty = false;

  constructor(engine: Engine) {
    this.engine = engine;
    this.ramFirst = RAM_BASE_PA >>> PAGE_SHIFT;
    this.ramEnd = this.ramFirst + Math.floor(engine.ramSize / PAGE_SIZE);
  }

  /** Live overlay entries (each costs the engine a comparison on a soft-TLB miss). */
  get overlayCount(): number {
    return this.gfnAt.length;
  }

  /** Overlay slots still free. */
  get overlayFree(): number {
    return P2M_OVERLAY_MAX - this.gfnAt.length;
  }

  /** HYP pages still available (free list plus never-used space). */
  get hypPagesFree(): number {
    return this.hypFree.length + (HYP_BASE + HYP_PAGES_SIZE - this.hypNext) / PAGE_SIZE;
  }

  // ---- hypervisor pages ----

  /** A zeroed page of the HYP region (host address), or -1 when the region is exhausted. */
  allocPage(): number {
    let host = this.hypFree.pop();
    if (host === undefined) {
      if (this.hypNext + PAGE_SIZE > HYP_BASE + HYP_PAGES_SIZE) return -1;
      host = this.hypNext;
      this.hypNext += PAGE_SIZE;
    }
    this.engine.bytes.fill(0, host, host + PAGE_SIZE);
    return host;
  }

  freePage(host: number): void {
    if (host < HYP_BASE || host >= HYP_BASE + HYP_PAGES_SIZE || host % PAGE_SIZE !== 0)
      throw new RangeError(`p2m: 0x${host.toString(16)} is not a HYP page`);
    this.hypFree.push(host);
  }

  // ---- lookups ----

  isRam(gfn: number): boolean {
    return gfn >= this.ramFirst && gfn < this.ramEnd;
  }

  lookup(gfn: number): P2mEntry | undefined {
    return this.entries.get(gfn);
  }

  kind(gfn: number): FrameKind {
    const e = this.entries.get(gfn);
    if (e) return e.kind;
    return this.isRam(gfn) ? 'ram' : 'none';
  }

  /** Host address of frame `gfn`, or -1 if nothing is there (or it is read-only and `write` is asked). */
  gfnToHost(gfn: number, write = false): number {
    if (!Number.isInteger(gfn) || gfn < 0 || gfn >= GFN_LIMIT) return -1;
    const e = this.entries.get(gfn);
    if (e) return e.kind === 'hole' || (write && e.readOnly) ? -1 : e.host;
    return this.isRam(gfn) ? this.engine.physToHost(BigInt(gfn) << BigInt(PAGE_SHIFT)) : -1;
  }

  /** The gfn a shared hypervisor page is mapped at, or undefined. */
  gfnOfXenPage(host: number): number | undefined {
    return this.xenGfn.get(host);
  }

  /** Is the host page containing `host` mapped read-only into the guest? */
  isReadOnlyHost(host: number): boolean {
    return this.readOnlyHosts.has(host - (host % PAGE_SIZE));
  }

  /** Highest frame the guest can reach (XENMEM_maximum_gpfn). */
  maxMappedGfn(): number {
    let max = this.ramEnd - 1;
    for (const [gfn, e] of this.entries) if (e.kind !== 'hole' && gfn > max) max = gfn;
    return max;
  }

  // ---- changes (call commit() afterwards) ----

  /**
   * Put `entry` at `gfn`, replacing what was there; an `owned` page it displaces is freed and reported.
   * Returns false when the overlay table is full (nothing changed).
   */
  set(gfn: number, entry: P2mEntry): { ok: boolean; freedOwned: boolean } {
    checkGfn(gfn);
    if (!this.slotOf.has(gfn) && this.gfnAt.length >= P2M_OVERLAY_MAX) return { ok: false, freedOwned: false };
    const freedOwned = this.dropEntry(gfn);
    this.entries.set(gfn, entry);
    if (entry.kind === 'xen') this.xenGfn.set(entry.host, gfn);
    if (entry.readOnly && entry.kind !== 'hole') {
      this.readOnlyHosts.set(entry.host, (this.readOnlyHosts.get(entry.host) ?? 0) + 1);
    }
    let slot = this.slotOf.get(gfn);
    const flags = entry.readOnly ? P2M_FLAG_RO : 0;
    const host = entry.kind === 'hole' ? P2M_HOLE : entry.host;
    if (slot === undefined) {
      slot = this.gfnAt.length;
      this.writeSlot(slot, gfn, host, flags);
      this.gfnAt.push(gfn);
      this.slotOf.set(gfn, slot);
      // the entry is complete before the engine can see it
      this.engine.view.setUint32(DOM_OVERLAY_COUNT, this.gfnAt.length, true);
    } else {
      this.writeSlot(slot, gfn, host, flags);
    }
    this.dirty = true;
    return { ok: true, freedOwned };
  }

  /** Remove `gfn`'s overlay entry (RAM beneath, if any, shows again); an `owned` page is freed. */
  clear(gfn: number): { freedOwned: boolean } {
    const slot = this.slotOf.get(gfn);
    if (slot === undefined) return { freedOwned: false };
    const freedOwned = this.dropEntry(gfn);
    this.entries.delete(gfn);
    const last = this.gfnAt.length - 1;
    if (slot !== last) {
      // move the last entry into the freed slot, then shrink
      const movedGfn = this.gfnAt[last];
      const base = P2M_OVERLAY_BASE + last * P2M_OVERLAY_ENTRY;
      const v = this.engine.view;
      this.writeSlot(slot, movedGfn, v.getUint32(base + 8, true), v.getUint32(base + 12, true));
      this.gfnAt[slot] = movedGfn;
      this.slotOf.set(movedGfn, slot);
    }
    this.gfnAt.pop();
    this.slotOf.delete(gfn);
    this.engine.view.setUint32(DOM_OVERLAY_COUNT, this.gfnAt.length, true);
    this.dirty = true;
    return { freedOwned };
  }

  /** Make `gfn` empty: a hole over RAM, no entry elsewhere. False if the overlay table is full. */
  makeEmpty(gfn: number): { ok: boolean; freedOwned: boolean } {
    if (this.isRam(gfn)) return this.set(gfn, { kind: 'hole', host: P2M_HOLE, readOnly: false });
    return { ok: true, ...this.clear(gfn) };
  }

  /**
   * Tell the engine the P2M changed: every vCPU flushes its soft TLB before it runs again, and loses its
   * exclusive monitor (the page under a monitored address may have changed).
   */
  commit(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.engine.p2mChanged();
    for (let v = 0; v < this.engine.vcpus; v++) this.engine.clearExclusive(v);
  }

  /** Drop the bookkeeping of the entry at `gfn` (not the table slot); true if an owned page was freed. */
  private dropEntry(gfn: number): boolean {
    const old = this.entries.get(gfn);
    if (!old) return false;
    if (old.kind === 'xen' && this.xenGfn.get(old.host) === gfn) this.xenGfn.delete(old.host);
    if (old.readOnly && old.kind !== 'hole') {
      const n = (this.readOnlyHosts.get(old.host) ?? 1) - 1;
      if (n <= 0) this.readOnlyHosts.delete(old.host);
      else this.readOnlyHosts.set(old.host, n);
    }
    if (old.kind === 'owned') {
      this.freePage(old.host);
      return true;
    }
    return false;
  }

  private writeSlot(slot: number, gfn: number, host: number, flags: number): void {
    const base = P2M_OVERLAY_BASE + slot * P2M_OVERLAY_ENTRY;
    const v = this.engine.view;
    v.setBigUint64(base, BigInt(gfn), true);
    v.setUint32(base + 8, host >>> 0, true);
    v.setUint32(base + 12, flags, true);
  }
}

function checkGfn(gfn: number): void {
  if (!Number.isInteger(gfn) || gfn < 0 || gfn >= GFN_LIMIT) throw new RangeError(`p2m: frame ${gfn} out of range`);
}

/** A guest-supplied 64-bit frame number as a number, or -1 if no such frame can exist. */
export function gfnFromGuest(v: bigint): number {
  return v >= 0n && v < BigInt(GFN_LIMIT) ? Number(v) : -1;
}
