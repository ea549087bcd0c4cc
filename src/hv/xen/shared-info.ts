// hv/xen/shared-info.ts - a domain's shared_info page and its vCPUs' vcpu_info areas (xen/include/public/xen.h,
// layouts in abi/xen/shared_info.ts), the event bits the 2-level ABI keeps there (SharedInfoAccess of
// event-2l.ts), the wallclock, and the upcall: PPI 31 is a level-sensitive line that follows each vCPU's
// evtchn_upcall_pending (xen/arch/arm/domain.c vcpu_mark_events_pending injects GUEST_EVTCHN_PPI; the guest
// clears the byte and EOIs, and on deactivation the line is re-evaluated).
//
// Every read-modify-write of a guest-visible word uses Atomics on the domain's shared Memory, so that it is
// atomic with respect to vCPUs running in other threads, and is followed by clearing every vCPU's exclusive
// monitor (a guest stopped between LDXR and STXR on the same word must see its STXR fail and retry;
// shared/docs/XEN-ABI.md section 3).

import type { Engine } from '../../cpu/engine.js';
import {
  SHARED_INFO_EVTCHN_MASK, SHARED_INFO_EVTCHN_PENDING, SHARED_INFO_VCPU_INFO, SHARED_INFO_WC_NSEC,
  SHARED_INFO_WC_SEC, SHARED_INFO_WC_SEC_HI, SHARED_INFO_WC_VERSION, VCPU_INFO_PENDING_SEL, VCPU_INFO_SIZE,
  VCPU_INFO_UPCALL_PENDING,
} from '../../abi/xen/shared_info.js';
import { XEN_LEGACY_MAX_VCPUS } from '../../abi/xen/xen.js';
import type { SharedInfoAccess } from './event-2l.js';

/** Where a vCPU's vcpu_info lives: a host address in the Memory, or its private stand-in before registration. */
interface InfoSlot {
  words: Int32Array;
  /** Index of the vcpu_info's first 32-bit word in `words`. */
  index: number;
  /** Host address in the domain Memory, or -1 for the stand-in (Xen's dummy_vcpu_info). */
  host: number;
}

export interface SharedInfoOptions {
  engine: Engine;
  /** Host address of the (zeroed) shared_info page. */
  page: number;
  vcpus: number;
  /** Drive the event upcall line (PPI 31) of `vcpu`. */
  setUpcallLine(vcpu: number, level: boolean): void;
  /** Called when a port becomes pending (SCHEDOP_poll wake-ups). */
  onPortPending?(port: number): void;
}

export class SharedInfo implements SharedInfoAccess {
  readonly page: number;
  private readonly engine: Engine;
  private readonly words: Int32Array;
  private readonly slots: InfoSlot[];
  private readonly opts: SharedInfoOptions;
  /** Has each vCPU registered its own vcpu_info (VCPUOP_register_vcpu_info; Xen's vcpu_info_mfn)? */
  readonly registered: boolean[];

  constructor(opts: SharedInfoOptions) {
    this.opts = opts;
    this.engine = opts.engine;
    this.page = opts.page;
    const b = opts.engine.bytes;
    this.words = new Int32Array(b.buffer, b.byteOffset, b.byteLength >>> 2);
    // vCPUs below XEN_LEGACY_MAX_VCPUS start in shared_info's vcpu_info[]; the others have none until they
    // register one (Xen points them at dummy_vcpu_info; here each gets a private stand-in)
    this.slots = Array.from({ length: opts.vcpus }, (_, v) =>
      v < XEN_LEGACY_MAX_VCPUS
        ? this.slotAt(opts.page + SHARED_INFO_VCPU_INFO + v * VCPU_INFO_SIZE)
        : { words: new Int32Array(VCPU_INFO_SIZE / 4), index: 0, host: -1 });
    this.registered = new Array<boolean>(opts.vcpus).fill(false);
  }

  /** Host address of `vcpu`'s vcpu_info, or -1 while it has none. */
  vcpuInfoHost(vcpu: number): number {
    return this.slots[vcpu].host;
  }

  /**
   * map_vcpu_info (xen/common/domain.c) once the checks passed: move `vcpu`'s vcpu_info to host address `host`,
   * copying the old contents (or zeroing when it had none), then mark every selector bit and the upcall pending
   * so that nothing raised meanwhile is lost (the guest takes a spurious upcall).
   */
  moveVcpuInfo(vcpu: number, host: number): void {
    const old = this.slots[vcpu];
    const next = this.slotAt(host);
    const n = VCPU_INFO_SIZE / 4;
    for (let i = 0; i < n; i++) {
      Atomics.store(next.words, next.index + i, old.host < 0 ? 0 : Atomics.load(old.words, old.index + i));
    }
    this.slots[vcpu] = next;
    this.registered[vcpu] = true;
    Atomics.store(next.words, next.index + VCPU_INFO_PENDING_SEL / 4, -1);
    Atomics.store(next.words, next.index + VCPU_INFO_PENDING_SEL / 4 + 1, -1);
    this.wrote();
    if (this.setUpcallPending(vcpu)) this.raiseUpcall(vcpu);
  }

  // ---- SharedInfoAccess (event-2l.ts) ----

