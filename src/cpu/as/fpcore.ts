// cpu/as/fpcore.ts - IEEE 754 binary16/32/64 arithmetic with the Arm FPCR/FPSR rules, bit-exact with the Arm ARM
// pseudocode (DDI 0487, shared/functions/float/*: FPUnpackBase, FPRoundBase, FPProcessNaN(s), FPAdd, FPMulAdd,
// FPToFixed, FPConvert, FPRecipEstimate, ...). Used by the scalar FP executor (fp.ts) and by AdvSIMD (simd.ts).
//
// A soft-float over integers: an operand is unpacked into sign, unbounded exponent and a significand whose leading
// one is at bit 62 (value = sig * 2^(exp - 62)); arithmetic is exact on integers (128 bits for products) with a
// sticky bit ORed into bit 0, and roundPack (FPRoundBase) rounds once. Wasm f32/f64 arithmetic alone cannot give
// these semantics (nearest-even only, no fused multiply-add, no flags, no FZ); it serves as a proven fast path for
// the common case of add/sub/mul/div/sqrt and single-precision FMA (see "native fast paths").
//
// Interface: values are bit patterns (an f32 in the low 32 bits). `fpcr` is the FPCR value to apply; exceptions
// accumulate into FPSR (S_FPSR) of the running vCPU. The FPCR trap enables (IOE, DZE, OFE, UFE, IXE, IDE) are
// RAZ/WI on this implementation, so exceptions never trap and FPRoundBase's "UFE == 1" case never arises.
// Only ARMv8.0 behaviour: FPCR.FZ16, AH, FIZ, NEP are not implemented (half-precision appears in conversions).

import { S_FPSR } from "../layout";
import { cpu } from "./state";

// FPSR cumulative exception bits (Arm ARM C5.2, FPSR)
export const FPSR_IOC: u32 = 1 << 0;
export const FPSR_DZC: u32 = 1 << 1;
export const FPSR_OFC: u32 = 1 << 2;
export const FPSR_UFC: u32 = 1 << 3;
export const FPSR_IXC: u32 = 1 << 4;
export const FPSR_IDC: u32 = 1 << 7;
export const FPSR_QC: u32 = 1 << 27;

// FPCR fields (Arm ARM C5.2, FPCR)
export const FPCR_AHP: u32 = 1 << 26;
export const FPCR_DN: u32 = 1 << 25;
export const FPCR_FZ: u32 = 1 << 24;
export const FPCR_RMODE_SHIFT: u32 = 22;

// FPRounding, numbered as FPDecodeRounding (0-3 are FPCR.RMode values)
export const RM_TIEEVEN: u32 = 0;
export const RM_POSINF: u32 = 1;
export const RM_NEGINF: u32 = 2;
export const RM_ZERO: u32 = 3;
export const RM_TIEAWAY: u32 = 4;
export const RM_ODD: u32 = 5;

// FPType of an unpacked operand (T_FINITE is FPType_Nonzero: normal or denormal)
const T_ZERO: u32 = 0;
const T_FINITE: u32 = 1;
const T_INF: u32 = 2;
const T_QNAN: u32 = 3;
const T_SNAN: u32 = 4;

/** FPProcessException for an untrapped exception: set the cumulative FPSR bits `flags`. */
@inline export function fpRaise(flags: u32): void {
  const a = cpu + S_FPSR;
  store<u32>(a, load<u32>(a) | flags);
}

/** FPRoundingMode(fpcr): FPCR.RMode as an RM_* value. */
@inline export function fpcrRMode(fpcr: u32): u32 {
  return (fpcr >> FPCR_RMODE_SHIFT) & 3;
}

// ---------------------------------------------------------------- format parameters (N = 16, 32, 64)

@inline function fbitsOf(N: u32): u32 {
  return N == 64 ? 52 : (N == 32 ? 23 : 10);
}
@inline function ebitsOf(N: u32): u32 {
  return N == 64 ? 11 : (N == 32 ? 8 : 5);
}
@inline function biasOf(N: u32): i32 {
  return N == 64 ? 1023 : (N == 32 ? 127 : 15);
}
@inline function signBit(sign: u32, N: u32): u64 {
  return <u64>sign << <u64>(N - 1);
}
@inline function expMax(N: u32): u64 {
  return (<u64>1 << <u64>ebitsOf(N)) - 1;
}
@inline function fpZero(sign: u32, N: u32): u64 {
  return signBit(sign, N);
}
@inline function fpInfinity(sign: u32, N: u32): u64 {
  return signBit(sign, N) | (expMax(N) << <u64>fbitsOf(N));
}
@inline function fpMaxNormal(sign: u32, N: u32): u64 {
  const F = <u64>fbitsOf(N);
  return signBit(sign, N) | ((expMax(N) - 1) << F) | ((<u64>1 << F) - 1);
}
@inline function fpDefaultNaN(N: u32): u64 {
  const F = <u64>fbitsOf(N);
  return (expMax(N) << F) | (<u64>1 << (F - 1));
}
/** FPTwo(sign) */
@inline function fpTwo(sign: u32, N: u32): u64 {
  return signBit(sign, N) | (<u64>(biasOf(N) + 1) << <u64>fbitsOf(N));
}
/** FPOnePointFive(sign) */
@inline function fpOnePointFive(sign: u32, N: u32): u64 {
  const F = <u64>fbitsOf(N);
  return signBit(sign, N) | (<u64>biasOf(N) << F) | (<u64>1 << (F - 1));
}

/** x >> n with the bits shifted out ORed into bit 0 (any n). */
@inline function shiftRightJam(x: u64, n: u32): u64 {
  if (n == 0) return x;
  if (n >= 63) return x != 0 ? 1 : 0;
  return (x >> <u64>n) | ((x & ((<u64>1 << <u64>n) - 1)) != 0 ? 1 : 0);
}

// ---------------------------------------------------------------- FPUnpackBase

// Results of unpack(): FPType, sign, and for T_FINITE the value sig * 2^(exp - 62) with sig's leading one at bit 62.
let uType: u32 = 0;
let uSign: u32 = 0;
let uExp: i32 = 0;
let uSig: u64 = 0;

/**
 * FPUnpackBase(fpval, fpcr): classify the N-bit `x`. Denormals are flushed to zero with IDC when FPCR.FZ is set
 * (N = 32, 64; half precision has FZ16, which ARMv8.0 lacks). With FPCR.AHP an all-ones half exponent is normal.
 */
function unpack(x: u64, N: u32, fpcr: u32): void {
  const F = <u64>fbitsOf(N);
  const e = (x >> F) & expMax(N);
  const f = x & ((<u64>1 << F) - 1);
  uSign = <u32>(x >> <u64>(N - 1)) & 1;
  if (e == 0) {
    if (f == 0 || (N != 16 && (fpcr & FPCR_FZ) != 0)) {
      uType = T_ZERO;
      if (f != 0) fpRaise(FPSR_IDC);
      return;
    }
    const lz = clz(f); // the leading one of f is at bit 63 - lz
    uType = T_FINITE;
    uSig = f << (lz - 1);
    uExp = 1 - biasOf(N) - <i32>F + 63 - <i32>lz;
  } else if (e == expMax(N) && !(N == 16 && (fpcr & FPCR_AHP) != 0)) {
    uType = f == 0 ? T_INF : (((f >> (F - 1)) & 1) != 0 ? T_QNAN : T_SNAN);
  } else {
    uType = T_FINITE;
    uSig = ((<u64>1 << F) | f) << (62 - F);
    uExp = <i32>e - biasOf(N);
  }
}

// ---------------------------------------------------------------- FPRoundBase

