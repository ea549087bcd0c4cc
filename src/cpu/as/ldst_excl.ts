// cpu/as/ldst_excl.ts - load/store exclusive and load-acquire/store-release (Arm ARM C4.1, "Load/store
// exclusive"; C6.2 LDXR, LDAXR, STXR, STLXR, LDXP, LDAXP, STXP, STLXP, LDAR, STLR and their B/H forms).
//
// The local exclusive monitor (Arm ARM B2, "Synchronization and semaphores"; pseudocode
// AArch64.SetExclusiveMonitors, AArch64.ExclusiveMonitorsPass) is S_EXCL_ADDR (the physical address, -1 in
// the Open Access state), S_EXCL_SIZE (bytes) and the value the load-exclusive read (S_EXCL_VALUE,
// S_EXCL_VALUE_HI). A store-exclusive succeeds only if the monitor covers the same physical address and size;
// it then writes with a compare-and-swap against the remembered value, so that a store by another vCPU (on
// another thread) since the load-exclusive makes it fail: this stands in for the global monitor. Like QEMU's,
// it cannot see a store of the same value (ABA), which the architecture's monitor would. Every store-exclusive
// clears the monitor.
//
// Order of checks in a store-exclusive: alignment, then translation, then the monitor. The Arm ARM makes it
// IMPLEMENTATION DEFINED whether a memory abort is detected before or after the local monitor check.
//
// Wasm atomics are sequentially consistent, which gives acquire (LDA*), release (STL*) and the ordering of
// the exclusives at once.
//
// CONSTRAINED UNPREDICTABLE choices (Arm ARM K1.2, load/store exclusive), as QEMU 7.2: STXR with Ws == Xt or
// Ws == Xn stores Xt and uses Xn as they were before the status write; LDXP with Xt == Xt2 leaves the value
// from the higher address. The Rs and Rt2 fields that should be 11111 in LDXR, LDAR, STLR are ignored.

import { S_EXCL_ADDR, S_EXCL_SIZE, S_EXCL_VALUE, S_EXCL_VALUE_HI } from "../layout";
import { cpu, fault, X, setX, setW, XSP } from "./state";
import {
  atomicHost, atomicPa, ACC_READ, ACC_WRITE, read8, read16, read32, read64, write8, write16, write32, write64,
} from "./memory";
import { dataAbort, FSC_ALIGNMENT } from "./exception";
import { undefinedArch, checkSpAlign } from "./exception";

/**
 * Bits 23 (o2), 21 (o1) select the class; bit 22 is L, bit 15 (o0) acquire/release. In ARMv8.0: o2:o1 = 00
 * single-register exclusives, 01 pair exclusives (size 1x; size 0x is CASP, LSE), 10 LDAR/STLR (o0 = 1;
 * o0 = 0 is LDLAR/STLLR, LOR), 11 CAS (LSE).
 */
export function ldstExclusive(insn: u32): void {
  const size = insn >> 30, isLoad = (insn & (1 << 22)) != 0;
  const s = (insn >> 16) & 31, t2 = (insn >> 10) & 31, n = (insn >> 5) & 31, t = insn & 31;
  switch (((insn >> 22) & 2) | ((insn >> 21) & 1)) {
    case 0:
      if (isLoad) loadExclusive(size, t, n);
      else storeExclusive(size, s, t, n);
      break;
    case 1:
      if (size < 2) undefinedArch();
      else if (isLoad) loadExclusivePair(size, t, t2, n);
      else storeExclusivePair(size, s, t, t2, n);
      break;
    case 2:
      if ((insn & (1 << 15)) == 0) undefinedArch();
      else if (isLoad) loadAcquire(size, t, n);
      else storeRelease(size, t, n);
      break;
    default:
      undefinedArch();
  }
}

/** Xn or SP as the address, with the SP alignment check; returns false after taking the fault. */
let exclAddr: u64 = 0;
@inline function baseAddress(n: u32): bool {
  exclAddr = XSP(n);
  return n != 31 || checkSpAlign(exclAddr);
}

@inline function atomicLoad(host: u32, size: u32): u64 {
  switch (size) {
    case 0: return <u64>atomic.load<u8>(host);
    case 1: return <u64>atomic.load<u16>(host);
    case 2: return <u64>atomic.load<u32>(host);
    default: return atomic.load<u64>(host);
  }
}

/** AArch64.SetExclusiveMonitors: mark `pa` for `bytes` and remember what was read there. */
@inline function setMonitor(pa: u64, bytes: u32, lo: u64, hi: u64): void {
  store<u64>(cpu + S_EXCL_ADDR, pa);
  store<u32>(cpu + S_EXCL_SIZE, bytes);
  store<u64>(cpu + S_EXCL_VALUE, lo);
  store<u64>(cpu + S_EXCL_VALUE_HI, hi);
}

/** The local monitor check of AArch64.ExclusiveMonitorsPass; the monitor is cleared either way. */
function monitorPass(pa: u64, bytes: u32): bool {
  const ok = load<u64>(cpu + S_EXCL_ADDR) == pa && load<u32>(cpu + S_EXCL_SIZE) == bytes;
  store<i64>(cpu + S_EXCL_ADDR, -1); // ClearExclusiveLocal
  return ok;
}

