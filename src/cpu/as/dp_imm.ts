// cpu/as/dp_imm.ts - PLACEHOLDER while the group is written (replaced by its implementation)
import { undefinedInsn } from "./exception";
export function execDpImm(insn: u32): void {
  undefinedInsn(insn);
}
