// cpu/as/memory.ts - guest memory access: soft TLB fast paths, the slow path (stage-1 walk, P2M, MMIO,
// alignment), instruction fetch. Faults are taken here as guest exceptions and reported through `fault`.
//
// A TLB entry caches one 4 KiB page of one regime (EL0, EL1, EL1+PAN) for Normal memory in RAM only:
// Device memory and MMIO always take the slow path, so alignment rules and device side effects stay exact.

import {
  TLB_ENTRY, TLB_ENTRIES, TLB_INVALID, TLB_REGIME_SIZE, TLB_STRIDE, TLB_BASE, TLB_REGIMES,
  DOM_RAM_SIZE, DOM_OVERLAY_COUNT, DOM_TLB_GEN, P2M_OVERLAY_BASE, P2M_OVERLAY_ENTRY, P2M_HOLE, P2M_FLAG_RO,
  RAM_BASE_PA, RAM_OFF, S_MMIO_FAULT, S_TLB_GEN, S_TLB_BLOCKS, S_TLB_BLOCK_VA, TLB_BLOCK_MAX, SR_SCTLR_EL1,
} from "../layout";
import { cpu, pc, vcpuIndex, tlbCur, irqCheckPending, sysreg } from "./state";
import {
  dataAbort, instructionAbort, syncFault, EC_PC_ALIGN, FSC_ALIGNMENT, FSC_EXTERNAL,
} from "./exception";
import { hostMmioRead, hostMmioWrite } from "./host";
import {
  translate, mmuPa, mmuFsc, mmuS1ptw, mmuPermR, mmuPermW, mmuPermX, mmuNormal, mmuLeafShift,
} from "./mmu";

export const ACC_READ: u32 = 0;
export const ACC_WRITE: u32 = 1;
export const ACC_EXEC: u32 = 2;

const PAGE_MASK: u64 = ~<u64>0xfff;

// ---------------------------------------------------------------- P2M (guest physical -> host address)

/** Set by p2m() for a read-only overlay page. */
export let p2mReadOnly: bool = false;

/** Host address of guest physical `pa`, or P2M_HOLE when it is not RAM (device memory or a hole). */
export function p2m(pa: u64): u32 {
  p2mReadOnly = false;
  const n = load<u32>(DOM_OVERLAY_COUNT);
  if (n != 0) {
    const gfn = pa >> 12;
    for (let i: u32 = 0; i < n; i++) {
      const e = P2M_OVERLAY_BASE + i * P2M_OVERLAY_ENTRY;
      if (load<u64>(e) == gfn) {
        const host = load<u32>(e, 8);
        if (host == P2M_HOLE) return P2M_HOLE;
        p2mReadOnly = (load<u32>(e, 12) & P2M_FLAG_RO) != 0;
        return host + (<u32>pa & 0xfff);
      }
    }
  }
  const off = pa - <u64>RAM_BASE_PA;
  if (off < load<u64>(DOM_RAM_SIZE)) return RAM_OFF + <u32>off;
  return P2M_HOLE;
}

// ---------------------------------------------------------------- TLB maintenance

/** Drop every cached translation of the running vCPU (all regimes) and the fetch cache. */
export function tlbFlushAll(): void {
  // Filled with 0xff bytes: an all-ones tag is never a page address. One memory.fill (a memset of 48 KiB)
  // instead of 4,608 i64 stores: why - a TTBR0 write and one load (flush and two refills) took 0.90 us, now 0.57.
  memory.fill(TLB_BASE + vcpuIndex * TLB_STRIDE, 0xff, TLB_STRIDE);
  store<u32>(cpu + S_TLB_BLOCKS, 0);
  store<u32>(cpu + S_TLB_GEN, load<u32>(DOM_TLB_GEN));
  invalidateFetch();
}

/**
 * TLBI by VA: drop the cached translations of `va` (any ASID, all regimes). A TLB entry made from a block
 * descriptor covers the whole block (Arm ARM D8.13, "TLB maintenance"), but the soft TLB holds a block one
 * 4 KiB page per entry, in every slot: if `va` lies in a block that was cached, everything is flushed.
 */
export function tlbFlushVa(va: u64): void {
  if (blockCached(va)) {
    tlbFlushAll();
    return;
  }
  const idx = (<u32>(va >> 12) & (TLB_ENTRIES - 1)) * TLB_ENTRY;
  const base = TLB_BASE + vcpuIndex * TLB_STRIDE;
  for (let r: u32 = 0; r < <u32>TLB_REGIMES; r++) {
    const e = base + r * TLB_REGIME_SIZE + idx;
    store<u64>(e, TLB_INVALID);
    store<u64>(e, TLB_INVALID, 8);
    store<u64>(e, TLB_INVALID, 16);
  }
  invalidateFetch();
}

