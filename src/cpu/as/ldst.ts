// cpu/as/ldst.ts - PLACEHOLDER while the group is written (replaced by its implementation)
import { undefinedInsn } from "./exception";
export function execLdst(insn: u32): void {
  undefinedInsn(insn);
}
