// cpu/as/simd_fp.ts - AdvSIMD floating-point arithmetic on single and double precision lanes: three same
// (Arm ARM C4.1 "Advanced SIMD three same" opcodes 11xxx and its scalar group), pairwise (FADDP, FMAXP, ...,
// "Advanced SIMD scalar pairwise"), across lanes (FMAXV, FMINV, FMAXNMV, FMINNMV) and x indexed element (FMLA,
// FMLS, FMUL, FMULX).
// Every lane goes through fpcore.ts so that FPCR (rounding, FZ, DN) and the FPSR flags are exact.
// Half-precision arithmetic (ARMv8.2 FEAT_FP16) is not implemented: those encodings are left UNDEFINED.

import { S_FPCR } from "../layout";
import { cpu } from "./state";
import { elemU, resClear, resPut, resWrite } from "./simd_lanes";
import {
  fpAdd32, fpAdd64, fpSub32, fpSub64, fpMul32, fpMul64, fpMulX32, fpMulX64, fpDiv32, fpDiv64,
  fpMax32, fpMax64, fpMin32, fpMin64, fpMaxNum32, fpMaxNum64, fpMinNum32, fpMinNum64, fpMulAdd32, fpMulAdd64,
  fpCompareEq32, fpCompareEq64, fpCompareGe32, fpCompareGe64, fpCompareGt32, fpCompareGt64,
  fpRecipStep32, fpRecipStep64, fpRSqrtStep32, fpRSqrtStep64,
} from "./fpcore";

/** The FPCR value the lanes are computed with. */
@inline export function fpcrNow(): u32 {
  return load<u32>(cpu + S_FPCR);
}

/** Sign bit of a single (dbl false) or double lane. */
@inline export function fpSignBit(dbl: bool): u64 {
  return dbl ? 0x8000000000000000 : 0x80000000;
}

// op = U:a:opcode<2:0> where a is bit 23 and opcode is 11xxx ("Advanced SIMD three same")
const F_MAXNM: u32 = 0, F_MLA: u32 = 1, F_ADD: u32 = 2, F_MULX: u32 = 3, F_CMEQ: u32 = 4, F_MAX: u32 = 6;
const F_RECPS: u32 = 7, F_MINNM: u32 = 8, F_MLS: u32 = 9, F_SUB: u32 = 10, F_MIN: u32 = 14, F_RSQRTS: u32 = 15;
const F_MAXNMP: u32 = 16, F_ADDP: u32 = 18, F_MUL: u32 = 19, F_CMGE: u32 = 20, F_ACGE: u32 = 21;
const F_MAXP: u32 = 22, F_DIV: u32 = 23, F_MINNMP: u32 = 24, F_ABD: u32 = 26, F_CMGT: u32 = 28, F_ACGT: u32 = 29;
const F_MINP: u32 = 30;

/** FCMEQ/FCMGE/FCMGT/FACGE/FACGT on one lane: all ones when the comparison holds. */
function fpCmpLane(op: u32, a: u64, b: u64, dbl: bool, fpcr: u32): u64 {
  let x = a, y = b;
  if (op == F_ACGE || op == F_ACGT) { // FPAbs of both operands
    x &= ~fpSignBit(dbl);
    y &= ~fpSignBit(dbl);
  }
  let r: bool;
  if (op == F_CMEQ) r = dbl ? fpCompareEq64(x, y, fpcr) : fpCompareEq32(<u32>x, <u32>y, fpcr);
  else if (op == F_CMGE || op == F_ACGE) r = dbl ? fpCompareGe64(x, y, fpcr) : fpCompareGe32(<u32>x, <u32>y, fpcr);
  else r = dbl ? fpCompareGt64(x, y, fpcr) : fpCompareGt32(<u32>x, <u32>y, fpcr);
  return r ? <u64>-1 : 0;
}

