// cpu/jit/dp.ts - translation of the A64 data-processing groups (Arm ARM C4.1: "Data Processing -- Immediate" and
// "-- Register") on general registers, as cpu/as/dp_imm.ts and dp_reg.ts execute them. Each function emits the
// instruction into the region being built and returns false for an encoding the interpreter must handle.

import type { Block } from './translate.js';
import { Op, I32, I64, VOID } from './wasm.js';
import { L_NZCV, T32, T64, PAGE_MASK, condition, decodeBitMasks, sx } from './common.js';

export function pcRel(b: Block, insn: number, i: number): boolean {
  const rd = insn & 31;
  const imm = BigInt(sx((((insn >>> 5) & 0x7ffff) << 2) | ((insn >>> 29) & 3), 21));
  b.pcOf(i);
  if ((insn >>> 31) !== 0) b.c.i64(PAGE_MASK).op(Op.i64And).i64(imm << 12n).op(Op.i64Add); // ADRP
  else b.c.i64(imm).op(Op.i64Add);
  b.setX(rd);
  return true;
}

export function addSubImm(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, s = (insn & (1 << 29)) !== 0;
  const imm = ((insn >>> 10) & 0xfff) << (((insn >>> 22) & 1) * 12);
  const rn = (insn >>> 5) & 31, rd = insn & 31;
  const c = b.c;
  if (!s) {
    if (sf) {
      b.x(rn, true);
      c.i64(imm).op(sub ? Op.i64Sub : Op.i64Add);
      b.setX(rd, true);
    } else {
      b.w(rn, true);
      c.i32(imm).op(sub ? Op.i32Sub : Op.i32Add);
      b.setW(rd, true);
    }
    return true;
  }
  if (sf) {
    b.x(rn, true); c.set(T64[0]);
    c.i64(sub ? -(imm + 1) : imm).set(T64[1]); // ~imm as a 64-bit value
    b.adds64(sub ? 1 : 0);
    c.get(T64[2]); b.setX(rd);
  } else {
    b.w(rn, true); c.set(T32[0]);
    c.i32(sub ? ~imm : imm).set(T32[1]);
    b.adds32(sub ? 1 : 0);
    c.get(T32[2]); b.setW(rd);
  }
  return true;
}

export function logicalImm(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, opc = (insn >>> 29) & 3, nbit = (insn >>> 22) & 1;
  if (!sf && nbit) return false;
  const m = decodeBitMasks(nbit, (insn >>> 10) & 63, (insn >>> 16) & 63, true, sf ? 64 : 32);
  if (!m) return false;
  const rn = (insn >>> 5) & 31, rd = insn & 31, c = b.c;
  const op = [Op.i64And, Op.i64Or, Op.i64Xor, Op.i64And][opc];
  b.x(rn);
  c.i64(BigInt.asIntN(64, m.wmask)).op(op);
  if (!sf) c.i64(0xffffffffn).op(Op.i64And);
  if (opc === 3) {
    c.set(T64[2]);
    if (sf) b.logicFlags(true);
    else {
      c.get(T64[2]).op(Op.i32WrapI64).set(T32[2]);
      b.logicFlags(false);
    }
    c.get(T64[2]);
    b.setX(rd);
  } else b.setX(rd, true); // AND/ORR/EOR (immediate) may write SP
  return true;
}

export function moveWide(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, opc = (insn >>> 29) & 3, hw = (insn >>> 21) & 3;
  if (opc === 1 || (!sf && hw >= 2)) return false;
  const rd = insn & 31, c = b.c;
  const imm = BigInt((insn >>> 5) & 0xffff) << BigInt(hw * 16);
  const mask = sf ? (1n << 64n) - 1n : 0xffffffffn;
  if (opc === 0) c.i64(BigInt.asIntN(64, ~imm & mask));
  else if (opc === 2) c.i64(imm);
  else {
    b.x(rd);
    c.i64(BigInt.asIntN(64, ~(0xffffn << BigInt(hw * 16)) & mask)).op(Op.i64And).i64(imm).op(Op.i64Or);
  }
  b.setX(rd);
  return true;
}

