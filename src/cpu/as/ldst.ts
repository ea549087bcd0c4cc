// cpu/as/ldst.ts - the A64 "Loads and Stores" group (Arm ARM DDI 0487 C4.1, "A64 instruction set encoding"):
// the group decode and the general-register forms: load/store register (unsigned immediate, unscaled,
// pre/post-index, unprivileged, register offset), load register (literal), load/store pair (C6.2).
// SIMD&FP register forms are in ldst_fp.ts, LD1-LD4/ST1-ST4 in ldst_struct.ts, exclusives and
// load-acquire/store-release in ldst_excl.ts.
//
// ARMv8.0 only: the LSE atomics (LDADD, SWP, CAS...), RCpc (LDAPR, LDAPUR), LOR (LDLAR/STLLR), pointer
// authentication (LDRAA/LDRAB) and MTE (STG...) encodings are UNDEFINED, as the ID registers report.
//
// CONSTRAINED UNPREDICTABLE choices (Arm ARM K1.2: load/store with writeback and Rn == Rt, load pair with
// Rt == Rt2), all as QEMU 7.2 does them (checked with qemu-aarch64):
//   - a load with writeback and Rn == Rt (Rn != 31): the loaded value is discarded, Rn gets the written-back
//     address; the same for LDP with Rn == Rt or Rn == Rt2;
//   - a store with writeback and Rn == Rt: the value stored is Rt before the writeback;
//   - LDP/LDPSW/LDNP with Rt == Rt2: Rt gets the value from the lower address.

import { fault, pc, X, W, setX, setW, XSP, setXSP, tlbEl0 } from "./state";
import {
  read8, read16, read32, read64, write8, write16, write32, write64, readSized, writeSized,
} from "./memory";
import { undefinedArch, checkSpAlign, checkFpEnabled } from "./exception";
import { fpTransfer, fpKeyValid, fpScale, fpPair, fpLiteral } from "./ldst_fp";
import { ldstExclusive } from "./ldst_excl";
import { ldstStruct } from "./ldst_struct";

/** Bit 26 ("V"): the SIMD&FP register forms. */
const V_BIT: u32 = 1 << 26;

// A single-register transfer is identified by key = size:opc (insn bits 31:30 and 23:22).
const KEY_PRFM: u32 = 0xe;
/** Allocated size:opc keys without PRFM: all but 0b1011, 0b1110, 0b1111 (C4.1 "Load/store register"). */
const GPR_KEYS: u32 = 0x37ff;

/**
 * Decode of the Loads and Stores group: op0 = insn bits 31:28 (bits 29:28 here), op1 = bit 26, op2 = 24:23.
 * The run loop (interp.ts) calls ldstUimm, ldstImm9OrReg and ldstPair itself for the general-register forms,
 * with the top byte `hi` (insn bits 31:24: size, V, and the form) as a constant.
 */
export function execLdst(insn: u32): void {
  switch ((insn >> 28) & 3) {
    case 3:
      if ((insn & (1 << 24)) != 0) ldstUimm(insn, insn >> 24);
      else ldstImm9OrReg(insn, insn >> 24);
      break;
    case 2:
      if ((insn & V_BIT) != 0) fpPair(insn);
      else ldstPair(insn, insn >> 24);
      break;
    case 1:
      // op2 = 1x: LDAPR/STLUR (unscaled immediate, ARMv8.4) and unallocated
      if ((insn & (1 << 24)) != 0) undefinedArch();
      else if ((insn & V_BIT) != 0) fpLiteral(insn);
      else ldrLiteral(insn);
      break;
    default:
      // op2 = 1x with op1 = 0 is unallocated in ARMv8.0 (LDAPR etc. later); op0 = 1x00 with op1 = 1 too
      if ((insn & V_BIT) == 0) {
        if ((insn & (1 << 24)) != 0) undefinedArch();
        else ldstExclusive(insn);
      } else if ((insn & (1 << 31)) == 0) ldstStruct(insn);
      else undefinedArch();
  }
}

/** Sign-extended imm9 (bits 20:12) of the unscaled, pre/post-index and unprivileged forms. */
@inline function imm9(insn: u32): u64 {
  return <u64><i64>(<i32>(insn << 11) >> 23);
}

/** A load of 1 << `size` bytes, zero-extended; `size` is a constant where the run loop inlines this. */
@inline function loadSized(size: u32, addr: u64): u64 {
  if (size == 0) return <u64>read8(addr);
  if (size == 1) return <u64>read16(addr);
  if (size == 2) return <u64>read32(addr);
  return read64(addr);
}

@inline function storeSized(size: u32, addr: u64, v: u64): void {
  if (size == 0) write8(addr, <u32>v);
  else if (size == 1) write16(addr, <u32>v);
  else if (size == 2) write32(addr, <u32>v);
  else write64(addr, v);
}