/**
 * FPRoundBase: round the nonzero real (-1)^sign * sig * 2^(exp - 62) (sig's leading one at bit 62, a sticky bit in
 * bit 0) to format N with rounding `rm`. Underflow is detected on the unrounded value (biased exponent 0 before
 * rounding, and inexact), as the pseudocode does; FZ flushes such values to zero with UFC and no IXC.
 */
function roundPack(sign: u32, exp: i32, sig: u64, N: u32, fpcr: u32, rm: u32): u64 {
  const F = <u64>fbitsOf(N);
  const minExp: i32 = 1 - biasOf(N);
  if (N != 16 && (fpcr & FPCR_FZ) != 0 && exp < minExp) {
    fpRaise(FPSR_UFC);
    return fpZero(sign, N);
  }
  let bexp: i32 = exp - minExp + 1;
  if (bexp <= 0) {
    sig = shiftRightJam(sig, <u32>(1 - bexp));
    bexp = 0;
  }
  const g: u64 = 62 - F; // bits below the unit in the last place
  let mant = sig >> g;
  const err = sig & ((<u64>1 << g) - 1);
  const half = <u64>1 << (g - 1);
  let flags: u32 = bexp == 0 && err != 0 ? FPSR_UFC : 0;
  let up = false;
  let ovfToInf = true;
  switch (rm) {
    case RM_TIEEVEN: up = err > half || (err == half && (mant & 1) != 0); break;
    case RM_POSINF: up = err != 0 && sign == 0; ovfToInf = sign == 0; break;
    case RM_NEGINF: up = err != 0 && sign != 0; ovfToInf = sign != 0; break;
    case RM_TIEAWAY: up = err >= half; break;
    default: ovfToInf = false; // RM_ZERO, RM_ODD
  }
  if (up) {
    mant++;
    if (mant == <u64>1 << F) bexp = 1; // a denormal rounded up to the smallest normal
    else if (mant == <u64>2 << F) { bexp++; mant >>= 1; }
  }
  if (rm == RM_ODD && err != 0) mant |= 1;
  let inexact = err != 0;
  let result = signBit(sign, N) | (<u64>bexp << F) | (mant & ((<u64>1 << F) - 1));
  if (N != 16 || (fpcr & FPCR_AHP) == 0) {
    if (<u64>bexp >= expMax(N)) {
      result = ovfToInf ? fpInfinity(sign, N) : fpMaxNormal(sign, N);
      flags |= FPSR_OFC;
      inexact = true;
    }
  } else if (<u64>bexp > expMax(N)) {
    // Alternative half precision has no infinity: saturate and signal Invalid, not Overflow/Inexact
    result = signBit(sign, N) | 0x7fff;
    flags |= FPSR_IOC;
    inexact = false;
  }
  if (inexact) flags |= FPSR_IXC;
  if (flags != 0) fpRaise(flags);
  return result;
}

// ---------------------------------------------------------------- NaN handling

/** FPProcessNaN: quiet a signalling NaN (IOC); FPCR.DN replaces the result by the default NaN. */
function processNaN(t: u32, x: u64, N: u32, fpcr: u32): u64 {
  let r = x;
  if (t == T_SNAN) {
    r |= <u64>1 << <u64>(fbitsOf(N) - 1);
    fpRaise(FPSR_IOC);
  }
  return (fpcr & FPCR_DN) != 0 ? fpDefaultNaN(N) : r;
}

/** FPProcessNaNs for operands of which at least one is a NaN: signalling before quiet, first operand first. */
function processNaNs(t1: u32, t2: u32, x1: u64, x2: u64, N: u32, fpcr: u32): u64 {
  if (t1 == T_SNAN) return processNaN(t1, x1, N, fpcr);
  if (t2 == T_SNAN) return processNaN(t2, x2, N, fpcr);
  if (t1 == T_QNAN) return processNaN(t1, x1, N, fpcr);
  return processNaN(t2, x2, N, fpcr);
}

/** FPProcessNaNs3 for operands of which at least one is a NaN. */
function processNaNs3(t1: u32, t2: u32, t3: u32, x1: u64, x2: u64, x3: u64, N: u32, fpcr: u32): u64 {
  if (t1 == T_SNAN) return processNaN(t1, x1, N, fpcr);
  if (t2 == T_SNAN) return processNaN(t2, x2, N, fpcr);
  if (t3 == T_SNAN) return processNaN(t3, x3, N, fpcr);
  if (t1 == T_QNAN) return processNaN(t1, x1, N, fpcr);
  if (t2 == T_QNAN) return processNaN(t2, x2, N, fpcr);
  return processNaN(t3, x3, N, fpcr);
}

/** The exact zero a cancelling sum produces: -0 only when rounding towards minus infinity. */
@inline function exactZero(rm: u32, N: u32): u64 {
  return fpZero(rm == RM_NEGINF ? 1 : 0, N);
}

// ---------------------------------------------------------------- exact integer kernels

// 128-bit results (high, low) of mulWide and shiftRightJam128
let wHi: u64 = 0;
let wLo: u64 = 0;

/** wHi:wLo = a * b (full 128-bit product from 32-bit partial products). */
function mulWide(a: u64, b: u64): void {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  wLo = (mid << 32) | (p00 & 0xffffffff);
  wHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** wHi:wLo = (hi:lo) >> n with the bits shifted out ORed into bit 0. */
function shiftRightJam128(hi: u64, lo: u64, n: u32): void {
  if (n == 0) {
    wHi = hi; wLo = lo;
  } else if (n < 64) {
    const s = <u64>n;
    wLo = (hi << (64 - s)) | (lo >> s) | ((lo << (64 - s)) != 0 ? 1 : 0);
    wHi = hi >> s;
  } else if (n < 128) {
    const s = <u64>(n - 64);
    const lost = (s == 0 ? 0 : hi << (64 - s)) | lo;
    wLo = (hi >> s) | (lost != 0 ? 1 : 0);
    wHi = 0;
  } else {
    wHi = 0;
    wLo = (hi | lo) != 0 ? 1 : 0;
  }
}

/** Sum of two finite nonzero values with exact alignment, then FPRound (the FPAdd/FPSub numeric case). */
function addFinite(s1: u32, e1: i32, m1: u64, s2: u32, e2: i32, m2: u64, N: u32, fpcr: u32, rm: u32): u64 {
  if (e1 < e2 || (e1 == e2 && m1 < m2)) { // make operand 1 the larger magnitude
    const ts = s1; s1 = s2; s2 = ts;
    const te = e1; e1 = e2; e2 = te;
    const tm = m1; m1 = m2; m2 = tm;
  }
  // A shift of at most 1 loses no bits (the low 62-F bits are zero); for larger shifts the difference loses at
  // most one leading bit, so the jammed bit stays far below the rounding position.
  m2 = shiftRightJam(m2, <u32>min<i32>(e1 - e2, 64));
  let m: u64;
  let e = e1;
  if (s1 == s2) {
    m = m1 + m2;
    if ((m >> 63) != 0) { m = (m >> 1) | (m & 1); e++; }
  } else {
    m = m1 - m2;
    if (m == 0) return exactZero(rm, N);
    const sh = clz(m) - 1;
    m <<= sh;
    e -= <i32>sh;
  }
  return roundPack(s1, e, m, N, fpcr, rm);
}

/** Product of two finite nonzero values, rounded once. */
function mulFinite(s: u32, e1: i32, m1: u64, e2: i32, m2: u64, N: u32, fpcr: u32, rm: u32): u64 {
  mulWide(m1, m2); // in [2^124, 2^126)
  let sig: u64;
  let e = e1 + e2;
  if ((wHi >> 61) != 0) {
    sig = (wHi << 1) | (wLo >> 63) | ((wLo << 1) != 0 ? 1 : 0);
    e++;
  } else {
    sig = (wHi << 2) | (wLo >> 62) | ((wLo << 2) != 0 ? 1 : 0);
  }
  return roundPack(s, e, sig, N, fpcr, rm);
}

/** Quotient of two finite nonzero values by long division in chunks that fit u64, rounded once. */
function divFinite(s: u32, e1: i32, m1: u64, e2: i32, m2: u64, N: u32, fpcr: u32, rm: u32): u64 {
  const F = fbitsOf(N);
  const g = <u64>(62 - F);
  let a = m1 >> g, b = m2 >> g; // (F+1)-bit integers
  let e = e1 - e2;
  if (a < b) { a <<= 1; e--; }
  const step = <u64>(63 - F); // remainder < b < 2^(F+1), so remainder << step fits in 64 bits
  let q: u64 = 1, r = a - b;
  let bits: u32 = 1;
  while (bits < F + 3) { // F+1 result bits, a guard bit and a round bit; the remainder is the sticky bit
    r <<= step;
    q = (q << step) | (r / b);
    r %= b;
    bits += <u32>step;
  }
  const sig = (q << <u64>(63 - bits)) | (r != 0 ? 1 : 0);
  return roundPack(s, e, sig, N, fpcr, rm);
}

/** Square root of a finite positive value: bit-by-bit integer root of the significand, rounded once. */
function sqrtFinite(e: i32, m: u64, N: u32, fpcr: u32, rm: u32): u64 {
  const n = fbitsOf(N) + 3; // root bits: F+1, guard and round; the remainder gives the sticky bit
  let u = m; // radicand, binary point between bits 62 and 61: bits 63:62 are the integer part
  if ((e & 1) != 0) { u = m << 1; e--; }
  let rem: u64 = 0, root: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const pair = i < 32 ? (u >> <u64>(62 - 2 * i)) & 3 : 0;
    rem = (rem << 2) | pair;
    const trial = (root << 2) | 1;
    root <<= 1;
    if (rem >= trial) { rem -= trial; root |= 1; }
  }
  const rest = n < 32 ? u & ((<u64>1 << <u64>(64 - 2 * n)) - 1) : 0; // radicand bits not consumed
  const sig = (root << <u64>(63 - n)) | (rem != 0 || rest != 0 ? 1 : 0);
  return roundPack(0, e >> 1, sig, N, fpcr, rm);
}

