// cpu/as/simd_misc.ts - AdvSIMD two-register miscellaneous, integer forms (Arm ARM C4.1 "Advanced SIMD (scalar)
// two-register miscellaneous"), the integer "Advanced SIMD across lanes" group and the scalar pairwise ADDP.
// Floating-point opcodes go to simd_fpmisc.ts, the narrowing and widening ones (XTN, SQXTN, SHLL) to
// simd_long.ts.

import { V128 } from "./state";
import { elemU, elemS, sext, resClear, resPut, resWrite, setQC, satS, satU, sat64S, laneMask } from "./simd_lanes";
import { vWrite } from "./simd_int";
import { execNarrow, execShll } from "./simd_long";
import { execMiscFp, isMiscFp } from "./simd_fpmisc";

const U: u32 = 0x20;
// op = U:opcode
const OP_REV64: u32 = 0x00, OP_REV16: u32 = 0x01, OP_SADDLP: u32 = 0x02, OP_SUQADD: u32 = 0x03;
const OP_CLS: u32 = 0x04, OP_CNT: u32 = 0x05, OP_SADALP: u32 = 0x06, OP_SQABS: u32 = 0x07;
const OP_CMGT0: u32 = 0x08, OP_CMEQ0: u32 = 0x09, OP_CMLT0: u32 = 0x0a, OP_ABS: u32 = 0x0b;
const OP_RBIT: u32 = 0x40; // not an encoding: RBIT (vector) is U=1 opcode 00101 with size 01
const OP_XTN: u32 = 0x12, OP_SHLL: u32 = 0x13, OP_SQXTN: u32 = 0x14;

/** SUQADD: SignedSatQ(SInt(acc) + UInt(x)); USQADD: UnsignedSatQ(UInt(acc) + SInt(x)). */
function accumSat(acc: u64, x: u64, sz: u32, usqadd: bool): u64 {
  if (sz < 3) {
    return usqadd ? satU(<i64>acc + sext(x, sz), sz) : <u64>satS(sext(acc, sz) + <i64>x, sz);
  }
  if (usqadd) {
    if (<i64>x >= 0) {
      const r = acc + x;
      if (r < acc) { setQC(); return <u64>-1; }
      return r;
    }
    const mag = <u64>(-<i64>x);
    if (mag > acc) { setQC(); return 0; }
    return acc - mag;
  }
  // signed acc + unsigned x overflows iff x > INT64_MAX - acc (computed modulo 2^64, exact for both signs)
  if (x > <u64>0x7fffffffffffffff - acc) return sat64S(false);
  return acc + x;
}

/** SQABS/SQNEG on one element: SignedSatQ(-x) when the op negates it. */
function satAbsNeg(x: u64, sz: u32, neg: bool): u64 {
  const xs = sext(x, sz);
  if (!neg && xs >= 0) return x;
  if (sz == 3) return xs == i64.MIN_VALUE ? sat64S(false) : <u64>(-xs);
  return <u64>satS(-xs, sz);
}

/** CountLeadingSignBits / CountLeadingZeroBits of an element. */
function countLeading(x: u64, sz: u32, sign: bool): u64 {
  const bits = <u64>8 << sz;
  if (sign) return clz<u64>((x ^ (x >> 1)) & (laneMask(sz) >> 1)) - (<u64>65 - bits);
  return clz<u64>(x) - (<u64>64 - bits);
}

/** RBIT (vector): reverse the bits of a byte. */
function rbit8(x: u64): u64 {
  let r: u64 = 0;
  for (let i: u64 = 0; i < 8; i++) r |= ((x >> i) & 1) << (7 - i);
  return r;
}

/** One element of the lane-wise integer misc ops. */
function miscLane(op: u32, x: u64, acc: u64, sz: u32): u64 {
  const xs = sext(x, sz);
  switch (op) {
    case OP_SUQADD: return accumSat(acc, x, sz, false);
    case OP_SUQADD | U: return accumSat(acc, x, sz, true);
    case OP_CLS: return countLeading(x, sz, true);
    case OP_CLS | U: return countLeading(x, sz, false);
    case OP_CNT: return <u64>popcnt<u64>(x);
    case OP_CNT | U: return ~x; // NOT
    case OP_RBIT: return rbit8(x);
    case OP_SQABS: return satAbsNeg(x, sz, false);
    case OP_SQABS | U: return satAbsNeg(x, sz, true);
    case OP_CMGT0: return xs > 0 ? <u64>-1 : 0;
    case OP_CMGT0 | U: return xs >= 0 ? <u64>-1 : 0;
    case OP_CMEQ0: return xs == 0 ? <u64>-1 : 0;
    case OP_CMEQ0 | U: return xs <= 0 ? <u64>-1 : 0;
    case OP_CMLT0: return xs < 0 ? <u64>-1 : 0;
    case OP_ABS: return <u64>(xs < 0 ? -xs : xs);
    case OP_ABS | U: return <u64>(-xs);
  }
  return 0;
}

