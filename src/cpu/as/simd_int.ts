// cpu/as/simd_int.ts - AdvSIMD three same, integer forms: vector (Arm ARM C4.1 "Advanced SIMD three same") and
// scalar ("Advanced SIMD scalar three same"), including the bitwise logical group (opcode 00011)
// and the integer pairwise ops (ADDP, SMAXP, ...). Semantics from the per-instruction pseudocode in C7.2.

import { V128, setVv128, setV64 } from "./state";
import {
  elemU, sext, resClear, resPut, resWrite, setQC, satS, satU, sat64S, maxS, laneMask, asr, lsr, rasr, rlsr,
} from "./simd_lanes";

// op = U:opcode (6 bits) of the three same group
const OP_SHADD: u32 = 0x00, OP_SQADD: u32 = 0x01, OP_SRHADD: u32 = 0x02, OP_LOGIC: u32 = 0x03;
const OP_SHSUB: u32 = 0x04, OP_SQSUB: u32 = 0x05, OP_CMGT: u32 = 0x06, OP_CMGE: u32 = 0x07;
const OP_SSHL: u32 = 0x08, OP_SQSHL: u32 = 0x09, OP_SRSHL: u32 = 0x0a, OP_SQRSHL: u32 = 0x0b;
const OP_SMAX: u32 = 0x0c, OP_SMIN: u32 = 0x0d, OP_SABD: u32 = 0x0e, OP_SABA: u32 = 0x0f;
const OP_ADD: u32 = 0x10, OP_CMTST: u32 = 0x11, OP_MLA: u32 = 0x12, OP_MUL: u32 = 0x13;
const OP_SMAXP: u32 = 0x14, OP_SMINP: u32 = 0x15, OP_SQDMULH: u32 = 0x16, OP_ADDP: u32 = 0x17;
const U: u32 = 0x20;

/** Vector write of a v128 result: 64-bit arrangements clear bits 127:64. */
@inline export function vWrite(d: u32, v: v128, q: u32): void {
  if (q != 0) setVv128(d, v);
  else setV64(d, <u64>i64x2.extract_lane(v, 0));
}

/** SQADD/UQADD on one element (zero-extended operands), sets QC on saturation. */
export function satAdd(a: u64, b: u64, sz: u32, unsigned: bool): u64 {
  if (sz < 3) {
    return unsigned ? satU(<i64>(a + b), sz) : <u64>satS(sext(a, sz) + sext(b, sz), sz);
  }
  const r = a + b;
  if (unsigned) {
    if (r < a) { setQC(); return <u64>-1; }
    return r;
  }
  if (<i64>((a ^ r) & (b ^ r)) < 0) return sat64S(<i64>a < 0);
  return r;
}

/** SQSUB/UQSUB on one element. */
export function satSub(a: u64, b: u64, sz: u32, unsigned: bool): u64 {
  if (sz < 3) {
    return unsigned ? satU(<i64>a - <i64>b, sz) : <u64>satS(sext(a, sz) - sext(b, sz), sz);
  }
  const r = a - b;
  if (unsigned) {
    if (a < b) { setQC(); return 0; }
    return r;
  }
  if (<i64>((a ^ b) & (a ^ r)) < 0) return sat64S(<i64>a < 0);
  return r;
}

/**
 * SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL (register): shift by SInt(op2<7:0>), right when negative,
 * in unbounded integer arithmetic (C7.2 SRSHL: element = (Int(op1) + round_const) << shift), then SatQ.
 */
export function shiftReg(x: u64, sh: u64, sz: u32, unsigned: bool, rounding: bool, sat: bool): u64 {
  const shift = <i32><i8>sh;
  if (shift < 0) {
    const n = <u32>-shift;
    if (unsigned) return rounding ? rlsr(x, n) : lsr(x, n);
    const xs = sext(x, sz);
    return <u64>(rounding ? rasr(xs, n) : asr(xs, n));
  }
  return shiftLeft(x, <u32>shift, sz, unsigned, sat);
}