/**
 * Fused (-1)^sp * (m1 * 2^(e1-62)) * (m2 * 2^(e2-62)) + (-1)^sc * mc * 2^(ec-62) (mc == 0: no addend), times
 * 2^scale, rounded once: the numeric case of FPMulAdd, FPRecipStepFused and FPRSqrtStepFused. Both terms are
 * aligned as 128-bit integers with the leading one at bit 126; a jammed alignment shift cannot reach the kept bits.
 */
function fusedFinite(sp: u32, e1: i32, m1: u64, e2: i32, m2: u64, sc: u32, ec: i32, mc: u64, scale: i32,
  N: u32, fpcr: u32, rm: u32): u64 {
  mulWide(m1, m2);
  let xh = wHi, xl = wLo, xe = e1 + e2;
  if ((xh >> 61) != 0) { xh = (xh << 1) | (xl >> 63); xl <<= 1; xe++; } else { xh = (xh << 2) | (xl >> 62); xl <<= 2; }
  let sign = sp;
  if (mc != 0) {
    let yh = mc, yl: u64 = 0, ye = ec, ys = sc;
    if (ye > xe || (ye == xe && (yh > xh || (yh == xh && yl > xl)))) {
      let t = xh; xh = yh; yh = t;
      t = xl; xl = yl; yl = t;
      const te = xe; xe = ye; ye = te;
      sign = sc; ys = sp;
    }
    shiftRightJam128(yh, yl, <u32>min<i32>(xe - ye, 128));
    yh = wHi; yl = wLo;
    if (sign == ys) {
      const lo = xl + yl;
      xh = xh + yh + (lo < xl ? 1 : 0);
      xl = lo;
      if ((xh >> 63) != 0) { xl = (xh << 63) | (xl >> 1) | (xl & 1); xh >>= 1; xe++; }
    } else {
      const lo = xl - yl;
      xh = xh - yh - (xl < yl ? 1 : 0);
      xl = lo;
      if ((xh | xl) == 0) return exactZero(rm, N);
      const sh = (xh != 0 ? clz(xh) : 64 + clz(xl)) - 1; // bring the leading one back to bit 126
      if (sh >= 64) { xh = xl << (sh - 64); xl = 0; }
      else if (sh > 0) { xh = (xh << sh) | (xl >> (64 - sh)); xl <<= sh; }
      xe -= <i32>sh;
    }
  }
  return roundPack(sign, xe + scale, xh | (xl != 0 ? 1 : 0), N, fpcr, rm);
}

// ---------------------------------------------------------------- two-operand arithmetic

/** FPAdd / FPSub (`sub` negates operand 2 after NaN processing, as FPSub's tests do). */
function addN(a: u64, b: u64, N: u32, fpcr: u32, sub: bool): u64 {
  const rm = fpcrRMode(fpcr);
  unpack(a, N, fpcr);
  const t1 = uType, s1 = uSign, e1 = uExp, m1 = uSig;
  unpack(b, N, fpcr);
  const t2 = uType, e2 = uExp, m2 = uSig;
  const s2 = sub ? uSign ^ 1 : uSign;
  if (t1 >= T_QNAN || t2 >= T_QNAN) return processNaNs(t1, t2, a, b, N, fpcr);
  if (t1 == T_INF || t2 == T_INF) {
    if (t1 == T_INF && t2 == T_INF && s1 != s2) {
      fpRaise(FPSR_IOC);
      return fpDefaultNaN(N);
    }
    return fpInfinity(t1 == T_INF ? s1 : s2, N);
  }
  if (t1 == T_ZERO && t2 == T_ZERO) return s1 == s2 ? fpZero(s1, N) : exactZero(rm, N);
  if (t1 == T_ZERO) return roundPack(s2, e2, m2, N, fpcr, rm);
  if (t2 == T_ZERO) return roundPack(s1, e1, m1, N, fpcr, rm);
  return addFinite(s1, e1, m1, s2, e2, m2, N, fpcr, rm);
}

/** FPMul, and FPMulX (`mulx`: infinity times zero is 2.0 with the product's sign, no exception). */
function mulN(a: u64, b: u64, N: u32, fpcr: u32, mulx: bool): u64 {
  unpack(a, N, fpcr);
  const t1 = uType, s1 = uSign, e1 = uExp, m1 = uSig;
  unpack(b, N, fpcr);
  const t2 = uType, s = s1 ^ uSign;
  if (t1 >= T_QNAN || t2 >= T_QNAN) return processNaNs(t1, t2, a, b, N, fpcr);
  if ((t1 == T_INF && t2 == T_ZERO) || (t1 == T_ZERO && t2 == T_INF)) {
    if (mulx) return fpTwo(s, N);
    fpRaise(FPSR_IOC);
    return fpDefaultNaN(N);
  }
  if (t1 == T_INF || t2 == T_INF) return fpInfinity(s, N);
  if (t1 == T_ZERO || t2 == T_ZERO) return fpZero(s, N);
  return mulFinite(s, e1, m1, uExp, uSig, N, fpcr, fpcrRMode(fpcr));
}

/** FPDiv */
function divN(a: u64, b: u64, N: u32, fpcr: u32): u64 {
  unpack(a, N, fpcr);
  const t1 = uType, s1 = uSign, e1 = uExp, m1 = uSig;
  unpack(b, N, fpcr);
  const t2 = uType, s = s1 ^ uSign;
  if (t1 >= T_QNAN || t2 >= T_QNAN) return processNaNs(t1, t2, a, b, N, fpcr);
  if ((t1 == T_INF && t2 == T_INF) || (t1 == T_ZERO && t2 == T_ZERO)) {
    fpRaise(FPSR_IOC);
    return fpDefaultNaN(N);
  }
  if (t1 == T_INF || t2 == T_ZERO) {
    if (t1 != T_INF) fpRaise(FPSR_DZC);
    return fpInfinity(s, N);
  }
  if (t1 == T_ZERO || t2 == T_INF) return fpZero(s, N);
  return divFinite(s, e1, m1, uExp, uSig, N, fpcr, fpcrRMode(fpcr));
}

