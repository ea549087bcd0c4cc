// cpu/as/system.ts - exception generating and System instructions (Arm ARM C4.1.66 "Branches, Exception
// Generating and System instructions": exception generation, hints, barriers, PSTATE, SYS/SYSL, MSR/MRS) and
// ERET/DRPS from "Unconditional branch (register)". branch.ts hands these encodings to execSystem().
// MRS/MSR (register) live in sysreg.ts, the Generic Timer registers in timer.ts.
//
// The guest runs at EL1/EL0 under a hypervisor that is the host: HVC and SMC at EL1, and WFI/WFE that would
// wait, leave run() through S_EXIT (layout.ts EXIT_*), with PC already on the next instruction.

import {
  S_EXIT, S_EXIT_IMM, S_EVENT, S_EXCL_ADDR, S_TLB_GEN, S_PAN, S_DAIF, EXIT_HVC, EXIT_SMC, EXIT_WFI, EXIT_WFE,
  SR_SCTLR_EL1, SR_PAR_EL1, DOM_TLB_GEN, MAX_VCPUS, VCPU_BASE, VCPU_STRIDE, TLB_ENTRIES, P2M_HOLE,
  DOM_JIT_THRESHOLD,
} from "../layout";
import { cpu, curEl, tlbCur, stop, fault, X, sysreg, setSysreg, selectTlb } from "./state";
import {
  syncException, svcException, undefinedInsn, undefinedArch, exceptionReturn, dataAbort, setMode,
  interruptLinePending, EC_BRK64, EC_WFX, FSC_ALIGNMENT,
} from "./exception";
import {
  tlbFlushAll, tlbFlushVa, requestIrqCheck, regimeTlbBase, currentRegime, writeSized, p2m, p2mReadOnly, ACC_READ,
  ACC_WRITE,
} from "./memory";
import { translate, mmuPa, mmuFsc, mmuS1ptw, mmuNormal, mmuAttr, mmuSh } from "./mmu";
import { execSysreg, sysregTrap, DCZ_BLOCK_BYTES } from "./sysreg";
import { jitFlushAll, jitFlushPage } from "./jit";

const PAGE_MASK: u64 = ~<u64>0xfff;

// SCTLR_EL1 controls of EL0 (Arm ARM D17.2.118)
const SCTLR_UMA: u64 = 1 << 9;
const SCTLR_DZE: u64 = 1 << 14;
const SCTLR_NTWI: u64 = 1 << 16;
const SCTLR_NTWE: u64 = 1 << 18;
const SCTLR_UCI: u64 = 1 << 26;

/** Decode of the encodings branch.ts does not execute itself. */
export function execSystem(insn: u32): void {
  switch (insn >> 24) {
    case 0xd4:
      exceptionGeneration(insn);
      return;
    case 0xd6:
      exceptionReturnGroup(insn);
      return;
  }
  // 1101 0101 00 L op0 op1 CRn CRm op2 Rt
  if ((insn >> 22) != 0x354) {
    undefinedInsn(insn); // 128-bit System forms (FEAT_SYSREG128) and unallocated space
    return;
  }
  const op0 = (insn >> 19) & 3;
  if (op0 >= 2) {
    execSysreg(insn);
    return;
  }
  if ((insn & (1 << 21)) != 0) {
    undefinedInsn(insn); // SYSL and L = 1 with op0 = 0: no ARMv8.0 encodings
    return;
  }
  if (op0 == 1) {
    sysInstruction(insn);
    return;
  }
  // op0 = 0: hints, barriers and PSTATE writes all have Rt = 11111 (other values are unallocated)
  const crn = (insn >> 12) & 15, op1 = (insn >> 16) & 7;
  if ((insn & 31) != 31) undefinedInsn(insn);
  else if (crn == 4) msrImmediate(insn);
  else if (op1 != 3) undefinedInsn(insn); // hints and barriers have op1 = 011
  else if (crn == 2) hint(insn);
  else if (crn == 3) barrier(insn);
  else undefinedInsn(insn);
}

// ---------------------------------------------------------------- exception generation (C4.1.66)

