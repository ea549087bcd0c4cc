// cpu/as/simd_shift.ts - AdvSIMD shift by immediate, vector and scalar (Arm ARM C4.1 encoding groups):
// SSHR/USHR/SSRA/USRA and their rounding forms, SHL, SLI, SRI, SQSHL/UQSHL/SQSHLU (immediate), the narrowing
// SHRN family with saturation and rounding, SSHLL/USHLL. The element size is the highest set bit of immh;
// right shifts are 2*esize - immh:immb, left shifts immh:immb - esize. The fixed-point conversions of this
// group (SCVTF, UCVTF, FCVTZS, FCVTZU) are in simd_fpmisc.ts.

import {
  elemU, sext, resClear, resPut, resWrite, resWriteUpper, setQC, satS, satU, satUU, laneMask, asr, lsr, lsl, rasr, rlsr,
} from "./simd_lanes";
import { V128 } from "./state";
import { shiftLeft, vWrite } from "./simd_int";
import { execShiftFixed } from "./simd_fpmisc";

const U: u32 = 0x20;
// op = U:opcode (bits 15:11)
const OP_SSHR: u32 = 0x00, OP_SSRA: u32 = 0x02, OP_SRSHR: u32 = 0x04, OP_SRSRA: u32 = 0x06;
const OP_SRI: u32 = 0x28, OP_SHL: u32 = 0x0a, OP_SQSHLU: u32 = 0x2c, OP_SQSHL: u32 = 0x0e;
const OP_SHRN: u32 = 0x10, OP_RSHRN: u32 = 0x11, OP_SQSHRN: u32 = 0x12, OP_SQRSHRN: u32 = 0x13;
const OP_SSHLL: u32 = 0x14, OP_SCVTF: u32 = 0x1c, OP_FCVTZS: u32 = 0x1f;

/** SSHR..URSRA: shift right by 1..esize, optionally rounding and accumulating. */
function shiftRight(op: u32, x: u64, acc: u64, sh: u32, sz: u32): u64 {
  const uns = (op & U) != 0, round = (op & 4) != 0;
  let r: u64;
  if (uns) r = round ? rlsr(x, sh) : lsr(x, sh);
  else r = <u64>(round ? rasr(sext(x, sz), sh) : asr(sext(x, sz), sh));
  return (op & 2) != 0 ? acc + r : r;
}

/** One element of the non-narrowing group; `sh` is already decoded as a right or left shift. */
function shiftLane(op: u32, x: u64, acc: u64, sh: u32, sz: u32): u64 {
  switch (op) {
    case OP_SRI: { // shift right and insert: the top sh bits of the destination survive
      const mask = lsr(laneMask(sz), sh);
      return (acc & ~mask) | (lsr(x, sh) & mask);
    }
    case OP_SHL | U: { // SLI
      const mask = lsl(laneMask(sz), sh);
      return (acc & ~mask) | (lsl(x, sh) & mask);
    }
    case OP_SHL: return lsl(x, sh);
    case OP_SQSHL: return shiftLeft(x, sh, sz, false, true);
    case OP_SQSHL | U: return shiftLeft(x, sh, sz, true, true);
    case OP_SQSHLU: // signed input, UnsignedSatQ
      if (sext(x, sz) < 0) { setQC(); return 0; }
      return shiftLeft(x, sh, sz, true, true);
  }
  return shiftRight(op, x, acc, sh, sz);
}

/** Which ops exist and which shift direction they take: 1 right, 2 left, 0 unallocated. */
function shiftKind(op: u32): u32 {
  switch (op) {
    case OP_SSHR: case OP_SSHR | U: case OP_SSRA: case OP_SSRA | U:
    case OP_SRSHR: case OP_SRSHR | U: case OP_SRSRA: case OP_SRSRA | U: case OP_SRI:
      return 1;
    case OP_SHL: case OP_SHL | U: case OP_SQSHL: case OP_SQSHL | U: case OP_SQSHLU:
      return 2;
  }
  return 0;
}

/** SHRN, RSHRN, SQ[R]SHRN, UQ[R]SHRN, SQ[R]SHRUN: one narrowed element from a 2*esize source. */
function narrowLane(op: u32, x: u64, sh: u32, sz: u32): u64 {
  const round = (op & 1) != 0;
  if (op == OP_SHRN || op == OP_RSHRN) return round ? rlsr(x, sh) : lsr(x, sh);
  if ((op & U) != 0 && (op & 0x1e) == OP_SQSHRN) { // UQSHRN, UQRSHRN: unsigned source
    // the rounded 64-bit source (UQRSHRN #1 of 2^64 - 1 is 2^63) does not fit an i64: compare unsigned
    return satUU(round ? rlsr(x, sh) : lsr(x, sh), sz);
  }
  const xs = sext(x, sz + 1);
  const r = round ? rasr(xs, sh) : asr(xs, sh);
  if ((op & U) != 0) return satU(r, sz); // SQSHRUN, SQRSHRUN
  return <u64>satS(r, sz);
}