/** Allocated vector encodings of the lane-wise and REV/pairwise-long ops. */
function vecMiscAllowed(op: u32, sz: u32, q: u32): bool {
  switch (op) {
    case OP_REV64: return sz != 3;
    case OP_REV64 | U: return sz < 2; // REV32
    case OP_REV16: return sz == 0;
    case OP_SADDLP: case OP_SADDLP | U: case OP_SADALP: case OP_SADALP | U:
    case OP_CLS: case OP_CLS | U:
      return sz != 3;
    case OP_CNT: return sz == 0;
    case OP_CNT | U: return sz < 2;
    case OP_SUQADD: case OP_SUQADD | U: case OP_SQABS: case OP_SQABS | U:
    case OP_CMGT0: case OP_CMGT0 | U: case OP_CMEQ0: case OP_CMEQ0 | U: case OP_CMLT0:
    case OP_ABS: case OP_ABS | U:
      return sz != 3 || q != 0;
  }
  return false;
}

/** REV16/REV32/REV64: reverse the elements inside each 2^c-byte container. */
function rev(op: u32, sz: u32, d: u32, n: u32, q: u32): void {
  const c: u32 = op == OP_REV16 ? 1 : op == OP_REV64 ? 3 : 2;
  const flip = (<u32>1 << (c - sz)) - 1;
  const elems = (<u32>8 << q) >> sz;
  resClear();
  for (let e: u32 = 0; e < elems; e++) resPut(e, sz, elemU(n, e ^ flip, sz));
  resWrite(d, q);
}

/** SADDLP/UADDLP/SADALP/UADALP: add adjacent pairs into double-width elements (C7.2 SADDLP). */
function addPairsLong(op: u32, sz: u32, d: u32, n: u32, q: u32): void {
  const elems = (<u32>4 << q) >> sz;
  const uns = (op & U) != 0, acc = (op & 0x1f) == OP_SADALP;
  resClear();
  for (let e: u32 = 0; e < elems; e++) {
    let s: u64 = uns ? elemU(n, 2 * e, sz) + elemU(n, 2 * e + 1, sz)
      : <u64>(elemS(n, 2 * e, sz) + elemS(n, 2 * e + 1, sz));
    if (acc) s += elemU(d, e, sz + 1);
    resPut(e, sz + 1, s);
  }
  resWrite(d, q);
}

/** Wasm SIMD paths for common exact forms; false when there is none. */
function miscFast(op: u32, sz: u32, d: u32, n: u32, q: u32): bool {
  const a = V128(n);
  let r = a;
  if (op == (OP_CNT | U) && sz == 0) r = v128.not(a);
  else if (op == OP_CNT) r = i8x16.popcnt(a);
  else if (op == OP_CMEQ0) {
    const z = i64x2.splat(0);
    r = sz == 0 ? i8x16.eq(a, z) : sz == 1 ? i16x8.eq(a, z) : sz == 2 ? i32x4.eq(a, z) : i64x2.eq(a, z);
  } else if (op == OP_ABS) {
    r = sz == 0 ? i8x16.abs(a) : sz == 1 ? i16x8.abs(a) : sz == 2 ? i32x4.abs(a) : i64x2.abs(a);
  } else if (op == (OP_ABS | U)) {
    r = sz == 0 ? i8x16.neg(a) : sz == 1 ? i16x8.neg(a) : sz == 2 ? i32x4.neg(a) : i64x2.neg(a);
  } else {
    return false;
  }
  vWrite(d, r, q);
  return true;
}