/** x << n (n >= 0) on an element, truncated, or saturated (SatQ) when `sat`. */
export function shiftLeft(x: u64, n: u32, sz: u32, unsigned: bool, sat: bool): u64 {
  const bits: u32 = 8 << sz;
  if (!sat) return n >= bits ? 0 : x << <u64>n;
  if (unsigned) {
    if (x == 0 || n == 0) return x;
    if (n >= bits || (x >> <u64>(bits - n)) != 0) { setQC(); return laneMask(sz); }
    return x << <u64>n;
  }
  const xs = sext(x, sz);
  if (xs == 0 || n == 0) return x;
  if (n >= bits) return satSigned(xs < 0, sz);
  const t = xs >> <i64>(bits - 1 - n);
  if (t != 0 && t != -1) return satSigned(xs < 0, sz);
  return <u64>(xs << <i64>n);
}

/** The saturated signed extreme of an element, sets QC. */
export function satSigned(neg: bool, sz: u32): u64 {
  setQC();
  const hi = maxS(sz);
  return neg ? <u64>(-hi - 1) : <u64>hi;
}

/** SQDMULH/SQRDMULH: SignedSatQ((2*a*b [+ 2^(esize-1)]) >> esize), esize 16 or 32 (product fits in i64). */
export function sqdmulh(a: u64, b: u64, sz: u32, round: bool): u64 {
  const bits: u32 = 8 << sz;
  const p = sext(a, sz) * sext(b, sz);
  const r = round ? (p + (<i64>1 << <i64>(bits - 2))) >> <i64>(bits - 1) : p >> <i64>(bits - 1);
  return <u64>satS(r, sz);
}

/** PMUL: polynomial (carry-less) multiply of two bytes, low 8 bits. */
function pmul8(a: u64, b: u64): u64 {
  let r: u64 = 0;
  for (let i: u64 = 0; i < 8; i++) if (((b >> i) & 1) != 0) r ^= a << i;
  return r & 0xff;
}

/** Absolute difference |a - b| of two elements. */
@inline function absDiff(a: u64, b: u64, sz: u32, unsigned: bool): u64 {
  const x: i64 = unsigned ? <i64>a : sext(a, sz);
  const y: i64 = unsigned ? <i64>b : sext(b, sz);
  return x > y ? <u64>(x - y) : <u64>(y - x);
}

/** Signed or unsigned comparison a > b (ge: a >= b) of two elements. */
@inline function cmp(a: u64, b: u64, sz: u32, unsigned: bool, ge: bool): bool {
  if (unsigned) return ge ? a >= b : a > b;
  const x = sext(a, sz), y = sext(b, sz);
  return ge ? x >= y : x > y;
}

/** Max/min of two elements. */
@inline function maxMin(a: u64, b: u64, sz: u32, unsigned: bool, isMin: bool): u64 {
  return cmp(a, b, sz, unsigned, false) != isMin ? a : b;
}

/** One element of a three-same integer op; `acc` is the destination element (MLA, MLS, SABA, UABA). */
function sameLane(op: u32, a: u64, b: u64, acc: u64, sz: u32): u64 {
  const uns = (op & U) != 0;
  switch (op & 0x1f) {
    case OP_SHADD: case OP_SRHADD: case OP_SHSUB: {
      // element sizes <= 32 bits: the exact sum fits in an i64
      const x: i64 = uns ? <i64>a : sext(a, sz), y: i64 = uns ? <i64>b : sext(b, sz);
      const s = (op & 0x1f) == OP_SHSUB ? x - y : x + y + ((op & 0x1f) == OP_SRHADD ? 1 : 0);
      return <u64>(s >> 1);
    }
    case OP_SQADD: return satAdd(a, b, sz, uns);
    case OP_SQSUB: return satSub(a, b, sz, uns);
    case OP_CMGT: return cmp(a, b, sz, uns, false) ? <u64>-1 : 0;
    case OP_CMGE: return cmp(a, b, sz, uns, true) ? <u64>-1 : 0;
    case OP_SSHL: return shiftReg(a, b, sz, uns, false, false);
    case OP_SQSHL: return shiftReg(a, b, sz, uns, false, true);
    case OP_SRSHL: return shiftReg(a, b, sz, uns, true, false);
    case OP_SQRSHL: return shiftReg(a, b, sz, uns, true, true);
    case OP_SMAX: case OP_SMAXP: return maxMin(a, b, sz, uns, false);
    case OP_SMIN: case OP_SMINP: return maxMin(a, b, sz, uns, true);
    case OP_SABD: return absDiff(a, b, sz, uns);
    case OP_SABA: return acc + absDiff(a, b, sz, uns);
    case OP_ADD: return uns ? a - b : a + b;
    case OP_ADDP: return a + b;
    case OP_CMTST: return uns ? (a == b ? <u64>-1 : 0) : ((a & b) != 0 ? <u64>-1 : 0);
    case OP_MLA: return uns ? acc - a * b : acc + a * b;
    case OP_MUL: return uns ? pmul8(a, b) : a * b;
    case OP_SQDMULH: return sqdmulh(a, b, sz, uns);
  }
  return 0;
}