/** Whether VA[55:0] lies in a block mapping that has entries in the TLB (or the block list overflowed). */
function blockCached(va: u64): bool {
  const n = load<u32>(cpu + S_TLB_BLOCKS);
  if (n > <u32>TLB_BLOCK_MAX) return true;
  for (let i: u32 = 0; i < n; i++) {
    const b = load<u64>(cpu + S_TLB_BLOCK_VA + (i << 3));
    const shift = b & 63;
    if ((((va ^ b) & 0x00ffffffffffffff) >> shift) == 0) return true;
  }
  return false;
}

/** Remember that pages of the block of 2^`shift` bytes holding `va` are being cached. */
function recordBlock(va: u64, shift: u32): void {
  const n = load<u32>(cpu + S_TLB_BLOCKS);
  if (n > <u32>TLB_BLOCK_MAX) return;
  const b = (va & ~((<u64>1 << shift) - 1)) | <u64>shift;
  for (let i: u32 = 0; i < n; i++) if (load<u64>(cpu + S_TLB_BLOCK_VA + (i << 3)) == b) return;
  if (n < <u32>TLB_BLOCK_MAX) store<u64>(cpu + S_TLB_BLOCK_VA + (n << 3), b);
  store<u32>(cpu + S_TLB_BLOCKS, n + 1); // TLB_BLOCK_MAX + 1 marks the overflow
}

/** Flush if the host changed the P2M since this vCPU's last flush (called on run() entry). */
export function tlbSyncGeneration(): void {
  if (load<u32>(cpu + S_TLB_GEN) != load<u32>(DOM_TLB_GEN)) tlbFlushAll();
}

@inline function tlbEntry(tlb: u32, va: u64): u32 {
  return tlb + ((<u32>(va >> 12) & (TLB_ENTRIES - 1)) << 5);
}

/** Regime index of the current state: 0 EL0, 1 EL1, 2 EL1 with PAN (matches state.selectTlb). */
@inline function regimeOf(tlb: u32): u32 {
  return (tlb - (TLB_BASE + vcpuIndex * TLB_STRIDE)) / TLB_REGIME_SIZE;
}

// ---------------------------------------------------------------- data access fast paths
//
// The tag is compared with the page of the access's last byte, the entry is chosen by its first: an access
// that crosses into the next page can never hit (that page has the next index), so it takes the slow path
// without a separate test. Why: one add instead of a compare-and-branch on the page offset (QEMU's softmmu
// does the same).

@inline function hitTag(va: u64, size: u32): u64 {
  return (va + <u64>(size - 1)) & PAGE_MASK;
}

@inline export function read8(va: u64): u32 {
  const e = tlbEntry(tlbCur, va);
  if (load<u64>(e) == (va & PAGE_MASK)) return <u32>load<u8>(<usize>(va + load<u64>(e, 24)));
  return <u32>accessSlow(va, 1, ACC_READ, tlbCur, 0);
}
@inline export function read16(va: u64): u32 {
  const e = tlbEntry(tlbCur, va);
  if (load<u64>(e) == hitTag(va, 2)) return <u32>load<u16>(<usize>(va + load<u64>(e, 24)));
  return <u32>accessSlow(va, 2, ACC_READ, tlbCur, 0);
}
@inline export function read32(va: u64): u32 {
  const e = tlbEntry(tlbCur, va);
  if (load<u64>(e) == hitTag(va, 4)) return load<u32>(<usize>(va + load<u64>(e, 24)));
  return <u32>accessSlow(va, 4, ACC_READ, tlbCur, 0);
}
@inline export function read64(va: u64): u64 {
  const e = tlbEntry(tlbCur, va);
  if (load<u64>(e) == hitTag(va, 8)) return load<u64>(<usize>(va + load<u64>(e, 24)));
  return accessSlow(va, 8, ACC_READ, tlbCur, 0);
}
@inline export function write8(va: u64, v: u32): void {
  const e = tlbEntry(tlbCur, va);
  if (load<u64>(e, 8) == (va & PAGE_MASK)) store<u8>(<usize>(va + load<u64>(e, 24)), <u8>v);
  else accessSlow(va, 1, ACC_WRITE, tlbCur, <u64>v);
}
@inline export function write16(va: u64, v: u32): void {
  const e = tlbEntry(tlbCur, va);
  if (load<u64>(e, 8) == hitTag(va, 2)) store<u16>(<usize>(va + load<u64>(e, 24)), <u16>v);
  else accessSlow(va, 2, ACC_WRITE, tlbCur, <u64>v);
}
@inline export function write32(va: u64, v: u32): void {
  const e = tlbEntry(tlbCur, va);
  if (load<u64>(e, 8) == hitTag(va, 4)) store<u32>(<usize>(va + load<u64>(e, 24)), v);
  else accessSlow(va, 4, ACC_WRITE, tlbCur, <u64>v);
}
@inline export function write64(va: u64, v: u64): void {
  const e = tlbEntry(tlbCur, va);
  if (load<u64>(e, 8) == hitTag(va, 8)) store<u64>(<usize>(va + load<u64>(e, 24)), v);
  else accessSlow(va, 8, ACC_WRITE, tlbCur, v);
}

