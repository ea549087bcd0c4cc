// cpu/as/interp.ts - the interpreter's run loop and top-level A64 decode (Arm ARM C4.1 "A64 instruction set
// encoding": op0 = bits 28:25 selects the instruction group).

import { S_PC, S_EXIT, S_EXIT_REQ, S_INSTRET, EXIT_BUDGET, EXIT_REQUEST } from "../layout";
import { cpu, pc, npc, fault, stop, checkIrq, selectVcpu } from "./state";
import { fetch, invalidateFetch, tlbSyncGeneration } from "./memory";
import { pollInterrupts, undefinedInsn } from "./exception";
import { execDpImm } from "./dp_imm";
import { execDpReg } from "./dp_reg";
import { execBranchSys } from "./branch";
import { execLdst } from "./ldst";
import { execFp } from "./fp";
import { execSimd } from "./simd";
import { checkFpEnabled } from "./exception";

@inline function execute(insn: u32): void {
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

/**
 * Run vCPU `index` for at most `budget` instructions. Returns the exit reason (EXIT_*), also left in S_EXIT.
 * Exceptions and interrupts are taken inside; the loop leaves early only for exits the host must handle.
 */
export function run(index: u32, budget: i32): u32 {
  selectVcpu(index);
  invalidateFetch();
  tlbSyncGeneration();
  pc = load<u64>(cpu + S_PC);
  stop = false;
  checkIrq = true;
  store<u32>(cpu + S_EXIT, EXIT_BUDGET);
  let n = budget;
  while (n > 0) {
    if (checkIrq) {
      checkIrq = false;
      if (load<u32>(cpu + S_EXIT_REQ) != 0) {
        store<u32>(cpu + S_EXIT_REQ, 0);
        store<u32>(cpu + S_EXIT, EXIT_REQUEST);
        break;
      }
      if (pollInterrupts()) {
        fault = false;
        pc = npc;
        continue;
      }
    }
    fault = false;
    const insn = fetch();
    n--;
    if (fault) {
      pc = npc;
      continue;
    }
    npc = pc + 4;
    execute(insn);
    pc = npc;
    if (stop) break;
  }
  store<u64>(cpu + S_PC, pc);
  store<i64>(cpu + S_INSTRET, load<i64>(cpu + S_INSTRET) + <i64>(budget - n));
  return load<u32>(cpu + S_EXIT);
}