/** opc = bits 23:21, imm16 = 20:5, op2 = 4:2, LL = 1:0. */
function exceptionGeneration(insn: u32): void {
  const imm16 = (insn >> 5) & 0xffff;
  if (((insn >> 2) & 7) != 0) {
    undefinedInsn(insn);
    return;
  }
  switch ((((insn >> 21) & 7) << 2) | (insn & 3)) {
    case 0b00001: svcException(imm16); return; // SVC: preferred return is the next instruction
    case 0b00010: hostCall(EXIT_HVC, imm16); return; // HVC
    case 0b00011: hostCall(EXIT_SMC, imm16); return; // SMC (Xen sets HCR_EL2.TSC: it traps to the host)
    case 0b00100: syncException(EC_BRK64, imm16); return; // BRK: preferred return is the BRK itself
    case 0b01000: // HLT: UNDEFINED when halting debug is not enabled (no external debugger)
    case 0b10101: case 0b10110: case 0b10111: // DCPS1-3: UNDEFINED outside Debug state
      undefinedArch();
      return;
  }
  undefinedInsn(insn);
}

/** HVC and SMC are UNDEFINED at EL0; at EL1 they leave run() for the hypervisor with PC after them. */
function hostCall(reason: u32, imm16: u32): void {
  if (curEl == 0) {
    undefinedArch();
    return;
  }
  store<u32>(cpu + S_EXIT, reason);
  store<u32>(cpu + S_EXIT_IMM, imm16);
  stop = true;
}

/** ERET (0xd69f03e0) and DRPS (0xd6bf03e0); the PAuth ERETAA/ERETAB are absent. */
function exceptionReturnGroup(insn: u32): void {
  switch (insn) {
    case 0xd69f03e0: // ERET
      if (curEl == 0) {
        undefinedArch();
        return;
      }
      exceptionReturn();
      return;
    case 0xd6bf03e0: // DRPS: UNDEFINED outside Debug state
    case 0xd69f0bff: case 0xd69f0fff: // ERETAA, ERETAB: FEAT_PAuth is absent
      undefinedArch();
      return;
  }
  undefinedInsn(insn);
}

// ---------------------------------------------------------------- hints (C6.2.x HINT, CRm:op2)

/**
 * The encodings that do nothing here: every hint but WFE, WFI, SEV and SEVL (see hint()), and DSB, DMB, ISB
 * with any CRm (see barrier()). The run loop tests this before calling execSystem: why - they are 23 M of the
 * 1,020 M instructions of a Linux boot (the ftrace NOPs at each function entry, PACIASP/AUTIASP, barriers).
 */
@inline export function isNop(insn: u32): bool {
  const m = insn & 0xfffff01f;
  if (m == 0xd503201f) return ((insn >> 5) & 0x7f) - 2 > 3; // CRm:op2 not 2..5
  return m == 0xd503301f && ((insn >> 5) & 7) - 4 <= 2; // op2 = 100, 101, 110
}

/**
 * NOP, YIELD, WFE, WFI, SEV, SEVL; everything else in the hint space is a NOP here: ESB (no RAS), PSB CSYNC
 * (no SPE), TSB, CSDB, DGH, the PAuth hints (PACIASP, AUTIASP, XPACLRI, PACIA1716, ...) and BTI, and the
 * unallocated hints, which the architecture defines to execute as NOP.
 */
function hint(insn: u32): void {
  switch ((insn >> 5) & 0x7f) {
    case 2: wfe(); return;
    case 3: wfi(); return;
    case 4: sendEvent(); return; // SEV
    case 5: atomic.store<u32>(cpu + S_EVENT, 1); return; // SEVL
  }
}

/**
 * WFE: consume a pending event, else wait. At EL0 a WFE that would wait traps to EL1 unless SCTLR_EL1.nTWE
 * (AArch64.CheckForWFxTrap); otherwise the host is told (Xen traps WFE with HCR_EL2.TWE and yields).
 */
function wfe(): void {
  if (atomic.xchg<u32>(cpu + S_EVENT, 0) != 0) return;
  if (curEl == 0 && (sysreg(SR_SCTLR_EL1) & SCTLR_NTWE) == 0) {
    syncException(EC_WFX, wfxIss(1));
    return;
  }
  store<u32>(cpu + S_EXIT, EXIT_WFE);
  stop = true;
}

/** WFI: completes at once if any interrupt is pending, masked or not (Arm ARM D1.16.2). */
function wfi(): void {
  if (interruptLinePending()) return;
  if (curEl == 0 && (sysreg(SR_SCTLR_EL1) & SCTLR_NTWI) == 0) {
    syncException(EC_WFX, wfxIss(0));
    return;
  }
  store<u32>(cpu + S_EXIT, EXIT_WFI);
  stop = true;
}

/** ISS of EC 0x01: CV = 1, COND = 0b1110 (unconditional A64), TI = 1 for WFE. */
@inline function wfxIss(ti: u32): u32 {
  return (1 << 24) | (0xe << 20) | ti;
}