/** Sized access through an explicit regime TLB (`tlb` = tlbCur, or tlbEl0() for LDTR/STTR). */
export function readSized(va: u64, size: u32, tlb: u32): u64 {
  return accessSlow(va, size, ACC_READ, tlb, 0);
}
export function writeSized(va: u64, size: u32, v: u64, tlb: u32): void {
  accessSlow(va, size, ACC_WRITE, tlb, v);
}

// ---------------------------------------------------------------- slow path

/**
 * Full access: alignment, translation, permission, P2M, MMIO, TLB fill. Returns the value read (zero-extended)
 * or 0 with `fault` set after taking the guest exception.
 */
export function accessSlow(va: u64, size: u32, acc: u32, tlb: u32, value: u64): u64 {
  const isWrite = acc == ACC_WRITE;
  const unaligned = (<u32>va & (size - 1)) != 0;
  // SCTLR_EL1.A: alignment checking for all data accesses (Arm ARM D5.8.2)
  if (unaligned && (sysreg(SR_SCTLR_EL1) & 2) != 0) {
    dataAbort(va, FSC_ALIGNMENT, isWrite, false, false);
    return 0;
  }
  if ((<u32>va & 0xfff) + size > 0x1000) return accessSplit(va, size, acc, tlb, value);
  const regime = regimeOf(tlb);
  if (!translate(va, acc, regime)) {
    dataAbort(va, mmuFsc, isWrite, mmuS1ptw, false);
    return 0;
  }
  // Device memory: every unaligned access faults (Arm ARM B2.5.2)
  if (unaligned && !mmuNormal) {
    dataAbort(va, FSC_ALIGNMENT, isWrite, false, false);
    return 0;
  }
  const pa = mmuPa;
  const host = p2m(pa);
  if (host == P2M_HOLE) return mmioAccess(va, pa, size, isWrite, value);
  if (isWrite && p2mReadOnly) {
    dataAbort(va, FSC_EXTERNAL, true, false, false);
    return 0;
  }
  if (mmuNormal && (sysreg(SR_SCTLR_EL1) & 2) == 0) tlbFill(tlb, va, host);
  return ramAccess(host, size, isWrite, value);
}

function tlbFill(tlb: u32, va: u64, host: u32): void {
  if (mmuLeafShift > 12) recordBlock(va, mmuLeafShift);
  const e = tlbEntry(tlb, va);
  const page = va & PAGE_MASK;
  const roPage = p2mReadOnly;
  store<u64>(e, mmuPermR ? page : TLB_INVALID);
  store<u64>(e, mmuPermW && !roPage ? page : TLB_INVALID, 8);
  store<u64>(e, mmuPermX ? page : TLB_INVALID, 16);
  store<u64>(e, <u64>(host & ~0xfff) - page, 24);
}

function ramAccess(host: u32, size: u32, isWrite: bool, value: u64): u64 {
  if (isWrite) {
    switch (size) {
      case 1: store<u8>(host, <u8>value); break;
      case 2: store<u16>(host, <u16>value); break;
      case 4: store<u32>(host, <u32>value); break;
      default: store<u64>(host, value);
    }
    return 0;
  }
  switch (size) {
    case 1: return <u64>load<u8>(host);
    case 2: return <u64>load<u16>(host);
    case 4: return <u64>load<u32>(host);
    default: return load<u64>(host);
  }
}

function mmioAccess(va: u64, pa: u64, size: u32, isWrite: bool, value: u64): u64 {
  store<u32>(cpu + S_MMIO_FAULT, 0);
  let r: u64 = 0;
  if (isWrite) hostMmioWrite(vcpuIndex, pa, size, size == 8 ? value : value & ((<u64>1 << (size << 3)) - 1));
  else r = hostMmioRead(vcpuIndex, pa, size);
  requestIrqCheck();
  if (load<u32>(cpu + S_MMIO_FAULT) != 0) {
    // Stage-2 fault on a hole: Xen injects a data abort (synchronous external abort) into the guest
    dataAbort(va, FSC_EXTERNAL, isWrite, false, false);
    return 0;
  }
  return r;
}

