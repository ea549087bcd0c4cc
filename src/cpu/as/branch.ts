// cpu/as/branch.ts - A64 "Branches, Exception Generating and System instructions" (Arm ARM C4.1, the A64
// encoding index), decoded on op0 = bits 31:29. Branches are executed here; exception generation, system
// instructions, ERET and DRPS go to execSystem (system.ts). Branches assign `npc` only.

import { SR_TCR_EL1 } from "../layout";
import { pc, npc, X, setX, sysreg } from "./state";
import { undefinedInsn, undefinedArch } from "./exception";
import { execSystem } from "./system";
import { condHolds } from "./alu";

@inline export function execBranchSys(insn: u32): void {
  switch (insn >> 29) {
    case 0: // B
      npc = pc + <u64>(<i64>(<i32>(insn << 6) >> 4));
      break;
    case 4: // BL
      setX(30, pc + 4);
      npc = pc + <u64>(<i64>(<i32>(insn << 6) >> 4));
      break;
    case 1: case 5:
      if ((insn & (1 << 25)) == 0) compareBranch(insn);
      else testBranch(insn);
      break;
    case 2:
      // B.cond; o1 (bit 24) = 1, bit 25 = 1, or o0 (bit 4) = 1 (BC.cond, FEAT_HBC) are unallocated here.
      if ((insn & 0x03000010) != 0) undefinedInsn(insn);
      else if (condHolds(insn & 15)) npc = pc + imm19(insn);
      break;
    case 6:
      if ((insn & (1 << 25)) == 0) systemOrException(insn);
      else if ((insn & 0xff9ffc1f) == 0xd61f0000 && (insn & 0x00600000) != 0x00600000) branchToReg(insn);
      else branchRegOther(insn);
      break;
    default: // 011, 111: unallocated
      undefinedInsn(insn);
  }
}

/** Byte offset of an imm19 branch (bits 23:5) sign-extended and scaled by 4. */
@inline function imm19(insn: u32): u64 {
  return <u64>(<i64>((<i32>(insn << 8) >> 13) << 2));
}

/** CBZ/CBNZ: sf (bit 31) selects the width of the tested register, op (bit 24) NZ. */
@inline function compareBranch(insn: u32): void {
  const rt = insn & 31;
  const zero = (insn & 0x80000000) != 0 ? X(rt) == 0 : <u32>X(rt) == 0;
  if (zero != ((insn & (1 << 24)) != 0)) npc = pc + imm19(insn);
}

/** TBZ/TBNZ: bit b5:b40 of Rt, offset imm14 (bits 18:5). */
@inline function testBranch(insn: u32): void {
  const bit = ((insn >> 26) & 32) | ((insn >> 19) & 31);
  const set = ((X(insn & 31) >> <u64>bit) & 1) != 0;
  if (set == ((insn & (1 << 24)) != 0)) npc = pc + <u64>(<i64>((<i32>(insn << 13) >> 18) << 2));
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

/** BR, BLR, RET (opc = bits 24:21 = 0000, 0001, 0010 with op2 = 11111, op3 = 000000, op4 = 00000). */
@inline function branchToReg(insn: u32): void {
  const target = X((insn >> 5) & 31); // read before BLR writes X30 (BLR X30)
  if ((insn & (1 << 21)) != 0) setX(30, pc + 4);
  npc = branchAddr(target);
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

/**
 * AArch64.BranchAddr for EL0/EL1: when the top byte is ignored for the target's half of the address space
 * (TCR_EL1.TBI0/TBI1; there is no TBID without FEAT_PAuth), bits 63:56 become copies of bit 55.
 * Fast path: the address is already canonical (bits 63:55 all equal).
 */
@inline function branchAddr(target: u64): u64 {
  if ((((target >> 55) + 1) & 0x1ff) <= 1) return target;
  return branchAddrSlow(target);
}

function branchAddrSlow(target: u64): u64 {
  const upper = (target >> 55) & 1;
  const tbi = (sysreg(SR_TCR_EL1) >> (37 + upper)) & 1;
  if (tbi == 0) return target;
  return upper != 0 ? target | 0xff00000000000000 : target & 0x00ffffffffffffff;
}