/** SEV: every PE of the domain, this one included, gets its Event Register set (SendEvent). */
function sendEvent(): void {
  for (let i: u32 = 0; i < <u32>MAX_VCPUS; i++) atomic.store<u32>(VCPU_BASE + i * VCPU_STRIDE + S_EVENT, 1);
}

// ---------------------------------------------------------------- barriers (CRn = 3)

/**
 * CLREX, DSB (including SSBB and PSSBB, which are DSB encodings), DMB, ISB. The interpreter performs every
 * access in program order and the vCPUs of a domain take turns on one thread, so DSB and DMB have nothing to
 * order. When vCPUs run on worker threads, DMB/DSB must become a Wasm fence (AssemblyScript 0.28's
 * atomic.fence() fails Binaryen validation; an atomic RMW on a per-vCPU scratch word serves). SB (FEAT_SB)
 * is absent.
 */
function barrier(insn: u32): void {
  switch ((insn >> 5) & 7) {
    case 2: // CLREX: ClearExclusiveLocal
      store<i64>(cpu + S_EXCL_ADDR, -1);
      return;
    case 4: // DSB
    case 5: // DMB
      return;
    case 6:
      // ISB: nothing is cached ahead of execution in the interpreter. A JIT must end the translated block
      // here, so that System register writes (SCTLR, TTBRx, VBAR, CPACR) take effect for what follows.
      return;
    case 7:
      if (((insn >> 8) & 15) == 0) { // SB
        undefinedArch();
        return;
      }
  }
  undefinedInsn(insn);
}

// ---------------------------------------------------------------- MSR (immediate) (C6.2.195)

/** PSTATE field selected by op1:op2, immediate in CRm. */
function msrImmediate(insn: u32): void {
  const crm = (insn >> 8) & 15;
  switch ((((insn >> 16) & 7) << 3) | ((insn >> 5) & 7)) {
    case 0 << 3 | 5: // SPSel
      if (curEl == 0) undefinedArch();
      else setMode(1, crm & 1);
      return;
    case 0 << 3 | 4: // PAN (ARMv8.1-PAN)
      if (curEl == 0) undefinedArch();
      else {
        store<u32>(cpu + S_PAN, crm & 1);
        selectTlb();
      }
      return;
    case 3 << 3 | 6: // DAIFSet
    case 3 << 3 | 7: { // DAIFClr
      if (curEl == 0 && (sysreg(SR_SCTLR_EL1) & SCTLR_UMA) == 0) {
        sysregTrap(insn);
        return;
      }
      const d = load<u32>(cpu + S_DAIF);
      store<u32>(cpu + S_DAIF, (insn & (1 << 5)) != 0 ? d & ~(crm << 6) : d | (crm << 6));
      requestIrqCheck();
      return;
    }
  }
  undefinedArch(); // UAO, DIT, SSBS, TCO, CFINV/XAFLAG/AXFLAG, ALLINT...: features this CPU does not have
}

// ---------------------------------------------------------------- SYS (C5.4): AT, DC, IC, TLBI

// SYS operations keyed op1:CRn:CRm:op2 (instruction bits 18:5)
const IC_IALLUIS: u32 = 0 << 11 | 7 << 7 | 1 << 3 | 0;
const IC_IALLU: u32 = 0 << 11 | 7 << 7 | 5 << 3 | 0;
const IC_IVAU: u32 = 3 << 11 | 7 << 7 | 5 << 3 | 1;
const DC_IVAC: u32 = 0 << 11 | 7 << 7 | 6 << 3 | 1;
const DC_ISW: u32 = 0 << 11 | 7 << 7 | 6 << 3 | 2;
const DC_CSW: u32 = 0 << 11 | 7 << 7 | 10 << 3 | 2;
const DC_CISW: u32 = 0 << 11 | 7 << 7 | 14 << 3 | 2;
const DC_ZVA: u32 = 3 << 11 | 7 << 7 | 4 << 3 | 1;
const DC_CVAC: u32 = 3 << 11 | 7 << 7 | 10 << 3 | 1;
const DC_CVAU: u32 = 3 << 11 | 7 << 7 | 11 << 3 | 1;
const DC_CVAP: u32 = 3 << 11 | 7 << 7 | 12 << 3 | 1;
const DC_CIVAC: u32 = 3 << 11 | 7 << 7 | 14 << 3 | 1;
const AT_S1E1R: u32 = 0 << 11 | 7 << 7 | 8 << 3 | 0; // S1E1W, S1E0R, S1E0W follow at op2 1, 2, 3
const AT_S1E0W: u32 = 0 << 11 | 7 << 7 | 8 << 3 | 3;
const AT_S1E1RP: u32 = 0 << 11 | 7 << 7 | 9 << 3 | 0;
const AT_S1E1WP: u32 = 0 << 11 | 7 << 7 | 9 << 3 | 1;