  testAndSetPending(port: number): boolean {
    const was = this.orBit(this.bitWord(SHARED_INFO_EVTCHN_PENDING, port), bitOf(port));
    this.opts.onPortPending?.(port);
    return was;
  }

  clearPending(port: number): void {
    this.andNotBit(this.bitWord(SHARED_INFO_EVTCHN_PENDING, port), bitOf(port));
  }

  isPending(port: number): boolean {
    return (Atomics.load(this.words, this.bitWord(SHARED_INFO_EVTCHN_PENDING, port)) & bitOf(port)) !== 0;
  }

  isMasked(port: number): boolean {
    return (Atomics.load(this.words, this.bitWord(SHARED_INFO_EVTCHN_MASK, port)) & bitOf(port)) !== 0;
  }

  setMask(port: number): void {
    this.orBit(this.bitWord(SHARED_INFO_EVTCHN_MASK, port), bitOf(port));
  }

  clearMask(port: number): void {
    this.andNotBit(this.bitWord(SHARED_INFO_EVTCHN_MASK, port), bitOf(port));
  }

  testAndClearMask(port: number): boolean {
    return this.andNotBit(this.bitWord(SHARED_INFO_EVTCHN_MASK, port), bitOf(port));
  }

  testAndSetPendingSel(vcpu: number, word: number): boolean {
    const s = this.slots[vcpu];
    // evtchn_pending_sel is a 64-bit little-endian word: bit `word` is in its low or high half
    return this.orBitIn(s.words, s.index + VCPU_INFO_PENDING_SEL / 4 + (word >>> 5), 1 << (word & 31));
  }

  setUpcallPending(vcpu: number): boolean {
    const s = this.slots[vcpu];
    // test_and_set_bit(0, &evtchn_upcall_pending): the byte is the low byte of the first word
    return !this.orBitIn(s.words, s.index + VCPU_INFO_UPCALL_PENDING / 4, 1);
  }

  raiseUpcall(vcpu: number): void {
    // a vCPU without a vcpu_info cannot be told (Xen writes to dummy_vcpu_info and injects nothing useful)
    if (this.slots[vcpu].host >= 0) this.opts.setUpcallLine(vcpu, true);
  }

  // ---- the upcall line ----

  /** Is evtchn_upcall_pending set in `vcpu`'s vcpu_info? */
  upcallPending(vcpu: number): boolean {
    const s = this.slots[vcpu];
    return (Atomics.load(s.words, s.index + VCPU_INFO_UPCALL_PENDING / 4) & 0xff) !== 0;
  }

  /** Re-evaluate `vcpu`'s PPI 31 from its evtchn_upcall_pending (after the guest deactivated the interrupt). */
  resampleUpcall(vcpu: number): void {
    this.opts.setUpcallLine(vcpu, this.slots[vcpu].host >= 0 && this.upcallPending(vcpu));
  }

  // ---- wallclock ----

  /**
   * Publish the wallclock (wc_sec, wc_nsec, wc_sec_hi) under the wc_version protocol of vcpu_time_info: odd
   * while the fields change, so a reader retries.
   */
  setWallclock(sec: bigint, nsec: number): void {
    const w = this.words;
    const at = (off: number) => (this.page + off) >>> 2;
    const version = Atomics.load(w, at(SHARED_INFO_WC_VERSION));
    Atomics.store(w, at(SHARED_INFO_WC_VERSION), (version + 1) | 1);
    Atomics.store(w, at(SHARED_INFO_WC_SEC), Number(BigInt.asIntN(32, sec)));
    Atomics.store(w, at(SHARED_INFO_WC_NSEC), nsec | 0);
    Atomics.store(w, at(SHARED_INFO_WC_SEC_HI), Number(BigInt.asIntN(32, sec >> 32n)));
    Atomics.store(w, at(SHARED_INFO_WC_VERSION), ((version + 1) | 1) + 1);
    this.wrote();
  }

  // ---- internals ----

  private slotAt(host: number): InfoSlot {
    if (host % 4 !== 0) throw new RangeError(`vcpu_info at 0x${host.toString(16)} is not word aligned`);
    return { words: this.words, index: host >>> 2, host };
  }

  /** Index of the 32-bit word holding bit `port` of the array at `off` in shared_info. */
  private bitWord(off: number, port: number): number {
    return ((this.page + off) >>> 2) + (port >>> 5);
  }

  private orBit(index: number, mask: number): boolean {
    return this.orBitIn(this.words, index, mask);
  }

  private orBitIn(words: Int32Array, index: number, mask: number): boolean {
    const old = Atomics.or(words, index, mask);
    if ((old & mask) === 0) this.wrote();
    return (old & mask) !== 0;
  }

  /** Clear bit(s) `mask`; true if any was set. */
  private andNotBit(index: number, mask: number): boolean {
    const old = Atomics.and(this.words, index, ~mask);
    if ((old & mask) !== 0) this.wrote();
    return (old & mask) !== 0;
  }

  /** The hypervisor changed a guest-visible word: no vCPU's pending exclusive store may succeed over it. */
  private wrote(): void {
    for (let v = 0; v < this.opts.vcpus; v++) this.engine.clearExclusive(v);
  }
}

function bitOf(port: number): number {
  return 1 << (port & 31);
}