/** SBFM, BFM, UBFM (Arm ARM C6.2, "BFM"): the generic form with DecodeBitMasks(immediate = false). */
export function bitfield(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, opc = (insn >>> 29) & 3, nbit = (insn >>> 22) & 1;
  const immr = (insn >>> 16) & 63, imms = (insn >>> 10) & 63;
  if (opc === 3 || nbit !== (sf ? 1 : 0) || (!sf && (immr >= 32 || imms >= 32))) return false;
  const m = decodeBitMasks(nbit, imms, immr, false, sf ? 64 : 32);
  if (!m) return false;
  const rn = (insn >>> 5) & 31, rd = insn & 31, c = b.c;
  const size = sf ? 64 : 32, all = sf ? (1n << 64n) - 1n : 0xffffffffn;
  const k = (v: bigint) => c.i64(BigInt.asIntN(64, v));
  // bot = ROR(src, immr) & wmask (BFM: merged into dst)
  b.x(rn);
  if (!sf) c.i64(0xffffffffn).op(Op.i64And);
  if (immr !== 0) {
    if (sf) c.i64(immr).op(Op.i64Rotr);
    else c.op(Op.i32WrapI64).i32(immr).op(Op.i32Rotr).op(Op.i64ExtendI32U);
  }
  k(m.wmask).op(Op.i64And);
  if (opc === 1) {
    b.x(rd);
    k(~m.wmask & all).op(Op.i64And).op(Op.i64Or);
  }
  c.set(T64[0]);
  // top: SBFM replicates src<imms>, BFM keeps dst, UBFM zero
  if (opc === 0) {
    b.x(rn);
    c.i64(63 - imms).op(Op.i64Shl).i64(63n).op(Op.i64ShrS);
  } else if (opc === 1) b.x(rd);
  else c.i64(0n);
  k(~m.tmask & all).op(Op.i64And);
  c.get(T64[0]);
  k(m.tmask).op(Op.i64And).op(Op.i64Or);
  if (!sf) c.i64(0xffffffffn).op(Op.i64And);
  b.setX(rd);
  void size;
  return true;
}

export function extract(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, nbit = (insn >>> 22) & 1, imms = (insn >>> 10) & 63;
  if (((insn >>> 29) & 3) !== 0 || (insn & (1 << 21)) !== 0 || nbit !== (sf ? 1 : 0) || (!sf && imms >= 32)) return false;
  const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = b.c;
  if (sf) {
    if (imms === 0) b.x(rm);
    else {
      b.x(rm); c.i64(imms).op(Op.i64ShrU);
      b.x(rn); c.i64(64 - imms).op(Op.i64Shl).op(Op.i64Or);
    }
    b.setX(rd);
  } else {
    if (imms === 0) b.w(rm);
    else {
      b.w(rm); c.i32(imms).op(Op.i32ShrU);
      b.w(rn); c.i32(32 - imms).op(Op.i32Shl).op(Op.i32Or);
    }
    b.setW(rd);
  }
  return true;
}

export function logicalShifted(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, opc = (insn >>> 29) & 3, type = (insn >>> 22) & 3;
  const invert = (insn & (1 << 21)) !== 0, amount = (insn >>> 10) & 63;
  if (!sf && amount >= 32) return false;
  const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = b.c;
  if (sf) {
    b.x(rn);
    b.x(rm); b.shift(true, type, amount);
    if (invert) c.i64(-1n).op(Op.i64Xor);
    c.op([Op.i64And, Op.i64Or, Op.i64Xor, Op.i64And][opc]);
    if (opc === 3) { c.set(T64[2]); b.logicFlags(true); c.get(T64[2]); }
    b.setX(rd);
  } else {
    b.w(rn);
    b.w(rm); b.shift(false, type, amount);
    if (invert) c.i32(-1).op(Op.i32Xor);
    c.op([Op.i32And, Op.i32Or, Op.i32Xor, Op.i32And][opc]);
    if (opc === 3) { c.set(T32[2]); b.logicFlags(false); c.get(T32[2]); }
    b.setW(rd);
  }
  return true;
}

