// cpu/as/dp_reg.ts - PLACEHOLDER while the group is written (replaced by its implementation)
import { undefinedInsn } from "./exception";
export function execDpReg(insn: u32): void {
  undefinedInsn(insn);
}