/** Order of two non-NaN unpacked operands by value (zeros equal): a key increasing with the value. */
@inline function orderKey(t: u32, s: u32, x: u64, N: u32): i64 {
  const mag = t == T_ZERO ? 0 : <i64>(x & ~signBit(1, N));
  return s != 0 ? -mag : mag;
}

/** FPMax / FPMin: the larger (smaller) operand, passed through FPRound (exact); zeros combine their signs. */
function maxMinN(a: u64, b: u64, N: u32, fpcr: u32, isMax: bool): u64 {
  unpack(a, N, fpcr);
  const t1 = uType, s1 = uSign, e1 = uExp, m1 = uSig;
  unpack(b, N, fpcr);
  const t2 = uType, s2 = uSign;
  if (t1 >= T_QNAN || t2 >= T_QNAN) return processNaNs(t1, t2, a, b, N, fpcr);
  const k1 = orderKey(t1, s1, a, N), k2 = orderKey(t2, s2, b, N);
  const first = isMax ? k1 > k2 : k1 < k2;
  const t = first ? t1 : t2, s = first ? s1 : s2;
  if (t == T_INF) return fpInfinity(s, N);
  if (t == T_ZERO) return fpZero(isMax ? s1 & s2 : s1 | s2, N);
  return roundPack(s, first ? e1 : uExp, first ? m1 : uSig, N, fpcr, fpcrRMode(fpcr));
}

/** FPMaxNum / FPMinNum: a single quiet NaN is replaced by the infinity that loses (-inf for max, +inf for min). */
function maxMinNumN(a: u64, b: u64, N: u32, fpcr: u32, isMax: bool): u64 {
  unpack(a, N, fpcr);
  const t1 = uType;
  unpack(b, N, fpcr);
  const t2 = uType;
  if (t1 == T_QNAN && t2 != T_QNAN) a = fpInfinity(isMax ? 1 : 0, N);
  else if (t1 != T_QNAN && t2 == T_QNAN) b = fpInfinity(isMax ? 1 : 0, N);
  return maxMinN(a, b, N, fpcr, isMax);
}

// ---------------------------------------------------------------- fused multiply-add and the Newton steps

/** FPMulAdd(addend, op1, op2): addend + op1*op2 with one rounding. */
function mulAddN(c: u64, a: u64, b: u64, N: u32, fpcr: u32): u64 {
  const rm = fpcrRMode(fpcr);
  unpack(c, N, fpcr);
  const tA = uType, sA = uSign, eA = uExp, mA = uSig;
  unpack(a, N, fpcr);
  const t1 = uType, s1 = uSign, e1 = uExp, m1 = uSig;
  unpack(b, N, fpcr);
  const t2 = uType, s2 = uSign, e2 = uExp, m2 = uSig;
  const infZero = (t1 == T_INF && t2 == T_ZERO) || (t1 == T_ZERO && t2 == T_INF);
  if (tA >= T_QNAN || t1 >= T_QNAN || t2 >= T_QNAN) {
    const r = processNaNs3(tA, t1, t2, c, a, b, N, fpcr);
    if (tA == T_QNAN && infZero) { // a quiet NaN addend does not hide the invalid product
      fpRaise(FPSR_IOC);
      return fpDefaultNaN(N);
    }
    return r;
  }
  const sP = s1 ^ s2;
  const infP = t1 == T_INF || t2 == T_INF, zeroP = t1 == T_ZERO || t2 == T_ZERO;
  if (infZero || (tA == T_INF && infP && sA != sP)) {
    fpRaise(FPSR_IOC);
    return fpDefaultNaN(N);
  }
  if (tA == T_INF) return fpInfinity(sA, N);
  if (infP) return fpInfinity(sP, N);
  if (tA == T_ZERO && zeroP) return sA == sP ? fpZero(sA, N) : exactZero(rm, N);
  if (zeroP) return roundPack(sA, eA, mA, N, fpcr, rm);
  return fusedFinite(sP, e1, m1, e2, m2, sA, eA, tA == T_ZERO ? 0 : mA, 0, N, fpcr, rm);
}

/**
 * FPRecipStepFused (FRECPS, 2 - a*b) and FPRSqrtStepFused (FRSQRTS, (3 - a*b) / 2): operand 1 is negated before
 * unpacking, so a NaN first operand comes back with its sign flipped; infinity times zero gives 2.0 / 1.5.
 */
function stepN(a: u64, b: u64, N: u32, fpcr: u32, rsqrt: bool): u64 {
  const rm = fpcrRMode(fpcr);
  const na = a ^ signBit(1, N);
  unpack(na, N, fpcr);
  const t1 = uType, s1 = uSign, e1 = uExp, m1 = uSig;
  unpack(b, N, fpcr);
  const t2 = uType, s2 = uSign;
  if (t1 >= T_QNAN || t2 >= T_QNAN) return processNaNs(t1, t2, na, b, N, fpcr);
  if ((t1 == T_INF && t2 == T_ZERO) || (t1 == T_ZERO && t2 == T_INF)) {
    return rsqrt ? fpOnePointFive(0, N) : fpTwo(0, N);
  }
  if (t1 == T_INF || t2 == T_INF) return fpInfinity(s1 ^ s2, N);
  // the constant addend: 2.0 = 1.0 * 2^1, 3.0 = 1.5 * 2^1; FRSQRTS halves the exact sum before rounding
  const mc: u64 = rsqrt ? <u64>3 << 61 : <u64>1 << 62;
  const scale: i32 = rsqrt ? -1 : 0;
  if (t1 == T_ZERO || t2 == T_ZERO) return roundPack(0, 1 + scale, mc, N, fpcr, rm);
  return fusedFinite(s1 ^ s2, e1, m1, uExp, uSig, 0, 1, mc, scale, N, fpcr, rm);
}

// ---------------------------------------------------------------- one-operand arithmetic

/** FPSqrt */
function sqrtN(a: u64, N: u32, fpcr: u32): u64 {
  unpack(a, N, fpcr);
  if (uType >= T_QNAN) return processNaN(uType, a, N, fpcr);
  if (uType == T_ZERO) return fpZero(uSign, N);
  if (uType == T_INF && uSign == 0) return fpInfinity(0, N);
  if (uSign != 0) {
    fpRaise(FPSR_IOC);
    return fpDefaultNaN(N);
  }
  return sqrtFinite(uExp, uSig, N, fpcr, fpcrRMode(fpcr));
}

// Integer part and the rounding decision of splitInt()
let iMag: u64 = 0;
let iInexact = false;

/**
 * Split |value| = sig * 2^(e - 62) (e < 64) into an integer magnitude and a fraction, and round the magnitude
 * as RoundDown + round_up of FPRoundInt/FPToFixed do on the signed value: iMag, iInexact.
 */
function splitInt(sign: u32, e: i32, sig: u64, rm: u32): void {
  let ip: u64, frac: u64, half: u64;
  if (e >= 62) {
    ip = sig << <u64>(e - 62); frac = 0; half = 1;
  } else if (e >= -1) {
    const sh = <u64>(62 - e); // 1..63 fraction bits
    ip = sig >> sh; frac = sig & ((<u64>1 << sh) - 1); half = <u64>1 << (sh - 1);
  } else {
    ip = 0; frac = sig; half = <u64>1 << 63; // below one half
  }
  let up = false;
  switch (rm) {
    case RM_TIEEVEN: up = frac > half || (frac == half && (ip & 1) != 0); break;
    case RM_POSINF: up = frac != 0 && sign == 0; break;
    case RM_NEGINF: up = frac != 0 && sign != 0; break;
    case RM_TIEAWAY: up = frac >= half; break;
    default: up = false;
  }
  iMag = up ? ip + 1 : ip;
  iInexact = frac != 0;
}