/** Allocated vector encodings: size 11 is reserved except where the op has a 2D form (then size:Q 110 is). */
function vecAllowed(op: u32, sz: u32, q: u32): bool {
  switch (op) {
    case OP_SQADD: case OP_SQADD | U: case OP_SQSUB: case OP_SQSUB | U:
    case OP_CMGT: case OP_CMGT | U: case OP_CMGE: case OP_CMGE | U:
    case OP_SSHL: case OP_SSHL | U: case OP_SQSHL: case OP_SQSHL | U:
    case OP_SRSHL: case OP_SRSHL | U: case OP_SQRSHL: case OP_SQRSHL | U:
    case OP_ADD: case OP_ADD | U: case OP_CMTST: case OP_CMTST | U: case OP_ADDP:
      return sz != 3 || q != 0;
    case OP_MUL | U: return sz == 0; // PMUL
    case OP_SQDMULH: case OP_SQDMULH | U: return sz == 1 || sz == 2;
    case OP_ADDP | U: return false;
  }
  return sz != 3;
}

/** Allocated scalar encodings ("Advanced SIMD scalar three same"). */
function scalarAllowed(op: u32, sz: u32): bool {
  switch (op & 0x1f) {
    case OP_SQADD: case OP_SQSUB: case OP_SQSHL: case OP_SQRSHL:
      return true;
    case OP_CMGT: case OP_CMGE: case OP_SSHL: case OP_SRSHL: case OP_ADD: case OP_CMTST:
      return sz == 3;
    case OP_SQDMULH:
      return sz == 1 || sz == 2;
  }
  return false;
}

@inline function isPairwise(op: u32): bool {
  return op == OP_ADDP || (op & 0x1f) == OP_SMAXP || (op & 0x1f) == OP_SMINP;
}

/** AND, BIC, ORR, ORN, EOR, BSL, BIT, BIF (vector): selected by U:size. */
function logical(op: u32, sz: u32, d: u32, n: u32, m: u32, q: u32): void {
  const a = V128(n), b = V128(m);
  let r = a;
  switch (((op >> 3) & 4) | sz) {
    case 0: r = v128.and(a, b); break;
    case 1: r = v128.andnot(a, b); break;
    case 2: r = v128.or(a, b); break;
    case 3: r = v128.or(a, v128.not(b)); break;
    case 4: r = v128.xor(a, b); break;
    case 5: r = v128.bitselect(a, b, V128(d)); break; // BSL: Vd selects Vn (1) or Vm (0)
    case 6: r = v128.bitselect(a, V128(d), b); break; // BIT: insert Vn where Vm is 1
    default: r = v128.bitselect(V128(d), a, b); // BIF: insert Vn where Vm is 0
  }
  vWrite(d, r, q);
}

