// cpu/as/alu.ts - integer helpers shared by the A64 data-processing groups (dp_imm.ts, dp_reg.ts): flag
// computation (Arm ARM shared/functions/integer/AddWithCarry), shifts (ShiftReg), ExtendReg, DecodeBitMasks
// and the bit-counting/high-multiply primitives Wasm lacks. Everything here is small and @inline except the
// rarely used slow paths.

import { S_NZCV } from "../layout";
import { cpu } from "./state";

// PSTATE.{N,Z,C,V} at their architectural positions (bits 31:28), as S_NZCV holds them.
export const FLAG_N: u32 = 0x80000000;
export const FLAG_Z: u32 = 0x40000000;
export const FLAG_C: u32 = 0x20000000;
export const FLAG_V: u32 = 0x10000000;

/** Store NZCV (already at bits 31:28, nothing else set). */
@inline export function putFlags(f: u32): void {
  store<u32>(cpu + S_NZCV, f);
}

/** Ones(n) for 1 <= n <= 64 (Wasm shifts are modulo 64, so 1 << 64 cannot be used). */
@inline export function ones64(n: u32): u64 {
  return <u64>-1 >> <u64>(64 - n);
}

/** Ones(n) for 1 <= n <= 32. */
@inline export function ones32(n: u32): u32 {
  return <u32>-1 >> (32 - n);
}

// ---------------------------------------------------------------- AddWithCarry with PSTATE.NZCV

/**
 * AddWithCarry(a, b, carry) for 64 bits; writes NZCV and returns the sum. Subtraction passes ~b and carry 1.
 * C: the unsigned sum a + b + c overflowed, i.e. r < a (c = 0) or r <= a (c = 1).
 * V: both operands have the same sign and the result's sign differs.
 */
@inline export function addsX(a: u64, b: u64, carry: u32): u64 {
  const r = a + b + <u64>carry;
  const c: u32 = carry != 0 ? <u32>(r <= a) : <u32>(r < a);
  putFlags(
    (<u32>(r >> 32) & FLAG_N) | (<u32>(r == 0) << 30) | (c << 29) |
    ((<u32>(((a ^ r) & (b ^ r)) >> 63)) << 28),
  );
  return r;
}

/** AddWithCarry for 32 bits (operands are the low words); writes NZCV and returns the sum. */
@inline export function addsW(a: u32, b: u32, carry: u32): u32 {
  const wide = <u64>a + <u64>b + <u64>carry;
  const r = <u32>wide;
  putFlags(
    (r & FLAG_N) | (<u32>(r == 0) << 30) | (<u32>(wide >> 32) << 29) | ((((a ^ r) & (b ^ r)) >> 31) << 28),
  );
  return r;
}

/** Flags of a logical flag-setting operation (ANDS, BICS, TST): N and Z from the result, C = V = 0. */
@inline export function logicFlagsX(r: u64): void {
  putFlags((<u32>(r >> 32) & FLAG_N) | (<u32>(r == 0) << 30));
}

@inline export function logicFlagsW(r: u32): void {
  putFlags((r & FLAG_N) | (<u32>(r == 0) << 30));
}

// ---------------------------------------------------------------- operand shaping

/** ShiftReg for 64 bits: type 0 LSL, 1 LSR, 2 ASR, 3 ROR; `amount` < 64. */
@inline export function shiftX(v: u64, type: u32, amount: u32): u64 {
  const n = <u64>amount;
  switch (type) {
    case 0: return v << n;
    case 1: return v >> n;
    case 2: return <u64>(<i64>v >> <i64>n);
    default: return rotr<u64>(v, n);
  }
}

/** ShiftReg for 32 bits; `amount` < 32. */
@inline export function shiftW(v: u32, type: u32, amount: u32): u32 {
  switch (type) {
    case 0: return v << amount;
    case 1: return v >> amount;
    case 2: return <u32>(<i32>v >> amount);
    default: return rotr<u32>(v, amount);
  }
}

/**
 * ExtendReg(m, option, shift) before truncation to the operation size: option 0-3 UXTB/UXTH/UXTW/UXTX,
 * 4-7 SXTB/SXTH/SXTW/SXTX (Arm ARM shared/functions/extendreg/ExtendReg). `shift` is 0-4.
 */