/** FPRoundInt(op, fpcr, rounding, exact): FRINT*; `exact` (FRINTX) raises IXC when the value changes. */
function roundIntN(a: u64, N: u32, fpcr: u32, rm: u32, exact: bool): u64 {
  unpack(a, N, fpcr);
  if (uType >= T_QNAN) return processNaN(uType, a, N, fpcr);
  if (uType == T_INF) return fpInfinity(uSign, N);
  if (uType == T_ZERO) return fpZero(uSign, N);
  const s = uSign;
  if (uExp >= <i32>fbitsOf(N)) return a; // already an integer
  splitInt(s, uExp, uSig, rm);
  if (iInexact && exact) fpRaise(FPSR_IXC);
  if (iMag == 0) return fpZero(s, N);
  const lz = clz(iMag);
  return roundPack(s, 63 - <i32>lz, iMag << (lz - 1), N, fpcr, RM_ZERO); // exact
}

/**
 * FPToFixed(op, fbits, unsigned, fpcr, rounding) to an M-bit integer (M = 32, 64): saturating, IOC for NaN
 * (result 0) and out-of-range values, IXC otherwise when inexact. Returns the M-bit result zero-extended.
 */
function toFixedN(a: u64, N: u32, fbits: u32, unsigned: bool, rm: u32, fpcr: u32, M: u32): u64 {
  unpack(a, N, fpcr);
  if (uType >= T_QNAN) {
    fpRaise(FPSR_IOC);
    return 0;
  }
  if (uType == T_ZERO) return 0;
  const s = uSign;
  const e = uExp + <i32>fbits;
  let ovf = uType == T_INF || e >= 64;
  if (!ovf) {
    splitInt(s, e, uSig, rm);
    const mag = iMag;
    if (unsigned) ovf = (s != 0 && mag != 0) || (M == 32 && mag > 0xffffffff);
    else ovf = mag > (<u64>1 << <u64>(M - 1)) - (s != 0 ? 0 : 1);
  }
  const mask: u64 = M == 64 ? <u64>-1 : 0xffffffff;
  if (ovf) {
    fpRaise(FPSR_IOC);
    if (unsigned) return s != 0 ? 0 : mask;
    return s != 0 ? (<u64>1 << <u64>(M - 1)) : (mask >> 1);
  }
  if (iInexact) fpRaise(FPSR_IXC);
  return (s != 0 ? 0 - iMag : iMag) & mask;
}

/** FixedToFP(op, fbits, unsigned, fpcr, rounding) from an M-bit integer to format N. */
function fromFixedN(x: u64, fbits: u32, unsigned: bool, fpcr: u32, M: u32, N: u32, rm: u32): u64 {
  let v = x;
  if (M == 32) v = unsigned ? (x & 0xffffffff) : <u64><i64><i32>x;
  let s: u32 = 0;
  if (!unsigned && <i64>v < 0) { s = 1; v = 0 - v; }
  if (v == 0) return fpZero(0, N);
  const lz = clz(v);
  const sig = lz == 0 ? (v >> 1) | (v & 1) : v << (lz - 1);
  return roundPack(s, 63 - <i32>lz - <i32>fbits, sig, N, fpcr, rm);
}

/** FPConvertNaN: move the payload of an M-bit NaN to format N, setting the quiet bit. */
function convertNaN(x: u64, M: u32, N: u32): u64 {
  const s = <u32>(x >> <u64>(M - 1)) & 1;
  let frac: u64; // 51 payload bits below the quiet bit
  if (M == 64) frac = x & 0x7ffffffffffff;
  else if (M == 32) frac = (x & 0x3fffff) << 29;
  else frac = (x & 0x1ff) << 42;
  if (N == 64) return signBit(s, 64) | (<u64>0xfff << 51) | frac;
  if (N == 32) return signBit(s, 32) | (<u64>0x1ff << 22) | (frac >> 29);
  return signBit(s, 16) | (<u64>0x3f << 9) | (frac >> 42);
}

/**
 * FPConvert(op, fpcr, rounding) from format M to N. FPUnpackCV/FPRoundCV: FZ applies to single and double only;
 * with FPCR.AHP a half-precision result has no NaN or infinity (zero resp. the largest value, with IOC).
 */
function convertN(x: u64, M: u32, N: u32, fpcr: u32, rm: u32): u64 {
  unpack(x, M, fpcr);
  const altHp = N == 16 && (fpcr & FPCR_AHP) != 0;
  if (uType >= T_QNAN) {
    let r: u64;
    if (altHp) r = fpZero(uSign, 16);
    else if ((fpcr & FPCR_DN) != 0) r = fpDefaultNaN(N);
    else r = convertNaN(x, M, N);
    if (uType == T_SNAN || altHp) fpRaise(FPSR_IOC);
    return r;
  }
  if (uType == T_INF) {
    if (altHp) {
      fpRaise(FPSR_IOC);
      return signBit(uSign, 16) | 0x7fff;
    }
    return fpInfinity(uSign, N);
  }
  if (uType == T_ZERO) return fpZero(uSign, N);
  return roundPack(uSign, uExp, uSig, N, fpcr, rm);
}

// ---------------------------------------------------------------- comparisons

const CMP_LT: i32 = -1;
const CMP_EQ: i32 = 0;
const CMP_GT: i32 = 1;
const CMP_UN: i32 = 2;

/** Set by compareN: one of the operands is a signalling NaN. */
let cmpSNaN = false;

/** Compare by value (denormals flushed under FZ, zeros equal); CMP_UN when either operand is a NaN. */
function compareN(a: u64, b: u64, N: u32, fpcr: u32): i32 {
  unpack(a, N, fpcr);
  const t1 = uType, s1 = uSign;
  unpack(b, N, fpcr);
  const t2 = uType;
  cmpSNaN = t1 == T_SNAN || t2 == T_SNAN;
  if (t1 >= T_QNAN || t2 >= T_QNAN) return CMP_UN;
  const k1 = orderKey(t1, s1, a, N), k2 = orderKey(t2, uSign, b, N);
  return k1 == k2 ? CMP_EQ : (k1 < k2 ? CMP_LT : CMP_GT);
}

/** FPCompare: NZCV in bits 31:28 (= 0110, < 1000, > 0010, unordered 0011); IOC on sNaN, or any NaN if signalling. */
function fpCompareN(a: u64, b: u64, signalAllNaNs: bool, N: u32, fpcr: u32): u32 {
  const c = compareN(a, b, N, fpcr);
  if (c == CMP_UN) {
    if (cmpSNaN || signalAllNaNs) fpRaise(FPSR_IOC);
    return 0x30000000;
  }
  return c == CMP_EQ ? 0x60000000 : (c == CMP_LT ? 0x80000000 : 0x20000000);
}

/** FPCompareEQ (quiet: IOC only for a signalling NaN) */
function compareEqN(a: u64, b: u64, N: u32, fpcr: u32): bool {
  const c = compareN(a, b, N, fpcr);
  if (c == CMP_UN && cmpSNaN) fpRaise(FPSR_IOC);
  return c == CMP_EQ;
}

/** FPCompareGE / FPCompareGT (signalling: IOC for any NaN) */
function compareOrdN(a: u64, b: u64, N: u32, fpcr: u32, orEqual: bool): bool {
  const c = compareN(a, b, N, fpcr);
  if (c == CMP_UN) {
    fpRaise(FPSR_IOC);
    return false;
  }
  return c == CMP_GT || (orEqual && c == CMP_EQ);
}

