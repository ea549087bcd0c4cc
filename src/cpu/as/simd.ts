// cpu/as/simd.ts - PLACEHOLDER while the group is written (replaced by its implementation)
export function execSimd(insn: u32): bool {
  return false;
}
