// cpu/as/interp.ts - the interpreter's run loop and top-level A64 decode (Arm ARM C4.1 "A64 instruction set
// encoding": op0 = bits 28:25 selects the instruction group).
//
// The loop dispatches on the top byte of each instruction (bits 31:24). For the common integer, load/store
// and branch encodings that byte fixes the instruction class and its sf/opc/size bits, so each case calls the
// group executor's handler with those bits as constants, and the inlined copy loses most of its decode: one
// indirect jump per instruction instead of three or four. Every other byte goes to `execute`, the decode on
// op0 into the group executors; it is the reference, and the cases below only shortcut it.
//
// The PC lives in a local (`p`) while the loop runs; `pc` is stored for the handlers (exceptions, literals),
// `npc` is only used by the generic path and by exceptions, and `fault` is cleared by whoever sees it set
// instead of before every instruction. Why (top-byte dispatch and PC local together, interleaved runs on the
// shared 2-core host): a load/store loop went from 50 to 80 MIPS, a mixed integer loop from 72 to 96.

import { S_PC, S_EXIT, S_EXIT_REQ, S_INSTRET, EXIT_BUDGET, EXIT_REQUEST, DOM_JIT_THRESHOLD } from "../layout";
import {
  jitEnter, jitRetired, jitRunStart, jitSample, jitStepArmed, jitResumeNext, jitStepFetched, jitResumeTaken,
} from "./jit";
import { cpu, pc, npc, fault, stop, irqCheckPending, selectVcpu } from "./state";
import { fetchFast, fetchHit, fetchSlow, invalidateFetch, requestIrqCheck, tlbSyncGeneration } from "./memory";
import { pollInterrupts, undefinedInsn, checkFpEnabled } from "./exception";
import {
  execDpImm, pcRel, addSubImm, tagsOrMinMax, logicalImm, moveWide, bitfield, extract,
} from "./dp_imm";
import { execDpReg, dpRegOp1, logicalShifted, addSubShifted, addSubExtended, dataProc3 } from "./dp_reg";
import {
  execBranchSys, branchImm, branchLink, condBranch, compareBranch, testBranch, isBranchToReg, branchToReg,
} from "./branch";
import { isNop, isDcZva, dcZvaInstruction } from "./system";
import { isSysregAccess, execSysreg } from "./sysreg";
import { ldstExclusive } from "./ldst_excl";
import { execLdst, ldstUimm, ldstImm9OrReg, ldstPair } from "./ldst";
import { execFp } from "./fp";
import { execSimd } from "./simd";

/** The full decode on op0 (bits 28:25); the PC is in `pc`, branches and exceptions assign `npc`. */
function execute(insn: u32): void {
  switch ((insn >> 25) & 0xf) {
    case 0x8: case 0x9:
      execDpImm(insn);
      break;
    case 0xa: case 0xb:
      execBranchSys(insn);
      break;
    case 0x4: case 0x6: case 0xc: case 0xe:
      execLdst(insn);
      break;
    case 0x5: case 0xd:
      execDpReg(insn);
      break;
    case 0x7: case 0xf:
      if (!checkFpEnabled()) break;
      if (!execFp(insn) && !execSimd(insn)) undefinedInsn(insn);
      break;
    default:
      // 0000 reserved (UDF), 0001 unallocated, 0010 SVE, 0011 unallocated
      undefinedInsn(insn);
  }
}

/** The PC after an instruction that did not branch: the next one, or the vector if it took an exception. */
@inline function next(p: u64): u64 {
  if (fault) {
    fault = false;
    return npc;
  }
  return p + 4;
}

// Class handlers whose second-level choice is bit 23, for the top bytes of Data Processing -- Immediate.
@inline function addSubImmOrTags(insn: u32, op: u32): void {
  if ((insn & (1 << 23)) == 0) addSubImm(insn, op);
  else tagsOrMinMax(insn);
}
@inline function logicalOrMoveWide(insn: u32, op: u32): void {
  if ((insn & (1 << 23)) == 0) logicalImm(insn, op);
  else moveWide(insn, op);
}
@inline function bitfieldOrExtract(insn: u32, op: u32): void {
  if ((insn & (1 << 23)) == 0) bitfield(insn, op);
  else extract(insn);
}
/** Add/subtract (shifted register) or, with bit 21 set, (extended register). */
@inline function addSubReg(insn: u32, op: u32): void {
  if ((insn & (1 << 21)) == 0) addSubShifted(insn, op);
  else addSubExtended(insn);
}

/**
 * Run vCPU `index` for at most `budget` instructions. Returns the exit reason (EXIT_*), also left in S_EXIT.
 * Exceptions and interrupts are taken inside; the loop leaves early only for exits the host must handle.
 * The interpreter alone; the host calls runJit instead when the domain's JIT is on.
 */
export function run(index: u32, budget: i32): u32 {
  return runLoop(index, budget, false);
}

