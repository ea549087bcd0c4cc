// cpu/as/simd_lanes.ts - element access and saturation helpers shared by the AdvSIMD executors (simd_*.ts).
// Arm ARM (DDI 0487) J1 pseudocode: Elem[] (shared/functions/vector/Elem), SatQ/SignedSatQ/UnsignedSatQ
// (shared/functions/integer), FPSR.QC (cumulative saturation, bit 27).
//
// Results are built in two u64 globals (resLo/resHi) and written to the destination only at the end, so an
// instruction whose destination is also a source reads every source element before anything changes. Wasm
// globals are per instance, hence per thread: unlike a scratch buffer in the shared Memory they are safe when
// vCPUs of one domain run in several workers.

import { vAddr, setV64, setV128 } from "./state";
import { fpRaise, FPSR_QC } from "./fpcore";

export let resLo: u64 = 0;
export let resHi: u64 = 0;

@inline export function resClear(): void {
  resLo = 0;
  resHi = 0;
}

/** Mask of an element of 8 << sz bits. */
@inline export function laneMask(sz: u32): u64 {
  return sz >= 3 ? <u64>-1 : (<u64>1 << (<u64>8 << sz)) - 1;
}

/** Elem[V[r], e, 8 << sz], zero-extended. */
export function elemU(r: u32, e: u32, sz: u32): u64 {
  const a = vAddr(r) + (e << sz);
  switch (sz) {
    case 0: return <u64>load<u8>(a);
    case 1: return <u64>load<u16>(a);
    case 2: return <u64>load<u32>(a);
    default: return load<u64>(a);
  }
}

/** Elem[V[r], e, 8 << sz], sign-extended. */
export function elemS(r: u32, e: u32, sz: u32): i64 {
  const a = vAddr(r) + (e << sz);
  switch (sz) {
    case 0: return <i64>load<i8>(a);
    case 1: return <i64>load<i16>(a);
    case 2: return <i64>load<i32>(a);
    default: return load<i64>(a);
  }
}

/** SInt() of the low 8 << sz bits of v. */
@inline export function sext(v: u64, sz: u32): i64 {
  const sh = <u64>64 - (<u64>8 << sz);
  return <i64>(v << sh) >> <i64>sh;
}

/** Elem[result, e, 8 << sz] = v (v is truncated to the element). */
export function resPut(e: u32, sz: u32, v: u64): void {
  const bit = <u64>(e << (sz + 3));
  const x = v & laneMask(sz);
  if (bit < 64) resLo |= x << bit;
  else resHi |= x << (bit - 64);
}

/** V[d] = result, 128 bits when q, else 64 bits with bits 127:64 cleared. */
@inline export function resWrite(d: u32, q: u32): void {
  if (q != 0) setV128(d, resLo, resHi);
  else setV64(d, resLo);
}

/** Write the result into the upper 64 bits of V[d], keeping the lower half (the "2" narrowing forms). */
@inline export function resWriteUpper(d: u32): void {
  store<u64>(vAddr(d), resLo, 8);
}

/** FPSR.QC = 1: a saturating AdvSIMD instruction saturated (Arm ARM C5.2.9 FPSR, cumulative). */
export function setQC(): void {
  fpRaise(FPSR_QC);
}

/** Largest signed value of an element of 8 << sz bits. */
@inline export function maxS(sz: u32): i64 {
  return <i64>(laneMask(sz) >> 1);
}

/** SignedSatQ(v, 8 << sz) for sz < 3: clamp and set QC. */
export function satS(v: i64, sz: u32): i64 {
  const hi = maxS(sz);
  const lo = -hi - 1;
  if (v > hi) { setQC(); return hi; }
  if (v < lo) { setQC(); return lo; }
  return v;
}

/** UnsignedSatQ(v, 8 << sz) for sz < 3 (v is a signed intermediate): clamp and set QC. */
export function satU(v: i64, sz: u32): u64 {
  const hi = <i64>laneMask(sz);
  if (v > hi) { setQC(); return <u64>hi; }
  if (v < 0) { setQC(); return 0; }
  return <u64>v;
}

/** UnsignedSatQ(v, 8 << sz) of an unsigned intermediate (up to 2^64 - 1, e.g. a rounded 64-bit source). */
export function satUU(v: u64, sz: u32): u64 {
  const hi = laneMask(sz);
  if (v > hi) { setQC(); return hi; }
  return v;
}

/** Saturated signed value for a 64-bit overflow whose true sign is `neg`. */
@inline export function sat64S(neg: bool): u64 {
  setQC();
  return neg ? 0x8000000000000000 : 0x7fffffffffffffff;
}

/** Arithmetic shift right by n >= 0 of a 64-bit signed value (n >= 64 leaves only the sign). */
@inline export function asr(x: i64, n: u32): i64 {
  return x >> <i64>(n > 63 ? 63 : n);
}

/** Logical shift right by n >= 0 (n >= 64 gives 0). */
@inline export function lsr(x: u64, n: u32): u64 {
  return n > 63 ? 0 : x >> <u64>n;
}

/** Shift left by n >= 0 (n >= 64 gives 0). */
@inline export function lsl(x: u64, n: u32): u64 {
  return n > 63 ? 0 : x << <u64>n;
}

/** Signed x >> n rounded to nearest, ties up: floor((x + 2^(n-1)) / 2^n) without overflow; n >= 1. */
@inline export function rasr(x: i64, n: u32): i64 {
  return asr(x, n) + (asr(x, n - 1) & 1);
}

/** Unsigned x >> n rounded: floor((x + 2^(n-1)) / 2^n) without overflow; n >= 1. */
@inline export function rlsr(x: u64, n: u32): u64 {
  return lsr(x, n) + (lsr(x, n - 1) & 1);
}