// ---------------------------------------------------------------- estimates (FRECPE, FRSQRTE, FRECPX)

/** RecipEstimate(a) for 256 <= a < 512 (a fraction in [0.5, 1) in units of 1/512): result in 256..511. */
export function recipEstimate(a: u32): u32 {
  const x = a * 2 + 1; // round to nearest
  const b = (<u32>1 << 19) / x;
  return (b + 1) >> 1;
}

/**
 * RecipSqrtEstimate(a) for 128 <= a < 512 (a fraction in [0.25, 1) in units of 1/512): result in 256..511.
 * The pseudocode's search for the largest b with a*(b+1)^2 < 2^28 (from 512) is solved with sqrt and corrected.
 */
export function recipSqrtEstimate(a: u32): u32 {
  const x: u64 = a < 256 ? <u64>a * 2 + 1 : (<u64>(a >> 1) * 2 + 1) * 2; // units of 1/512 resp. 1/256
  const lim: u64 = <u64>1 << 28;
  let b = <u64>Math.sqrt(<f64>lim / <f64>x);
  while (b > 512 && x * b * b >= lim) b--;
  while (x * (b + 1) * (b + 1) < lim) b++;
  if (b < 512) b = 512;
  return <u32>((b + 1) >> 1);
}

/** FPRecipEstimate (ARMv8.0: 8-bit estimate, no FEAT_RPRES). */
function recipEstimateN(x: u64, N: u32, fpcr: u32): u64 {
  unpack(x, N, fpcr);
  const s = uSign, bias = biasOf(N), F = <u64>fbitsOf(N);
  if (uType >= T_QNAN) return processNaN(uType, x, N, fpcr);
  if (uType == T_INF) return fpZero(s, N);
  if (uType == T_ZERO) {
    fpRaise(FPSR_DZC);
    return fpInfinity(s, N);
  }
  if (uExp < -(bias + 1)) { // |value| < 2^-(bias+1): the reciprocal overflows
    const rm = fpcrRMode(fpcr);
    const toInf = rm == RM_TIEEVEN || (rm == RM_POSINF && s == 0) || (rm == RM_NEGINF && s != 0);
    fpRaise(FPSR_OFC | FPSR_IXC);
    return toInf ? fpInfinity(s, N) : fpMaxNormal(s, N);
  }
  if (N != 16 && (fpcr & FPCR_FZ) != 0 && uExp >= bias - 1) { // the result would be denormal: flushed
    fpRaise(FPSR_UFC);
    return fpZero(s, N);
  }
  const M52: u64 = (<u64>1 << 52) - 1;
  let fraction = (x & ((<u64>1 << F) - 1)) << (52 - F);
  let exp = <i32>((x >> F) & expMax(N));
  if (exp == 0) {
    if (((fraction >> 51) & 1) == 0) { exp = -1; fraction = (fraction << 2) & M52; }
    else fraction = (fraction << 1) & M52;
  }
  let resultExp = 2 * bias - 1 - exp;
  const est = recipEstimate(256 | <u32>(fraction >> 44));
  fraction = <u64>(est & 0xff) << 44;
  if (resultExp == 0) fraction = (<u64>1 << 51) | (fraction >> 1);
  else if (resultExp == -1) { fraction = (<u64>1 << 50) | (fraction >> 2); resultExp = 0; }
  return signBit(s, N) | (<u64>resultExp << F) | (fraction >> (52 - F));
}

/** FPRSqrtEstimate (ARMv8.0: 8-bit estimate). */
function rsqrtEstimateN(x: u64, N: u32, fpcr: u32): u64 {
  unpack(x, N, fpcr);
  const F = <u64>fbitsOf(N);
  if (uType >= T_QNAN) return processNaN(uType, x, N, fpcr);
  if (uType == T_ZERO) {
    fpRaise(FPSR_DZC);
    return fpInfinity(uSign, N);
  }
  if (uSign != 0) {
    fpRaise(FPSR_IOC);
    return fpDefaultNaN(N);
  }
  if (uType == T_INF) return fpZero(0, N);
  const M52: u64 = (<u64>1 << 52) - 1;
  let fraction = (x & ((<u64>1 << F) - 1)) << (52 - F);
  let exp = <i32>((x >> F) & expMax(N));
  if (exp == 0) {
    while (((fraction >> 51) & 1) == 0) { fraction = (fraction << 1) & M52; exp--; }
    fraction = (fraction << 1) & M52;
  }
  // an odd biased exponent is an even unbiased one: scale into [0.25, 0.5), else into [0.5, 1)
  const scaled = (exp & 1) == 0 ? 0x100 | <u32>(fraction >> 44) : 0x80 | <u32>(fraction >> 45);
  const resultExp = (3 * biasOf(N) - 1 - exp) >> 1;
  const est = recipSqrtEstimate(scaled);
  return (<u64>resultExp << F) | (<u64>(est & 0xff) << (F - 8));
}

/** FPRecpX: the exponent inverted, fraction cleared (zeros and denormals give the largest normal exponent). */
function recpXN(x: u64, N: u32, fpcr: u32): u64 {
  unpack(x, N, fpcr);
  if (uType >= T_QNAN) return processNaN(uType, x, N, fpcr);
  const F = <u64>fbitsOf(N);
  const e = (x >> F) & expMax(N);
  const re = e == 0 ? expMax(N) - 1 : ~e & expMax(N);
  return signBit(uSign, N) | (re << F);
}

// ---------------------------------------------------------------- native fast paths

// Wasm f32/f64 arithmetic is IEEE 754 with round-to-nearest-even. With FPCR.RMode = RN, normal operands and a
// normal result, nothing of FZ, DN, AHP or the flags other than IXC can matter, so the native result is the
// architected one; IXC comes from an exact error term. Every other case takes the soft-float above. Single
// precision goes through f64: rounding the f64 result again to f32 is innocuous for + - * / sqrt (53 >= 2*24+2,
// Figueroa 1995). Measured on the engine's loop: add/mul/div several times faster, sqrt ~10x.
const FAST_PATH = true;
/** Where a fast path leaves its result (valid when it returned true). */
let fastBits: u64 = 0;

@inline function rmodeRN(fpcr: u32): bool {
  return (fpcr & (3 << FPCR_RMODE_SHIFT)) == 0;
}
/** Biased exponent in [lo, hi] (hi below all-ones): a normal number in that binade range. */
@inline function exp64In(x: u64, lo: u32, hi: u32): bool {
  return <u32>((x >> 52) & 0x7ff) - lo <= hi - lo;
}
@inline function exp32In(x: u32, lo: u32, hi: u32): bool {
  return ((x >> 23) & 0xff) - lo <= hi - lo;
}
/** Normal: biased exponent 1..max-1. */
@inline function normal64(x: u64): bool {
  return exp64In(x, 1, 0x7fe);
}
@inline function normal32(x: u32): bool {
  return exp32In(x, 1, 0xfe);
}

// Dekker's exact product needs every partial product normal: operands within 2^+-450 (biased 573..1473).
const SAFE_LO: u32 = 1023 - 450;
const SAFE_HI: u32 = 1023 + 450;