@inline export function extendReg(v: u64, option: u32, shift: u32): u64 {
  let e: u64;
  switch (option) {
    case 0: e = v & 0xff; break;
    case 1: e = v & 0xffff; break;
    case 2: e = v & 0xffffffff; break;
    case 4: e = <u64>(<i64>(v << 56) >> 56); break;
    case 5: e = <u64>(<i64>(v << 48) >> 48); break;
    case 6: e = <u64>(<i64>(v << 32) >> 32); break;
    default: e = v; // UXTX, SXTX
  }
  return e << <u64>shift;
}

// ---------------------------------------------------------------- DecodeBitMasks

/** Replicate(Ones(1), 64 / esize) indexed by log2(esize): multiplying an element by it replicates it. */
const REPLICATE = memory.data<u64>([
  0, 0x5555555555555555, 0x1111111111111111, 0x0101010101010101, 0x0001000100010001, 0x0000000100000001, 1,
]);

/**
 * DecodeBitMasks(N, imms, immr, immediate = TRUE).wmask replicated to 64 bits (Arm ARM
 * aarch64/instrs/integer/bitmasks/DecodeBitMasks). Returns 0 for the reserved encodings, which is never a
 * valid mask: an element always holds between 1 and esize-1 ones. 32-bit users truncate the result.
 */
@inline export function decodeBitMasks(n: u32, imms: u32, immr: u32): u64 {
  const lenBits = (n << 6) | (~imms & 0x3f);
  if (lenBits < 2) return 0; // HighestSetBit < 1: reserved
  const len = 31 - clz<u32>(lenBits);
  const esize = <u32>1 << len, levels = esize - 1;
  const s = imms & levels;
  if (s == levels) return 0; // all-ones element: reserved for logical immediates
  const r = immr & levels;
  let elem = ones64(s + 1);
  if (r != 0) elem = ((elem >> <u64>r) | (elem << <u64>(esize - r))) & ones64(esize);
  return elem * load<u64>(REPLICATE + (len << 3));
}

// ---------------------------------------------------------------- conditions

/**
 * ConditionHolds(cond) (Arm ARM shared/functions/system/ConditionHolds) tabulated: bit NZCV of entry `cond`
 * is the result for that flag value. The table is checked against the pseudocode for all 256 pairs by
 * int.test.ts (CSEL and B.cond cases).
 */
const COND_TABLE = memory.data<u16>([
  0xf0f0, 0x0f0f, 0xcccc, 0x3333, 0xff00, 0x00ff, 0xaaaa, 0x5555,
  0x0c0c, 0xf3f3, 0xaa55, 0x55aa, 0x0a05, 0xf5fa, 0xffff, 0xffff,
]);

/** ConditionHolds(cond) against the current PSTATE.NZCV: one table load, no branches. */
@inline export function condHolds(cond: u32): bool {
  return ((<u32>load<u16>(COND_TABLE + (cond << 1)) >> (load<u32>(cpu + S_NZCV) >> 28)) & 1) != 0;
}

// ---------------------------------------------------------------- bit counting and wide multiply

/** CountLeadingSignBits for 64 bits: zeros of x<63:1> EOR x<62:0> (a 63-bit value). */
@inline export function clsX(x: u64): u64 {
  return clz<u64>((x ^ (x << 1)) | 1);
}

@inline export function clsW(x: u32): u32 {
  return clz<u32>((x ^ (x << 1)) | 1);
}

/** RBIT for 64 bits: swap bits within bytes, then reverse the bytes. */
export function rbitX(v: u64): u64 {
  v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1);
  v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0f) | ((v & 0x0f0f0f0f0f0f0f0f) << 4);
  return bswap<u64>(v);
}

/** Bytes swapped within each 16-bit halfword (REV16). */
@inline export function rev16X(v: u64): u64 {
  return ((v >> 8) & 0x00ff00ff00ff00ff) | ((v & 0x00ff00ff00ff00ff) << 8);
}

/**
 * High 64 bits of the unsigned 128-bit product a * b (UMULH), from four 32x32 -> 64 partial products. Inline:
 * why - multi-precision arithmetic (UMULH, MUL, ADCS) is ~16% of the instructions of the Linux boot.
 */
@inline export function umulh(a: u64, b: u64): u64 {
  const al = a & 0xffffffff, ah = a >> 32, bl = b & 0xffffffff, bh = b >> 32;
  const ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  const mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/** High 64 bits of the signed 128-bit product (SMULH): the unsigned one corrected for negative operands. */
export function smulh(a: u64, b: u64): u64 {
  let h = umulh(a, b);
  if (<i64>a < 0) h -= b;
  if (<i64>b < 0) h -= a;
  return h;
}
