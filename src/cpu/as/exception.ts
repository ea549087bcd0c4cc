// cpu/as/exception.ts - exception entry and return for EL0/EL1 (Arm ARM D1.10 "Exception entry",
// shared/functions/exceptions/AArch64.TakeException, AArch64.ExceptionReturn). EL2 is the host: HVC/SMC/WFI
// leave run() instead of entering a guest vector.

import {
  S_SP, S_SP_EL0, S_SP_EL1, S_EL, S_SPSEL, S_DAIF, S_PAN, S_SS, S_IL, S_NZCV, S_IRQ_LINES,
  S_EXCL_ADDR, S_EVENT, SR_SPSR_EL1, SR_ELR_EL1, SR_ESR_EL1, SR_FAR_EL1, SR_VBAR_EL1, SR_SCTLR_EL1, SR_CPACR_EL1,
  IRQ_LINE_IRQ, IRQ_LINE_FIQ, IRQ_LINE_SERROR,
} from "../layout";
import {
  cpu, pc, npc, fault, curEl, vcpuIndex, selectTlb, sysreg, setSysreg, stop, branchAddr,
} from "./state";
import { hostUnimplemented } from "./host";
import { invalidateFetch, requestIrqCheck } from "./memory";

// Exception classes, ESR_ELx.EC (Arm ARM D17.2.37)
export const EC_UNKNOWN: u32 = 0x00;
export const EC_WFX: u32 = 0x01;
export const EC_FP_ACCESS: u32 = 0x07;
export const EC_ILLEGAL_STATE: u32 = 0x0e;
export const EC_SVC64: u32 = 0x15;
export const EC_HVC64: u32 = 0x16;
export const EC_SMC64: u32 = 0x17;
export const EC_SYSREG: u32 = 0x18;
export const EC_IABT_LOWER: u32 = 0x20;
export const EC_IABT_CUR: u32 = 0x21;
export const EC_PC_ALIGN: u32 = 0x22;
export const EC_DABT_LOWER: u32 = 0x24;
export const EC_DABT_CUR: u32 = 0x25;
export const EC_SP_ALIGN: u32 = 0x26;
export const EC_FP_EXC64: u32 = 0x2c;
export const EC_SERROR: u32 = 0x2f;
export const EC_BRK64: u32 = 0x3c;

// Vector offsets from VBAR_EL1 (Arm ARM D1.10.2)
export const VEC_SYNC: u32 = 0x000;
export const VEC_IRQ: u32 = 0x080;
export const VEC_FIQ: u32 = 0x100;
export const VEC_SERROR: u32 = 0x180;

// Fault status codes, ESR_ELx.{I,D}FSC
export const FSC_ADDR_SIZE: u32 = 0x00; // + level
export const FSC_TRANSLATION: u32 = 0x04; // + level
export const FSC_ACCESS_FLAG: u32 = 0x08; // + level
export const FSC_PERMISSION: u32 = 0x0c; // + level
export const FSC_ALIGNMENT: u32 = 0x21;
export const FSC_EXTERNAL: u32 = 0x10;

/** PSTATE as it is saved to SPSR_EL1 (Arm ARM C5.2.18). */
export function pstateToSpsr(): u32 {
  let m: u32 = curEl == 0 ? 0 : (load<u32>(cpu + S_SPSEL) != 0 ? 5 : 4);
  return load<u32>(cpu + S_NZCV) | (load<u32>(cpu + S_PAN) << 22) | (load<u32>(cpu + S_SS) << 21) |
    (load<u32>(cpu + S_IL) << 20) | load<u32>(cpu + S_DAIF) | m;
}

/** Switch exception level and stack-pointer selection, banking SP (Arm ARM D1.8.2). */
export function setMode(el: u32, spsel: u32): void {
  const oldEl = curEl, oldSel = load<u32>(cpu + S_SPSEL);
  const sp = load<u64>(cpu + S_SP);
  store<u64>(cpu + (oldSel == 0 || oldEl == 0 ? S_SP_EL0 : S_SP_EL1), sp);
  store<u64>(cpu + S_SP, load<u64>(cpu + (spsel == 0 || el == 0 ? S_SP_EL0 : S_SP_EL1)));
  store<u32>(cpu + S_EL, el);
  store<u32>(cpu + S_SPSEL, spsel);
  if (el != oldEl) {
    curEl = el;
    selectTlb();
    invalidateFetch();
  }
}