/**
 * run() with the JIT tier: translated code runs from branch targets (jit.ts). A function of its own: the JIT's
 * hooks in the loop cost the interpreter alone ~10% (V8 allocates the loop's state worse with them), and one
 * function holding both copies was slower still.
 */
export function runJit(index: u32, budget: i32): u32 {
  return runLoop(index, budget, true);
}

/** The run loop; `jit` is a constant in each inlined copy, so the other copy carries no JIT code at all. */
@inline function runLoop(index: u32, budget: i32, jit: bool): u32 {
  selectVcpu(index);
  invalidateFetch();
  tlbSyncGeneration();
  let p = load<u64>(cpu + S_PC);
  stop = false;
  fault = false; // invariant: clear at every instruction boundary (whoever sees it set clears it)
  requestIrqCheck();
  store<u32>(cpu + S_EXIT, EXIT_BUDGET);
  let n = budget;
  // Branch targets are where translated blocks begin (jit.ts)
  if (jit) jitRunStart();
  while (n > 0) {
    pc = p;
    let insn: u32;
    if (fetchFast(p)) insn = fetchHit(p);
    else {
      // The slow fetch path is also where pending interrupts and exit requests are seen (requestIrqCheck)
      if (irqCheckPending) {
        irqCheckPending = false;
        if (load<u32>(cpu + S_EXIT_REQ) != 0) {
          store<u32>(cpu + S_EXIT_REQ, 0);
          store<u32>(cpu + S_EXIT, EXIT_REQUEST);
          break;
        }
        if (pollInterrupts()) {
          fault = false;
          p = npc;
          continue;
        }
      }
      // The JIT stopped before the previous instruction, which has run: translated code may go on from here
      // (after the interrupt check: the instruction may have been an MMIO access that raised one)
      if (jit && jitResumeNext) {
        jitResumeTaken();
        const q = jitEnter(p, n);
        n -= jitRetired;
        if (q != p || jitStepArmed) {
          p = q;
          continue;
        }
      }
      insn = fetchSlow();
      if (fault) {
        fault = false;
        p = npc;
        n--;
        continue;
      }
      if (jit && jitStepArmed) jitStepFetched();
    }
    n--;
    switch (insn >> 24) {
      // ---- Data Processing -- Immediate: bits 28:24 = 10000 PC-rel., 10001 add/sub, 10010 logical or
      // move wide, 10011 bitfield or extract; the case's constant is sf:op:S (bits 31:29).
      case 0x10: case 0x30: case 0x50: case 0x70: case 0x90: case 0xb0: case 0xd0: case 0xf0:
        pcRel(insn, p); p += 4; continue;
      case 0x11: addSubImmOrTags(insn, 0); p = next(p); continue;
      case 0x31: addSubImmOrTags(insn, 1); p = next(p); continue;
      case 0x51: addSubImmOrTags(insn, 2); p = next(p); continue;
      case 0x71: addSubImmOrTags(insn, 3); p = next(p); continue;
      case 0x91: addSubImmOrTags(insn, 4); p = next(p); continue;
      case 0xb1: addSubImmOrTags(insn, 5); p = next(p); continue;
      case 0xd1: addSubImmOrTags(insn, 6); p = next(p); continue;
      case 0xf1: addSubImmOrTags(insn, 7); p = next(p); continue;
      case 0x12: logicalOrMoveWide(insn, 0); p = next(p); continue;
      case 0x32: logicalOrMoveWide(insn, 1); p = next(p); continue;
      case 0x52: logicalOrMoveWide(insn, 2); p = next(p); continue;
      case 0x72: logicalOrMoveWide(insn, 3); p = next(p); continue;
      case 0x92: logicalOrMoveWide(insn, 4); p = next(p); continue;
      case 0xb2: logicalOrMoveWide(insn, 5); p = next(p); continue;
      case 0xd2: logicalOrMoveWide(insn, 6); p = next(p); continue;
      case 0xf2: logicalOrMoveWide(insn, 7); p = next(p); continue;
      case 0x13: bitfieldOrExtract(insn, 0); p = next(p); continue;
      case 0x33: bitfieldOrExtract(insn, 1); p = next(p); continue;
      case 0x53: bitfieldOrExtract(insn, 2); p = next(p); continue;
      case 0x93: bitfieldOrExtract(insn, 4); p = next(p); continue;
      case 0xb3: bitfieldOrExtract(insn, 5); p = next(p); continue;
      case 0xd3: bitfieldOrExtract(insn, 6); p = next(p); continue;
      // ---- Data Processing -- Register: bits 28:24 = 01010 logical (shifted), 01011 add/sub, 11010
      // carry/conditional/1- and 2-source, 11011 3-source.
      case 0x0a: logicalShifted(insn, 0); p = next(p); continue;
      case 0x2a: logicalShifted(insn, 1); p = next(p); continue;
      case 0x4a: logicalShifted(insn, 2); p = next(p); continue;
      case 0x6a: logicalShifted(insn, 3); p = next(p); continue;
      case 0x8a: logicalShifted(insn, 4); p = next(p); continue;
      case 0xaa: logicalShifted(insn, 5); p = next(p); continue;
      case 0xca: logicalShifted(insn, 6); p = next(p); continue;
      case 0xea: logicalShifted(insn, 7); p = next(p); continue;
      case 0x0b: addSubReg(insn, 0); p = next(p); continue;
      case 0x2b: addSubReg(insn, 1); p = next(p); continue;
      case 0x4b: addSubReg(insn, 2); p = next(p); continue;
      case 0x6b: addSubReg(insn, 3); p = next(p); continue;
      case 0x8b: addSubReg(insn, 4); p = next(p); continue;
      case 0xab: addSubReg(insn, 5); p = next(p); continue;
      case 0xcb: addSubReg(insn, 6); p = next(p); continue;
      case 0xeb: addSubReg(insn, 7); p = next(p); continue;
      case 0x1a: case 0x3a: case 0x5a: case 0x7a: case 0x9a: case 0xba: case 0xda: case 0xfa:
        dpRegOp1(insn); p = next(p); continue;
      case 0x1b: case 0x3b: case 0x5b: case 0x7b: case 0x9b: case 0xbb: case 0xdb: case 0xfb:
        dataProc3(insn); p = next(p); continue;
      // ---- Branches: B, BL, B.cond (o0 = 0), CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET; hints and barriers that are NOPs.
      case 0x14: case 0x15: case 0x16: case 0x17:
        p = branchImm(insn, p);
        if (jit && jitSample()) { p = jitEnter(p, n); n -= jitRetired; }
        continue;
      case 0x94: case 0x95: case 0x96: case 0x97:
        p = branchLink(insn, p);
        if (jit && jitSample()) { p = jitEnter(p, n); n -= jitRetired; }
        continue;
      case 0x54:
        if ((insn & 0x10) != 0) break;
        p = condBranch(insn, p);
        if (jit && jitSample()) { p = jitEnter(p, n); n -= jitRetired; }
        continue;
      case 0x34: case 0x35: case 0xb4: case 0xb5:
        p = compareBranch(insn, p);
        if (jit && jitSample()) { p = jitEnter(p, n); n -= jitRetired; }
        continue;
      case 0x36: case 0x37: case 0xb6: case 0xb7:
        p = testBranch(insn, p);
        if (jit && jitSample()) { p = jitEnter(p, n); n -= jitRetired; }
        continue;
      case 0xd6:
        if (!isBranchToReg(insn)) break;
        p = branchToReg(insn, p);
        if (jit && jitSample()) { p = jitEnter(p, n); n -= jitRetired; }
        continue;
      case 0xd5: // why: ~5 M per Linux boot (MRS 2.4 M, DC ZVA 1 M) went through four levels of decode
        if (isNop(insn)) {
          p += 4; continue;
        }
        if (isSysregAccess(insn)) {
          execSysreg(insn); p = next(p); continue;
        }
        if (isDcZva(insn)) {
          dcZvaInstruction(insn); p = next(p); continue;
        }
        break;
      // ---- Loads and Stores of general registers: the case's constant is the top byte (size, V = 0, form).
      case 0x39: ldstUimm(insn, 0x39); p = next(p); continue;
      case 0x79: ldstUimm(insn, 0x79); p = next(p); continue;
      case 0xb9: ldstUimm(insn, 0xb9); p = next(p); continue;
      case 0xf9: ldstUimm(insn, 0xf9); p = next(p); continue;
      case 0x38: ldstImm9OrReg(insn, 0x38); p = next(p); continue;
      case 0x78: ldstImm9OrReg(insn, 0x78); p = next(p); continue;
      case 0xb8: ldstImm9OrReg(insn, 0xb8); p = next(p); continue;
      case 0xf8: ldstImm9OrReg(insn, 0xf8); p = next(p); continue;
      case 0x28: case 0x29: ldstPair(insn, 0x28); p = next(p); continue;
      case 0x68: case 0x69: ldstPair(insn, 0x68); p = next(p); continue;
      case 0xa8: case 0xa9: ldstPair(insn, 0xa8); p = next(p); continue;
      case 0x08: case 0x48: case 0x88: case 0xc8: ldstExclusive(insn); p = next(p); continue;
    }
    // Everything else: the generic decode, which also handles exits (HVC, SMC, WFI, WFE set `stop`).
    npc = p + 4;
    execute(insn);
    fault = false;
    p = npc;
    if (stop) break;
  }
  pc = p;
  store<u64>(cpu + S_PC, p);
  store<i64>(cpu + S_INSTRET, load<i64>(cpu + S_INSTRET) + <i64>(budget - n));
  return load<u32>(cpu + S_EXIT);
}
