// cpu/as/simd_elem.ts - AdvSIMD "vector x indexed element" and "scalar x indexed element" (Arm ARM C4.1 encoding
// groups; semantics from the C7.2 pseudocode): MUL, MLA, MLS, SQDMULH, SQRDMULH, the long forms SMLAL, UMLAL,
// SMLSL, UMLSL, SMULL, UMULL, SQDMLAL, SQDMLSL, SQDMULL, and FMLA/FMLS/FMUL/FMULX by element. The index is H:L:M
// for 16-bit elements (Vm is then V0-V15), H:L for 32-bit and H for 64-bit elements.

import { elemU, sext, resClear, resPut, resWrite } from "./simd_lanes";
import { sqdmulh } from "./simd_int";
import { sqdmull, sqdmlal } from "./simd_long";
import { execElemFp } from "./simd_fp";

const U: u32 = 0x10;
// op = U:opcode (bits 15:12)
const OP_MLA: u32 = 0x10, OP_SMLAL: u32 = 0x02, OP_SQDMLAL: u32 = 0x03, OP_MLS: u32 = 0x14, OP_SMLSL: u32 = 0x06;
const OP_SQDMLSL: u32 = 0x07, OP_MUL: u32 = 0x08, OP_SMULL: u32 = 0x0a, OP_SQDMULL: u32 = 0x0b;
const OP_SQDMULH: u32 = 0x0c, OP_SQRDMULH: u32 = 0x0d;

/** 0 unallocated, 1 same-width op, 2 long op (vector forms). */
function vecKind(op: u32): u32 {
  switch (op) {
    case OP_MLA: case OP_MLS: case OP_MUL: case OP_SQDMULH: case OP_SQRDMULH:
      return 1;
    case OP_SMLAL: case OP_SMLAL | U: case OP_SQDMLAL: case OP_SMLSL: case OP_SMLSL | U: case OP_SQDMLSL:
    case OP_SMULL: case OP_SMULL | U: case OP_SQDMULL:
      return 2;
  }
  return 0;
}

/** Scalar forms: SQDMULH, SQRDMULH (same width), SQDMLAL, SQDMLSL, SQDMULL (long). */
function scalarKind(op: u32): u32 {
  switch (op) {
    case OP_SQDMULH: case OP_SQRDMULH: return 1;
    case OP_SQDMLAL: case OP_SQDMLSL: case OP_SQDMULL: return 2;
  }
  return 0;
}

/** One element of a same-width op. */
function sameLane(op: u32, a: u64, b: u64, acc: u64, sz: u32): u64 {
  switch (op) {
    case OP_MLA: return acc + a * b;
    case OP_MLS: return acc - a * b;
    case OP_MUL: return a * b;
    case OP_SQDMULH: return sqdmulh(a, b, sz, false);
  }
  return sqdmulh(a, b, sz, true); // OP_SQRDMULH
}

/** One element of a long op: a and b are narrow elements, acc and the result are 2 * esize bits. */
function longLane(op: u32, a: u64, b: u64, acc: u64, sz: u32): u64 {
  const uns = (op & U) != 0;
  const x: i64 = uns ? <i64>a : sext(a, sz), y: i64 = uns ? <i64>b : sext(b, sz);
  switch (op & 0xf) {
    case OP_SMLAL: return acc + <u64>(x * y);
    case OP_SMLSL: return acc - <u64>(x * y);
    case OP_SMULL: return <u64>(x * y);
    case OP_SQDMLAL: return sqdmlal(acc, x, y, sz, false);
    case OP_SQDMLSL: return sqdmlal(acc, x, y, sz, true);
  }
  return sqdmull(x, y, sz); // OP_SQDMULL
}

/** Advanced SIMD (scalar) x indexed element. Returns false for unallocated encodings. */
export function execIndexed(insn: u32, scalar: bool): bool {
  const sz = (insn >> 22) & 3;
  const opc = (insn >> 12) & 15;
  if ((opc & 3) == 1 && opc != 13) return execElemFp(insn, scalar); // FMLA 0001, FMLS 0101, FMUL/FMULX 1001
  const op = ((insn >> 25) & U) | opc;
  const kind = scalar ? scalarKind(op) : vecKind(op);
  if (kind == 0 || sz == 0 || sz == 3) return false;
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  const d = insn & 31, n = (insn >> 5) & 31;
  const h = (insn >> 11) & 1, l = (insn >> 21) & 1, mbit = (insn >> 20) & 1;
  let m = (insn >> 16) & 15, idx = (h << 1) | l;
  if (sz == 1) idx = (idx << 1) | mbit;
  else m |= mbit << 4;
  const b = elemU(m, idx, sz);
  resClear();
  if (kind == 1) {
    const elems: u32 = scalar ? 1 : (<u32>8 << q) >> sz;
    for (let e: u32 = 0; e < elems; e++) resPut(e, sz, sameLane(op, elemU(n, e, sz), b, elemU(d, e, sz), sz));
    resWrite(d, q);
    return true;
  }
  const elems: u32 = scalar ? 1 : (<u32>8) >> sz;
  const part = q != 0 ? elems : 0;
  for (let e: u32 = 0; e < elems; e++) {
    resPut(e, sz + 1, longLane(op, elemU(n, part + e, sz), b, elemU(d, e, sz + 1), sz));
  }
  resWrite(d, scalar ? 0 : 1);
  return true;
}