function sysInstruction(insn: u32): void {
  const op = (insn >> 5) & 0x3fff;
  const op1 = op >> 11;
  const va = X(insn & 31);
  if (op1 >= 4 && op1 <= 6) {
    undefinedInsn(insn); // EL2/EL3 operations (AT S1E2R, TLBI ALLE2, ...)
    return;
  }
  if (curEl == 0 && op1 != 3) {
    undefinedArch();
    return;
  }
  if (((op >> 7) & 15) == 8) {
    tlbi(insn, op, va);
    return;
  }
  switch (op) {
    case IC_IALLUIS: case IC_IALLU:
      // The JIT's translations are all stale (jit.ts); IC IVAU below drops those of one page
      if (load<u32>(DOM_JIT_THRESHOLD) != 0) jitFlushAll();
      return;
    case DC_ISW: case DC_CSW: case DC_CISW: // set/way maintenance: no caches are modelled
      return;
    case IC_IVAU: case DC_CVAC: case DC_CVAU: case DC_CIVAC:
      if (curEl == 0 && (sysreg(SR_SCTLR_EL1) & SCTLR_UCI) == 0) sysregTrap(insn);
      else {
        const host = cacheMaintenanceVa(va, ACC_READ);
        if (op == IC_IVAU && host != P2M_HOLE && load<u32>(DOM_JIT_THRESHOLD) != 0) jitFlushPage(host);
      }
      return;
    case DC_IVAC: // invalidate may discard data: checked as a write
      cacheMaintenanceVa(va, ACC_WRITE);
      return;
    case DC_ZVA:
      dcZvaInstruction(insn);
      return;
    case DC_CVAP: // FEAT_DPB (ID_AA64ISAR1_EL1.DPB = 0)
    case AT_S1E1RP: case AT_S1E1WP: // FEAT_PAN2
      undefinedArch();
      return;
  }
  if (op >= AT_S1E1R && op <= AT_S1E0W) addressTranslate(op & 3, va);
  else undefinedInsn(insn);
}

// ---- address translation

/**
 * AT S1E1R/S1E1W/S1E0R/S1E0W: stage-1 translation of `va` as a read or write at EL1 or EL0, result in
 * PAR_EL1 (Arm ARM D17.2.103, 64-bit format; bit 11 is RES1). PSTATE.PAN does not apply (only to the v8.2
 * S1E1RP/WP forms). A synchronous external abort on the table walk is taken as a Data Abort (CM = 1).
 */
function addressTranslate(op2: u32, va: u64): void {
  const acc = (op2 & 1) != 0 ? ACC_WRITE : ACC_READ;
  const regime: u32 = (op2 & 2) != 0 ? 0 : 1;
  let par: u64 = 1 << 11;
  if (translate(va, acc, regime)) {
    par |= (mmuPa & 0x0000fffffffff000) | (<u64>mmuAttr << 56) | (<u64>parShareability() << 7);
  } else if ((mmuFsc & 0x3c) == 0x14) {
    dataAbort(va, mmuFsc, true, mmuS1ptw, true);
    return;
  } else {
    // F = 1, FST = fault status, PTW = fault on a stage-2 walk of a stage-1 table, S = 0 (stage 1)
    par |= 1 | (<u64>mmuFsc << 1) | (mmuS1ptw ? 1 << 8 : 0);
  }
  setSysreg(SR_PAR_EL1, par);
}

/** PAR_EL1.SH: 0b10 for Device and for Normal Inner+Outer Non-cacheable memory (PAREncodeShareability). */
function parShareability(): u32 {
  if ((mmuAttr & 0xf0) == 0 || mmuAttr == 0x44) return 2;
  return mmuSh;
}

// ---- data and instruction cache maintenance by VA

/**
 * DC CVAC/CVAU/CIVAC, IC IVAU (permission checked as a read) and DC IVAC (as a write) have no effect on
 * memory here, but they translate the address and fault like an access: a Data Abort with CM = 1 and WnR = 1
 * (ESR_ELx.WnR "for faults on cache maintenance instructions, this bit always returns 1"). PSTATE.PAN does not
 * apply. A soft-TLB hit proves the translation succeeds, so the walk is skipped. Returns the host address of
 * `va` (P2M_HOLE if it is not RAM or the instruction faulted).
 */