export function addSubShifted(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, s = (insn & (1 << 29)) !== 0;
  const type = (insn >>> 22) & 3, amount = (insn >>> 10) & 63;
  if (type === 3 || (!sf && amount >= 32)) return false;
  const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = b.c;
  if (sf) {
    if (!s) {
      b.x(rn); b.x(rm); b.shift(true, type, amount); c.op(sub ? Op.i64Sub : Op.i64Add);
      b.setX(rd);
      return true;
    }
    b.x(rn); c.set(T64[0]);
    b.x(rm); b.shift(true, type, amount);
    if (sub) c.i64(-1n).op(Op.i64Xor);
    c.set(T64[1]);
    b.adds64(sub ? 1 : 0);
    c.get(T64[2]); b.setX(rd);
  } else {
    if (!s) {
      b.w(rn); b.w(rm); b.shift(false, type, amount); c.op(sub ? Op.i32Sub : Op.i32Add);
      b.setW(rd);
      return true;
    }
    b.w(rn); c.set(T32[0]);
    b.w(rm); b.shift(false, type, amount);
    if (sub) c.i32(-1).op(Op.i32Xor);
    c.set(T32[1]);
    b.adds32(sub ? 1 : 0);
    c.get(T32[2]); b.setW(rd);
  }
  return true;
}

export function addSubExtended(b: Block, insn: number): boolean {
  const shift = (insn >>> 10) & 7;
  if ((insn & (3 << 22)) !== 0 || shift > 4) return false;
  const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, s = (insn & (1 << 29)) !== 0;
  const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, option = (insn >>> 13) & 7, c = b.c;
  if (sf) {
    b.x(rn, true); c.set(T64[0]);
    b.extendReg(rm, option, shift);
    if (!s) {
      c.set(T64[1]); c.get(T64[0]).get(T64[1]).op(sub ? Op.i64Sub : Op.i64Add);
      b.setX(rd, true);
      return true;
    }
    if (sub) c.i64(-1n).op(Op.i64Xor);
    c.set(T64[1]);
    b.adds64(sub ? 1 : 0);
    c.get(T64[2]); b.setX(rd);
  } else {
    b.w(rn, true); c.set(T32[0]);
    b.extendReg(rm, option, shift); c.op(Op.i32WrapI64);
    if (!s) {
      c.set(T32[1]); c.get(T32[0]).get(T32[1]).op(sub ? Op.i32Sub : Op.i32Add);
      b.setW(rd, true);
      return true;
    }
    if (sub) c.i32(-1).op(Op.i32Xor);
    c.set(T32[1]);
    b.adds32(sub ? 1 : 0);
    c.get(T32[2]); b.setW(rd);
  }
  return true;
}

/** ADC, ADCS, SBC, SBCS. */
export function addSubCarry(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, s = (insn & (1 << 29)) !== 0;
  const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = b.c;
  b.readFlags();
  if (sf) {
    b.x(rn); c.set(T64[0]);
    b.x(rm); if (sub) c.i64(-1n).op(Op.i64Xor); c.set(T64[1]);
    if (s) { b.adds64(-1); c.get(T64[2]); } else {
      c.get(T64[0]).get(T64[1]).op(Op.i64Add)
        .get(L_NZCV).i32(29).op(Op.i32ShrU).i32(1).op(Op.i32And).op(Op.i64ExtendI32U).op(Op.i64Add);
    }
    b.setX(rd);
  } else {
    b.w(rn); c.set(T32[0]);
    b.w(rm); if (sub) c.i32(-1).op(Op.i32Xor); c.set(T32[1]);
    if (s) { b.adds32(-1); c.get(T32[2]); } else {
      c.get(T32[0]).get(T32[1]).op(Op.i32Add).get(L_NZCV).i32(29).op(Op.i32ShrU).i32(1).op(Op.i32And).op(Op.i32Add);
    }
    b.setW(rd);
  }
  return true;
}