/** One lane of a three-same FP op (pairwise ops use the lane op of their non-pairwise form). */
export function fpLane(op: u32, a: u64, b: u64, acc: u64, dbl: bool, fpcr: u32): u64 {
  const x = <u32>a, y = <u32>b;
  switch (op) {
    case F_MAXNM: case F_MAXNMP: return dbl ? fpMaxNum64(a, b, fpcr) : fpMaxNum32(x, y, fpcr);
    case F_MINNM: case F_MINNMP: return dbl ? fpMinNum64(a, b, fpcr) : fpMinNum32(x, y, fpcr);
    case F_MAX: case F_MAXP: return dbl ? fpMax64(a, b, fpcr) : fpMax32(x, y, fpcr);
    case F_MIN: case F_MINP: return dbl ? fpMin64(a, b, fpcr) : fpMin32(x, y, fpcr);
    case F_ADD: case F_ADDP: return dbl ? fpAdd64(a, b, fpcr) : fpAdd32(x, y, fpcr);
    case F_SUB: return dbl ? fpSub64(a, b, fpcr) : fpSub32(x, y, fpcr);
    case F_ABD: return (dbl ? fpSub64(a, b, fpcr) : fpSub32(x, y, fpcr)) & ~fpSignBit(dbl);
    case F_MUL: return dbl ? fpMul64(a, b, fpcr) : fpMul32(x, y, fpcr);
    case F_MULX: return dbl ? fpMulX64(a, b, fpcr) : fpMulX32(x, y, fpcr);
    case F_DIV: return dbl ? fpDiv64(a, b, fpcr) : fpDiv32(x, y, fpcr);
    case F_MLA: return dbl ? fpMulAdd64(acc, a, b, fpcr) : fpMulAdd32(<u32>acc, x, y, fpcr);
    case F_MLS: { // FPMulAdd(acc, FPNeg(element1), element2)
      const na = a ^ fpSignBit(dbl);
      return dbl ? fpMulAdd64(acc, na, b, fpcr) : fpMulAdd32(<u32>acc, <u32>na, y, fpcr);
    }
    case F_RECPS: return dbl ? fpRecipStep64(a, b, fpcr) : fpRecipStep32(x, y, fpcr);
    case F_RSQRTS: return dbl ? fpRSqrtStep64(a, b, fpcr) : fpRSqrtStep32(x, y, fpcr);
  }
  return fpCmpLane(op, a, b, dbl, fpcr);
}

/** Allocated vector three-same FP ops (FMLAL/FMLSL are ARMv8.2). */
function vecFpAllowed(op: u32): bool {
  switch (op) {
    case 5: case 11: case 12: case 13: case 17: case 25: case 27: case 31: return false;
  }
  return true;
}

@inline function isPairwiseFp(op: u32): bool {
  return op == F_MAXNMP || op == F_ADDP || op == F_MAXP || op == F_MINNMP || op == F_MINP;
}

/** Scalar three-same FP: FMULX, FCMEQ, FRECPS, FRSQRTS, FCMGE, FACGE, FABD, FCMGT, FACGT. */
function scalarFpAllowed(op: u32): bool {
  switch (op) {
    case F_MULX: case F_CMEQ: case F_RECPS: case F_RSQRTS: case F_CMGE: case F_ACGE: case F_ABD:
    case F_CMGT: case F_ACGT:
      return true;
  }
  return false;
}

/** Advanced SIMD (scalar) three same, floating-point opcodes (11xxx). */
export function execThreeSameFp(insn: u32, scalar: bool): bool {
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  const op = ((insn >> 25) & 0x10) | ((insn >> 20) & 8) | ((insn >> 11) & 7);
  const dbl = (insn & (1 << 22)) != 0;
  const d = insn & 31, n = (insn >> 5) & 31, m = (insn >> 16) & 31;
  if (scalar ? !scalarFpAllowed(op) : !vecFpAllowed(op) || (dbl && q == 0)) return false;
  const sz: u32 = dbl ? 3 : 2;
  const elems: u32 = scalar ? 1 : (<u32>2 << q) >> (sz - 2);
  const fpcr = fpcrNow();
  resClear();
  if (!scalar && isPairwiseFp(op)) {
    for (let e: u32 = 0; e < elems; e++) {
      const i = e << 1;
      const a = i < elems ? elemU(n, i, sz) : elemU(m, i - elems, sz);
      const b = i + 1 < elems ? elemU(n, i + 1, sz) : elemU(m, i + 1 - elems, sz);
      resPut(e, sz, fpLane(op, a, b, 0, dbl, fpcr));
    }
  } else {
    for (let e: u32 = 0; e < elems; e++) {
      resPut(e, sz, fpLane(op, elemU(n, e, sz), elemU(m, e, sz), elemU(d, e, sz), dbl, fpcr));
    }
  }
  resWrite(d, q);
  return true;
}

