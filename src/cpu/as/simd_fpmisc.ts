// cpu/as/simd_fpmisc.ts - AdvSIMD two-register miscellaneous, floating-point forms (Arm ARM C4.1 "Advanced SIMD
// (scalar) two-register miscellaneous"): FCMxx #0, FABS, FNEG, FRINT*, FCVT[NMAPZ][SU], SCVTF/UCVTF, FRECPE,
// FRSQRTE, FRECPX, FSQRT, FCVTN/FCVTL/FCVTXN, URECPE/URSQRTE; and the fixed-point conversions (SCVTF, UCVTF,
// FCVTZS, FCVTZU with #fbits) of "Advanced SIMD (scalar) shift by immediate". Single and double precision lanes
// go through fpcore.ts.

import { elemU, resClear, resPut, resWrite, resWriteUpper } from "./simd_lanes";
import { fpcrNow, fpSignBit } from "./simd_fp";
import {
  fpCompareEq32, fpCompareEq64, fpCompareGe32, fpCompareGe64, fpCompareGt32, fpCompareGt64,
  fpRoundInt32, fpRoundInt64, fpToFixed32, fpToFixed64, fixedToFp32, fixedToFp64, fpSqrt32, fpSqrt64,
  fpRecipEstimate32, fpRecipEstimate64, fpRSqrtEstimate32, fpRSqrtEstimate64, fpRecpX32, fpRecpX64,
  fpConvert16to32, fpConvert32to64, fpConvert32to16, fpConvert64to32, fpConvert64to32Odd,
  recipEstimate, recipSqrtEstimate, fpcrRMode,
  RM_TIEEVEN, RM_POSINF, RM_NEGINF, RM_ZERO, RM_TIEAWAY,
} from "./fpcore";

/** The FP opcodes of the two-register misc group: 011xx with size 1x, 1011x, 11xxx. */
export function isMiscFp(op: u32, sz: u32): bool {
  const opc = op & 0x1f;
  return (opc >= 0x0c && opc <= 0x0f && sz >= 2) || opc == 0x16 || opc == 0x17 || opc >= 0x18;
}

// key = U:a:opcode (a = bit 23)
const K_A: u32 = 0x20, K_U: u32 = 0x40;
const M_FCVTN: u32 = 0x16, M_FCVTL: u32 = 0x17, M_FRINTN: u32 = 0x18, M_FRINTM: u32 = 0x19;
const M_FCVTNS: u32 = 0x1a, M_FCVTMS: u32 = 0x1b, M_FCVTAS: u32 = 0x1c, M_SCVTF: u32 = 0x1d;
const M_FCMGT0: u32 = K_A | 0x0c, M_FCMEQ0: u32 = K_A | 0x0d, M_FCMLT0: u32 = K_A | 0x0e, M_FABS: u32 = K_A | 0x0f;
const M_FRINTP: u32 = K_A | 0x18, M_FRINTZ: u32 = K_A | 0x19, M_FCVTPS: u32 = K_A | 0x1a, M_FCVTZS: u32 = K_A | 0x1b;
const M_URECPE: u32 = K_A | 0x1c, M_FRECPE: u32 = K_A | 0x1d, M_FRECPX: u32 = K_A | 0x1f;
const M_FCVTXN: u32 = K_U | 0x16, M_FRINTA: u32 = K_U | 0x18, M_FRINTX: u32 = K_U | 0x19;
const M_FCMGE0: u32 = K_U | K_A | 0x0c, M_FCMLE0: u32 = K_U | K_A | 0x0d, M_FNEG: u32 = K_U | K_A | 0x0f;
const M_FRINTI: u32 = K_U | K_A | 0x19, M_URSQRTE: u32 = K_U | K_A | 0x1c, M_FRSQRTE: u32 = K_U | K_A | 0x1d;
const M_FSQRT: u32 = K_U | K_A | 0x1f;

/** FCMGT/FCMEQ/FCMLT/FCMGE/FCMLE against +0.0 (LT and LE compare 0 > x, 0 >= x). */
function cmpZero(key: u32, x: u64, dbl: bool, fpcr: u32): u64 {
  let r: bool;
  if (key == M_FCMEQ0) r = dbl ? fpCompareEq64(x, 0, fpcr) : fpCompareEq32(<u32>x, 0, fpcr);
  else if (key == M_FCMGT0) r = dbl ? fpCompareGt64(x, 0, fpcr) : fpCompareGt32(<u32>x, 0, fpcr);
  else if (key == M_FCMGE0) r = dbl ? fpCompareGe64(x, 0, fpcr) : fpCompareGe32(<u32>x, 0, fpcr);
  else if (key == M_FCMLT0) r = dbl ? fpCompareGt64(0, x, fpcr) : fpCompareGt32(0, <u32>x, fpcr);
  else r = dbl ? fpCompareGe64(0, x, fpcr) : fpCompareGe32(0, <u32>x, fpcr); // FCMLE0
  return r ? <u64>-1 : 0;
}

