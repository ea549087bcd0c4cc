// cpu/as/simd_long.ts - AdvSIMD widening and narrowing: "Advanced SIMD (scalar) three different" (Arm ARM C4.1)
// and the narrowing/widening two-register misc ops XTN, SQXTN, UQXTN, SQXTUN, SHLL.
// The "2" forms (Q = 1) read the upper halves of the narrow sources or write the upper half of the destination,
// keeping its lower half (C7.2 XTN, XTN2: Vpart[d, part] = result).

import {
  elemU, sext, resClear, resPut, resWrite, resWriteUpper, setQC, satS, satU, laneMask,
} from "./simd_lanes";
import { V128, vAddr, setV64 } from "./state";
import { satAdd, satSub } from "./simd_int";

// opcode (bits 15:12) of the three different group
const OP_ADDL: u32 = 0x0, OP_ADDW: u32 = 0x1, OP_SUBL: u32 = 0x2, OP_SUBW: u32 = 0x3, OP_ADDHN: u32 = 0x4;
const OP_ABAL: u32 = 0x5, OP_SUBHN: u32 = 0x6, OP_ABDL: u32 = 0x7, OP_MLAL: u32 = 0x8, OP_SQDMLAL: u32 = 0x9;
const OP_MLSL: u32 = 0xa, OP_SQDMLSL: u32 = 0xb, OP_MULL: u32 = 0xc, OP_SQDMULL: u32 = 0xd, OP_PMULL: u32 = 0xe;

/** SignedSatQ(2 * a * b, 2 * esize) for signed elements of 16 or 32 bits (sz 1, 2). */
export function sqdmull(a: i64, b: i64, sz: u32): u64 {
  const p = a * b; // |p| <= 2^62
  if (sz == 2) {
    if (p == (<i64>1 << 62)) { setQC(); return 0x7fffffffffffffff; }
    return <u64>(p << 1);
  }
  return <u64>satS(p << 1, sz + 1);
}

/** SQDMLAL/SQDMLSL: acc +/- SignedSatQ(2ab), saturating both steps (C7.2 SQDMLAL). */
export function sqdmlal(acc: u64, a: i64, b: i64, sz: u32, sub: bool): u64 {
  const p = sqdmull(a, b, sz);
  return sub ? satSub(acc, p, sz + 1, false) : satAdd(acc, p, sz + 1, false);
}

/** PMULL (8-bit): carry-less product of two bytes, 16 bits. */
function pmull8(a: u64, b: u64): u64 {
  let r: u64 = 0;
  for (let i: u64 = 0; i < 8; i++) if (((b >> i) & 1) != 0) r ^= a << i;
  return r;
}

/** Element of a narrow source: signed or unsigned extension of V[r]'s element e. */
@inline function ext(r: u32, e: u32, sz: u32, uns: bool): i64 {
  const x = elemU(r, e, sz);
  return uns ? <i64>x : sext(x, sz);
}

/** One element of a long op (the result is 2 * esize bits; wrapping u64 arithmetic is exact for it). */
function longLane(opc: u32, uns: bool, a: i64, b: i64, acc: u64, sz: u32): u64 {
  switch (opc) {
    case OP_ADDL: return <u64>(a + b);
    case OP_SUBL: return <u64>(a - b);
    case OP_ABAL: return acc + <u64>(a > b ? a - b : b - a);
    case OP_ABDL: return <u64>(a > b ? a - b : b - a);
    case OP_MLAL: return acc + <u64>(a * b);
    case OP_MLSL: return acc - <u64>(a * b);
    case OP_MULL: return <u64>(a * b);
    case OP_SQDMULL: return sqdmull(a, b, sz);
    case OP_SQDMLAL: return sqdmlal(acc, a, b, sz, false);
    case OP_SQDMLSL: return sqdmlal(acc, a, b, sz, true);
    default: return pmull8(<u64>a, <u64>b); // OP_PMULL
  }
}

/** Allocated encodings; size 11 (including PMULL 1Q, a Crypto extension instruction) is not. */
function threeDiffAllowed(opc: u32, uns: bool, sz: u32, scalar: bool): bool {
  if (sz == 3) return false;
  const sq = opc == OP_SQDMLAL || opc == OP_SQDMLSL || opc == OP_SQDMULL;
  if (scalar) return !uns && sq && sz != 0;
  if (sq) return !uns && sz != 0;
  if (opc == OP_PMULL) return !uns && sz == 0;
  return opc != 0xf;
}

