// cpu/as/dp_reg.ts - A64 "Data Processing -- Register" (Arm ARM C4.1, the A64 encoding index): op1 = bit 28
// splits the logical and add/sub forms from the rest (carry, conditional compare/select, 1/2/3 source), which
// op2 = bits 24:21 selects.
// Register 31 is the zero register except for the Rn and (non-flag-setting) Rd of add/sub (extended register).
//
// The run loop (interp.ts) calls the class handlers directly for the top bytes it recognises, passing `op` =
// sf:op:S (or sf:opc) = insn bits 31:29 as a constant, so the inlined copies lose that part of their decode.

import { X, W, setX, setW, XSP, setXSP, nzcv } from "./state";
import { undefinedInsn, undefinedArch } from "./exception";
import {
  addsX, addsW, logicFlagsX, logicFlagsW, putFlags, shiftX, shiftW, extendReg, clsX, clsW, rbitX, rev16X,
  umulh, smulh, condHolds,
} from "./alu";

export function execDpReg(insn: u32): void {
  if ((insn & (1 << 28)) == 0) {
    if ((insn & (1 << 24)) == 0) logicalShifted(insn, insn >> 29);
    else if ((insn & (1 << 21)) == 0) addSubShifted(insn, insn >> 29);
    else addSubExtended(insn);
    return;
  }
  dpRegOp1(insn);
}

/** op1 = 1: op2 = bits 24:21 selects carry, conditional compare and select, 1, 2 and 3 source. */
@inline export function dpRegOp1(insn: u32): void {
  switch ((insn >> 21) & 15) {
    case 0: carryOrFlags(insn); break;
    case 2: condCompare(insn); break;
    case 4: condSelect(insn); break;
    case 6:
      if ((insn & (1 << 30)) != 0) dataProc1(insn);
      else dataProc2(insn);
      break;
    case 8: case 9: case 10: case 11: case 12: case 13: case 14: case 15:
      dataProc3(insn);
      break;
    default: undefinedInsn(insn);
  }
}

/** AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register): opc:N selects, all four shifts valid. `op` = sf:opc. */
@inline export function logicalShifted(insn: u32, op: u32): void {
  const rd = insn & 31, rn = (insn >> 5) & 31, rm = (insn >> 16) & 31;
  const amount = (insn >> 10) & 63, type = (insn >> 22) & 3;
  const invert = (insn & (1 << 21)) != 0;
  if ((op & 4) != 0) {
    let b = X(rm);
    if (amount != 0) b = shiftX(b, type, amount);
    if (invert) b = ~b;
    const a = X(rn);
    switch (op & 3) {
      case 0: setX(rd, a & b); break;
      case 1: setX(rd, a | b); break;
      case 2: setX(rd, a ^ b); break;
      default: {
        const r = a & b;
        logicFlagsX(r);
        setX(rd, r);
      }
    }
    return;
  }
  if (amount >= 32) {
    undefinedInsn(insn);
    return;
  }
  let b = W(rm);
  if (amount != 0) b = shiftW(b, type, amount);
  if (invert) b = ~b;
  const a = W(rn);
  switch (op & 3) {
    case 0: setW(rd, a & b); break;
    case 1: setW(rd, a | b); break;
    case 2: setW(rd, a ^ b); break;
    default: {
      const r = a & b;
      logicFlagsW(r);
      setW(rd, r);
    }
  }
}

/** ADD/ADDS/SUB/SUBS (shifted register): shift type 11 (ROR) and 32-bit amounts >= 32 are unallocated. */
@inline export function addSubShifted(insn: u32, op: u32): void {
  const rd = insn & 31, rn = (insn >> 5) & 31, rm = (insn >> 16) & 31;
  const amount = (insn >> 10) & 63, type = (insn >> 22) & 3;
  if (type == 3 || ((op & 4) == 0 && amount >= 32)) {
    undefinedInsn(insn);
    return;
  }
  switch (op) { // sf:op:S
    case 0: setW(rd, W(rn) + shiftW(W(rm), type, amount)); break;
    case 1: setW(rd, addsW(W(rn), shiftW(W(rm), type, amount), 0)); break;
    case 2: setW(rd, W(rn) - shiftW(W(rm), type, amount)); break;
    case 3: setW(rd, addsW(W(rn), ~shiftW(W(rm), type, amount), 1)); break;
    case 4: setX(rd, X(rn) + shiftX(X(rm), type, amount)); break;
    case 5: setX(rd, addsX(X(rn), shiftX(X(rm), type, amount), 0)); break;
    case 6: setX(rd, X(rn) - shiftX(X(rm), type, amount)); break;
    default: setX(rd, addsX(X(rn), ~shiftX(X(rm), type, amount), 1));
  }
}

