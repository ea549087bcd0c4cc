// cpu/as/fp.ts - PLACEHOLDER while the group is written (replaced by its implementation)
export function execFp(insn: u32): bool {
  return false;
}