/** ADDHN, RADDHN, SUBHN, RSUBHN: the high half of each double-width sum or difference (C7.2 ADDHN). */
function highNarrow(opc: u32, uns: bool, sz: u32, d: u32, n: u32, m: u32, q: u32): void {
  const bits = <u64>8 << sz;
  const round: u64 = uns ? <u64>1 << (bits - 1) : 0;
  const elems = (<u32>8) >> sz;
  resClear();
  for (let e: u32 = 0; e < elems; e++) {
    const a = elemU(n, e, sz + 1), b = elemU(m, e, sz + 1);
    resPut(e, sz, ((opc == OP_ADDHN ? a + b : a - b) + round) >> bits);
  }
  if (q != 0) resWriteUpper(d);
  else resWrite(d, 0);
}

/** Advanced SIMD three different, and the scalar SQDMLAL/SQDMLSL/SQDMULL. */
export function execThreeDiff(insn: u32, scalar: bool): bool {
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  const uns = (insn & (1 << 29)) != 0;
  const sz = (insn >> 22) & 3, opc = (insn >> 12) & 0xf;
  const d = insn & 31, n = (insn >> 5) & 31, m = (insn >> 16) & 31;
  if (!threeDiffAllowed(opc, uns, sz, scalar)) return false;
  if (opc == OP_ADDHN || opc == OP_SUBHN) {
    highNarrow(opc, uns, sz, d, n, m, q);
    return true;
  }
  const elems: u32 = scalar ? 1 : (<u32>8) >> sz;
  const part = q != 0 ? elems : 0;
  const sgn = !uns && opc != OP_PMULL;
  resClear();
  for (let e: u32 = 0; e < elems; e++) {
    const b = ext(m, part + e, sz, !sgn);
    let r: u64;
    if (opc == OP_ADDW || opc == OP_SUBW) {
      const a = elemU(n, e, sz + 1);
      r = opc == OP_ADDW ? a + <u64>b : a - <u64>b;
    } else {
      r = longLane(opc, uns, ext(n, part + e, sz, !sgn), b, elemU(d, e, sz + 1), sz);
    }
    resPut(e, sz + 1, r);
  }
  resWrite(d, scalar ? 0 : 1);
  return true;
}

/** XTN, XTN2: keep the low half of each element (one byte shuffle). */
function xtn(sz: u32, d: u32, n: u32, q: u32): void {
  const a = V128(n);
  let r: v128;
  if (sz == 0) r = i8x16.shuffle(a, a, 0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0);
  else if (sz == 1) r = i8x16.shuffle(a, a, 0, 1, 4, 5, 8, 9, 12, 13, 0, 0, 0, 0, 0, 0, 0, 0);
  else r = i8x16.shuffle(a, a, 0, 1, 2, 3, 8, 9, 10, 11, 0, 0, 0, 0, 0, 0, 0, 0);
  const lo = <u64>i64x2.extract_lane(r, 0);
  if (q != 0) store<u64>(vAddr(d), lo, 8);
  else setV64(d, lo);
}

/** XTN, SQXTN, UQXTN, SQXTUN (vector and scalar): narrow each element to half its width. */
export function execNarrow(insn: u32, scalar: bool): bool {
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  const uns = (insn & (1 << 29)) != 0;
  const sz = (insn >> 22) & 3, sat = ((insn >> 12) & 0x1f) == 0x14;
  const d = insn & 31, n = (insn >> 5) & 31;
  if (sz == 3 || (scalar && !uns && !sat)) return false;
  if (!scalar && !uns && !sat) {
    xtn(sz, d, n, q);
    return true;
  }
  const elems: u32 = scalar ? 1 : (<u32>8) >> sz;
  resClear();
  for (let e: u32 = 0; e < elems; e++) {
    const x = elemU(n, e, sz + 1);
    let r = x;
    if (sat && !uns) r = <u64>satS(sext(x, sz + 1), sz); // SQXTN
    else if (!sat && uns) r = satU(sext(x, sz + 1), sz); // SQXTUN
    else if (sat && x > laneMask(sz)) { setQC(); r = laneMask(sz); } // UQXTN
    resPut(e, sz, r);
  }
  if (q != 0) resWriteUpper(d);
  else resWrite(d, 0);
  return true;
}

/** SHLL, SHLL2: widen and shift left by the element size (C7.2 SHLL). */
export function execShll(insn: u32): bool {
  const q = (insn >> 30) & 1, sz = (insn >> 22) & 3;
  if (sz == 3) return false;
  const d = insn & 31, n = (insn >> 5) & 31;
  const elems = (<u32>8) >> sz, part = q != 0 ? elems : 0;
  resClear();
  for (let e: u32 = 0; e < elems; e++) resPut(e, sz + 1, elemU(n, part + e, sz) << (<u64>8 << sz));
  resWrite(d, 1);
  return true;
}
