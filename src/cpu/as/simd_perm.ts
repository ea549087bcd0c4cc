// cpu/as/simd_perm.ts - AdvSIMD data movement, Arm ARM C4.1 groups "Advanced SIMD copy" (DUP, INS, UMOV, SMOV)
// and "scalar copy" (DUP), "permute" (UZP/TRN/ZIP), "extract" (EXT), "table lookup" (TBL/TBX) and "modified
// immediate" (MOVI, MVNI, ORR, BIC, FMOV; AdvSIMDExpandImm()).

import { X, setX, vAddr, V64, V64hi, V128, setV64, setV128 } from "./state";
import { elemU, elemS, resClear, resPut, resWrite } from "./simd_lanes";
import { vWrite } from "./simd_int";

/** DUP: every element of the result is `x` (element size 8 << sz). */
function dupWrite(d: u32, x: u64, sz: u32, q: u32): void {
  let v: v128;
  switch (sz) {
    case 0: v = i8x16.splat(<i8>x); break;
    case 1: v = i16x8.splat(<i16>x); break;
    case 2: v = i32x4.splat(<i32>x); break;
    default: v = i64x2.splat(<i64>x);
  }
  vWrite(d, v, q);
}

/** Elem[V[d], e, 8 << sz] = x, keeping the other elements (INS). */
function insElem(d: u32, e: u32, sz: u32, x: u64): void {
  const a = vAddr(d) + (e << sz);
  switch (sz) {
    case 0: store<u8>(a, <u8>x); break;
    case 1: store<u16>(a, <u16>x); break;
    case 2: store<u32>(a, <u32>x); break;
    default: store<u64>(a, x);
  }
}

/** Advanced SIMD copy: DUP (element, general), INS (general, element), SMOV, UMOV. */
export function execCopy(insn: u32): bool {
  const q = (insn >> 30) & 1, op = (insn >> 29) & 1;
  const imm5 = (insn >> 16) & 31, imm4 = (insn >> 11) & 15;
  const n = (insn >> 5) & 31, d = insn & 31;
  const sz = ctz<u32>(imm5); // imm5 = x0000 (ctz >= 4) is reserved
  if (sz > 3) return false;
  const idx = imm5 >> (sz + 1);
  if (op != 0) {
    if (q == 0) return false;
    insElem(d, idx, sz, elemU(n, imm4 >> sz, sz)); // INS (element)
    return true;
  }
  switch (imm4) {
    case 0: // DUP (element)
      if (sz == 3 && q == 0) return false;
      dupWrite(d, elemU(n, idx, sz), sz, q);
      return true;
    case 1: // DUP (general)
      if (sz == 3 && q == 0) return false;
      dupWrite(d, X(n), sz, q);
      return true;
    case 3: // INS (general)
      if (q == 0) return false;
      insElem(d, idx, sz, X(n));
      return true;
    case 5: // SMOV: to W (B, H) or X (B, H, S), sign-extended
      if (sz == 3 || (sz == 2 && q == 0)) return false;
      setX(d, q != 0 ? <u64>elemS(n, idx, sz) : <u64><u32>elemS(n, idx, sz));
      return true;
    case 7: // UMOV: to W (B, H, S) or X (D)
      if ((q == 0 && sz == 3) || (q != 0 && sz != 3)) return false;
      setX(d, elemU(n, idx, sz));
      return true;
  }
  return false;
}

/** Advanced SIMD scalar copy: DUP (element) into a scalar register. */
export function execScalarDup(insn: u32): bool {
  const imm5 = (insn >> 16) & 31;
  const sz = ctz<u32>(imm5);
  if (sz > 3) return false;
  resClear();
  resPut(0, sz, elemU((insn >> 5) & 31, imm5 >> (sz + 1), sz));
  resWrite(insn & 31, 0);
  return true;
}

/**
 * UZP1/UZP2, TRN1/TRN2, ZIP1/ZIP2 (C7.2 UZP1: operands concatenated as Vm:Vn). Each result byte j belongs to
 * element k = j >> sz; the source element and register are computed for all 16 bytes at once as byte indices,
 * and two swizzles (index 0xff gives 0) gather the bytes from Vn and Vm. For the 64-bit forms the upper eight
 * result bytes are meaningless and vWrite drops them.
 */
export function execPermute(insn: u32): bool {
  const q = (insn >> 30) & 1, sz = (insn >> 22) & 3, opc = (insn >> 12) & 7;
  const d = insn & 31, n = (insn >> 5) & 31, m = (insn >> 16) & 31;
  if ((opc & 3) == 0 || (sz == 3 && q == 0)) return false;
  const elems = (<u32>8 << q) >> sz, part = <i8>(opc >> 2);
  const iota = i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const k = i8x16.shr_u(iota, sz); // result element of each byte
  const inElem = v128.and(iota, i8x16.splat(<i8>((<u32>1 << sz) - 1)));
  const odd = i8x16.eq(v128.and(k, i8x16.splat(1)), i8x16.splat(1));
  let fromM = odd, src = k;
  switch (opc & 3) {
    case 1: { // UZP: element 2k + part of Vm:Vn
      const i = i8x16.add(i8x16.shl(k, 1), i8x16.splat(part));
      fromM = i8x16.ge_u(i, i8x16.splat(<i8>elems));
      src = i8x16.sub(i, v128.and(fromM, i8x16.splat(<i8>elems)));
      break;
    }
    case 2: // TRN: even results from Vn, odd from Vm, both element (k & ~1) + part
      src = i8x16.add(v128.and(k, i8x16.splat(<i8>0xfe)), i8x16.splat(part));
      break;
    default: // ZIP: element (k >> 1) of the lower (ZIP1) or upper (ZIP2) half, alternating Vn, Vm
      src = i8x16.add(i8x16.shr_u(k, 1), i8x16.splat(<i8>(<u32>part * (elems >> 1))));
  }
  const idx = v128.or(i8x16.shl(src, sz), inElem);
  const r = v128.or(i8x16.swizzle(V128(n), v128.or(idx, fromM)), i8x16.swizzle(V128(m), v128.or(idx, v128.not(fromM))));
  vWrite(d, r, q);
  return true;
}