/**
 * An access that crosses a page boundary (only an unaligned one can). Both pages are translated, and checked
 * for Device memory (every unaligned Device access is an Alignment fault, Arm ARM B2.5.2) and for RAM, before
 * any byte moves: a fault leaves memory unchanged and devices never see the access split. The bytes are then
 * moved little-endian through the two host pages. A page-crossing access to Normal memory that is not RAM
 * (an MMIO region mapped Normal) is a synchronous external abort, like Xen's answer to an access it cannot
 * emulate.
 */
function accessSplit(va: u64, size: u32, acc: u32, tlb: u32, value: u64): u64 {
  const isWrite = acc == ACC_WRITE;
  const regime = regimeOf(tlb);
  const va2 = (va | 0xfff) + 1; // first byte on the second page
  if (!translate(va, acc, regime)) {
    dataAbort(va, mmuFsc, isWrite, mmuS1ptw, false);
    return 0;
  }
  const normal1 = mmuNormal;
  const host1 = p2m(mmuPa);
  const ro1 = p2mReadOnly;
  if (!translate(va2, acc, regime)) {
    dataAbort(va2, mmuFsc, isWrite, mmuS1ptw, false);
    return 0;
  }
  if (!normal1 || !mmuNormal) {
    dataAbort(va, FSC_ALIGNMENT, isWrite, false, false);
    return 0;
  }
  const host2 = p2m(mmuPa);
  if (host1 == P2M_HOLE || (isWrite && ro1)) {
    dataAbort(va, FSC_EXTERNAL, isWrite, false, false);
    return 0;
  }
  if (host2 == P2M_HOLE || (isWrite && p2mReadOnly)) {
    dataAbort(va2, FSC_EXTERNAL, isWrite, false, false);
    return 0;
  }
  const first = <u32>(va2 - va); // bytes on the first page, 1 .. size-1
  let r: u64 = 0;
  for (let i: u32 = 0; i < size; i++) {
    const h = i < first ? host1 + i : host2 + (i - first);
    if (isWrite) store<u8>(h, <u8>(value >> (i << 3)));
    else r |= <u64>load<u8>(h) << (i << 3);
  }
  return r;
}

/**
 * Host address for an access that must be single-copy atomic and aligned (exclusives, acquire/release,
 * pair exclusives): alignment fault if unaligned, abort if not RAM. Returns 0 with `fault` set on failure.
 * `atomicPa` receives the physical address for the exclusive monitor.
 */
export let atomicPa: u64 = 0;
export function atomicHost(va: u64, size: u32, acc: u32): u32 {
  const isWrite = acc == ACC_WRITE;
  if ((<u32>va & (size - 1)) != 0) {
    dataAbort(va, FSC_ALIGNMENT, isWrite, false, false);
    return 0;
  }
  // TLB fast path: entries exist only for Normal RAM pages whose permissions allow the access (the write tag
  // is invalid for read-only ones). Why: a Linux boot makes 1.19 M exclusive accesses, each was a full table
  // walk; now 95% hit the TLB (table walks per boot 2.33 M -> 1.18 M).
  const e = tlbEntry(tlbCur, va);
  if (load<u64>(isWrite ? e + 8 : e) == (va & PAGE_MASK)) {
    const host = <u32>(va + load<u64>(e, 24));
    if (host - <u32>RAM_OFF < <u32>load<u64>(DOM_RAM_SIZE)) {
      atomicPa = <u64>(host - <u32>RAM_OFF) + <u64>RAM_BASE_PA;
      return host;
    }
  }
  return atomicHostSlow(va, isWrite);
}

function atomicHostSlow(va: u64, isWrite: bool): u32 {
  if (!translate(va, isWrite ? ACC_WRITE : ACC_READ, regimeOf(tlbCur))) {
    dataAbort(va, mmuFsc, isWrite, mmuS1ptw, false);
    return 0;
  }
  atomicPa = mmuPa;
  const host = p2m(mmuPa);
  if (host == P2M_HOLE || (isWrite && p2mReadOnly)) {
    dataAbort(va, FSC_EXTERNAL, isWrite, false, false);
    return 0;
  }
  return host;
}