/**
 * One general-register transfer of 1 << `size` bytes at `addr`; `opc` is insn bits 23:22, already validated
 * (PRFM is handled by the caller). LDR (immediate)/(register) pseudocode: MemOp_STORE, MemOp_LOAD with zero
 * extension (opc = 01), sign extension to 64 (10) or to 32 bits (11). On a fault Rt is unchanged.
 */
@inline function gprTransfer(size: u32, opc: u32, t: u32, addr: u64): void {
  if (opc == 0) {
    storeSized(size, addr, X(t));
    return;
  }
  const v = loadSized(size, addr);
  if (fault) return;
  if (opc == 1) setX(t, v); // a W register write zero-extends, so LDR Wt and LDRB/LDRH write Xt too
  else if (opc == 2) setX(t, signExtend(size, v));
  else setW(t, <u32>signExtend(size, v));
}

/** The value of a load of 1 << `size` bytes sign-extended to 64 bits. */
@inline function signExtend(size: u32, v: u64): u64 {
  if (size == 0) return <u64><i64><i8>v;
  if (size == 1) return <u64><i64><i16>v;
  return <u64><i64><i32>v;
}

/** Whether size:opc is an allocated general-register transfer; PRFM (size 11, opc 10) is not one. */
@inline function gprValid(size: u32, opc: u32): bool {
  return ((GPR_KEYS >> ((size << 2) | opc)) & 1) != 0;
}

/** LDR/STR (immediate, unsigned offset): imm12 scaled by the access size. `hi` = insn bits 31:24. */
@inline export function ldstUimm(insn: u32, hi: u32): void {
  const size = hi >> 6, opc = (insn >> 22) & 3;
  const t = insn & 31, n = (insn >> 5) & 31;
  if ((hi & 4) != 0) {
    // SIMD&FP forms: CheckFPAdvSIMDEnabled64() precedes the address calculation
    const key = (size << 2) | opc;
    if (!fpKeyValid(key)) { undefinedArch(); return; }
    if (!checkFpEnabled()) return;
    const base = XSP(n);
    if (n == 31 && !checkSpAlign(base)) return;
    fpTransfer(key, t, base + (<u64>((insn >> 10) & 0xfff) << fpScale(key)));
    return;
  }
  if (!gprValid(size, opc)) {
    if (((size << 2) | opc) != KEY_PRFM) undefinedArch(); // PRFM is a hint: no access, no fault
    return;
  }
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  gprTransfer(size, opc, t, base + (<u64>((insn >> 10) & 0xfff) << size));
}

/** Bit 24 clear: bit 21 = 0 is the imm9 group, bit 21 = 1 with bits 11:10 = 10 the register offset. */
@inline export function ldstImm9OrReg(insn: u32, hi: u32): void {
  if ((insn & (1 << 21)) == 0) ldstImm9(insn, hi);
  else if (((insn >> 10) & 3) == 2) ldstRegOffset(insn, hi);
  else undefinedArch(); // op4 = 00: LSE atomic memory operations; op4 = x1: LDRAA/LDRAB
}

/**
 * Bits 11:10 select LDUR/STUR (00, unscaled), post-index (01), LDTR/STTR (10, unprivileged), pre-index (11);
 * all take a signed, unscaled imm9. PRFUM exists only in the unscaled form.
 */
@inline function ldstImm9(insn: u32, hi: u32): void {
  const size = hi >> 6, opc = (insn >> 22) & 3, key = (size << 2) | opc;
  const mode = (insn >> 10) & 3;
  const t = insn & 31, n = (insn >> 5) & 31;
  const off = imm9(insn);
  const isFp = (hi & 4) != 0;
  if (isFp) {
    if (mode == 2 || !fpKeyValid(key)) { undefinedArch(); return; }
    if (!checkFpEnabled()) return;
  } else if (!gprValid(size, opc)) {
    if (mode != 0 || key != KEY_PRFM) undefinedArch();
    return; // PRFUM
  }
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  const addr = mode == 1 ? base : base + off;
  if (isFp) fpTransfer(key, t, addr);
  else if (mode == 2) unprivTransfer(key, t, addr);
  else gprTransfer(size, opc, t, addr);
  if (fault) return;
  if ((mode & 1) != 0) setXSP(n, base + off);
}

/** LDTR* and STTR*: the access is checked with EL0 permissions even at EL1 (Arm ARM C6.2, AccType_UNPRIV). */
function unprivTransfer(key: u32, t: u32, addr: u64): void {
  const size: u32 = 1 << (key >> 2);
  if ((key & 3) == 0) {
    const mask: u64 = size == 8 ? <u64>-1 : (<u64>1 << (size << 3)) - 1;
    writeSized(addr, size, X(t) & mask, tlbEl0());
    return;
  }
  const v = readSized(addr, size, tlbEl0());
  if (!fault) gprLoadResult(key, t, v);
}

