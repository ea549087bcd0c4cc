// cpu/as/fp.ts - the scalar floating-point groups of A64 (Arm ARM C4.1, "Data Processing -- Scalar
// Floating-Point and Advanced SIMD", op0 = x0x1: bit 30 = 0, bits 28:24 = 1111x): conversions FP <-> fixed-point
// and FP <-> integer (with FMOV to/from general registers), data-processing with 1, 2 and 3 sources, compare,
// conditional compare, conditional select and FMOV (immediate). The arithmetic is in fpcore.ts.
//
// ARMv8.0: ftype 11 (half precision) is only valid as the source or destination of FCVT; half-precision arithmetic
// (FEAT_FP16), FJCVTZS (FEAT_JSCVT) and FRINT32/64 (FEAT_FRINTTS) are not implemented and logged as such.
// Scalar results are written with the rest of the V register cleared (bits 127:N).

import { S_FPCR } from "../layout";
import { cpu, X, setX, W, setW, V64, V64hi, setV64, vAddr, setNzcv } from "./state";
import { condHolds } from "./alu";
import { undefinedInsn, undefinedArch } from "./exception";
import {
  RM_TIEAWAY, RM_ZERO, fpcrRMode,
  fpAdd32, fpAdd64, fpSub32, fpSub64, fpMul32, fpMul64, fpDiv32, fpDiv64, fpMax32, fpMax64, fpMin32, fpMin64,
  fpMaxNum32, fpMaxNum64, fpMinNum32, fpMinNum64, fpMulAdd32, fpMulAdd64, fpSqrt32, fpSqrt64,
  fpRoundInt32, fpRoundInt64, fpToFixed32, fpToFixed64, fixedToFp32, fixedToFp64,
  fpConvert32to64, fpConvert64to32, fpConvert16to32, fpConvert16to64, fpConvert32to16, fpConvert64to16,
  fpCompare32, fpCompare64,
} from "./fpcore";

@inline function fpcrValue(): u32 {
  return load<u32>(cpu + S_FPCR);
}

/** Scalar operand of `size` bits from V[r] (the low bits). */
@inline function vreg(r: u32, size: u32): u64 {
  const v = V64(r);
  return size == 64 ? v : v & 0xffffffff;
}

/**
 * Operand size in bits for ftype (bits 23:22) of an arithmetic instruction, or 0 after taking the UNDEFINED
 * exception: 10 is unallocated, 11 (half precision) needs FEAT_FP16.
 */
function fpSize(insn: u32): u32 {
  const ftype = (insn >> 22) & 3;
  if (ftype == 0) return 32;
  if (ftype == 1) return 64;
  if (ftype == 3) undefinedInsn(insn);
  else undefinedArch();
  return 0;
}

/** M (bit 31) and S (bit 29) must be zero outside the conversion groups. */
@inline function msClear(insn: u32): bool {
  return (insn & 0xa0000000) == 0;
}

export function execFp(insn: u32): bool {
  if ((insn & 0x5e000000) != 0x1e000000) return false; // not bit 30 = 0, bits 28:25 = 1111: AdvSIMD or crypto
  if ((insn & (1 << 24)) != 0) {
    execFpDp3(insn);
  } else if ((insn & (1 << 21)) == 0) {
    execFpFixed(insn);
  } else {
    switch ((insn >> 10) & 3) {
      case 1: execFpCondCompare(insn); break;
      case 2: execFpDp2(insn); break;
      case 3: execFpCondSelect(insn); break;
      default:
        if ((insn & (1 << 12)) != 0) execFpImm(insn);
        else if ((insn & (1 << 13)) != 0) execFpCompare(insn);
        else if ((insn & (1 << 14)) != 0) execFpDp1(insn);
        else if ((insn & (1 << 15)) == 0) execFpInt(insn);
        else undefinedArch();
    }
  }
  return true;
}

// ---------------------------------------------------------------- data-processing (2 and 3 sources)

/** FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL (scalar) */
function execFpDp2(insn: u32): void {
  const opcode = (insn >> 12) & 0xf;
  if (!msClear(insn) || opcode > 8) { undefinedArch(); return; }
  const size = fpSize(insn);
  if (size == 0) return;
  const fpcr = fpcrValue();
  const a = vreg((insn >> 5) & 31, size), b = vreg((insn >> 16) & 31, size);
  let r: u64;
  if (size == 32) {
    const x = <u32>a, y = <u32>b;
    let q: u32;
    switch (opcode) {
      case 0: q = fpMul32(x, y, fpcr); break;
      case 1: q = fpDiv32(x, y, fpcr); break;
      case 2: q = fpAdd32(x, y, fpcr); break;
      case 3: q = fpSub32(x, y, fpcr); break;
      case 4: q = fpMax32(x, y, fpcr); break;
      case 5: q = fpMin32(x, y, fpcr); break;
      case 6: q = fpMaxNum32(x, y, fpcr); break;
      case 7: q = fpMinNum32(x, y, fpcr); break;
      default: q = fpMul32(x, y, fpcr) ^ 0x80000000; // FNMUL: FPNeg(FPMul()), NaNs included
    }
    r = q;
  } else {
    switch (opcode) {
      case 0: r = fpMul64(a, b, fpcr); break;
      case 1: r = fpDiv64(a, b, fpcr); break;
      case 2: r = fpAdd64(a, b, fpcr); break;
      case 3: r = fpSub64(a, b, fpcr); break;
      case 4: r = fpMax64(a, b, fpcr); break;
      case 5: r = fpMin64(a, b, fpcr); break;
      case 6: r = fpMaxNum64(a, b, fpcr); break;
      case 7: r = fpMinNum64(a, b, fpcr); break;
      default: r = fpMul64(a, b, fpcr) ^ 0x8000000000000000;
    }
  }
  setV64(insn & 31, r);
}

/** FMADD, FMSUB, FNMADD, FNMSUB: FPMulAdd with FPNeg applied to the addend (o1) and/or operand 1 (o1 != o0). */
function execFpDp3(insn: u32): void {
  if (!msClear(insn)) { undefinedArch(); return; }
  const size = fpSize(insn);
  if (size == 0) return;
  const o1 = (insn >> 21) & 1, o0 = (insn >> 15) & 1;
  const sign: u64 = size == 64 ? 0x8000000000000000 : 0x80000000;
  let addend = vreg((insn >> 10) & 31, size);
  let op1 = vreg((insn >> 5) & 31, size);
  const op2 = vreg((insn >> 16) & 31, size);
  if (o1 != 0) addend ^= sign;
  if (o1 != o0) op1 ^= sign;
  const fpcr = fpcrValue();
  const r = size == 64 ? fpMulAdd64(addend, op1, op2, fpcr) : <u64>fpMulAdd32(<u32>addend, <u32>op1, <u32>op2, fpcr);
  setV64(insn & 31, r);
}

// ---------------------------------------------------------------- data-processing (1 source)

/** FMOV, FABS, FNEG, FSQRT, FCVT, FRINT{N,P,M,Z,A,X,I} (scalar) */
function execFpDp1(insn: u32): void {
  const opcode = (insn >> 15) & 0x3f;
  if (!msClear(insn)) { undefinedArch(); return; }
  if (opcode == 4 || opcode == 5 || opcode == 7) { execFcvt(insn, opcode & 3); return; }
  if (opcode >= 0x10 && opcode <= 0x13) { undefinedInsn(insn); return; } // FRINT32/64: FEAT_FRINTTS
  if (opcode > 0xf || opcode == 6 || opcode == 0xd) { undefinedArch(); return; }
  const size = fpSize(insn);
  if (size == 0) return;
  const fpcr = fpcrValue();
  const a = vreg((insn >> 5) & 31, size);
  const sign: u64 = size == 64 ? 0x8000000000000000 : 0x80000000;
  let r: u64;
  switch (opcode) {
    case 0: r = a; break; // FMOV (register)
    case 1: r = a & ~sign; break; // FABS
    case 2: r = a ^ sign; break; // FNEG
    case 3: r = size == 64 ? fpSqrt64(a, fpcr) : <u64>fpSqrt32(<u32>a, fpcr); break;
    default: {
      // FRINTN/P/M/Z/A (opcode 8..12) round as opcode<2:0>; FRINTX (14) and FRINTI (15) use FPCR.RMode
      const rm = opcode >= 0xe ? fpcrRMode(fpcr) : opcode & 7;
      const exact = opcode == 0xe;
      r = size == 64 ? fpRoundInt64(a, fpcr, rm, exact) : <u64>fpRoundInt32(<u32>a, fpcr, rm, exact);
    }
  }
  setV64(insn & 31, r);
}

