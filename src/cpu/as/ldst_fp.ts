// cpu/as/ldst_fp.ts - loads and stores of SIMD&FP registers (Arm ARM C7.2: LDR/STR (immediate), (register),
// LDUR/STUR, LDR (literal), LDP/STP/LDNP/STNP (SIMD&FP)). The addressing modes of the single-register forms
// are decoded in ldst.ts, which calls fpTransfer(); pairs and literals are decoded here.
//
// A load of B, H, S or D writes the whole V register: the element is zero-extended to 128 bits (V[t] = data
// in the pseudocode, with the register width fixed at 128). Q accesses are 16 bytes: with SCTLR_EL1.A set
// they must be 16-byte aligned (AArch64.CheckAlignment with size 16).
//
// CONSTRAINED UNPREDICTABLE: LDP (SIMD&FP) with Rt == Rt2 leaves the value from the higher address (Rt is
// written first, then Rt2, as QEMU 7.2 does); a load with writeback has no overlap since Rt is a V register.

import { SR_SCTLR_EL1 } from "../layout";
import { fault, pc, XSP, setXSP, V64, V64hi, setV64, setV128, sysreg } from "./state";
import { read8, read16, read32, read64, write8, write16, write32, write64 } from "./memory";
import { undefinedArch, checkSpAlign, checkFpEnabled, dataAbort, FSC_ALIGNMENT } from "./exception";

/** Allocated size:opc keys with V = 1: B, H, S, D (opc = 0x) and Q (size = 00, opc = 1x). */
const FP_KEYS: u32 = 0x333f;

@inline export function fpKeyValid(key: u32): bool {
  return ((FP_KEYS >> key) & 1) != 0;
}

/** log2 of the access size for key = size:opc: size, or 4 for Q (opc<1> = 1). */
@inline export function fpScale(key: u32): u32 {
  return (key & 2) != 0 ? 4 : key >> 2;
}

/** With SCTLR_EL1.A, a 16-byte access must be 16-byte aligned; the 8-byte halves only check 8. */
function qAligned(addr: u64, isWrite: bool): bool {
  if ((<u32>addr & 15) == 0 || (sysreg(SR_SCTLR_EL1) & 2) == 0) return true;
  dataAbort(addr, FSC_ALIGNMENT, isWrite, false, false);
  return false;
}

function loadQ(t: u32, addr: u64): void {
  if (!qAligned(addr, false)) return;
  const lo = read64(addr);
  if (fault) return;
  const hi = read64(addr + 8);
  if (!fault) setV128(t, lo, hi);
}

function storeQ(t: u32, addr: u64): void {
  if (!qAligned(addr, true)) return;
  write64(addr, V64(t));
  if (!fault) write64(addr + 8, V64hi(t));
}

/** One SIMD&FP register transfer for a valid key = size:opc (opc<0> = load). V[t] is unchanged on a fault. */
export function fpTransfer(key: u32, t: u32, addr: u64): void {
  switch (key) {
    case 0x0: write8(addr, <u32>V64(t)); break;
    case 0x1: { const v = read8(addr); if (!fault) setV64(t, <u64>v); break; }
    case 0x2: storeQ(t, addr); break;
    case 0x3: loadQ(t, addr); break;
    case 0x4: write16(addr, <u32>V64(t)); break;
    case 0x5: { const v = read16(addr); if (!fault) setV64(t, <u64>v); break; }
    case 0x8: write32(addr, <u32>V64(t)); break;
    case 0x9: { const v = read32(addr); if (!fault) setV64(t, <u64>v); break; }
    case 0xc: write64(addr, V64(t)); break;
    default: { const v = read64(addr); if (!fault) setV64(t, v); } // 0xd
  }
}

/** LDR (literal, SIMD&FP): opc 00 S, 01 D, 10 Q; 11 unallocated. */
export function fpLiteral(insn: u32): void {
  const opc = insn >> 30;
  if (opc == 3) { undefinedArch(); return; }
  if (!checkFpEnabled()) return;
  const t = insn & 31;
  const addr = pc + <u64><i64>((<i32>(insn << 8) >> 11) & ~3);
  if (opc == 2) loadQ(t, addr);
  else fpTransfer(opc == 0 ? 0x9 : 0xd, t, addr);
}

/**
 * LDP/STP/LDNP/STNP (SIMD&FP): opc 00 S, 01 D, 10 Q; bits 24:23 as for the general-register pairs.
 * Both elements are read before either register is written.
 */
export function fpPair(insn: u32): void {
  const opc = insn >> 30, mode = (insn >> 23) & 3, isLoad = (insn & (1 << 22)) != 0;
  if (opc == 3) { undefinedArch(); return; }
  if (!checkFpEnabled()) return;
  const t = insn & 31, t2 = (insn >> 10) & 31, n = (insn >> 5) & 31;
  const scale: u32 = 2 + opc;
  const off = <u64><i64>(<i32>(insn << 10) >> 25) << scale;
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  const addr = mode == 1 ? base : base + off;
  if (opc == 2) {
    if (isLoad) loadQPair(t, t2, addr);
    else {
      storeQ(t, addr);
      if (!fault) storeQ(t2, addr + 16);
    }
  } else if (isLoad) {
    const step: u64 = opc == 0 ? 4 : 8;
    const a = opc == 0 ? <u64>read32(addr) : read64(addr);
    if (fault) return;
    const b = opc == 0 ? <u64>read32(addr + step) : read64(addr + step);
    if (fault) return;
    setV64(t, a);
    setV64(t2, b);
  } else if (opc == 0) {
    write32(addr, <u32>V64(t));
    if (!fault) write32(addr + 4, <u32>V64(t2));
  } else {
    write64(addr, V64(t));
    if (!fault) write64(addr + 8, V64(t2));
  }
  if (fault) return;
  if ((mode & 1) != 0) setXSP(n, base + off);
}

function loadQPair(t: u32, t2: u32, addr: u64): void {
  if (!qAligned(addr, false)) return;
  const alo = read64(addr);
  if (fault) return;
  const ahi = read64(addr + 8);
  if (fault) return;
  const blo = read64(addr + 16);
  if (fault) return;
  const bhi = read64(addr + 24);
  if (fault) return;
  setV128(t, alo, ahi);
  setV128(t2, blo, bhi);
}