/**
 * Enter EL1 at `vector` (VEC_*) with return address `ret`. `esr` is written for synchronous exceptions and
 * SErrors only. Sets `fault` so the interrupted instruction stops, and `npc` to the vector.
 */
export function takeException(vector: u32, esr: u32, writeEsr: bool, ret: u64): void {
  const spsr = pstateToSpsr();
  const fromLower = curEl == 0;
  const useSpx = load<u32>(cpu + S_SPSEL) != 0;
  let off: u32 = fromLower ? 0x400 : (useSpx ? 0x200 : 0);
  setSysreg(SR_SPSR_EL1, <u64>spsr);
  setSysreg(SR_ELR_EL1, ret);
  if (writeEsr) setSysreg(SR_ESR_EL1, <u64>esr);
  setMode(1, 1);
  store<u32>(cpu + S_DAIF, 0xf << 6);
  store<u32>(cpu + S_SS, 0);
  store<u32>(cpu + S_IL, 0);
  // SCTLR_EL1.SPAN (bit 23) == 0: PSTATE.PAN is set on exception entry to EL1 (Arm ARM D5.4.2)
  if ((sysreg(SR_SCTLR_EL1) & (1 << 23)) == 0 && load<u32>(cpu + S_PAN) == 0) {
    store<u32>(cpu + S_PAN, 1);
    selectTlb();
  }
  npc = (sysreg(SR_VBAR_EL1) & ~<u64>0x7ff) + <u64>(off + vector);
  fault = true;
}

/** A synchronous exception caused by the current instruction (preferred return = its address). */
export function syncException(ec: u32, iss: u32): void {
  takeException(VEC_SYNC, (ec << 26) | (1 << 25) | (iss & 0x1ffffff), true, pc);
}

/** A synchronous exception with a faulting address in FAR_EL1. */
export function syncFault(ec: u32, iss: u32, far: u64): void {
  setSysreg(SR_FAR_EL1, far);
  syncException(ec, iss);
}

/** SVC/BRK-style exceptions whose preferred return is the next instruction (SVC) or this one (BRK). */
export function svcException(imm16: u32): void {
  takeException(VEC_SYNC, (EC_SVC64 << 26) | (1 << 25) | imm16, true, pc + 4);
}

/** An encoding that is UNDEFINED, or that the engine does not implement (logged once by the host). */
export function undefinedInsn(insn: u32): void {
  hostUnimplemented(vcpuIndex, pc, insn);
  syncException(EC_UNKNOWN, 0);
}

/** An encoding that is architecturally UNDEFINED (not logged: guests probe with these). */
export function undefinedArch(): void {
  syncException(EC_UNKNOWN, 0);
}

/**
 * Data abort for `va`. `fsc` is a FSC_* code (+level), `wnr` marks writes, `s1ptw` a fault on a table walk,
 * `cm` a cache maintenance instruction (ESR ISS encoding for data aborts, Arm ARM D17.2.37).
 */
export function dataAbort(va: u64, fsc: u32, wnr: bool, s1ptw: bool, cm: bool): void {
  const ec = curEl == 0 ? EC_DABT_LOWER : EC_DABT_CUR;
  const iss = fsc | (wnr ? 1 << 6 : 0) | (s1ptw ? 1 << 7 : 0) | (cm ? 1 << 8 : 0);
  syncFault(ec, iss, va);
}

/** Instruction abort for `va`. */
export function instructionAbort(va: u64, fsc: u32, s1ptw: bool): void {
  const ec = curEl == 0 ? EC_IABT_LOWER : EC_IABT_CUR;
  syncFault(ec, fsc | (s1ptw ? 1 << 7 : 0), va);
}

/**
 * SP alignment check for a load/store using SP as base (SCTLR_EL1.SA / SA0, Arm ARM D1.8.2.1); takes the
 * fault and returns false if it fails. Inline test of the aligned case: why - 3% of the instructions of a Linux
 * boot are loads and stores based on SP (30 M of 1,020 M), each was a call.
 */