/** Physical read for the table walker; returns false if `pa` is not RAM. */
export let physValue: u64 = 0;
export function physRead64(pa: u64): bool {
  const host = p2m(pa);
  if (host == P2M_HOLE) return false;
  physValue = load<u64>(host);
  return true;
}
export function physWrite64(pa: u64, v: u64): bool {
  const host = p2m(pa);
  if (host == P2M_HOLE || p2mReadOnly) return false;
  store<u64>(host, v);
  return true;
}

// ---------------------------------------------------------------- instruction fetch

// The page of the last fetch and its host addend. A PC is compared with bits 11:2 masked off and bits 1:0 kept,
// so a misaligned PC never matches a page; FETCH_NONE has bits 11:2 set and so never matches any PC.
const FETCH_MASK: u64 = 0xfffffffffffff003;
const FETCH_NONE: u64 = 0xffc;
let fetchVa: u64 = FETCH_NONE;
let fetchAdd: u64 = 0;

export function invalidateFetch(): void {
  fetchVa = FETCH_NONE;
}

/**
 * After anything that may unmask or raise an interrupt: the run loop takes pending interrupts (and looks at
 * S_EXIT_REQ) before the next instruction. It does so on its slow fetch path, which dropping the fetch page
 * forces. Why: the fast path then has no per-instruction test of `irqCheckPending`.
 */
@inline export function requestIrqCheck(): void {
  irqCheckPending = true;
  fetchVa = FETCH_NONE;
}

/**
 * Whether the instruction at `p` is on the page of the last fetch (fetchHit then reads it); otherwise the run
 * loop calls fetchSlow, the only part that can fault. Why `p` as a parameter: the loop keeps the PC in a Wasm
 * local, and the fast path does not wait for the store of `pc` to reach a load.
 */
@inline export function fetchFast(p: u64): bool {
  return (p & FETCH_MASK) == fetchVa;
}
@inline export function fetchHit(p: u64): u32 {
  return load<u32>(<usize>(p + fetchAdd));
}

/** Host address of the instruction at `p`, which fetchFast(p) has just accepted. */
@inline export function fetchHost(p: u64): u32 {
  return <u32>(p + fetchAdd);
}

/**
 * Make the page of `p` the fetch page if the soft TLB holds an executable translation for it, without a table
 * walk or a fault (the JIT follows branches to other pages with it); false if the interpreter must fetch.
 */
export function fetchProbe(p: u64): bool {
  if ((<u32>p & 3) != 0) return false;
  const page = p & PAGE_MASK;
  const e = tlbEntry(tlbCur, p);
  if (load<u64>(e, 16) != page) return false;
  fetchVa = page;
  fetchAdd = load<u64>(e, 24);
  return true;
}

/** Fetch the instruction at `pc` through the TLB or a table walk; on a fault the exception is taken. */
export function fetchSlow(): u32 {
  if ((<u32>pc & 3) != 0) {
    syncFault(EC_PC_ALIGN, 0, pc);
    return 0;
  }
  const page = pc & PAGE_MASK;
  const e = tlbEntry(tlbCur, pc);
  if (load<u64>(e, 16) == page) {
    fetchVa = page;
    fetchAdd = load<u64>(e, 24);
    return load<u32>(<usize>(pc + fetchAdd));
  }
  if (!translate(pc, ACC_EXEC, regimeOf(tlbCur))) {
    instructionAbort(pc, mmuFsc, mmuS1ptw);
    return 0;
  }
  const host = p2m(mmuPa);
  if (host == P2M_HOLE) {
    instructionAbort(pc, FSC_EXTERNAL, false);
    return 0;
  }
  // Only pages that are also Normal-memory readable get a full entry; the exec tag is what fetch needs.
  if (mmuNormal || (sysreg(SR_SCTLR_EL1) & 1) == 0) {
    const p = mmuPermR, n = mmuNormal;
    tlbFill(tlbCur, pc, host);
    if (!n) {
      // MMU off: instruction fetches are Normal, data accesses Device; keep data tags out of the TLB
      store<u64>(e, TLB_INVALID);
      store<u64>(e, TLB_INVALID, 8);
    } else if (!p) store<u64>(e, TLB_INVALID);
    fetchVa = page;
    fetchAdd = load<u64>(e, 24);
  }
  return load<u32>(host);
}

/** Current regime for callers outside this file (AT, LDTR). */
export function currentRegime(): u32 {
  return regimeOf(tlbCur);
}
export function regimeTlbBase(regime: u32): u32 {
  return TLB_BASE + vcpuIndex * TLB_STRIDE + regime * TLB_REGIME_SIZE;
}