/** The narrowing ops (vector: write the lower or, for the "2" forms, upper half; scalar: one element). */
function execShiftNarrow(op: u32, sz: u32, sh: u32, d: u32, n: u32, q: u32, scalar: bool): bool {
  if (sz == 3 || (scalar && (op == OP_SHRN || op == OP_RSHRN))) return false;
  const elems: u32 = scalar ? 1 : (<u32>8) >> sz;
  resClear();
  for (let e: u32 = 0; e < elems; e++) resPut(e, sz, narrowLane(op, elemU(n, e, sz + 1), sh, sz));
  if (q != 0) resWriteUpper(d);
  else resWrite(d, 0);
  return true;
}

/** SSHLL, USHLL (and their "2" forms reading the upper half). */
function execShiftLong(op: u32, sz: u32, sh: u32, d: u32, n: u32, q: u32): bool {
  if (sz == 3) return false;
  const elems = (<u32>8) >> sz, part = q != 0 ? elems : 0;
  resClear();
  for (let e: u32 = 0; e < elems; e++) {
    const x = elemU(n, part + e, sz);
    resPut(e, sz + 1, ((op & U) != 0 ? x : <u64>sext(x, sz)) << <u64>sh);
  }
  resWrite(d, 1);
  return true;
}

/** SHL, SSHR, USHR, SSRA, USRA (vector) with the Wasm lane shifts; false for the other ops. */
function shiftFast(op: u32, sz: u32, sh: u32, d: u32, n: u32, q: u32): bool {
  const a = V128(n);
  const bits: u32 = 8 << sz;
  let r = a;
  if (op == OP_SHL) {
    r = sz == 0 ? i8x16.shl(a, sh) : sz == 1 ? i16x8.shl(a, sh) : sz == 2 ? i32x4.shl(a, sh) : i64x2.shl(a, sh);
  } else if ((op & ~(U | 2)) == OP_SSHR) {
    if ((op & U) == 0) { // a shift by esize fills with the sign, like esize - 1 (Wasm takes counts modulo esize)
      const s = sh == bits ? sh - 1 : sh;
      r = sz == 0 ? i8x16.shr_s(a, s) : sz == 1 ? i16x8.shr_s(a, s) : sz == 2 ? i32x4.shr_s(a, s) : i64x2.shr_s(a, s);
    } else if (sh == bits) {
      r = i64x2.splat(0);
    } else {
      r = sz == 0 ? i8x16.shr_u(a, sh) : sz == 1 ? i16x8.shr_u(a, sh)
        : sz == 2 ? i32x4.shr_u(a, sh) : i64x2.shr_u(a, sh);
    }
    if ((op & 2) != 0) {
      const acc = V128(d);
      r = sz == 0 ? i8x16.add(acc, r) : sz == 1 ? i16x8.add(acc, r) : sz == 2 ? i32x4.add(acc, r) : i64x2.add(acc, r);
    }
  } else {
    return false;
  }
  vWrite(d, r, q);
  return true;
}

/** Advanced SIMD (scalar) shift by immediate. Returns false for unallocated encodings. */
export function execShiftImm(insn: u32, scalar: bool): bool {
  const immh = (insn >> 19) & 15;
  if (immh == 0) return false;
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  const op = ((insn >> 24) & U) | ((insn >> 11) & 0x1f);
  const d = insn & 31, n = (insn >> 5) & 31;
  const sz: u32 = 31 - clz<u32>(immh);
  const immhb = (insn >> 16) & 0x7f;
  const right = (<u32>16 << sz) - immhb, left = immhb - (<u32>8 << sz);
  const opc = op & 0x1f;
  if (opc >= OP_SHRN && opc <= OP_SQRSHRN) return execShiftNarrow(op, sz, right, d, n, q, scalar);
  if (opc == OP_SSHLL) return scalar ? false : execShiftLong(op, sz, left, d, n, q);
  if (opc == OP_SCVTF || opc == OP_FCVTZS) return execShiftFixed(insn, scalar);
  const kind = shiftKind(op);
  if (kind == 0) return false;
  const sat = opc == OP_SQSHL || op == OP_SQSHLU;
  if (scalar ? (sz != 3 && !sat) : (sz == 3 && q == 0)) return false;
  const sh = kind == 1 ? right : left;
  if (!scalar && shiftFast(op, sz, sh, d, n, q)) return true;
  const elems: u32 = scalar ? 1 : (<u32>8 << q) >> sz;
  resClear();
  for (let e: u32 = 0; e < elems; e++) resPut(e, sz, shiftLane(op, elemU(n, e, sz), elemU(d, e, sz), sh, sz));
  resWrite(d, q);
  return true;
}
