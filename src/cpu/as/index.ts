// cpu/as/index.ts - the engine's exports (entry of the AssemblyScript build, see scripts/build-engine.mjs).

import {
  S_EL, S_SPSEL, S_DAIF, S_EXCL_ADDR, S_CNTFRQ, S_VCPU_ID, SR_SCTLR_EL1, SR_MIDR_EL1, SR_MPIDR_EL1,
  SR_OSLSR_EL1, VCPU_STRIDE, VCPU_BASE, S_PC,
} from "../layout";
import { selectVcpu, setSysreg, npc } from "./state";
import { takeException, VEC_SYNC } from "./exception";
import { tlbFlushAll, p2m } from "./memory";
import { translate } from "./mmu";
import { mmuPa, mmuFsc } from "./mmu";

export { run, runJit } from "./interp";

/**
 * SCTLR_EL1 bits that are RES1 in ARMv8.0 (Arm ARM D17.2.118): 29, 28, 23, 22, 20, 11, and ITD (7) and SED (8),
 * which are RES1 when EL0 cannot use AArch32.
 */
const SCTLR_RES1: u64 = 0x30d00980;

/** Put vCPU `index` in its reset state: EL1h, interrupts masked, MMU off, registers zero. */
export function resetVcpu(index: u32): void {
  const base = VCPU_BASE + index * VCPU_STRIDE;
  memory.fill(base, 0, VCPU_STRIDE);
  store<u32>(base + S_EL, 1);
  store<u32>(base + S_SPSEL, 1);
  store<u32>(base + S_DAIF, 0xf << 6);
  store<i64>(base + S_EXCL_ADDR, -1);
  store<u32>(base + S_CNTFRQ, 62500000);
  store<u32>(base + S_VCPU_ID, index);
  selectVcpu(index);
  setSysreg(SR_SCTLR_EL1, SCTLR_RES1);
  setSysreg(SR_MIDR_EL1, 0x411fd070); // Cortex-A57 r1p0, as Xen's reference guest reports
  setSysreg(SR_MPIDR_EL1, 0x80000000 | <u64>index);
  // OSLSR_EL1.OSLK resets to 1 on a Cold reset: the OS Lock is locked until software clears it through
  // OSLAR_EL1 (Arm ARM, OSLSR_EL1 field descriptions). The slot keeps OSLK at bit 1, as sysreg.ts uses it.
  setSysreg(SR_OSLSR_EL1, 2);
  tlbFlushAll();
}

/** Drop all cached translations of vCPU `index` (after the host changed its page tables or the P2M). */
export function flushTlb(index: u32): void {
  selectVcpu(index);
  tlbFlushAll();
}

/**
 * Translate a guest virtual address as vCPU `index` would at `regime` (0 EL0, 1 EL1) for `acc` (0 read,
 * 1 write, 2 exec): returns the host (Memory) address, or -1 - FSC when the walk faults, or -0x100 when the
 * address is not RAM. Used by the hypervisor to copy to and from guest virtual addresses.
 */
export function guestToHost(index: u32, va: u64, acc: u32, regime: u32): i64 {
  selectVcpu(index);
  if (!translate(va, acc, regime)) return -1 - <i64>mmuFsc;
  const host = p2m(mmuPa);
  if (host == 0xffffffff) return -0x100;
  return <i64>host;
}

/** Guest physical to host address, or -1 when the address is not RAM. */
export function physToHost(pa: u64): i64 {
  const host = p2m(pa);
  return host == 0xffffffff ? -1 : <i64>host;
}

/**
 * Deliver a synchronous exception to vCPU `index` as if the instruction at `ret` caused it (the hypervisor
 * injects an Undefined Instruction for an HVC it does not recognise, as Xen's inject_undef_exception does).
 */
export function injectSync(index: u32, ec: u32, iss: u32, ret: u64): void {
  selectVcpu(index);
  takeException(VEC_SYNC, (ec << 26) | (1 << 25) | (iss & 0x1ffffff), true, ret);
  store<u64>(VCPU_BASE + index * VCPU_STRIDE + S_PC, npc);
}