/** Bits s upwards (0 <= s < 64) of the 128-bit value hi:lo. */
@inline function funnel(lo: u64, hi: u64, s: u64): u64 {
  return s == 0 ? lo : (lo >> s) | (hi << (64 - s));
}

/** EXT: bytes imm4 upwards of Vm:Vn (64-bit form: Vm<63:0>:Vn<63:0>, imm4<3> must be 0). */
export function execExt(insn: u32): bool {
  const q = (insn >> 30) & 1, imm4 = (insn >> 11) & 15;
  const d = insn & 31, n = (insn >> 5) & 31, m = (insn >> 16) & 31;
  if (q == 0) {
    if (imm4 >= 8) return false;
    setV64(d, funnel(V64(n), V64(m), <u64>imm4 << 3));
    return true;
  }
  const n0 = V64(n), n1 = V64hi(n), m0 = V64(m), m1 = V64hi(m);
  const s = <u64>(imm4 & 7) << 3;
  if (imm4 < 8) setV128(d, funnel(n0, n1, s), funnel(n1, m0, s));
  else setV128(d, funnel(n1, m0, s), funnel(m0, m1, s));
  return true;
}

/**
 * TBL/TBX with 1-4 table registers V[n]..V[n+len] (modulo 32). Out-of-range indices give 0 (TBL) or keep the
 * destination byte (TBX). Single-register TBL is i8x16.swizzle, which also returns 0 for indices >= 16.
 */
export function execTbl(insn: u32): bool {
  const q = (insn >> 30) & 1, len = (insn >> 13) & 3, tbx = (insn & (1 << 12)) != 0;
  const d = insn & 31, n = (insn >> 5) & 31, m = (insn >> 16) & 31;
  if (len == 0 && !tbx) {
    vWrite(d, i8x16.swizzle(V128(n), V128(m)), q);
    return true;
  }
  const limit: u64 = <u64>(len + 1) << 4;
  const bytes: u32 = 8 << q;
  resClear();
  for (let i: u32 = 0; i < bytes; i++) {
    const idx = elemU(m, i, 0);
    let v: u64;
    if (idx < limit) v = elemU((n + (<u32>idx >> 4)) & 31, <u32>idx & 15, 0);
    else v = tbx ? elemU(d, i, 0) : 0;
    resPut(i, 0, v);
  }
  resWrite(d, q);
  return true;
}

@inline function rep32(x: u64): u64 {
  return (x & 0xffffffff) | (x << 32);
}

@inline function rep16(x: u64): u64 {
  return rep32((x & 0xffff) | (x << 16));
}

/** AdvSIMDExpandImm(op, cmode, imm8) (Arm ARM shared/functions/vector/AdvSIMDExpandImm). */
function expandImm(op: u32, cmode: u32, imm8: u64): u64 {
  switch (cmode >> 1) {
    case 0: return rep32(imm8);
    case 1: return rep32(imm8 << 8);
    case 2: return rep32(imm8 << 16);
    case 3: return rep32(imm8 << 24);
    case 4: return rep16(imm8);
    case 5: return rep16(imm8 << 8);
    case 6: return (cmode & 1) == 0 ? rep32((imm8 << 8) | 0xff) : rep32((imm8 << 16) | 0xffff);
  }
  const a = imm8 >> 7, b = (imm8 >> 6) & 1, cdefgh = imm8 & 0x3f;
  if ((cmode & 1) == 0) {
    if (op == 0) return rep16(imm8 | (imm8 << 8));
    let r: u64 = 0; // each bit of imm8 becomes a byte of ones or zeros
    for (let i: u64 = 0; i < 8; i++) if (((imm8 >> i) & 1) != 0) r |= <u64>0xff << (i << 3);
    return r;
  }
  if (op == 0) return rep32((a << 31) | ((b ^ 1) << 30) | ((b != 0 ? <u64>0x1f : 0) << 25) | (cdefgh << 19));
  return (a << 63) | ((b ^ 1) << 62) | ((b != 0 ? <u64>0xff : 0) << 54) | (cdefgh << 48);
}

/** MOVI, MVNI, ORR (vector, immediate), BIC (vector, immediate), FMOV (vector, immediate). */
export function execModImm(insn: u32): bool {
  const q = (insn >> 30) & 1, op = (insn >> 29) & 1, cmode = (insn >> 12) & 15;
  const d = insn & 31;
  if ((insn & (1 << 11)) != 0) return false; // o2 = 1: FMOV half-precision (ARMv8.2)
  if (op != 0 && cmode == 15 && q == 0) return false;
  const imm8 = <u64>((((insn >> 16) & 7) << 5) | ((insn >> 5) & 31));
  let imm = expandImm(op, cmode, imm8);
  let lo = imm, hi = imm;
  if (cmode < 12 && (cmode & 1) != 0) { // ORR / BIC on 32- or 16-bit lanes
    if (op != 0) {
      lo = V64(d) & ~imm;
      hi = V64hi(d) & ~imm;
    } else {
      lo = V64(d) | imm;
      hi = V64hi(d) | imm;
    }
  } else if (op != 0 && cmode < 14) { // MVNI
    lo = ~imm;
    hi = ~imm;
  }
  if (q != 0) setV128(d, lo, hi);
  else setV64(d, lo);
  return true;
}
