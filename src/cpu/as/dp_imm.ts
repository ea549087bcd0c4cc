// cpu/as/dp_imm.ts - A64 "Data Processing -- Immediate" (Arm ARM C4.1, the A64 encoding index): PC-relative
// addressing, add/sub (immediate), logical (immediate), move wide, bitfield and extract, decoded on bits 25:23.
// Register 31 is SP for the base of ADD/SUB (immediate), for their destination unless flags are set, and for
// the destination of AND/ORR/EOR (immediate); it is the zero register everywhere else.
//
// The run loop (interp.ts) calls the class handlers directly for the top bytes it recognises, passing the bits
// the top byte fixes as constants (`op` = sf:op:S, `p` = the PC), so the inlined copies lose their decode.

import { pc, X, W, setX, setW, XSP, setXSP } from "./state";
import { undefinedInsn, undefinedArch } from "./exception";
import { addsX, addsW, logicFlagsX, logicFlagsW, decodeBitMasks, ones64, ones32 } from "./alu";

export function execDpImm(insn: u32): void {
  switch ((insn >> 23) & 7) {
    case 0: case 1: pcRel(insn, pc); break;
    case 2: addSubImm(insn, insn >> 29); break;
    case 3: tagsOrMinMax(insn); break;
    case 4: logicalImm(insn, insn >> 29); break;
    case 5: moveWide(insn, insn >> 29); break;
    case 6: bitfield(insn, insn >> 29); break;
    default: extract(insn);
  }
}

/** ADR, ADRP (Arm ARM C6.2) at PC `p`: imm = immhi:immlo, ADRP scales it by 4 KiB from the PC's page. */
@inline export function pcRel(insn: u32, p: u64): void {
  const immlo = (insn >> 29) & 3;
  const immhi = <i32>(insn << 8) >> 13; // bits 23:5, sign-extended
  const imm = <i64>((immhi << 2) | <i32>immlo);
  if ((insn & 0x80000000) == 0) setX(insn & 31, p + <u64>imm);
  else setX(insn & 31, (p & ~<u64>0xfff) + <u64>(imm << 12));
}

/**
 * ADD/ADDS/SUB/SUBS (immediate), AddWithCarry with SP forms: imm12 optionally shifted left by 12 (sh, bit 22).
 * `op` = sf:op:S = insn bits 31:29.
 */
@inline export function addSubImm(insn: u32, op: u32): void {
  const rd = insn & 31, rn = (insn >> 5) & 31;
  let imm = (insn >> 10) & 0xfff;
  if ((insn & (1 << 22)) != 0) imm <<= 12;
  const a = XSP(rn);
  switch (op) {
    case 0: setXSP(rd, <u64>(<u32>a + imm)); break; // ADD Wd|WSP
    case 1: setW(rd, addsW(<u32>a, imm, 0)); break; // ADDS Wd
    case 2: setXSP(rd, <u64>(<u32>a - imm)); break; // SUB Wd|WSP
    case 3: setW(rd, addsW(<u32>a, ~imm, 1)); break; // SUBS Wd
    case 4: setXSP(rd, a + <u64>imm); break; // ADD Xd|SP
    case 5: setX(rd, addsX(a, <u64>imm, 0)); break;
    case 6: setXSP(rd, a - <u64>imm); break;
    default: setX(rd, addsX(a, ~<u64>imm, 1));
  }
}

/**
 * op1 = 011: Add/subtract (immediate, with tags) ADDG/SUBG (FEAT_MTE; sf = 1, S = 0, bit 22 = 0, op3 = bits
 * 15:14 = 00) and Min/max (immediate) SMAX/UMAX/SMIN/UMIN (FEAT_CSSC; op = S = 0, bit 22 = 1, opc = bits
 * 21:18 < 4). Neither feature is implemented (ID_AA64PFR1_EL1.MTE = 0, ID_AA64ISAR2_EL1.CSSC = 0).
 */
export function tagsOrMinMax(insn: u32): void {
  const absent = (insn & (1 << 22)) != 0
    ? (insn & 0x60000000) == 0 && ((insn >> 18) & 15) < 4
    : ((insn >> 29) == 4 || (insn >> 29) == 6) && (insn & 0xc000) == 0;
  if (absent) undefinedArch();
  else undefinedInsn(insn);
}

/** AND/ORR/EOR/ANDS (immediate): the mask comes from DecodeBitMasks(N, imms, immr). `op` = sf:opc. */
@inline export function logicalImm(insn: u32, op: u32): void {
  const sf = op >> 2, n = (insn >> 22) & 1;
  if (sf == 0 && n != 0) {
    undefinedInsn(insn);
    return;
  }
  const mask = decodeBitMasks(n, (insn >> 10) & 63, (insn >> 16) & 63);
  if (mask == 0) {
    undefinedInsn(insn); // reserved immediate (DecodeBitMasks UNDEFINED)
    return;
  }
  const rd = insn & 31, rn = (insn >> 5) & 31;
  if (sf != 0) {
    const a = X(rn);
    switch (op & 3) {
      case 0: setXSP(rd, a & mask); break;
      case 1: setXSP(rd, a | mask); break;
      case 2: setXSP(rd, a ^ mask); break;
      default: {
        const r = a & mask;
        logicFlagsX(r);
        setX(rd, r);
      }
    }
  } else {
    const a = W(rn), m = <u32>mask;
    switch (op & 3) {
      case 0: setXSP(rd, <u64>(a & m)); break;
      case 1: setXSP(rd, <u64>(a | m)); break;
      case 2: setXSP(rd, <u64>(a ^ m)); break;
      default: {
        const r = a & m;
        logicFlagsW(r);
        setW(rd, r);
      }
    }
  }
}

