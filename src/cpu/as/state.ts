// cpu/as/state.ts - the running vCPU's architectural state and the interpreter's per-instruction globals.
// Registers live in the vCPU state block of the shared Memory (../layout.ts); the hot scalars (PC, next PC,
// the fault flag) are Wasm globals while run() executes and are written back when it returns.

import {
  S_X, S_SP, S_NZCV, S_V, S_SYSREG, S_EL, S_DAIF, VCPU_BASE, VCPU_STRIDE, TLB_BASE, TLB_STRIDE,
  TLB_REGIME_SIZE, S_PAN, SR_TCR_EL1, S_TLB_CUR,
} from "../layout";

/** Base address of the running vCPU's state block. */
export let cpu: u32 = VCPU_BASE;
/** Index of the running vCPU. */
export let vcpuIndex: u32 = 0;
/** Address of the instruction being executed. */
export let pc: u64 = 0;
/**
 * Address of the next instruction for the generic decode (interp.ts `execute`): preset to pc + 4, branches and
 * exceptions overwrite it. The run loop keeps its own copy of the PC in a local and reads `npc` back only after
 * the generic decode or an exception.
 */
export let npc: u64 = 0;
/** Set when the current instruction took a synchronous exception (its handler must stop at once). */
export let fault: bool = false;
/** Set when run() must return after the current instruction (exits). */
export let stop: bool = false;
/**
 * Set when something may have unmasked or raised an interrupt: the run loop re-checks before the next insn.
 * Set it only through memory.ts requestIrqCheck(), which also sends the loop to its slow fetch path where the
 * check is made (a renamed successor of `checkIrq`, so that code setting the flag alone no longer compiles).
 */
export let irqCheckPending: bool = true;
/** Base of the soft TLB for the current regime (EL0 / EL1 / EL1+PAN). */
export let tlbCur: u32 = TLB_BASE;
/** Cached current exception level (mirrors S_EL). */
export let curEl: u32 = 1;

export function selectVcpu(index: u32): void {
  vcpuIndex = index;
  cpu = VCPU_BASE + index * VCPU_STRIDE;
  curEl = load<u32>(cpu + S_EL);
  selectTlb();
}

/** Recompute tlbCur after a change of EL or PSTATE.PAN. */
export function selectTlb(): void {
  const base = TLB_BASE + vcpuIndex * TLB_STRIDE;
  if (curEl == 0) tlbCur = base;
  else tlbCur = base + (load<u32>(cpu + S_PAN) != 0 ? 2 : 1) * TLB_REGIME_SIZE;
  store<u32>(cpu + S_TLB_CUR, tlbCur); // translated code reads it from here
}

/** Base of the EL0 regime's TLB (for LDTR/STTR and AT S1E0*). */
@inline export function tlbEl0(): u32 {
  return TLB_BASE + vcpuIndex * TLB_STRIDE;
}

// ---- general registers: register 31 is XZR here (slot 31 always holds zero) ----
@inline export function X(r: u32): u64 {
  return load<u64>(cpu + S_X + (r << 3));
}
@inline export function setX(r: u32, v: u64): void {
  if (r != 31) store<u64>(cpu + S_X + (r << 3), v);
}
@inline export function W(r: u32): u32 {
  return load<u32>(cpu + S_X + (r << 3));
}
@inline export function setW(r: u32, v: u32): void {
  if (r != 31) store<u64>(cpu + S_X + (r << 3), <u64>v);
}
// ---- register 31 as SP ----
@inline export function XSP(r: u32): u64 {
  return r == 31 ? load<u64>(cpu + S_SP) : load<u64>(cpu + S_X + (r << 3));
}
@inline export function setXSP(r: u32, v: u64): void {
  store<u64>(cpu + (r == 31 ? S_SP : S_X + (r << 3)), v);
}
@inline export function getSP(): u64 {
  return load<u64>(cpu + S_SP);
}
@inline export function setSP(v: u64): void {
  store<u64>(cpu + S_SP, v);
}

// ---- flags, architectural layout N=31 Z=30 C=29 V=28 ----
@inline export function nzcv(): u32 {
  return load<u32>(cpu + S_NZCV);
}
@inline export function setNzcv(v: u32): void {
  store<u32>(cpu + S_NZCV, v & 0xf0000000);
}
@inline export function daif(): u32 {
  return load<u32>(cpu + S_DAIF);
}

/**
 * AArch64.BranchAddr for EL0/EL1: when the top byte is ignored for the target's half of the address space
 * (TCR_EL1.TBI0/TBI1; there is no TBID without FEAT_PAuth), bits 63:56 become copies of bit 55. Used by the
 * register branches and by exception return. Fast path: the address is already canonical (bits 63:55 equal).
 */
@inline export function branchAddr(target: u64): u64 {
  if ((((target >> 55) + 1) & 0x1ff) <= 1) return target;
  return branchAddrSlow(target);
}

function branchAddrSlow(target: u64): u64 {
  const upper = (target >> 55) & 1;
  const tbi = (load<u64>(cpu + S_SYSREG + (SR_TCR_EL1 << 3)) >> (37 + upper)) & 1;
  if (tbi == 0) return target;
  return upper != 0 ? target | 0xff00000000000000 : target & 0x00ffffffffffffff;
}

// ---- SIMD&FP registers: V[n] is 16 bytes, lane 0 at the lowest address ----
@inline export function vAddr(r: u32): u32 {
  return cpu + S_V + (r << 4);
}
@inline export function V64(r: u32): u64 {
  return load<u64>(cpu + S_V + (r << 4));
}
@inline export function V64hi(r: u32): u64 {
  return load<u64>(cpu + S_V + (r << 4), 8);
}
/** Write the low 64 bits and clear the upper half (scalar and 64-bit vector writes zero bits 127:64). */
@inline export function setV64(r: u32, lo: u64): void {
  const a = cpu + S_V + (r << 4);
  store<u64>(a, lo);
  store<u64>(a, 0, 8);
}
@inline export function setV128(r: u32, lo: u64, hi: u64): void {
  const a = cpu + S_V + (r << 4);
  store<u64>(a, lo);
  store<u64>(a, hi, 8);
}
@inline export function V128(r: u32): v128 {
  return v128.load(cpu + S_V + (r << 4));
}
@inline export function setVv128(r: u32, v: v128): void {
  v128.store(cpu + S_V + (r << 4), v);
}

// ---- system register slots (S_SYSREG + 8*SR_x) ----
@inline export function sysreg(i: u32): u64 {
  return load<u64>(cpu + S_SYSREG + (i << 3));
}
@inline export function setSysreg(i: u32, v: u64): void {
  store<u64>(cpu + S_SYSREG + (i << 3), v);
}