/** CCMN, CCMP (register and immediate). */
export function condCompare(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, imm = (insn & (1 << 11)) !== 0;
  const rn = (insn >>> 5) & 31, m = (insn >>> 16) & 31, cond = (insn >>> 12) & 15, nzcv = insn & 15, c = b.c;
  b.readFlags();
  condition(c, cond);
  c.op(Op.if).byte(VOID);
  b.depth++;
  if (sf) {
    b.x(rn); c.set(T64[0]);
    if (imm) c.i64(m); else b.x(m);
    if (sub) c.i64(-1n).op(Op.i64Xor);
    c.set(T64[1]);
    b.adds64(sub ? 1 : 0);
  } else {
    b.w(rn); c.set(T32[0]);
    if (imm) c.i32(m); else b.w(m);
    if (sub) c.i32(-1).op(Op.i32Xor);
    c.set(T32[1]);
    b.adds32(sub ? 1 : 0);
  }
  c.op(Op.else);
  c.i32((nzcv << 28) | 0).set(L_NZCV);
  b.depth--;
  c.op(Op.end);
  b.writeFlags();
  return true;
}

/** CSEL, CSINC, CSINV, CSNEG. */
export function condSelect(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, inv = (insn & (1 << 30)) !== 0, op2 = (insn >>> 10) & 3;
  if (op2 >= 2) return false;
  const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, cond = (insn >>> 12) & 15, c = b.c;
  b.readFlags();
  b.x(rn);
  b.x(rm);
  if (inv && op2 === 0) c.i64(-1n).op(Op.i64Xor); // CSINV
  else if (inv) c.set(T64[0]).i64(0n).get(T64[0]).op(Op.i64Sub); // CSNEG
  else if (op2 === 1) c.i64(1n).op(Op.i64Add); // CSINC
  condition(c, cond);
  c.op(Op.select);
  if (!sf) c.i64(0xffffffffn).op(Op.i64And);
  b.setX(rd);
  return true;
}

/** UDIV, SDIV, LSLV, LSRV, ASRV, RORV (CRC32 and PACGA are not translated). */
export function dataProc2(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, opcode = (insn >>> 10) & 63;
  const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = b.c;
  if (opcode === 2 || opcode === 3) {
    // division by zero gives 0; INT_MIN / -1 gives INT_MIN (Arm ARM C6.2 SDIV)
    const signed = opcode === 3;
    if (sf) {
      b.x(rn); c.set(T64[0]); b.x(rm); c.set(T64[1]);
      c.get(T64[1]).op(Op.i64Eqz);
      c.op(Op.if).byte(I64).i64(0n).op(Op.else);
      if (signed) {
        c.get(T64[1]).i64(-1n).op(Op.i64Eq);
        c.op(Op.if).byte(I64).i64(0n).get(T64[0]).op(Op.i64Sub).op(Op.else).get(T64[0]).get(T64[1]).op(Op.i64DivS).op(Op.end);
      } else c.get(T64[0]).get(T64[1]).op(Op.i64DivU);
      c.op(Op.end);
      b.setX(rd);
    } else {
      b.w(rn); c.set(T32[0]); b.w(rm); c.set(T32[1]);
      c.get(T32[1]).op(Op.i32Eqz);
      c.op(Op.if).byte(I32).i32(0).op(Op.else);
      if (signed) {
        c.get(T32[1]).i32(-1).op(Op.i32Eq);
        c.op(Op.if).byte(I32).i32(0).get(T32[0]).op(Op.i32Sub).op(Op.else).get(T32[0]).get(T32[1]).op(Op.i32DivS).op(Op.end);
      } else c.get(T32[0]).get(T32[1]).op(Op.i32DivU);
      c.op(Op.end);
      b.setW(rd);
    }
    return true;
  }
  if (opcode >= 8 && opcode <= 11) {
    const t = opcode - 8;
    if (sf) {
      b.x(rn); b.x(rm); // Wasm shifts count modulo 64, as the architecture's shift by Xm MOD 64
      c.op([Op.i64Shl, Op.i64ShrU, Op.i64ShrS, Op.i64Rotr][t]);
      b.setX(rd);
    } else {
      b.w(rn); b.w(rm);
      c.op([Op.i32Shl, Op.i32ShrU, Op.i32ShrS, Op.i32Rotr][t]);
      b.setW(rd);
    }
    return true;
  }
  return false;
}