/** FPRounding of the FRINT and FCVT*S/U ops from their opcode (N, M, P, Z, A); -1: FPCR.RMode (X, I). */
function opRounding(key: u32): i32 {
  switch (key) {
    case M_FRINTN: return <i32>RM_TIEEVEN;
    case M_FRINTM: return <i32>RM_NEGINF;
    case M_FRINTP: return <i32>RM_POSINF;
    case M_FRINTZ: return <i32>RM_ZERO;
    case M_FRINTA: return <i32>RM_TIEAWAY;
    case M_FRINTX: case M_FRINTI: return -1;
  }
  switch (key & ~K_U) { // FCVTxS and FCVTxU share the rounding of their opcode
    case M_FCVTNS: return <i32>RM_TIEEVEN;
    case M_FCVTMS: return <i32>RM_NEGINF;
    case M_FCVTPS: return <i32>RM_POSINF;
    case M_FCVTZS: return <i32>RM_ZERO;
  }
  return <i32>RM_TIEAWAY; // FCVTAS, FCVTAU
}

/** UnsignedRecipEstimate / UnsignedRSqrtEstimate (URECPE, URSQRTE) on a 32-bit lane. */
function unsignedEstimate(x: u64, rsqrt: bool): u64 {
  if (rsqrt ? (x >> 30) == 0 : (x >> 31) == 0) return 0xffffffff;
  const a = <u32>(x >> 23) & 0x1ff;
  const est = rsqrt ? recipSqrtEstimate(a) : recipEstimate(a);
  return <u64>(est & 0x1ff) << 23;
}

/** One lane of the lane-wise FP misc ops. */
function miscFpLane(key: u32, x: u64, dbl: bool, fpcr: u32): u64 {
  const y = <u32>x;
  switch (key) {
    case M_FABS: return x & ~fpSignBit(dbl);
    case M_FNEG: return x ^ fpSignBit(dbl);
    case M_FSQRT: return dbl ? fpSqrt64(x, fpcr) : fpSqrt32(y, fpcr);
    case M_FRECPE: return dbl ? fpRecipEstimate64(x, fpcr) : fpRecipEstimate32(y, fpcr);
    case M_FRSQRTE: return dbl ? fpRSqrtEstimate64(x, fpcr) : fpRSqrtEstimate32(y, fpcr);
    case M_FRECPX: return dbl ? fpRecpX64(x, fpcr) : fpRecpX32(y, fpcr);
    case M_URECPE: return unsignedEstimate(x, false);
    case M_URSQRTE: return unsignedEstimate(x, true);
    case M_SCVTF: case M_SCVTF | K_U:
      return dbl ? fixedToFp64(x, 0, key != M_SCVTF, fpcr, 64) : fixedToFp32(x, 0, key != M_SCVTF, fpcr, 32);
  }
  if ((key & 0x1f) >= 0x1a) { // FCVT[NMAPZ][SU] to an integer of the lane's size
    const rm = <u32>opRounding(key), uns = (key & K_U) != 0;
    return dbl ? fpToFixed64(x, 0, uns, rm, fpcr, 64) : fpToFixed32(y, 0, uns, rm, fpcr, 32);
  }
  if ((key & 0x1f) >= 0x18) { // FRINT*: X is exact (IXC) with the FPCR mode, I inexact-silent
    const r = opRounding(key);
    const rm = r < 0 ? fpcrRMode(fpcr) : <u32>r;
    const exact = key == M_FRINTX;
    return dbl ? fpRoundInt64(x, fpcr, rm, exact) : fpRoundInt32(y, fpcr, rm, exact);
  }
  return cmpZero(key, x, dbl, fpcr);
}

/** Allocated lane-wise keys; `scalar` narrows to the scalar group's list. */
function miscFpAllowed(key: u32, scalar: bool): bool {
  switch (key) {
    case M_FCVTNS: case M_FCVTMS: case M_FCVTAS: case M_SCVTF:
    case M_FCVTNS | K_U: case M_FCVTMS | K_U: case M_FCVTAS | K_U: case M_SCVTF | K_U:
    case M_FCMGT0: case M_FCMEQ0: case M_FCMLT0: case M_FCVTPS: case M_FCVTZS: case M_FRECPE:
    case M_FCMGE0: case M_FCMLE0: case M_FCVTPS | K_U: case M_FCVTZS | K_U: case M_FRSQRTE:
      return true;
    case M_FRECPX:
      return scalar;
    case M_FRINTN: case M_FRINTM: case M_FRINTP: case M_FRINTZ: case M_FRINTA: case M_FRINTX: case M_FRINTI:
    case M_FABS: case M_FNEG: case M_FSQRT: case M_URECPE: case M_URSQRTE:
      return !scalar;
  }
  return false;
}

