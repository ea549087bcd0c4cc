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
/** Allocated keys where PRFM exists (unsigned offset, register offset, unscaled as PRFUM). */
const GPR_KEYS_PRFM: u32 = 0x77ff;

/** Decode of the Loads and Stores group: op0 = insn bits 31:28 (bits 29:28 here), op1 = bit 26, op2 = 24:23. */
export function execLdst(insn: u32): void {
  switch ((insn >> 28) & 3) {
    case 3:
      if ((insn & (1 << 24)) != 0) ldstUimm(insn);
      else if ((insn & (1 << 21)) == 0) ldstImm9(insn);
      else if (((insn >> 10) & 3) == 2) ldstRegOffset(insn);
      else undefinedArch(); // op4 = 00: LSE atomic memory operations; op4 = x1: LDRAA/LDRAB
      break;
    case 2:
      if ((insn & V_BIT) != 0) fpPair(insn);
      else ldstPair(insn);
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

/**
 * One general-register transfer at `addr` for key = size:opc (validated by the caller; PRFM handled by the
 * caller). LDR (immediate)/(register) pseudocode: MemOp_STORE, MemOp_LOAD with zero or sign extension to
 * 32 (opc = 11) or 64 (opc = 10) bits. On a fault `fault` is set and Rt is unchanged.
 */
@inline function gprTransfer(key: u32, t: u32, addr: u64): void {
  switch (key) {
    case 0x0: write8(addr, W(t)); break; // STRB
    case 0x1: { const v = read8(addr); if (!fault) setW(t, v); break; } // LDRB
    case 0x2: { const v = read8(addr); if (!fault) setX(t, <u64><i64><i8>v); break; } // LDRSB Xt
    case 0x3: { const v = read8(addr); if (!fault) setW(t, <u32><i32><i8>v); break; } // LDRSB Wt
    case 0x4: write16(addr, W(t)); break; // STRH
    case 0x5: { const v = read16(addr); if (!fault) setW(t, v); break; } // LDRH
    case 0x6: { const v = read16(addr); if (!fault) setX(t, <u64><i64><i16>v); break; } // LDRSH Xt
    case 0x7: { const v = read16(addr); if (!fault) setW(t, <u32><i32><i16>v); break; } // LDRSH Wt
    case 0x8: write32(addr, W(t)); break; // STR Wt
    case 0x9: { const v = read32(addr); if (!fault) setW(t, v); break; } // LDR Wt
    case 0xa: { const v = read32(addr); if (!fault) setX(t, <u64><i64><i32>v); break; } // LDRSW
    case 0xc: write64(addr, X(t)); break; // STR Xt
    default: { const v = read64(addr); if (!fault) setX(t, v); } // 0xd LDR Xt
  }
}

/** Write the value of a load of key = size:opc to Rt with its zero or sign extension. */
function gprLoadResult(key: u32, t: u32, v: u64): void {
  switch (key & 3) {
    case 1: setX(t, v); break; // zero-extended (W or X)
    case 2: // to 64 bits
      if (key < 4) setX(t, <u64><i64><i8>v);
      else if (key < 8) setX(t, <u64><i64><i16>v);
      else setX(t, <u64><i64><i32>v);
      break;
    default: // 3: to 32 bits
      setW(t, key < 4 ? <u32><i32><i8>v : <u32><i32><i16>v);
  }
}

/** LDR/STR (immediate, unsigned offset): imm12 scaled by the access size. The hot path. */
function ldstUimm(insn: u32): void {
  const key = ((insn >> 28) & 0xc) | ((insn >> 22) & 3);
  const t = insn & 31, n = (insn >> 5) & 31;
  if ((insn & V_BIT) != 0) {
    // SIMD&FP forms: CheckFPAdvSIMDEnabled64() precedes the address calculation
    if (!fpKeyValid(key)) { undefinedArch(); return; }
    if (!checkFpEnabled()) return;
    const base = XSP(n);
    if (n == 31 && !checkSpAlign(base)) return;
    fpTransfer(key, t, base + (<u64>((insn >> 10) & 0xfff) << fpScale(key)));
    return;
  }
  if (((GPR_KEYS >> key) & 1) == 0) {
    if (key != KEY_PRFM) undefinedArch(); // PRFM is a hint: no access, no fault
    return;
  }
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  gprTransfer(key, t, base + (<u64>((insn >> 10) & 0xfff) << (key >> 2)));
}

/**
 * Bits 11:10 select LDUR/STUR (00, unscaled), post-index (01), LDTR/STTR (10, unprivileged), pre-index (11);
 * all take a signed, unscaled imm9. PRFUM exists only in the unscaled form.
 */
function ldstImm9(insn: u32): void {
  const key = ((insn >> 28) & 0xc) | ((insn >> 22) & 3);
  const mode = (insn >> 10) & 3;
  const t = insn & 31, n = (insn >> 5) & 31;
  const off = imm9(insn);
  const isFp = (insn & V_BIT) != 0;
  if (isFp) {
    if (mode == 2 || !fpKeyValid(key)) { undefinedArch(); return; }
    if (!checkFpEnabled()) return;
  } else if ((((mode == 0 ? GPR_KEYS_PRFM : GPR_KEYS) >> key) & 1) == 0) {
    undefinedArch();
    return;
  } else if (key == KEY_PRFM) return; // PRFUM
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  const addr = mode == 1 ? base : base + off;
  if (isFp) fpTransfer(key, t, addr);
  else if (mode == 2) unprivTransfer(key, t, addr);
  else gprTransfer(key, t, addr);
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
function ldstRegOffset(insn: u32): void {
  const key = ((insn >> 28) & 0xc) | ((insn >> 22) & 3);
  const t = insn & 31, n = (insn >> 5) & 31;
  // option<1> == 0 is a reserved extend (UXTB/UXTH/SXTB/SXTH)
  if ((insn & (1 << 14)) == 0) { undefinedArch(); return; }
  if ((insn & V_BIT) != 0) {
    if (!fpKeyValid(key)) { undefinedArch(); return; }
    if (!checkFpEnabled()) return;
    const base = XSP(n);
    if (n == 31 && !checkSpAlign(base)) return;
    fpTransfer(key, t, base + regOffset(insn, fpScale(key)));
    return;
  }
  if (((GPR_KEYS >> key) & 1) == 0) {
    if (key != KEY_PRFM) undefinedArch();
    return;
  }
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  gprTransfer(key, t, base + regOffset(insn, key >> 2));
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
 */
function ldstPair(insn: u32): void {
  const opc = insn >> 30, mode = (insn >> 23) & 3, isLoad = (insn & (1 << 22)) != 0;
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
