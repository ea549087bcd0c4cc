// cpu/as/system.ts - PLACEHOLDER while the group is written (replaced by its implementation)
import { undefinedInsn } from "./exception";
export function execSystem(insn: u32): void {
  undefinedInsn(insn);
}