/** ADD/ADDS/SUB/SUBS (extended register): opt != 00 and imm3 > 4 are unallocated; Rn (and Rd unless S) may be SP. */
@inline export function addSubExtended(insn: u32): void {
  const shift = (insn >> 10) & 7;
  if ((insn & (3 << 22)) != 0 || shift > 4) {
    undefinedInsn(insn);
    return;
  }
  const rd = insn & 31, rn = (insn >> 5) & 31;
  const b = extendReg(X((insn >> 16) & 31), (insn >> 13) & 7, shift);
  const a = XSP(rn);
  switch (insn >> 29) { // sf:op:S
    case 0: setXSP(rd, <u64>(<u32>a + <u32>b)); break;
    case 1: setW(rd, addsW(<u32>a, <u32>b, 0)); break;
    case 2: setXSP(rd, <u64>(<u32>a - <u32>b)); break;
    case 3: setW(rd, addsW(<u32>a, ~<u32>b, 1)); break;
    case 4: setXSP(rd, a + b); break;
    case 5: setX(rd, addsX(a, b, 0)); break;
    case 6: setXSP(rd, a - b); break;
    default: setX(rd, addsX(a, ~b, 1));
  }
}

/**
 * op2 = 0000: ADC/ADCS/SBC/SBCS when op3 (bits 15:10) = 000000. The other op3 values are RMIF (x00001) and
 * SETF8/SETF16 (xx0010) of FEAT_FlagM, which ID_AA64ISAR0_EL1.TS says is absent, or unallocated.
 */
@inline function carryOrFlags(insn: u32): void {
  if ((insn & 0xfc00) != 0) {
    flagManipulation(insn);
    return;
  }
  const rd = insn & 31, rn = (insn >> 5) & 31, rm = (insn >> 16) & 31;
  const c = (nzcv() >> 29) & 1;
  switch (insn >> 29) { // sf:op:S
    case 0: setW(rd, W(rn) + W(rm) + c); break;
    case 1: setW(rd, addsW(W(rn), W(rm), c)); break;
    case 2: setW(rd, W(rn) + ~W(rm) + c); break;
    case 3: setW(rd, addsW(W(rn), ~W(rm), c)); break;
    case 4: setX(rd, X(rn) + X(rm) + <u64>c); break;
    case 5: setX(rd, addsX(X(rn), X(rm), c)); break;
    case 6: setX(rd, X(rn) + ~X(rm) + <u64>c); break;
    default: setX(rd, addsX(X(rn), ~X(rm), c));
  }
}

/** op3 != 0 in the carry space: RMIF, SETF8, SETF16 (FEAT_FlagM, absent: UNDEFINED, not logged) or unallocated. */
function flagManipulation(insn: u32): void {
  const op3 = (insn >> 10) & 63;
  let flagM = false;
  if ((op3 & 0x1f) == 1) flagM = (insn >> 29) == 5 && (insn & 0x10) == 0; // RMIF: sf op S = 101, o2 = 0
  else if ((op3 & 0xf) == 2) flagM = (insn >> 29) == 1 && (insn & 0x1f801f) == 0xd; // SETF8/16: mask 1101
  if (flagM) undefinedArch();
  else undefinedInsn(insn);
}

/**
 * CCMN/CCMP (register: bit 11 = 0; immediate imm5: bit 11 = 1). S must be 1, o2 (bit 10) and o3 (bit 4) 0.
 * If the condition fails, NZCV = the nzcv field; otherwise the flags of Rn + Rm (CCMN) or Rn - Rm (CCMP).
 */
