// cpu/jit/common.ts - what the translator's parts share (translate.ts and its instruction groups dp.ts, mem.ts,
// sys.ts): the Wasm locals of a region's function, the A64 condition test, DecodeBitMasks and small decode helpers.

import { Code, I32, I64, Op } from './wasm.js';

// ---- locals: parameters 0-2, guest registers, scratch
export const P_PC = 0, P_BUDGET = 1, P_CPU = 2, P_ENTRY = 3;
export const REG_SP = 31; // index of SP in the register locals (X31 is XZR or SP depending on the operand)
export const xl = (r: number) => 4 + r; // X0..X30 in 4..34, SP in 35
export const L_NZCV = 36, L_BASE = 37, L_TLB = 38, L_RET = 39, L_ID = 40;
export const T32 = [41, 42, 43, 44];
export const T64 = [45, 46, 47, 48, 49, 50, 51, 52];
export const L_NEXT = 53, L_PAGE = 54;
export const L_FPOK = 55; // SIMD&FP accesses are enabled at the current EL (CPACR_EL1.FPEN), computed on entry
export const LOCALS: ReadonlyArray<readonly [number, number]> = [[32, I64], [9, I32], [10, I64], [1, I32]];


export const PAGE_MASK = ~0xfffn;

/** A64 condition (Arm ARM C1.2.4) of `cond` from the packed NZCV (bits 31:28) in L_NZCV, as an i32 on the stack. */
export function condition(c: Code, cond: number): void {
  const base = cond >> 1;
  const f = () => c.get(L_NZCV);
  switch (base) {
    case 0: f().i32(30).op(Op.i32ShrU).i32(1).op(Op.i32And); break; // EQ: Z
    case 1: f().i32(29).op(Op.i32ShrU).i32(1).op(Op.i32And); break; // CS: C
    case 2: f().i32(31).op(Op.i32ShrU); break; // MI: N
    case 3: f().i32(28).op(Op.i32ShrU).i32(1).op(Op.i32And); break; // VS: V
    case 4: f().i32(29).op(Op.i32ShrU).i32(3).op(Op.i32And).i32(1).op(Op.i32Eq); break; // HI: C and not Z
    case 5: f().i32(31).op(Op.i32ShrU).get(L_NZCV).i32(28).op(Op.i32ShrU).op(Op.i32Xor).i32(1).op(Op.i32And).op(Op.i32Eqz); break; // GE: N = V
    case 6: // GT: not Z and N = V
      f().i32(31).op(Op.i32ShrU).get(L_NZCV).i32(28).op(Op.i32ShrU).op(Op.i32Xor)
        .get(L_NZCV).i32(30).op(Op.i32ShrU).op(Op.i32Or).i32(1).op(Op.i32And).op(Op.i32Eqz);
      break;
    default: c.i32(1); return; // AL, NV
  }
  if ((cond & 1) !== 0) c.op(Op.i32Eqz);
}

/** DecodeBitMasks (Arm ARM shared/functions/bitmasks) for a logical immediate; null if reserved. */
export function decodeBitMasks(n: number, imms: number, immr: number, immediate: boolean, datasize: number): { wmask: bigint; tmask: bigint } | null {
  const combined = (n << 6) | (~imms & 0x3f);
  let len = -1;
  for (let i = 6; i >= 0; i--) if ((combined >> i) & 1) { len = i; break; }
  if (len < 1) return null;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return null;
  const s = imms & levels, r = immr & levels, diff = (s - r) & levels;
  const esize = 1 << len;
  if (esize > datasize) return null;
  const ones = (k: number) => (k >= 64 ? (1n << 64n) - 1n : (1n << BigInt(k)) - 1n);
  const emask = ones(esize);
  let welem = ones(s + 1);
  const telem = ones(diff + 1);
  // ROR(welem, r) within esize bits
  if (r !== 0) welem = ((welem >> BigInt(r)) | (welem << BigInt(esize - r))) & emask;
  let wmask = 0n, tmask = 0n;
  for (let i = 0; i < datasize; i += esize) {
    wmask |= welem << BigInt(i);
    tmask |= telem << BigInt(i);
  }
  return { wmask, tmask };
}

/** Whether the hint-space word is executed as a NOP by the interpreter (cpu/as/system.ts isNop). */
export function isNop(insn: number): boolean {
  const m = (insn & 0xfffff01f) >>> 0;
  if (m === 0xd503201f) return ((((insn >>> 5) & 0x7f) - 2) >>> 0) > 3;
  return m === 0xd503301f && ((((insn >>> 5) & 7) - 4) >>> 0) <= 2;
}

export const KEY_PRFM = 0xe;
/** size:opc keys of SIMD&FP loads and stores: B, H, S, D (opc 0x) and Q (size 00, opc 1x) (ldst_fp.ts FP_KEYS). */
export const fpKeyValid = (key: number) => ((0x333f >> key) & 1) !== 0;
/** log2 of the access size: size, or 4 for Q. */
export const fpScale = (key: number) => ((key & 2) !== 0 ? 4 : key >> 2);
export const sx = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);

/** Bit 31 of S_JIT_RETIRED: the region unmasked interrupts (cpu/as/jit.ts). */
export const RETIRED_CHECK_IRQ = 0x80000000 | 0;

/** MSR DAIFSet, MSR DAIFClr (immediate) and MSR DAIF, Xt. */
export function isDaifWrite(insn: number): boolean {
  const m = (insn & 0xfffff0df) >>> 0;
  return m === 0xd50340df || (insn & 0xffffffe0) >>> 0 === 0xd51b4220;
}