/** The lane op of FMAXNM[V|P] (opcode 01100), FADDP (01101), FMAX[V|P] (01111); a = bit 23 selects MIN. */
function reduceOp(opcode: u32, isMin: bool): u32 {
  if (opcode == 0x0c) return isMin ? F_MINNM : F_MAXNM;
  if (opcode == 0x0d) return F_ADD;
  return isMin ? F_MIN : F_MAX;
}

/** Scalar pairwise FP: FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP (2S or 2D source). FP16 (U = 0) is absent. */
export function execScalarPairFp(insn: u32): bool {
  const opcode = (insn >> 12) & 0x1f, isMin = (insn & (1 << 23)) != 0;
  if ((insn & (1 << 29)) == 0) return false;
  if (opcode != 0x0c && opcode != 0x0f && !(opcode == 0x0d && !isMin)) return false;
  const dbl = (insn & (1 << 22)) != 0, sz: u32 = dbl ? 3 : 2;
  const n = (insn >> 5) & 31;
  resClear();
  resPut(0, sz, fpLane(reduceOp(opcode, isMin), elemU(n, 0, sz), elemU(n, 1, sz), 0, dbl, fpcrNow()));
  resWrite(insn & 31, 0);
  return true;
}

/** FMAXNMV, FMINNMV, FMAXV, FMINV (4S only): Reduce() pairs the halves recursively, lower half first. */
export function execAcrossFp(insn: u32): bool {
  const q = (insn >> 30) & 1, opcode = (insn >> 12) & 0x1f, isMin = (insn & (1 << 23)) != 0;
  if ((insn & (1 << 29)) == 0 || q == 0 || (insn & (1 << 22)) != 0) return false;
  if (opcode != 0x0c && opcode != 0x0f) return false;
  const n = (insn >> 5) & 31, op = reduceOp(opcode, isMin), fpcr = fpcrNow();
  const lo = fpLane(op, elemU(n, 0, 2), elemU(n, 1, 2), 0, false, fpcr);
  const hi = fpLane(op, elemU(n, 2, 2), elemU(n, 3, 2), 0, false, fpcr);
  resClear();
  resPut(0, 2, fpLane(op, lo, hi, 0, false, fpcr));
  resWrite(insn & 31, 0);
  return true;
}

/** FMLA, FMLS, FMUL, FMULX (by element), vector and scalar; size 1x only (size 00 is FP16). */
export function execElemFp(insn: u32, scalar: bool): bool {
  const u = (insn >> 29) & 1, opc = (insn >> 12) & 15;
  const dbl = (insn & (1 << 22)) != 0, l = (insn >> 21) & 1;
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  if ((insn & (1 << 23)) == 0 || (u != 0 && opc != 9)) return false;
  if (dbl && (l != 0 || (!scalar && q == 0))) return false;
  const op = opc == 1 ? F_MLA : opc == 5 ? F_MLS : u != 0 ? F_MULX : F_MUL;
  const sz: u32 = dbl ? 3 : 2;
  const h = (insn >> 11) & 1;
  const idx = dbl ? h : (h << 1) | l;
  const m = (insn >> 16) & 31, d = insn & 31, n = (insn >> 5) & 31;
  const b = elemU(m, idx, sz), fpcr = fpcrNow();
  const elems: u32 = scalar ? 1 : (<u32>2 << q) >> (sz - 2);
  resClear();
  for (let e: u32 = 0; e < elems; e++) resPut(e, sz, fpLane(op, elemU(n, e, sz), b, elemU(d, e, sz), dbl, fpcr));
  resWrite(d, q);
  return true;
}
