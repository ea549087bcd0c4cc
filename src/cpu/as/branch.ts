// cpu/as/branch.ts - PLACEHOLDER while the group is written (replaced by its implementation)
import { undefinedInsn } from "./exception";
export function execBranchSys(insn: u32): void {
  undefinedInsn(insn);
}