/** Wasm SIMD paths for the common exact forms; false when the op or size has none. */
function sameFast(op: u32, sz: u32, d: u32, n: u32, m: u32, q: u32): bool {
  const a = V128(n), b = V128(m);
  let r = a;
  if (op == OP_ADD) {
    r = sz == 0 ? i8x16.add(a, b) : sz == 1 ? i16x8.add(a, b) : sz == 2 ? i32x4.add(a, b) : i64x2.add(a, b);
  } else if (op == (OP_ADD | U)) {
    r = sz == 0 ? i8x16.sub(a, b) : sz == 1 ? i16x8.sub(a, b) : sz == 2 ? i32x4.sub(a, b) : i64x2.sub(a, b);
  } else if (op == (OP_CMTST | U)) {
    r = sz == 0 ? i8x16.eq(a, b) : sz == 1 ? i16x8.eq(a, b) : sz == 2 ? i32x4.eq(a, b) : i64x2.eq(a, b);
  } else if (op == OP_CMGT) {
    r = sz == 0 ? i8x16.gt_s(a, b) : sz == 1 ? i16x8.gt_s(a, b) : sz == 2 ? i32x4.gt_s(a, b) : i64x2.gt_s(a, b);
  } else if (op == OP_CMGE) {
    r = sz == 0 ? i8x16.ge_s(a, b) : sz == 1 ? i16x8.ge_s(a, b) : sz == 2 ? i32x4.ge_s(a, b) : i64x2.ge_s(a, b);
  } else if (op == (OP_CMGT | U) && sz < 3) {
    r = sz == 0 ? i8x16.gt_u(a, b) : sz == 1 ? i16x8.gt_u(a, b) : i32x4.gt_u(a, b);
  } else if (op == (OP_CMGE | U) && sz < 3) {
    r = sz == 0 ? i8x16.ge_u(a, b) : sz == 1 ? i16x8.ge_u(a, b) : i32x4.ge_u(a, b);
  } else if (op == OP_MUL && sz != 0) {
    r = sz == 1 ? i16x8.mul(a, b) : i32x4.mul(a, b);
  } else if (sz < 2 && (op & ~(U | 4)) == OP_SQADD) {
    r = satAddSubFast(op, sz, a, b, q);
  } else {
    return false;
  }
  vWrite(d, r, q);
  return true;
}

/**
 * SQADD, UQADD, SQSUB, UQSUB on 8- and 16-bit lanes with the Wasm saturating ops. A lane saturated exactly when
 * its saturated and wrapped results differ; only the lanes of the arrangement count towards QC.
 */
function satAddSubFast(op: u32, sz: u32, a: v128, b: v128, q: u32): v128 {
  const sub = (op & 4) != 0, uns = (op & U) != 0;
  let r: v128, wrap: v128;
  if (sz == 0) {
    wrap = sub ? i8x16.sub(a, b) : i8x16.add(a, b);
    if (sub) r = uns ? i8x16.sub_sat_u(a, b) : i8x16.sub_sat_s(a, b);
    else r = uns ? i8x16.add_sat_u(a, b) : i8x16.add_sat_s(a, b);
  } else {
    wrap = sub ? i16x8.sub(a, b) : i16x8.add(a, b);
    if (sub) r = uns ? i16x8.sub_sat_u(a, b) : i16x8.sub_sat_s(a, b);
    else r = uns ? i16x8.add_sat_u(a, b) : i16x8.add_sat_s(a, b);
  }
  const diff = v128.xor(r, wrap);
  if (q != 0 ? v128.any_true(diff) : i64x2.extract_lane(diff, 0) != 0) setQC();
  return r;
}

/**
 * Advanced SIMD three same (integer opcodes 00000-10111) and the scalar three same integer forms.
 * Returns false for unallocated encodings.
 */
export function execThreeSameInt(insn: u32, scalar: bool): bool {
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  const sz = (insn >> 22) & 3;
  const op = ((insn >> 24) & U) | ((insn >> 11) & 0x1f);
  const d = insn & 31, n = (insn >> 5) & 31, m = (insn >> 16) & 31;
  resClear();
  if (scalar) {
    if (!scalarAllowed(op, sz)) return false;
    resPut(0, sz, sameLane(op, elemU(n, 0, sz), elemU(m, 0, sz), 0, sz));
    resWrite(d, 0);
    return true;
  }
  if ((op & 0x1f) == OP_LOGIC) {
    logical(op, sz, d, n, m, q);
    return true;
  }
  if (!vecAllowed(op, sz, q)) return false;
  if (sameFast(op, sz, d, n, m, q)) return true;
  const elems = (<u32>8 << q) >> sz;
  if (isPairwise(op)) {
    // concatenate Vm:Vn and combine adjacent pairs (C7.2 ADDP (vector))
    for (let e: u32 = 0; e < elems; e++) {
      const i = e << 1;
      const a = i < elems ? elemU(n, i, sz) : elemU(m, i - elems, sz);
      const b = i + 1 < elems ? elemU(n, i + 1, sz) : elemU(m, i + 1 - elems, sz);
      resPut(e, sz, sameLane(op, a, b, 0, sz));
    }
  } else {
    for (let e: u32 = 0; e < elems; e++) {
      resPut(e, sz, sameLane(op, elemU(n, e, sz), elemU(m, e, sz), elemU(d, e, sz), sz));
    }
  }
  resWrite(d, q);
  return true;
}