/** Write the value of a load of key = size:opc to Rt with its zero or sign extension. */
function gprLoadResult(key: u32, t: u32, v: u64): void {
  switch (key & 3) {
    case 1: setX(t, v); break; // zero-extended (W or X)
    case 2: setX(t, signExtend(key >> 2, v)); break; // to 64 bits
    default: setW(t, <u32>signExtend(key >> 2, v)); // 3: to 32 bits
  }
}

/** Rm extended and shifted for the register-offset form: option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX. */
@inline function regOffset(insn: u32, shift: u32): u64 {
  const rm = X((insn >> 16) & 31);
  const s: u32 = (insn & (1 << 12)) != 0 ? shift : 0;
  switch ((insn >> 13) & 7) {
    case 2: return (rm & 0xffffffff) << s;
    case 6: return <u64><i64><i32><u32>rm << s;
    default: return rm << s; // 3 (LSL/UXTX) and 7 (SXTX)
  }
}

/** LDR/STR (register): base + extended Rm, optionally scaled by the access size (S, bit 12). */
@inline function ldstRegOffset(insn: u32, hi: u32): void {
  const size = hi >> 6, opc = (insn >> 22) & 3, key = (size << 2) | opc;
  const t = insn & 31, n = (insn >> 5) & 31;
  // option<1> == 0 is a reserved extend (UXTB/UXTH/SXTB/SXTH)
  if ((insn & (1 << 14)) == 0) { undefinedArch(); return; }
  if ((hi & 4) != 0) {
    if (!fpKeyValid(key)) { undefinedArch(); return; }
    if (!checkFpEnabled()) return;
    const base = XSP(n);
    if (n == 31 && !checkSpAlign(base)) return;
    fpTransfer(key, t, base + regOffset(insn, fpScale(key)));
    return;
  }
  if (!gprValid(size, opc)) {
    if (key != KEY_PRFM) undefinedArch();
    return;
  }
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  gprTransfer(size, opc, t, base + regOffset(insn, size));
}

/** LDR (literal) W/X, LDRSW (literal), PRFM (literal): PC + imm19 * 4; no SP, no writeback. */
function ldrLiteral(insn: u32): void {
  const opc = insn >> 30;
  if (opc == 3) return; // PRFM (literal)
  const t = insn & 31;
  const addr = pc + <u64><i64>((<i32>(insn << 8) >> 11) & ~3);
  if (opc == 1) {
    const v = read64(addr);
    if (!fault) setX(t, v);
    return;
  }
  const v = read32(addr);
  if (fault) return;
  if (opc == 0) setW(t, v);
  else setX(t, <u64><i64><i32>v); // LDRSW
}

/**
 * LDP/STP/LDPSW/LDNP/STNP (general registers). Bits 24:23: 00 no-allocate offset, 01 post-index, 10 signed
 * offset, 11 pre-index; imm7 is scaled by the register size. Both loads complete before any register changes.
 * `hi` = insn bits 31:24.
 */
@inline export function ldstPair(insn: u32, hi: u32): void {
  const opc = hi >> 6, mode = (insn >> 23) & 3, isLoad = (insn & (1 << 22)) != 0;
  // opc = 11 unallocated; opc = 01 is LDPSW only (STGP is ARMv8.5, LDNPSW does not exist)
  if (opc == 3 || (opc == 1 && (!isLoad || mode == 0))) { undefinedArch(); return; }
  const t = insn & 31, t2 = (insn >> 10) & 31, n = (insn >> 5) & 31;
  const is64 = opc == 2;
  const off = <u64><i64>(<i32>(insn << 10) >> 25) << (is64 ? 3 : 2);
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  const addr = mode == 1 ? base : base + off;
  if (is64) {
    if (isLoad) {
      const a = read64(addr);
      if (fault) return;
      const b = read64(addr + 8);
      if (fault) return;
      setX(t2, b);
      setX(t, a);
    } else {
      write64(addr, X(t));
      if (fault) return;
      write64(addr + 8, X(t2));
    }
  } else if (isLoad) {
    const a = read32(addr);
    if (fault) return;
    const b = read32(addr + 4);
    if (fault) return;
    if (opc == 1) {
      setX(t2, <u64><i64><i32>b);
      setX(t, <u64><i64><i32>a);
    } else {
      setW(t2, b);
      setW(t, a);
    }
  } else {
    write32(addr, W(t));
    if (fault) return;
    write32(addr + 4, W(t2));
  }
  if (fault) return;
  if ((mode & 1) != 0) setXSP(n, base + off);
}
