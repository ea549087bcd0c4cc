// cpu/as/branch.ts - A64 "Branches, Exception Generating and System instructions" (Arm ARM C4.1, the A64
// encoding index), decoded on op0 = bits 31:29. Branches are executed here; exception generation, system
// instructions, ERET and DRPS go to execSystem (system.ts).
//
// The branch forms are small helpers that take the PC and return the next one: the run loop (interp.ts) calls
// them directly for the encodings its top-byte dispatch recognises, with the PC in a Wasm local; execBranchSys,
// the decode of the whole group, assigns their result to `npc`.

import { pc, npc, X, setX, branchAddr } from "./state";
import { undefinedInsn, undefinedArch } from "./exception";
import { execSystem } from "./system";
import { condHolds } from "./alu";

export function execBranchSys(insn: u32): void {
  switch (insn >> 29) {
    case 0: // B
      npc = branchImm(insn, pc);
      break;
    case 4: // BL
      npc = branchLink(insn, pc);
      break;
    case 1: case 5:
      npc = (insn & (1 << 25)) == 0 ? compareBranch(insn, pc) : testBranch(insn, pc);
      break;
    case 2:
      // B.cond; o1 (bit 24) = 1, bit 25 = 1, or o0 (bit 4) = 1 (BC.cond, FEAT_HBC) are unallocated here.
      if ((insn & 0x03000010) != 0) undefinedInsn(insn);
      else npc = condBranch(insn, pc);
      break;
    case 6:
      if ((insn & (1 << 25)) == 0) systemOrException(insn);
      else if (isBranchToReg(insn)) npc = branchToReg(insn, pc);
      else branchRegOther(insn);
      break;
    default: // 011, 111: unallocated
      undefinedInsn(insn);
  }
}

/** B: imm26 (bits 25:0) sign-extended and scaled by 4. */
@inline export function branchImm(insn: u32, p: u64): u64 {
  return p + <u64>(<i64>(<i32>(insn << 6) >> 4));
}

/** BL: B that writes the return address to X30. */
@inline export function branchLink(insn: u32, p: u64): u64 {
  setX(30, p + 4);
  return p + <u64>(<i64>(<i32>(insn << 6) >> 4));
}

/** Byte offset of an imm19 branch (bits 23:5) sign-extended and scaled by 4. */
@inline function imm19(insn: u32): u64 {
  return <u64>(<i64>((<i32>(insn << 8) >> 13) << 2));
}

/** B.cond with a valid encoding (bits 24 and 4 clear). */
@inline export function condBranch(insn: u32, p: u64): u64 {
  return condHolds(insn & 15) ? p + imm19(insn) : p + 4;
}

/** CBZ/CBNZ: sf (bit 31) selects the width of the tested register, op (bit 24) NZ. */
@inline export function compareBranch(insn: u32, p: u64): u64 {
  const rt = insn & 31;
  const zero = (insn & 0x80000000) != 0 ? X(rt) == 0 : <u32>X(rt) == 0;
  return zero != ((insn & (1 << 24)) != 0) ? p + imm19(insn) : p + 4;
}

/** TBZ/TBNZ: bit b5:b40 of Rt, offset imm14 (bits 18:5). */
@inline export function testBranch(insn: u32, p: u64): u64 {
  const bit = ((insn >> 26) & 32) | ((insn >> 19) & 31);
  const set = ((X(insn & 31) >> <u64>bit) & 1) != 0;
  return set == ((insn & (1 << 24)) != 0) ? p + <u64>(<i64>((<i32>(insn << 13) >> 18) << 2)) : p + 4;
}

/**
 * 11010100: exception generation (SVC, HVC, SMC, BRK, HLT, DCPS); 1101010100: system instructions (hints,
 * barriers, PSTATE, SYS/SYSL, MSR/MRS); 1101010101: the 128-bit system forms (FEAT_SYSREG128). All decoded
 * by execSystem; 11010101 1x is unallocated.
 */
function systemOrException(insn: u32): void {
  if ((insn & 0x01800000) == 0x01800000) undefinedInsn(insn);
  else execSystem(insn);
}

/** BR, BLR, RET: opc = bits 24:21 = 0000, 0001, 0010 with op2 = 11111, op3 = 000000, op4 = 00000. */
@inline export function isBranchToReg(insn: u32): bool {
  return (insn & 0xff9ffc1f) == 0xd61f0000 && (insn & 0x00600000) != 0x00600000;
}

@inline export function branchToReg(insn: u32, p: u64): u64 {
  const target = X((insn >> 5) & 31); // read before BLR writes X30 (BLR X30)
  if ((insn & (1 << 21)) != 0) setX(30, p + 4);
  return branchAddr(target);
}

/**
 * The rest of "Unconditional branch (register)": opc = bits 24:21, op2 = bits 20:16 (always 11111), op3 =
 * bits 15:10, Rn = bits 9:5, op4 = bits 4:0. ERET and DRPS go to execSystem; the pointer-authenticating forms
 * (op3 = 00001x: BRAA*, BLRAA*, RETAA/RETAB, ERETAA/ERETAB) are FEAT_PAuth, which is absent.
 */
function branchRegOther(insn: u32): void {
  const opc = (insn >> 21) & 15, op3 = (insn >> 10) & 63, rn = (insn >> 5) & 31, op4 = insn & 31;
  if (((insn >> 16) & 31) != 31) {
    undefinedInsn(insn);
    return;
  }
  if (op3 == 0 && op4 == 0 && rn == 31 && (opc == 4 || opc == 5)) {
    execSystem(insn); // ERET, DRPS
    return;
  }
  if ((op3 >> 1) == 1) {
    let pauth = false;
    switch (opc) {
      case 0: case 1: pauth = op4 == 31; break; // BRAAZ/BRABZ, BLRAAZ/BLRABZ
      case 2: pauth = op4 == 31; break; // RETAA/RETAB
      case 4: pauth = rn == 31 && op4 == 31; break; // ERETAA/ERETAB
      case 8: case 9: pauth = true; break; // BRAA/BRAB, BLRAA/BLRAB
    }
    if (pauth) {
      undefinedArch();
      return;
    }
  }
  undefinedInsn(insn);
}