@inline function condCompare(insn: u32): void {
  if ((insn & (1 << 29)) == 0 || (insn & ((1 << 10) | (1 << 4))) != 0) {
    undefinedInsn(insn);
    return;
  }
  if (!condHolds((insn >> 12) & 15)) {
    putFlags((insn & 15) << 28);
    return;
  }
  const rn = (insn >> 5) & 31, field = (insn >> 16) & 31;
  const sub = (insn & (1 << 30)) != 0;
  if ((insn & 0x80000000) != 0) {
    const b = (insn & (1 << 11)) != 0 ? <u64>field : X(field);
    if (sub) addsX(X(rn), ~b, 1);
    else addsX(X(rn), b, 0);
  } else {
    const b = (insn & (1 << 11)) != 0 ? field : W(field);
    if (sub) addsW(W(rn), ~b, 1);
    else addsW(W(rn), b, 0);
  }
}

/** CSEL/CSINC/CSINV/CSNEG (op:op2 = bit 30 : bit 10); S = 1 or op2<1> = 1 is unallocated. */
@inline function condSelect(insn: u32): void {
  if ((insn & ((1 << 29) | (1 << 11))) != 0) {
    undefinedInsn(insn);
    return;
  }
  const rd = insn & 31;
  let r: u64;
  if (condHolds((insn >> 12) & 15)) {
    r = X((insn >> 5) & 31);
  } else {
    r = X((insn >> 16) & 31);
    switch (((insn >> 29) & 2) | ((insn >> 10) & 1)) {
      case 1: r = r + 1; break; // CSINC
      case 2: r = ~r; break; // CSINV
      case 3: r = 0 - r; break; // CSNEG
    }
  }
  if ((insn & 0x80000000) != 0) setX(rd, r);
  else setW(rd, <u32>r);
}

/** Data-processing (1 source): RBIT, REV16, REV32, REV, CLZ, CLS (S = 0, opcode2 = 00000). */
function dataProc1(insn: u32): void {
  const sf = insn >> 31, opcode2 = (insn >> 16) & 31, opcode = (insn >> 10) & 63;
  if ((insn & (1 << 29)) != 0 || opcode2 > 1) {
    undefinedInsn(insn);
    return;
  }
  if (opcode2 == 1) {
    // PACIA..AUTDB (opcode 0-7), PACIZA..AUTDZB and XPACI/XPACD (8-17, Rn = 11111): FEAT_PAuth, absent per
    // ID_AA64ISAR1_EL1.
    if (sf != 0 && (opcode < 8 || (opcode <= 0x11 && ((insn >> 5) & 31) == 31))) undefinedArch();
    else undefinedInsn(insn);
    return;
  }
  const rd = insn & 31, rn = (insn >> 5) & 31;
  if (sf != 0) {
    const v = X(rn);
    switch (opcode) {
      case 0: setX(rd, rbitX(v)); return;
      case 1: setX(rd, rev16X(v)); return;
      case 2: setX(rd, rotr<u64>(bswap<u64>(v), 32)); return; // REV32
      case 3: setX(rd, bswap<u64>(v)); return; // REV
      case 4: setX(rd, clz<u64>(v)); return;
      case 5: setX(rd, clsX(v)); return;
    }
  } else {
    const v = W(rn);
    switch (opcode) {
      case 0: setW(rd, <u32>(rbitX(<u64>v) >> 32)); return;
      case 1: setW(rd, <u32>rev16X(<u64>v)); return;
      case 2: setW(rd, bswap<u32>(v)); return; // REV Wd
      case 4: setW(rd, clz<u32>(v)); return;
      case 5: setW(rd, clsW(v)); return;
    }
  }
  // CTZ, CNT, ABS (opcode 000110-001000) are FEAT_CSSC, absent per ID_AA64ISAR2_EL1.
  if (opcode >= 6 && opcode <= 8) undefinedArch();
  else undefinedInsn(insn);
}

