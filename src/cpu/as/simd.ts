// cpu/as/simd.ts - decode of the Advanced SIMD groups of "Data Processing -- Scalar Floating-Point and Advanced
// SIMD" (Arm ARM C4.1, the A64 encoding index). The scalar floating-point groups (bits 31:30 = 00, bit 28 = 1)
// belong to fp.ts, which the dispatcher asks first. ARMv8.0 only: the Crypto groups (AES, SHA, PMULL 1Q),
// ARMv8.1 SQRDMLAH and the ARMv8.2 FP16 / dot-product encodings are not claimed, so they are UNDEFINED.
//
// Vector groups have bits 31 = 0 and 28:24 = 0111x; scalar AdvSIMD groups have bits 31:30 = 01, 28:24 = 1111x.

import { execThreeSameInt } from "./simd_int";
import { execMisc, execAcrossInt, execScalarAddp } from "./simd_misc";
import { execThreeSameFp, execAcrossFp, execScalarPairFp } from "./simd_fp";
import { execThreeDiff } from "./simd_long";
import { execShiftImm } from "./simd_shift";
import { execIndexed } from "./simd_elem";
import { execCopy, execScalarDup, execPermute, execExt, execTbl, execModImm } from "./simd_perm";

/** Execute an AdvSIMD data-processing instruction; false when `insn` is not an allocated AdvSIMD encoding. */
export function execSimd(insn: u32): bool {
  if ((insn & 0x9f000000) == 0x0e000000) return vector01110(insn);
  if ((insn & 0x9f000000) == 0x0f000000) return vector01111(insn);
  if ((insn & 0xdf000000) == 0x5e000000) return scalar11110(insn);
  if ((insn & 0xdf000000) == 0x5f000000) return scalar11111(insn);
  return false;
}

/** Three same opcodes 11xxx are the floating-point forms. */
@inline function isFpSame(insn: u32): bool {
  return (insn & 0xc000) == 0xc000;
}

/** Across-lanes and scalar pairwise opcodes 01100, 01101, 01111 are the floating-point forms. */
@inline function isAcrossFp(insn: u32): bool {
  const opcode = (insn >> 12) & 0x1f;
  return opcode == 0x0c || opcode == 0x0d || opcode == 0x0f;
}

/** Vector, bits 28:24 = 01110: three same/different, two-register misc, across lanes, copy, TBL, ZIP, EXT. */
function vector01110(insn: u32): bool {
  if ((insn & (1 << 21)) != 0) {
    if ((insn & 0x400) != 0) return isFpSame(insn) ? execThreeSameFp(insn, false) : execThreeSameInt(insn, false);
    if ((insn & 0xc00) == 0) return execThreeDiff(insn, false);
    if ((insn & 0xc00) == 0x800) {
      const sel = (insn >> 17) & 0xf; // 0000 two-register misc, 1000 across lanes
      if (sel == 0) return execMisc(insn, false);
      if (sel == 8) return isAcrossFp(insn) ? execAcrossFp(insn) : execAcrossInt(insn);
    }
    return false;
  }
  if ((insn & 0x8000) != 0) return false; // three same extra, FP16 three same (ARMv8.1/8.2)
  const op2 = (insn >> 22) & 3;
  if ((insn & 0x400) != 0) return op2 == 0 ? execCopy(insn) : false;
  if ((insn & (1 << 29)) != 0) return op2 == 0 ? execExt(insn) : false;
  if ((insn & 0x800) != 0) return execPermute(insn);
  return op2 == 0 ? execTbl(insn) : false;
}

/** Vector, bits 28:24 = 01111: modified immediate, shift by immediate, x indexed element. */
function vector01111(insn: u32): bool {
  if ((insn & 0x400) == 0) return execIndexed(insn, false);
  if ((insn & (1 << 23)) != 0) return false;
  return ((insn >> 19) & 15) == 0 ? execModImm(insn) : execShiftImm(insn, false);
}

/** Scalar, bits 28:24 = 11110: three same/different, two-register misc, pairwise, copy. */
function scalar11110(insn: u32): bool {
  if ((insn & (1 << 21)) != 0) {
    if ((insn & 0x400) != 0) return isFpSame(insn) ? execThreeSameFp(insn, true) : execThreeSameInt(insn, true);
    if ((insn & 0xc00) == 0) return execThreeDiff(insn, true);
    if ((insn & 0xc00) == 0x800) {
      const sel = (insn >> 17) & 0xf; // 0000 two-register misc, 1000 pairwise
      if (sel == 0) return execMisc(insn, true);
      if (sel == 8) return isAcrossFp(insn) ? execScalarPairFp(insn) : execScalarAddp(insn);
    }
    return false;
  }
  // scalar copy: op = 0, imm4 = 0000 (DUP element); bit 15 = 0, bit 10 = 1
  if ((insn & 0x20e0fc00) == 0x00000400) return execScalarDup(insn);
  return false;
}

/** Scalar, bits 28:24 = 11111: shift by immediate, x indexed element. */
function scalar11111(insn: u32): bool {
  if ((insn & 0x400) == 0) return execIndexed(insn, true);
  return (insn & (1 << 23)) == 0 ? execShiftImm(insn, true) : false;
}