/** The rounding error of p = fl(a*b) (Veltkamp split, Dekker's product): exact for operands in the SAFE range. */
@inline function mulError(a: f64, b: f64, p: f64): f64 {
  const SPLIT: f64 = 134217729.0; // 2^27 + 1
  let c = SPLIT * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** TwoSum: x + y - fl(x + y) is nonzero (exact without overflow of the sum, Knuth). */
@inline function sumInexact(x: f64, y: f64, r: f64): bool {
  const bb = r - x;
  return (x - (r - bb)) + (y - bb) != 0;
}

function fastAdd64(a: u64, b: u64): bool {
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  const r = x + y;
  const rb = reinterpret<u64>(r);
  if (!normal64(rb)) return false; // zero, denormal (exact but FZ-sensitive) or overflow
  if (sumInexact(x, y, r)) fpRaise(FPSR_IXC);
  fastBits = rb;
  return true;
}

function fastAdd32(a: u32, b: u32): bool {
  const x = <f64>reinterpret<f32>(a), y = <f64>reinterpret<f32>(b);
  const r = x + y;
  const r32 = <f32>r;
  const rb = reinterpret<u32>(r32);
  if (!normal32(rb)) return false;
  if (<f64>r32 != r || sumInexact(x, y, r)) fpRaise(FPSR_IXC);
  fastBits = rb;
  return true;
}

function fastMul64(a: u64, b: u64): bool {
  if (!exp64In(a, SAFE_LO, SAFE_HI) || !exp64In(b, SAFE_LO, SAFE_HI)) return false;
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  const r = x * y; // within 2^+-901: normal
  if (mulError(x, y, r) != 0) fpRaise(FPSR_IXC);
  fastBits = reinterpret<u64>(r);
  return true;
}

function fastMul32(a: u32, b: u32): bool {
  const r = <f64>reinterpret<f32>(a) * <f64>reinterpret<f32>(b); // exact: 48-bit product
  const r32 = <f32>r;
  const rb = reinterpret<u32>(r32);
  // the exact product must be normal itself: tininess is judged before rounding
  if (!normal32(rb) || Math.abs(r) < 1.1754943508222875e-38) return false;
  if (<f64>r32 != r) fpRaise(FPSR_IXC);
  fastBits = rb;
  return true;
}

function fastDiv64(a: u64, b: u64): bool {
  if (!exp64In(b, SAFE_LO, SAFE_HI) || !normal64(a)) return false;
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  const q = x / y;
  const qb = reinterpret<u64>(q);
  if (!exp64In(qb, SAFE_LO, SAFE_HI)) return false;
  const p = q * y; // q*y == x exactly iff the quotient was exact
  if (p != x || mulError(q, y, p) != 0) fpRaise(FPSR_IXC);
  fastBits = qb;
  return true;
}

function fastDiv32(a: u32, b: u32): bool {
  const x = <f64>reinterpret<f32>(a), y = <f64>reinterpret<f32>(b);
  const q = x / y;
  const r32 = <f32>q;
  const rb = reinterpret<u32>(r32);
  // q > 2^-126 implies the exact quotient is not tiny (rounding to f64 is monotonic, 2^-126 is a double)
  if (!normal32(rb) || Math.abs(q) <= 1.1754943508222875e-38) return false;
  if (<f64>r32 * y != x) fpRaise(FPSR_IXC); // exact 48-bit product
  fastBits = rb;
  return true;
}

function fastSqrt64(a: u64): bool {
  if (!exp64In(a, 1023 - 900, 1023 + 900) || (a >> 63) != 0) return false;
  const x = reinterpret<f64>(a);
  const r = Math.sqrt(x); // within 2^+-450
  const p = r * r;
  if (p != x || mulError(r, r, p) != 0) fpRaise(FPSR_IXC);
  fastBits = reinterpret<u64>(r);
  return true;
}

function fastSqrt32(a: u32): bool {
  if (!normal32(a) || (a >> 31) != 0) return false;
  const x = <f64>reinterpret<f32>(a);
  const r32 = <f32>Math.sqrt(x);
  if (<f64>r32 * <f64>r32 != x) fpRaise(FPSR_IXC); // exact 48-bit square
  fastBits = reinterpret<u32>(r32);
  return true;
}

/**
 * Single-precision fused multiply-add: the product is exact in f64, TwoSum gives the error of the f64 sum, and
 * rounding that sum to odd (Boldo-Melquiond) makes the final rounding to f32 correct since 53 >= 24 + 2.
 */
function fastMulAdd32(c: u32, a: u32, b: u32): bool {
  const p = <f64>reinterpret<f32>(a) * <f64>reinterpret<f32>(b);
  const z = <f64>reinterpret<f32>(c);
  const s = p + z;
  // zero (sign rules), tiny before rounding, or beyond the f32 range: soft-float
  if (!(Math.abs(s) > 1.1754943508222875e-38) || Math.abs(s) > 3.4028234663852886e38) return false;
  const bb = s - p;
  const e = (p - (s - bb)) + (z - bb);
  let bits = reinterpret<u64>(s);
  if (e != 0 && (bits & 1) == 0) bits = (e > 0) == (s > 0) ? bits + 1 : bits - 1; // the odd neighbour
  const odd = reinterpret<f64>(bits);
  const r32 = <f32>odd;
  const rb = reinterpret<u32>(r32);
  if (!normal32(rb)) return false;
  if (e != 0 || <f64>r32 != odd) fpRaise(FPSR_IXC);
  fastBits = rb;
  return true;
}

// ---------------------------------------------------------------- exported API (single and double precision)

export function fpAdd32(a: u32, b: u32, fpcr: u32): u32 {
  if (FAST_PATH && rmodeRN(fpcr) && normal32(a) && normal32(b) && fastAdd32(a, b)) return <u32>fastBits;
  return <u32>addN(a, b, 32, fpcr, false);
}
export function fpAdd64(a: u64, b: u64, fpcr: u32): u64 {
  if (FAST_PATH && rmodeRN(fpcr) && normal64(a) && normal64(b) && fastAdd64(a, b)) return fastBits;
  return addN(a, b, 64, fpcr, false);
}
export function fpSub32(a: u32, b: u32, fpcr: u32): u32 {
  if (FAST_PATH && rmodeRN(fpcr) && normal32(a) && normal32(b) && fastAdd32(a, b ^ 0x80000000)) return <u32>fastBits;
  return <u32>addN(a, b, 32, fpcr, true);
}
export function fpSub64(a: u64, b: u64, fpcr: u32): u64 {
  if (FAST_PATH && rmodeRN(fpcr) && normal64(a) && normal64(b) && fastAdd64(a, b ^ (<u64>1 << 63))) return fastBits;
  return addN(a, b, 64, fpcr, true);
}
export function fpMul32(a: u32, b: u32, fpcr: u32): u32 {
  if (FAST_PATH && rmodeRN(fpcr) && normal32(a) && normal32(b) && fastMul32(a, b)) return <u32>fastBits;
  return <u32>mulN(a, b, 32, fpcr, false);
}
export function fpMul64(a: u64, b: u64, fpcr: u32): u64 {
  if (FAST_PATH && rmodeRN(fpcr) && fastMul64(a, b)) return fastBits;
  return mulN(a, b, 64, fpcr, false);
}
export function fpMulX32(a: u32, b: u32, fpcr: u32): u32 { return <u32>mulN(a, b, 32, fpcr, true); }
export function fpMulX64(a: u64, b: u64, fpcr: u32): u64 { return mulN(a, b, 64, fpcr, true); }
export function fpDiv32(a: u32, b: u32, fpcr: u32): u32 {
  if (FAST_PATH && rmodeRN(fpcr) && normal32(a) && normal32(b) && fastDiv32(a, b)) return <u32>fastBits;
  return <u32>divN(a, b, 32, fpcr);
}
export function fpDiv64(a: u64, b: u64, fpcr: u32): u64 {
  if (FAST_PATH && rmodeRN(fpcr) && fastDiv64(a, b)) return fastBits;
  return divN(a, b, 64, fpcr);
}
export function fpMax32(a: u32, b: u32, fpcr: u32): u32 { return <u32>maxMinN(a, b, 32, fpcr, true); }
export function fpMax64(a: u64, b: u64, fpcr: u32): u64 { return maxMinN(a, b, 64, fpcr, true); }
export function fpMin32(a: u32, b: u32, fpcr: u32): u32 { return <u32>maxMinN(a, b, 32, fpcr, false); }
export function fpMin64(a: u64, b: u64, fpcr: u32): u64 { return maxMinN(a, b, 64, fpcr, false); }
export function fpMaxNum32(a: u32, b: u32, fpcr: u32): u32 { return <u32>maxMinNumN(a, b, 32, fpcr, true); }
export function fpMaxNum64(a: u64, b: u64, fpcr: u32): u64 { return maxMinNumN(a, b, 64, fpcr, true); }
export function fpMinNum32(a: u32, b: u32, fpcr: u32): u32 { return <u32>maxMinNumN(a, b, 32, fpcr, false); }
export function fpMinNum64(a: u64, b: u64, fpcr: u32): u64 { return maxMinNumN(a, b, 64, fpcr, false); }

/** FPMulAdd: addend + a*b with one rounding (FMADD/FMLA; the caller negates operands for the other forms). */
export function fpMulAdd32(addend: u32, a: u32, b: u32, fpcr: u32): u32 {
  if (FAST_PATH && rmodeRN(fpcr) && normal32(addend) && normal32(a) && normal32(b) && fastMulAdd32(addend, a, b)) {
    return <u32>fastBits;
  }
  return <u32>mulAddN(addend, a, b, 32, fpcr);
}
export function fpMulAdd64(addend: u64, a: u64, b: u64, fpcr: u32): u64 {
  return mulAddN(addend, a, b, 64, fpcr);
}

export function fpSqrt32(a: u32, fpcr: u32): u32 {
  if (FAST_PATH && rmodeRN(fpcr) && fastSqrt32(a)) return <u32>fastBits;
  return <u32>sqrtN(a, 32, fpcr);
}
export function fpSqrt64(a: u64, fpcr: u32): u64 {
  if (FAST_PATH && rmodeRN(fpcr) && fastSqrt64(a)) return fastBits;
  return sqrtN(a, 64, fpcr);
}

/** FPRoundInt: `rmode` is an RM_* value (0 TIEEVEN, 1 POSINF, 2 NEGINF, 3 ZERO, 4 TIEAWAY). */
export function fpRoundInt32(a: u32, fpcr: u32, rmode: u32, exact: bool): u32 {
  return <u32>roundIntN(a, 32, fpcr, rmode, exact);
}
export function fpRoundInt64(a: u64, fpcr: u32, rmode: u32, exact: bool): u64 {
  return roundIntN(a, 64, fpcr, rmode, exact);
}

/** FPToFixed from double (FCVT[NPMZA][SU], FCVTZ[SU] fixed-point): `outBits` 32 or 64, result zero-extended. */
export function fpToFixed64(a: u64, fbits: u32, unsigned: bool, rmode: u32, fpcr: u32, outBits: u32): u64 {
  return toFixedN(a, 64, fbits, unsigned, rmode, fpcr, outBits);
}
/** FPToFixed from single. */
export function fpToFixed32(a: u32, fbits: u32, unsigned: bool, rmode: u32, fpcr: u32, outBits: u32): u64 {
  return toFixedN(a, 32, fbits, unsigned, rmode, fpcr, outBits);
}
/** FixedToFP to double (SCVTF/UCVTF) with the FPCR rounding mode: `inBits` 32 or 64 (the low bits of x). */
export function fixedToFp64(x: u64, fbits: u32, unsigned: bool, fpcr: u32, inBits: u32): u64 {
  return fromFixedN(x, fbits, unsigned, fpcr, inBits, 64, fpcrRMode(fpcr));
}
/** FixedToFP to single. */
export function fixedToFp32(x: u64, fbits: u32, unsigned: bool, fpcr: u32, inBits: u32): u32 {
  return <u32>fromFixedN(x, fbits, unsigned, fpcr, inBits, 32, fpcrRMode(fpcr));
}

/** FPConvert between precisions with the FPCR rounding mode (FCVT, FCVTL/FCVTN). Half values in the low 16 bits. */
export function fpConvert32to64(a: u32, fpcr: u32): u64 { return convertN(a, 32, 64, fpcr, fpcrRMode(fpcr)); }
export function fpConvert64to32(a: u64, fpcr: u32): u32 { return <u32>convertN(a, 64, 32, fpcr, fpcrRMode(fpcr)); }
export function fpConvert16to32(a: u32, fpcr: u32): u32 { return <u32>convertN(a & 0xffff, 16, 32, fpcr, fpcrRMode(fpcr)); }
export function fpConvert16to64(a: u32, fpcr: u32): u64 { return convertN(a & 0xffff, 16, 64, fpcr, fpcrRMode(fpcr)); }
export function fpConvert32to16(a: u32, fpcr: u32): u32 { return <u32>convertN(a, 32, 16, fpcr, fpcrRMode(fpcr)); }
export function fpConvert64to16(a: u64, fpcr: u32): u32 { return <u32>convertN(a, 64, 16, fpcr, fpcrRMode(fpcr)); }
/** FPConvert(op, fpcr, FPRounding_ODD) double to single (FCVTXN). */
export function fpConvert64to32Odd(a: u64, fpcr: u32): u32 { return <u32>convertN(a, 64, 32, fpcr, RM_ODD); }

/** FPCompare: NZCV in bits 31:28 (FCMP with signalAllNaNs false, FCMPE with true). */
export function fpCompare32(a: u32, b: u32, signalAllNaNs: bool, fpcr: u32): u32 {
  return fpCompareN(a, b, signalAllNaNs, 32, fpcr);
}
export function fpCompare64(a: u64, b: u64, signalAllNaNs: bool, fpcr: u32): u32 {
  return fpCompareN(a, b, signalAllNaNs, 64, fpcr);
}
export function fpCompareEq32(a: u32, b: u32, fpcr: u32): bool { return compareEqN(a, b, 32, fpcr); }
export function fpCompareEq64(a: u64, b: u64, fpcr: u32): bool { return compareEqN(a, b, 64, fpcr); }
export function fpCompareGe32(a: u32, b: u32, fpcr: u32): bool { return compareOrdN(a, b, 32, fpcr, true); }
export function fpCompareGe64(a: u64, b: u64, fpcr: u32): bool { return compareOrdN(a, b, 64, fpcr, true); }
export function fpCompareGt32(a: u32, b: u32, fpcr: u32): bool { return compareOrdN(a, b, 32, fpcr, false); }
export function fpCompareGt64(a: u64, b: u64, fpcr: u32): bool { return compareOrdN(a, b, 64, fpcr, false); }

export function fpRecipEstimate32(a: u32, fpcr: u32): u32 { return <u32>recipEstimateN(a, 32, fpcr); }
export function fpRecipEstimate64(a: u64, fpcr: u32): u64 { return recipEstimateN(a, 64, fpcr); }
export function fpRSqrtEstimate32(a: u32, fpcr: u32): u32 { return <u32>rsqrtEstimateN(a, 32, fpcr); }
export function fpRSqrtEstimate64(a: u64, fpcr: u32): u64 { return rsqrtEstimateN(a, 64, fpcr); }
export function fpRecipStep32(a: u32, b: u32, fpcr: u32): u32 { return <u32>stepN(a, b, 32, fpcr, false); }
export function fpRecipStep64(a: u64, b: u64, fpcr: u32): u64 { return stepN(a, b, 64, fpcr, false); }
export function fpRSqrtStep32(a: u32, b: u32, fpcr: u32): u32 { return <u32>stepN(a, b, 32, fpcr, true); }
export function fpRSqrtStep64(a: u64, b: u64, fpcr: u32): u64 { return stepN(a, b, 64, fpcr, true); }
export function fpRecpX32(a: u32, fpcr: u32): u32 { return <u32>recpXN(a, 32, fpcr); }
export function fpRecpX64(a: u64, fpcr: u32): u64 { return recpXN(a, 64, fpcr); }