/** MOVN/MOVZ/MOVK: imm16 at position hw*16; opc = 01 and 32-bit hw >= 2 are unallocated. `op` = sf:opc. */
@inline export function moveWide(insn: u32, op: u32): void {
  const sf = op >> 2, opc = op & 3, hw = (insn >> 21) & 3;
  if (opc == 1 || (sf == 0 && hw >= 2)) {
    undefinedInsn(insn);
    return;
  }
  const rd = insn & 31;
  const pos = <u64>(hw << 4);
  const imm = <u64>((insn >> 5) & 0xffff) << pos;
  switch (opc) {
    case 0: // MOVN
      if (sf != 0) setX(rd, ~imm);
      else setW(rd, ~<u32>imm);
      break;
    case 2: // MOVZ
      setX(rd, imm);
      break;
    default: { // MOVK
      const r = (X(rd) & ~(<u64>0xffff << pos)) | imm;
      if (sf != 0) setX(rd, r);
      else setW(rd, <u32>r);
    }
  }
}

/**
 * SBFM/BFM/UBFM (Arm ARM C6.2 pseudocode, DecodeBitMasks with immediate = FALSE) and by construction their
 * aliases (ASR, LSL, LSR, SBFX, SBFIZ, SXTB/H/W, UBFX, UBFIZ, UXTB/H, BFI, BFXIL, BFC). With N == sf,
 * DecodeBitMasks yields esize == datasize, so wmask/tmask reduce to two cases: imms >= immr extracts bits
 * imms:immr to the bottom; imms < immr inserts bits imms:0 at position datasize - immr. `op` = sf:opc.
 */
@inline export function bitfield(insn: u32, op: u32): void {
  const sf = op >> 2, opc = op & 3, n = (insn >> 22) & 1;
  const immr = (insn >> 16) & 63, imms = (insn >> 10) & 63;
  if (opc == 3 || sf != n || (sf == 0 && ((immr | imms) & 32) != 0)) {
    undefinedInsn(insn);
    return;
  }
  const rd = insn & 31, rn = (insn >> 5) & 31;
  if (sf != 0) setX(rd, bitfieldX(opc, X(rn), X(rd), immr, imms));
  else setW(rd, bitfieldW(opc, W(rn), W(rd), immr, imms));
}

/** The 64-bit bitfield move; opc 0 SBFM, 1 BFM, 2 UBFM. */
@inline function bitfieldX(opc: u32, src: u64, dst: u64, immr: u32, imms: u32): u64 {
  if (imms >= immr) {
    const width = imms - immr + 1;
    if (opc == 2) return (src >> <u64>immr) & ones64(width);
    if (opc == 0) return <u64>(<i64>(src << <u64>(63 - imms)) >> <i64>(63 - width + 1));
    const m = ones64(width);
    return (dst & ~m) | ((src >> <u64>immr) & m);
  }
  const lsb = <u64>(64 - immr), width = imms + 1;
  if (opc == 2) return (src & ones64(width)) << lsb;
  if (opc == 0) return <u64>(<i64>(src << <u64>(63 - imms)) >> <i64>(63 - imms)) << lsb;
  const m = ones64(width) << lsb;
  return (dst & ~m) | ((src << lsb) & m);
}

/** The 32-bit bitfield move (immr, imms < 32). */
@inline function bitfieldW(opc: u32, src: u32, dst: u32, immr: u32, imms: u32): u32 {
  if (imms >= immr) {
    const width = imms - immr + 1;
    if (opc == 2) return (src >> immr) & ones32(width);
    if (opc == 0) return <u32>(<i32>(src << (31 - imms)) >> (32 - width));
    const m = ones32(width);
    return (dst & ~m) | ((src >> immr) & m);
  }
  const lsb = 32 - immr, width = imms + 1;
  if (opc == 2) return (src & ones32(width)) << lsb;
  if (opc == 0) return <u32>(<i32>(src << (31 - imms)) >> (31 - imms)) << lsb;
  const m = ones32(width) << lsb;
  return (dst & ~m) | ((src << lsb) & m);
}

/** EXTR: bits lsb+datasize-1:lsb of Rn:Rm. op21 != 00, o0 = 1, N != sf, 32-bit lsb >= 32 unallocated. */
@inline export function extract(insn: u32): void {
  const sf = insn >> 31, n = (insn >> 22) & 1, lsb = (insn >> 10) & 63;
  if ((insn & 0x60200000) != 0 || sf != n || (sf == 0 && lsb >= 32)) {
    undefinedInsn(insn);
    return;
  }
  const rd = insn & 31, rn = (insn >> 5) & 31, rm = (insn >> 16) & 31;
  if (sf != 0) {
    const lo = X(rm);
    setX(rd, lsb == 0 ? lo : (lo >> <u64>lsb) | (X(rn) << <u64>(64 - lsb)));
  } else {
    const lo = W(rm);
    setW(rd, lsb == 0 ? lo : (lo >> lsb) | (W(rn) << (32 - lsb)));
  }
}