/** LDXR, LDAXR (and B/H): aligned single-copy atomic load that opens the monitor. */
function loadExclusive(size: u32, t: u32, n: u32): void {
  if (!baseAddress(n)) return;
  const bytes: u32 = 1 << size;
  const host = atomicHost(exclAddr, bytes, ACC_READ);
  if (fault) return;
  const v = atomicLoad(host, size);
  setMonitor(atomicPa, bytes, v, 0);
  setX(t, v);
}

/** STXR, STLXR (and B/H): Ws = 0 if the store was done, 1 if not. */
function storeExclusive(size: u32, s: u32, t: u32, n: u32): void {
  if (!baseAddress(n)) return;
  const bytes: u32 = 1 << size;
  const data = X(t);
  const host = atomicHost(exclAddr, bytes, ACC_WRITE);
  if (fault) return;
  let ok = monitorPass(atomicPa, bytes);
  if (ok) {
    const expected = load<u64>(cpu + S_EXCL_VALUE);
    switch (size) {
      case 0: ok = atomic.cmpxchg<u8>(host, <u8>expected, <u8>data) == <u8>expected; break;
      case 1: ok = atomic.cmpxchg<u16>(host, <u16>expected, <u16>data) == <u16>expected; break;
      case 2: ok = atomic.cmpxchg<u32>(host, <u32>expected, <u32>data) == <u32>expected; break;
      default: ok = atomic.cmpxchg<u64>(host, expected, data) == expected;
    }
  }
  setW(s, ok ? 0 : 1);
}

/**
 * LDXP, LDAXP: two registers of 4 (size 10) or 8 (size 11) bytes from an address aligned to the pair size.
 * The 32-bit pair is one single-copy atomic 64-bit access; the 64-bit pair is two 64-bit atomic loads (Wasm
 * has no 128-bit atomics).
 */
function loadExclusivePair(size: u32, t: u32, t2: u32, n: u32): void {
  if (!baseAddress(n)) return;
  const bytes: u32 = 2 << size;
  const host = atomicHost(exclAddr, bytes, ACC_READ);
  if (fault) return;
  const lo = atomic.load<u64>(host);
  if (size == 2) {
    setMonitor(atomicPa, bytes, lo, 0);
    setX(t, lo & 0xffffffff);
    setX(t2, lo >> 32);
    return;
  }
  const hi = atomic.load<u64>(host, 8);
  setMonitor(atomicPa, bytes, lo, hi);
  setX(t, lo);
  setX(t2, hi);
}

/**
 * STXP, STLXP. The 64-bit pair is two compare-and-swaps (low half, then high half, undoing the low half if
 * the high one fails): another thread may see the new low half alone for that instant. A 128-bit
 * compare-and-swap needs a lock the layout does not provide yet.
 */
function storeExclusivePair(size: u32, s: u32, t: u32, t2: u32, n: u32): void {
  if (!baseAddress(n)) return;
  const bytes: u32 = 2 << size;
  const a = X(t), b = X(t2);
  const host = atomicHost(exclAddr, bytes, ACC_WRITE);
  if (fault) return;
  let ok = monitorPass(atomicPa, bytes);
  if (ok) {
    const lo = load<u64>(cpu + S_EXCL_VALUE);
    if (size == 2) {
      ok = atomic.cmpxchg<u64>(host, lo, (a & 0xffffffff) | (b << 32)) == lo;
    } else {
      const hi = load<u64>(cpu + S_EXCL_VALUE_HI);
      ok = atomic.cmpxchg<u64>(host, lo, a) == lo;
      if (ok && atomic.cmpxchg<u64>(host, hi, b, 8) != hi) {
        atomic.cmpxchg<u64>(host, a, lo);
        ok = false;
      }
    }
  }
  setW(s, ok ? 0 : 1);
}

/**
 * LDAR, LDARB, LDARH: aligned single-copy atomic load with acquire semantics. Unlike exclusives these are
 * valid on Device memory: Linux reads MMIO registers with LDAR on cores with erratum 832075 (Cortex-A57 r0-r1),
 * so they go through the ordinary access path (TLB fast path for RAM, MMIO otherwise) after the alignment
 * check that load-acquire/store-release always make (Arm ARM B2.5.2).
 */
function loadAcquire(size: u32, t: u32, n: u32): void {
  if (!baseAddress(n)) return;
  if (!checkAligned(exclAddr, 1 << size, false)) return;
  let v: u64;
  switch (size) {
    case 0: v = <u64>read8(exclAddr); break;
    case 1: v = <u64>read16(exclAddr); break;
    case 2: v = <u64>read32(exclAddr); break;
    default: v = read64(exclAddr);
  }
  if (fault) return;
  setX(t, v);
}

/** STLR, STLRB, STLRH: aligned single-copy atomic store with release semantics (Device memory allowed). */
function storeRelease(size: u32, t: u32, n: u32): void {
  if (!baseAddress(n)) return;
  if (!checkAligned(exclAddr, 1 << size, true)) return;
  const data = X(t);
  switch (size) {
    case 0: write8(exclAddr, <u32>data & 0xff); break;
    case 1: write16(exclAddr, <u32>data & 0xffff); break;
    case 2: write32(exclAddr, <u32>data); break;
    default: write64(exclAddr, data);
  }
}

/** Alignment fault for an unaligned ordered access, whatever SCTLR_EL1.A says. */
function checkAligned(va: u64, bytes: u32, isWrite: bool): bool {
  if ((<u32>va & (bytes - 1)) == 0) return true;
  dataAbort(va, FSC_ALIGNMENT, isWrite, false, false);
  return false;
}