/** Scalar forms: saturating ops of any size, compares against zero and ABS/NEG on D only. */
function scalarMiscAllowed(op: u32, sz: u32): bool {
  switch (op) {
    case OP_SUQADD: case OP_SUQADD | U: case OP_SQABS: case OP_SQABS | U:
      return true;
    case OP_CMGT0: case OP_CMGT0 | U: case OP_CMEQ0: case OP_CMEQ0 | U: case OP_CMLT0:
    case OP_ABS: case OP_ABS | U:
      return sz == 3;
  }
  return false;
}

/** Advanced SIMD (scalar) two-register miscellaneous. False for unallocated encodings. */
export function execMisc(insn: u32, scalar: bool): bool {
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  const sz = (insn >> 22) & 3;
  const op = ((insn >> 24) & U) | ((insn >> 12) & 0x1f);
  const d = insn & 31, n = (insn >> 5) & 31;
  if (isMiscFp(op, sz)) return execMiscFp(insn, scalar);
  if (op == OP_XTN || op == (OP_XTN | U) || op == OP_SQXTN || op == (OP_SQXTN | U)) {
    return execNarrow(insn, scalar);
  }
  if (op == (OP_SHLL | U)) return scalar ? false : execShll(insn);
  if (scalar) {
    if (!scalarMiscAllowed(op, sz)) return false;
    resClear();
    resPut(0, sz, miscLane(op, elemU(n, 0, sz), elemU(d, 0, sz), sz));
    resWrite(d, 0);
    return true;
  }
  if (!vecMiscAllowed(op, sz, q)) return false;
  switch (op & 0x1f) {
    case OP_REV64: case OP_REV16:
      rev(op, sz, d, n, q);
      return true;
    case OP_SADDLP: case OP_SADALP:
      addPairsLong(op, sz, d, n, q);
      return true;
  }
  if (miscFast(op, sz, d, n, q)) return true;
  let esz = sz;
  let lop = op;
  if (op == (OP_CNT | U)) { // NOT (size 00) and RBIT (size 01) work on bytes
    esz = 0;
    if (sz == 1) lop = OP_RBIT;
  }
  const elems = (<u32>8 << q) >> esz;
  resClear();
  for (let e: u32 = 0; e < elems; e++) resPut(e, esz, miscLane(lop, elemU(n, e, esz), elemU(d, e, esz), esz));
  resWrite(d, q);
  return true;
}

/** ADDV, SADDLV/UADDLV, SMAXV/UMAXV, SMINV/UMINV (C7.2 ADDV: Reduce over the elements). */
export function execAcrossInt(insn: u32): bool {
  const q = (insn >> 30) & 1, sz = (insn >> 22) & 3;
  const op = ((insn >> 24) & U) | ((insn >> 12) & 0x1f);
  const d = insn & 31, n = (insn >> 5) & 31;
  const opc = op & 0x1f;
  if (opc != 0x03 && opc != 0x0a && opc != 0x1a && op != 0x1b) return false;
  if (sz == 3 || (sz == 2 && q == 0)) return false;
  const elems = (<u32>8 << q) >> sz;
  const uns = (op & U) != 0;
  let rsz = sz;
  let acc: i64 = uns ? <i64>elemU(n, 0, sz) : elemS(n, 0, sz);
  for (let e: u32 = 1; e < elems; e++) {
    const x: i64 = uns ? <i64>elemU(n, e, sz) : elemS(n, e, sz);
    if (opc == 0x0a) { if (x > acc) acc = x; } // SMAXV/UMAXV (elements < 2^32: the i64 compare is exact)
    else if (opc == 0x1a) { if (x < acc) acc = x; } // SMINV/UMINV
    else acc += x; // ADDV, SADDLV/UADDLV
  }
  if (opc == 0x03) rsz = sz + 1;
  resClear();
  resPut(0, rsz, <u64>acc);
  resWrite(d, 0);
  return true;
}

/** Scalar pairwise ADDP (D only); the FP forms are in simd_fp.ts. */
export function execScalarAddp(insn: u32): bool {
  const sz = (insn >> 22) & 3;
  if ((insn & (1 << 29)) != 0 || sz != 3 || ((insn >> 12) & 0x1f) != 0x1b) return false;
  const n = (insn >> 5) & 31;
  resClear();
  resPut(0, 3, elemU(n, 0, 3) + elemU(n, 1, 3));
  resWrite(insn & 31, 0);
  return true;
}