function cacheMaintenanceVa(va: u64, acc: u32): u32 {
  const regime: u32 = curEl == 0 ? 0 : 1;
  const e = regimeTlbBase(regime) + ((<u32>(va >> 12) & (TLB_ENTRIES - 1)) << 5);
  if (load<u64>(acc == ACC_WRITE ? e + 8 : e) == (va & PAGE_MASK)) return <u32>(va + load<u64>(e, 24));
  if (!translate(va, acc, regime)) {
    dataAbort(va, mmuFsc, true, mmuS1ptw, true);
    return P2M_HOLE;
  }
  return p2m(mmuPa);
}

/** The encoding of DC ZVA, Xt (SYS #3, C7, C4, #1, Xt). */
@inline export function isDcZva(insn: u32): bool {
  return (insn & 0xffffffe0) == 0xd50b7420;
}

/**
 * DC ZVA, Xt: trapped at EL0 unless SCTLR_EL1.DZE. The run loop calls it directly: why - Linux zeroes pages
 * with it (clear_page): 1.0 M per boot, each went through four levels of decode.
 */
export function dcZvaInstruction(insn: u32): void {
  if (curEl == 0 && (sysreg(SR_SCTLR_EL1) & SCTLR_DZE) == 0) sysregTrap(insn);
  else dcZva(X(insn & 31));
}

/**
 * DC ZVA: zero the 64-byte block containing `va` (DCZID_EL0.BS = 4). It is a store for permissions, PAN and
 * faults (WnR = 1, CM = 0, FAR = `va` as given); on any type of Device memory it takes an Alignment fault.
 */
function dcZva(va: u64): void {
  const block = va & ~<u64>(DCZ_BLOCK_BYTES - 1);
  const e = tlbCur + ((<u32>(block >> 12) & (TLB_ENTRIES - 1)) << 5);
  if (load<u64>(e, 8) == (block & PAGE_MASK)) {
    memory.fill(<usize>(block + load<u64>(e, 24)), 0, DCZ_BLOCK_BYTES);
    return;
  }
  if (!translate(block, ACC_WRITE, currentRegime())) {
    dataAbort(va, mmuFsc, true, mmuS1ptw, false);
    return;
  }
  if (!mmuNormal) {
    dataAbort(va, FSC_ALIGNMENT, true, false, false);
    return;
  }
  const host = p2m(mmuPa);
  const ram = host != P2M_HOLE && !p2mReadOnly;
  // Through the ordinary store path first: it fills the soft TLB for the next blocks of the page, and does the
  // MMIO writes or the abort of a read-only page when the block is not plain RAM.
  const viaStores: u32 = ram ? 8 : DCZ_BLOCK_BYTES;
  for (let i: u32 = 0; i < viaStores; i += 8) {
    writeSized(block + i, 8, 0, tlbCur);
    if (fault) return;
  }
  if (ram) memory.fill(host, 0, DCZ_BLOCK_BYTES);
}

// ---- TLB maintenance

/**
 * TLBI VMALLE1(IS), VAE1(IS), ASIDE1(IS), VAAE1(IS), VALE1(IS), VAALE1(IS) (op1 = 0, CRn = 8, CRm = 3 for
 * Inner Shareable, 7 for local). The soft TLB is not tagged by ASID, so ASID forms flush everything and VA
 * forms ignore the ASID; a VA in a cached block mapping drops the whole block (memory.ts tlbFlushVa). The
 * Inner Shareable forms also reach the domain's other vCPUs through DOM_TLB_GEN: each flushes everything
 * before it next runs.
 */
function tlbi(insn: u32, op: u32, xt: u64): void {
  const crm = (op >> 3) & 15;
  if ((op >> 11) != 0 || (crm != 3 && crm != 7)) {
    undefinedInsn(insn); // TLBI range and outer-shareable forms (ARMv8.4) and unallocated encodings
    return;
  }
  switch (op & 7) {
    case 0: case 2: // VMALLE1, ASIDE1
      if (crm == 3) broadcastTlbi();
      tlbFlushAll();
      return;
    case 1: case 3: case 5: case 7: // VAE1, VAAE1, VALE1, VAALE1: Xt[43:0] = VA[55:12]
      if (crm == 3) broadcastTlbi();
      tlbFlushVa(xt << 12);
      return;
  }
  undefinedInsn(insn);
}

/** Ask the other vCPUs of the domain to flush; this vCPU stays current if it was (it flushes itself). */
function broadcastTlbi(): void {
  const old = atomic.add<u32>(DOM_TLB_GEN, 1);
  if (load<u32>(cpu + S_TLB_GEN) == old) store<u32>(cpu + S_TLB_GEN, old + 1);
}