/** FCVT between half, single and double precision: source ftype, destination opc (00 S, 01 D, 11 H). */
function execFcvt(insn: u32, opc: u32): void {
  const ftype = (insn >> 22) & 3;
  if (ftype == 2 || ftype == opc) { undefinedArch(); return; }
  const fpcr = fpcrValue();
  const a = V64((insn >> 5) & 31);
  let r: u64;
  if (ftype == 0) r = opc == 1 ? fpConvert32to64(<u32>a, fpcr) : <u64>fpConvert32to16(<u32>a, fpcr);
  else if (ftype == 1) r = opc == 0 ? <u64>fpConvert64to32(a, fpcr) : <u64>fpConvert64to16(a, fpcr);
  else r = opc == 0 ? <u64>fpConvert16to32(<u32>a, fpcr) : fpConvert16to64(<u32>a, fpcr);
  setV64(insn & 31, r);
}

// ---------------------------------------------------------------- compare, conditional compare and select

/** FCMP, FCMPE (opcode2<4>: signal on quiet NaNs), with a register or zero (opcode2<3>) */
function execFpCompare(insn: u32): void {
  if (!msClear(insn) || ((insn >> 14) & 3) != 0 || (insn & 7) != 0) { undefinedArch(); return; }
  const size = fpSize(insn);
  if (size == 0) return;
  const withZero = (insn & 8) != 0, signal = (insn & 0x10) != 0;
  const a = vreg((insn >> 5) & 31, size);
  const b = withZero ? 0 : vreg((insn >> 16) & 31, size);
  const fpcr = fpcrValue();
  setNzcv(size == 64 ? fpCompare64(a, b, signal, fpcr) : fpCompare32(<u32>a, <u32>b, signal, fpcr));
}

/** FCCMP, FCCMPE: compare when the condition holds, else NZCV = #nzcv (and no FP exception) */
function execFpCondCompare(insn: u32): void {
  if (!msClear(insn)) { undefinedArch(); return; }
  const size = fpSize(insn);
  if (size == 0) return;
  if (!condHolds((insn >> 12) & 0xf)) {
    setNzcv((insn & 0xf) << 28);
    return;
  }
  const signal = (insn & 0x10) != 0;
  const a = vreg((insn >> 5) & 31, size), b = vreg((insn >> 16) & 31, size);
  const fpcr = fpcrValue();
  setNzcv(size == 64 ? fpCompare64(a, b, signal, fpcr) : fpCompare32(<u32>a, <u32>b, signal, fpcr));
}

/** FCSEL */
function execFpCondSelect(insn: u32): void {
  if (!msClear(insn)) { undefinedArch(); return; }
  const size = fpSize(insn);
  if (size == 0) return;
  const src = condHolds((insn >> 12) & 0xf) ? (insn >> 5) & 31 : (insn >> 16) & 31;
  setV64(insn & 31, vreg(src, size));
}

/** FMOV (scalar, immediate): VFPExpandImm(imm8) */
function execFpImm(insn: u32): void {
  if (!msClear(insn) || ((insn >> 5) & 31) != 0) { undefinedArch(); return; }
  const size = fpSize(insn);
  if (size == 0) return;
  const imm8 = (insn >> 13) & 0xff;
  const b6 = (imm8 >> 6) & 1;
  const sign = <u64>(imm8 >> 7);
  const low = <u64>((imm8 >> 4) & 3); // exp<1:0>
  const frac = <u64>(imm8 & 0xf);
  let r: u64;
  if (size == 32) { // exp = NOT(b6) : b6 x5 : imm8<5:4>
    const exp = ((<u64>(b6 ^ 1)) << 7) | (b6 != 0 ? <u64>0x7c : 0) | low;
    r = (sign << 31) | (exp << 23) | (frac << 19);
  } else { // exp = NOT(b6) : b6 x8 : imm8<5:4>
    const exp = ((<u64>(b6 ^ 1)) << 10) | (b6 != 0 ? <u64>0x3fc : 0) | low;
    r = (sign << 63) | (exp << 52) | (frac << 48);
  }
  setV64(insn & 31, r);
}

// ---------------------------------------------------------------- conversions