/** FCVTN, FCVTXN (narrow, "2" forms write the upper half) and FCVTL (widen from the lower or upper half). */
function convertPrecision(key: u32, dbl: bool, d: u32, n: u32, q: u32, scalar: bool): bool {
  const fpcr = fpcrNow();
  if (key == M_FCVTL) {
    if (scalar) return false;
    const elems: u32 = dbl ? 2 : 4, part = q != 0 ? elems : 0;
    resClear();
    for (let e: u32 = 0; e < elems; e++) {
      const x = elemU(n, part + e, dbl ? 2 : 1);
      resPut(e, dbl ? 3 : 2, dbl ? fpConvert32to64(<u32>x, fpcr) : <u64>fpConvert16to32(<u32>x, fpcr));
    }
    resWrite(d, 1);
    return true;
  }
  if (key == M_FCVTXN ? !dbl : scalar) return false; // FCVTXN is 64 -> 32 only; FCVTN has no scalar form
  const elems: u32 = scalar ? 1 : dbl ? 2 : 4;
  resClear();
  for (let e: u32 = 0; e < elems; e++) {
    const x = elemU(n, e, dbl ? 3 : 2);
    let r: u32;
    if (key == M_FCVTXN) r = fpConvert64to32Odd(x, fpcr);
    else r = dbl ? fpConvert64to32(x, fpcr) : fpConvert32to16(<u32>x, fpcr);
    resPut(e, dbl ? 2 : 1, <u64>r);
  }
  if (q != 0) resWriteUpper(d);
  else resWrite(d, 0);
  return true;
}

/** Advanced SIMD (scalar) two-register misc, floating-point opcodes. */
export function execMiscFp(insn: u32, scalar: bool): bool {
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  const key = ((insn >> 23) & K_U) | ((insn >> 18) & K_A) | ((insn >> 12) & 0x1f);
  const dbl = (insn & (1 << 22)) != 0;
  const d = insn & 31, n = (insn >> 5) & 31;
  if (key == M_FCVTN || key == M_FCVTL || key == M_FCVTXN) return convertPrecision(key, dbl, d, n, q, scalar);
  if (!miscFpAllowed(key, scalar)) return false;
  if (key == M_URECPE || key == M_URSQRTE) {
    if (dbl) return false;
  } else if (dbl && !scalar && q == 0) {
    return false;
  }
  const sz: u32 = dbl ? 3 : 2;
  const elems: u32 = scalar ? 1 : (<u32>2 << q) >> (sz - 2);
  const fpcr = fpcrNow();
  resClear();
  for (let e: u32 = 0; e < elems; e++) resPut(e, sz, miscFpLane(key, elemU(n, e, sz), dbl, fpcr));
  resWrite(d, q);
  return true;
}

/** SCVTF, UCVTF, FCVTZS, FCVTZU (vector and scalar, fixed-point): fbits = 2 * esize - immh:immb. */
export function execShiftFixed(insn: u32, scalar: bool): bool {
  const immh = (insn >> 19) & 15;
  if (immh < 4) return false; // 001x is half precision (ARMv8.2), 0001 reserved
  const dbl = immh >= 8;
  const q: u32 = scalar ? 0 : (insn >> 30) & 1;
  if (dbl && !scalar && q == 0) return false;
  const uns = (insn & (1 << 29)) != 0, toFp = ((insn >> 11) & 0x1f) == 0x1c;
  const sz: u32 = dbl ? 3 : 2;
  const fbits = (<u32>16 << sz) - ((insn >> 16) & 0x7f);
  const d = insn & 31, n = (insn >> 5) & 31;
  const elems: u32 = scalar ? 1 : (<u32>2 << q) >> (sz - 2);
  const fpcr = fpcrNow();
  resClear();
  for (let e: u32 = 0; e < elems; e++) {
    const x = elemU(n, e, sz);
    let r: u64;
    if (toFp) r = dbl ? fixedToFp64(x, fbits, uns, fpcr, 64) : <u64>fixedToFp32(x, fbits, uns, fpcr, 32);
    else r = dbl ? fpToFixed64(x, fbits, uns, RM_ZERO, fpcr, 64) : fpToFixed32(<u32>x, fbits, uns, RM_ZERO, fpcr, 32);
    resPut(e, sz, r);
  }
  resWrite(d, q);
  return true;
}