/** CLZ, CLS, RBIT, REV16, REV32, REV. */
export function dataProc1(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, opcode = (insn >>> 10) & 63;
  if (((insn >>> 16) & 31) !== 0) return false;
  const rn = (insn >>> 5) & 31, rd = insn & 31, c = b.c;
  if (opcode === 4) {
    if (sf) { b.x(rn); c.op(Op.i64Clz); b.setX(rd); } else { b.w(rn); c.op(Op.i32Clz); b.setW(rd); }
    return true;
  }
  if (opcode === 5) { // CLS: CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>) = clz((x ^ (x << 1)) >> 1) - 1
    if (sf) {
      b.x(rn); c.set(T64[0]);
      c.get(T64[0]).get(T64[0]).i64(1).op(Op.i64Shl).op(Op.i64Xor).i64(1).op(Op.i64ShrU).op(Op.i64Clz).i64(1).op(Op.i64Sub);
      b.setX(rd);
    } else {
      b.w(rn); c.set(T32[0]);
      c.get(T32[0]).get(T32[0]).i32(1).op(Op.i32Shl).op(Op.i32Xor).i32(1).op(Op.i32ShrU).op(Op.i32Clz).i32(1).op(Op.i32Sub);
      b.setW(rd);
    }
    return true;
  }
  // RBIT reverses the bits (swaps of 1, 2, 4 bits, then of bytes), REV16 swaps the bytes of each halfword,
  // REV32 (and 32-bit REV) of each word, REV of the doubleword
  if (opcode === 0) {
    b.x(rn);
    if (!sf) c.i64(0xffffffffn).op(Op.i64And);
    const swapBits = (mask: bigint, shift: number) => {
      c.set(T64[0]);
      c.get(T64[0]).i64(shift).op(Op.i64ShrU).i64(BigInt.asIntN(64, mask)).op(Op.i64And);
      c.get(T64[0]).i64(BigInt.asIntN(64, mask)).op(Op.i64And).i64(shift).op(Op.i64Shl).op(Op.i64Or);
    };
    swapBits(0x5555555555555555n, 1);
    swapBits(0x3333333333333333n, 2);
    swapBits(0x0f0f0f0f0f0f0f0fn, 4);
    swapBits(0x00ff00ff00ff00ffn, 8);
    swapBits(0x0000ffff0000ffffn, 16);
    if (sf) c.i64(32).op(Op.i64Rotr);
    else c.i64(0xffffffffn).op(Op.i64And);
    b.setX(rd);
    return true;
  }
  if (opcode > 3 || (opcode === 3 && !sf)) return false;
  const steps = opcode === 1 ? 1 : opcode === 2 ? 2 : 3;
  b.x(rn);
  if (!sf) c.i64(0xffffffffn).op(Op.i64And);
  const swap = (mask: bigint, shift: number) => {
    c.set(T64[0]);
    c.get(T64[0]).i64(shift).op(Op.i64ShrU).i64(mask).op(Op.i64And);
    c.get(T64[0]).i64(mask).op(Op.i64And).i64(shift).op(Op.i64Shl).op(Op.i64Or);
  };
  swap(0x00ff00ff00ff00ffn, 8);
  if (steps >= 2) swap(0x0000ffff0000ffffn, 16);
  if (steps === 3) c.i64(32).op(Op.i64Rotr);
  if (!sf) c.i64(0xffffffffn).op(Op.i64And);
  b.setX(rd);
  return true;
}