@inline export function checkSpAlign(sp: u64): bool {
  return (sp & 15) == 0 || checkSpAlignSlow(sp);
}

function checkSpAlignSlow(sp: u64): bool {
  const bit: u64 = curEl == 0 ? 1 << 4 : 1 << 3;
  if ((sysreg(SR_SCTLR_EL1) & bit) == 0) return true;
  syncException(EC_SP_ALIGN, 0);
  return false;
}

/** CPACR_EL1.FPEN access check for SIMD&FP instructions; takes the trap and returns false if disabled. */
export function checkFpEnabled(): bool {
  const fpen = <u32>(sysreg(SR_CPACR_EL1) >> 20) & 3;
  if (fpen == 3 || (fpen == 1 && curEl == 1)) return true;
  syncException(EC_FP_ACCESS, (1 << 24) | (0xe << 20));
  return false;
}

/**
 * ERET (Arm ARM AArch64.ExceptionReturn): restore PSTATE from SPSR_EL1, clear the local exclusive monitor, set
 * the Event Register (SendEventLocal), branch to ELR_EL1 through AArch64.BranchAddr (top-byte-ignore applies to
 * the return address as to any branch). An illegal return leaves ELR's bits as they are: the pseudocode makes
 * PC[63:32] and PC[1:0] UNKNOWN then, and the next instruction takes the Illegal Execution state exception.
 */
export function exceptionReturn(): void {
  const spsr = <u32>sysreg(SR_SPSR_EL1);
  const target = sysreg(SR_ELR_EL1);
  const m = spsr & 0x1f;
  store<i64>(cpu + S_EXCL_ADDR, -1); // ClearExclusiveLocal
  atomic.store<u32>(cpu + S_EVENT, 1); // SendEventLocal
  const illegal = m != 0 && m != 4 && m != 5; // AArch32 or EL2/EL3: illegal return (D1.11.5)
  if (illegal) {
    // PSTATE.IL set, EL and SP unchanged, other fields from SPSR
    store<u32>(cpu + S_IL, 1);
  } else {
    setMode(m >> 2, m & 1);
    store<u32>(cpu + S_IL, (spsr >> 20) & 1);
  }
  store<u32>(cpu + S_NZCV, spsr & 0xf0000000);
  store<u32>(cpu + S_DAIF, spsr & (0xf << 6));
  store<u32>(cpu + S_SS, 0);
  const pan = (spsr >> 22) & 1;
  if (pan != load<u32>(cpu + S_PAN)) {
    store<u32>(cpu + S_PAN, pan);
    selectTlb();
  }
  npc = illegal ? target : branchAddr(target);
  requestIrqCheck();
}

/** Take a pending, unmasked interrupt or illegal-state exception; called by the run loop after requestIrqCheck. */
export function pollInterrupts(): bool {
  if (load<u32>(cpu + S_IL) != 0) {
    syncException(EC_ILLEGAL_STATE, 0);
    return true;
  }
  const lines = load<u32>(cpu + S_IRQ_LINES);
  if (lines == 0) return false;
  const d = load<u32>(cpu + S_DAIF);
  // The guest sees virtual interrupts (HCR_EL2.IMO/FMO/AMO set by the hypervisor), taken to EL1 and
  // masked by PSTATE.A/I/F at both EL0 and EL1 (Arm ARM D1.3.6, virtual interrupt masking).
  if ((lines & IRQ_LINE_SERROR) != 0 && (d & (1 << 8)) == 0) {
    takeException(VEC_SERROR, EC_SERROR << 26, true, pc);
    return true;
  }
  if ((lines & IRQ_LINE_FIQ) != 0 && (d & (1 << 6)) == 0) {
    takeException(VEC_FIQ, 0, false, pc);
    return true;
  }
  if ((lines & IRQ_LINE_IRQ) != 0 && (d & (1 << 7)) == 0) {
    takeException(VEC_IRQ, 0, false, pc);
    return true;
  }
  return false;
}

/** WFI wakes for any pending interrupt line, masked or not (Arm ARM D1.16.2). */
export function interruptLinePending(): bool {
  return load<u32>(cpu + S_IRQ_LINES) != 0;
}

export function requestStop(): void {
  stop = true;
}