/** Data-processing (2 source): UDIV, SDIV, LSLV, LSRV, ASRV, RORV. */
function dataProc2(insn: u32): void {
  const sf = insn >> 31, opcode = (insn >> 10) & 63;
  const rd = insn & 31, rn = (insn >> 5) & 31, rm = (insn >> 16) & 31;
  if ((insn & (1 << 29)) == 0) {
    if (sf != 0) {
      switch (opcode) {
        case 2: setX(rd, udivX(X(rn), X(rm))); return;
        case 3: setX(rd, sdivX(X(rn), X(rm))); return;
        case 8: case 9: case 10: case 11:
          setX(rd, shiftX(X(rn), opcode & 3, <u32>X(rm) & 63));
          return;
      }
    } else {
      switch (opcode) {
        case 2: setW(rd, udivW(W(rn), W(rm))); return;
        case 3: setW(rd, sdivW(W(rn), W(rm))); return;
        case 8: case 9: case 10: case 11:
          setW(rd, shiftW(W(rn), opcode & 3, W(rm) & 31));
          return;
      }
    }
  }
  dataProc2Absent(insn, sf, opcode);
}

/**
 * The rest of the 2-source space: encodings of features this CPU does not have (UNDEFINED, not logged) or
 * unallocated ones. SUBP/SUBPS/IRG/GMI are FEAT_MTE, PACGA FEAT_PAuth, CRC32* FEAT_CRC32 (ID_AA64ISAR0_EL1.
 * CRC32 = 0), SMAX/UMAX/SMIN/UMIN FEAT_CSSC.
 */
function dataProc2Absent(insn: u32, sf: u32, opcode: u32): void {
  const s = (insn >> 29) & 1;
  let absent = false;
  if (s != 0) absent = sf != 0 && opcode == 0; // SUBPS
  else if (opcode == 0 || opcode == 4 || opcode == 5 || opcode == 12) absent = sf != 0; // SUBP IRG GMI PACGA
  else if ((opcode & 0x38) == 0x10) absent = (sf != 0) == ((opcode & 3) == 3); // CRC32{C}{B,H,W,X}
  else if (opcode >= 0x18 && opcode <= 0x1b) absent = true; // SMAX UMAX SMIN UMIN
  if (absent) undefinedArch();
  else undefinedInsn(insn);
}

// Wasm division traps on a zero divisor and on INT_MIN / -1; A64 defines both (result 0 and INT_MIN).
@inline function udivX(a: u64, b: u64): u64 {
  return b == 0 ? 0 : a / b;
}
@inline function udivW(a: u32, b: u32): u32 {
  return b == 0 ? 0 : a / b;
}
@inline function sdivX(a: u64, b: u64): u64 {
  if (b == 0) return 0;
  if (b == <u64>-1) return 0 - a;
  return <u64>(<i64>a / <i64>b);
}
@inline function sdivW(a: u32, b: u32): u32 {
  if (b == 0) return 0;
  if (b == <u32>-1) return 0 - a;
  return <u32>(<i32>a / <i32>b);
}

/**
 * Data-processing (3 source): MADD/MSUB (32/64), and 64-bit only SMADDL/SMSUBL, SMULH, UMADDL/UMSUBL, UMULH.
 * op54 (bits 30:29) must be 00; op31 (bits 23:21) and o0 (bit 15) select.
 */
@inline export function dataProc3(insn: u32): void {
  const sf = insn >> 31, op31 = (insn >> 21) & 7, o0 = (insn >> 15) & 1;
  const rd = insn & 31, rn = (insn >> 5) & 31, ra = (insn >> 10) & 31, rm = (insn >> 16) & 31;
  if ((insn & 0x60000000) != 0 || (sf == 0 && op31 != 0)) {
    undefinedInsn(insn);
    return;
  }
  if (sf == 0) {
    const p = W(rn) * W(rm);
    setW(rd, o0 != 0 ? W(ra) - p : W(ra) + p);
    return;
  }
  let p: u64;
  switch (op31) {
    case 0: p = X(rn) * X(rm); break;
    case 1: p = <u64>(<i64><i32>W(rn) * <i64><i32>W(rm)); break; // SMADDL/SMSUBL
    case 5: p = <u64>W(rn) * <u64>W(rm); break; // UMADDL/UMSUBL
    case 2: case 6:
      if (o0 == 0) {
        setX(rd, op31 == 2 ? smulh(X(rn), X(rm)) : umulh(X(rn), X(rm)));
        return;
      }
    default:
      undefinedInsn(insn);
      return;
  }
  setX(rd, o0 != 0 ? X(ra) - p : X(ra) + p);
}