/** High 64 bits of the unsigned product of T64[0] and T64[1] (cpu/as/alu.ts umulh), on the stack. */
export function umulh(blk: Block): void {
  const c = blk.c, a = T64[0], b = T64[1], lo = T64[4], mid1 = T64[5], mid2 = T64[6];
  const M = 0xffffffffn;
  c.get(a).i64(M).op(Op.i64And).get(b).i64(M).op(Op.i64And).op(Op.i64Mul).set(lo); // al*bl
  c.get(a).i64(M).op(Op.i64And).get(b).i64(32n).op(Op.i64ShrU).op(Op.i64Mul).set(mid1); // al*bh
  c.get(a).i64(32n).op(Op.i64ShrU).get(b).i64(M).op(Op.i64And).op(Op.i64Mul).set(mid2); // ah*bl
  // carry word = (lo >> 32) + (mid1 & M) + (mid2 & M)
  c.get(lo).i64(32n).op(Op.i64ShrU).get(mid1).i64(M).op(Op.i64And).op(Op.i64Add)
    .get(mid2).i64(M).op(Op.i64And).op(Op.i64Add).set(lo);
  c.get(a).i64(32n).op(Op.i64ShrU).get(b).i64(32n).op(Op.i64ShrU).op(Op.i64Mul)
    .get(mid1).i64(32n).op(Op.i64ShrU).op(Op.i64Add)
    .get(mid2).i64(32n).op(Op.i64ShrU).op(Op.i64Add)
    .get(lo).i64(32n).op(Op.i64ShrU).op(Op.i64Add);
}

/** MADD, MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH. */
export function dataProc3(b: Block, insn: number): boolean {
  const sf = (insn >>> 31) !== 0, op31 = (insn >>> 21) & 7, o0 = (insn & (1 << 15)) !== 0;
  if (((insn >>> 29) & 3) !== 0) return false;
  const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, ra = (insn >>> 10) & 31, rd = insn & 31, c = b.c;
  if (op31 === 0) {
    if (sf) {
      b.x(ra); b.x(rn); b.x(rm); c.op(Op.i64Mul).op(o0 ? Op.i64Sub : Op.i64Add);
      b.setX(rd);
    } else {
      b.w(ra); b.w(rn); b.w(rm); c.op(Op.i32Mul).op(o0 ? Op.i32Sub : Op.i32Add);
      b.setW(rd);
    }
    return true;
  }
  if (!sf) return false;
  if (op31 === 1 || op31 === 5) {
    const ext = op31 === 1 ? Op.i64ExtendI32S : Op.i64ExtendI32U;
    b.x(ra);
    b.w(rn); c.op(ext);
    b.w(rm); c.op(ext);
    c.op(Op.i64Mul).op(o0 ? Op.i64Sub : Op.i64Add);
    b.setX(rd);
    return true;
  }
  if ((op31 === 2 || op31 === 6) && !o0) {
    b.x(rn); c.set(T64[0]); b.x(rm); c.set(T64[1]);
    umulh(b);
    if (op31 === 2) {
      // SMULH = UMULH - (a < 0 ? b : 0) - (b < 0 ? a : 0)
      c.get(T64[1]).i64(0n).get(T64[0]).i64(0n).op(Op.i64LtS).op(Op.select).op(Op.i64Sub);
      c.get(T64[0]).i64(0n).get(T64[1]).i64(0n).op(Op.i64LtS).op(Op.select).op(Op.i64Sub);
    }
    b.setX(rd);
    return true;
  }
  return false;
}