/** SCVTF, UCVTF, FCVTZS, FCVTZU (scalar, fixed-point): fbits = 64 - scale */
function execFpFixed(insn: u32): void {
  const sf = insn >> 31, ftype = (insn >> 22) & 3;
  const sel = (insn >> 16) & 0x1f; // rmode:opcode
  const scale = (insn >> 10) & 0x3f;
  const valid = sel == 0x02 || sel == 0x03 || sel == 0x18 || sel == 0x19;
  if ((insn & (1 << 29)) != 0 || !valid || ftype == 2 || (sf == 0 && scale < 32)) { undefinedArch(); return; }
  if (ftype == 3) { undefinedInsn(insn); return; } // half precision: FEAT_FP16
  const fbits = 64 - scale, intBits: u32 = sf != 0 ? 64 : 32;
  const unsigned = (sel & 1) != 0;
  convert(insn, sel < 0x08, unsigned, RM_ZERO, fbits, ftype == 1 ? 64 : 32, intBits);
}

/**
 * FP <-> integer: FCVT{N,P,M,Z,A}{S,U}, SCVTF, UCVTF, and FMOV between general and SIMD&FP registers
 * (including FMOV Xd, Vn.D[1] and FMOV Vd.D[1], Xn).
 */
function execFpInt(insn: u32): void {
  const sf = insn >> 31, ftype = (insn >> 22) & 3;
  const rmode = (insn >> 19) & 3, opcode = (insn >> 16) & 7;
  if ((insn & (1 << 29)) != 0) { undefinedArch(); return; }
  if (opcode >= 6) { execFmovGeneral(insn, sf, ftype, rmode, opcode == 7); return; }
  if (opcode >= 2 && rmode != 0) { undefinedArch(); return; }
  if (ftype == 2) { undefinedArch(); return; }
  if (ftype == 3) { undefinedInsn(insn); return; } // half precision: FEAT_FP16
  const unsigned = (opcode & 1) != 0;
  const toFp = opcode == 2 || opcode == 3;
  const rm = opcode >= 4 ? RM_TIEAWAY : rmode; // FCVTA* ties away; FCVT{N,P,M,Z}: rmode is the FPRounding
  convert(insn, toFp, unsigned, rm, 0, ftype == 1 ? 64 : 32, sf != 0 ? 64 : 32);
}

/**
 * Integer/fixed-point <-> FP: `toFp` is SCVTF/UCVTF (FPCR rounding), otherwise FPToFixed with `rm`. The FP operand
 * is `fpSize` bits of V[n]/V[d], the integer `intBits` of X[n]/X[d].
 */
function convert(insn: u32, toFp: bool, unsigned: bool, rm: u32, fbits: u32, fpSize: u32, intBits: u32): void {
  const n = (insn >> 5) & 31, d = insn & 31;
  const fpcr = fpcrValue();
  if (toFp) {
    const x = X(n);
    setV64(d, fpSize == 64 ? fixedToFp64(x, fbits, unsigned, fpcr, intBits)
      : <u64>fixedToFp32(x, fbits, unsigned, fpcr, intBits));
  } else {
    const v = V64(n);
    const r = fpSize == 64 ? fpToFixed64(v, fbits, unsigned, rm, fpcr, intBits)
      : fpToFixed32(<u32>v, fbits, unsigned, rm, fpcr, intBits);
    if (intBits == 64) setX(d, r);
    else setW(d, <u32>r);
  }
}

/** FMOV (general): sf:ftype:rmode selects W<->S, X<->D or X<->V.D[1]; toFp is opcode 111. */
function execFmovGeneral(insn: u32, sf: u32, ftype: u32, rmode: u32, toFp: bool): void {
  const n = (insn >> 5) & 31, d = insn & 31;
  const sel = (sf << 4) | (ftype << 2) | rmode;
  switch (sel) {
    case 0x00: // FMOV Wd, Sn / Sd, Wn
      if (toFp) setV64(d, <u64>W(n));
      else setW(d, <u32>V64(n));
      return;
    case 0x14: // FMOV Xd, Dn / Dd, Xn
      if (toFp) setV64(d, X(n));
      else setX(d, V64(n));
      return;
    case 0x19: // FMOV Xd, Vn.D[1] / Vd.D[1], Xn: the other half of V[d] is unchanged
      if (toFp) store<u64>(vAddr(d), X(n), 8);
      else setX(d, V64hi(n));
      return;
    case 0x0c: case 0x1c: // FMOV to/from Hn: FEAT_FP16
      undefinedInsn(insn);
      return;
    case 0x07: // FJCVTZS (FEAT_JSCVT)
      if (!toFp) { undefinedInsn(insn); return; }
  }
  undefinedArch();
}
