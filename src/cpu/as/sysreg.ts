// cpu/as/sysreg.ts - MRS and MSR (register): the System registers of the EL1&0 guest view (Arm ARM C5.3
// "A64 System register encodings", D17 "AArch64 System Register Descriptions"; pseudocode of each register's
// "Accessing" section). One switch keyed by the register, as encoded in MRS/MSR bits 20:5:
//   key = op0:op1:CRn:CRm:op2   (op0 2 bits, op1 3, CRn 4, CRm 4, op2 3)
// op1 names the lowest Exception level that owns the register: 0-2 EL1, 3 EL0, 4-5 EL2, 6 EL3.
//
// Failure mechanisms (README conventions): a register of a feature this CPU does not have (PMU, RAS, LOR, SVE,
// MTE, PAuth keys, EL2/EL3) -> undefinedInsn (the host logs it once); an EL1 register accessed at EL0 and a
// write to a read-only register -> undefinedArch() (EC 0x00, what Linux and Xen expect); an access an EL1
// control traps (SCTLR_EL1.UMA/UCT, CNTKCTL_EL1, MDSCR_EL1.TDCC) -> sysregTrap (EC 0x18).

import {
  S_SP_EL0, S_SPSEL, S_DAIF, S_PAN, S_FPCR, S_FPSR, S_IRQ_LINES, IRQ_LINE_IRQ, IRQ_LINE_FIQ, IRQ_LINE_SERROR,
  SR_SCTLR_EL1, SR_ACTLR_EL1, SR_CPACR_EL1, SR_TTBR0_EL1, SR_TTBR1_EL1, SR_TCR_EL1, SR_SPSR_EL1, SR_ELR_EL1,
  SR_AFSR0_EL1, SR_AFSR1_EL1, SR_ESR_EL1, SR_FAR_EL1, SR_PAR_EL1, SR_MAIR_EL1, SR_AMAIR_EL1, SR_VBAR_EL1,
  SR_CONTEXTIDR_EL1, SR_TPIDR_EL1, SR_TPIDR_EL0, SR_TPIDRRO_EL0, SR_CSSELR_EL1, SR_MIDR_EL1, SR_MPIDR_EL1,
  SR_MDSCR_EL1, SR_OSLSR_EL1, SR_OSDLR_EL1, SR_DBGBVR0_EL1, SR_DBGBCR0_EL1, SR_DBGWVR0_EL1, SR_DBGWCR0_EL1,
  SR_MDCCINT_EL1, SR_DBGPRCR_EL1, SR_DBGCLAIM_EL1,
} from "../layout";
import {
  cpu, curEl, vcpuIndex, X, setX, sysreg, setSysreg, selectTlb, nzcv, setNzcv, daif,
} from "./state";
import {
  syncException, undefinedInsn, undefinedArch, checkFpEnabled, setMode, EC_SYSREG,
} from "./exception";
import { tlbFlushAll, requestIrqCheck } from "./memory";
import { hostSysregAccess } from "./host";
import { isTimerKey, timerRead, timerWrite } from "./timer";

// ---------------------------------------------------------------- register keys (op0, op1, CRn, CRm, op2)
// EL0 (op1 = 3)
const CTR_EL0: u32 = 3 << 14 | 3 << 11 | 0 << 7 | 0 << 3 | 1;
const DCZID_EL0: u32 = 3 << 14 | 3 << 11 | 0 << 7 | 0 << 3 | 7;
const NZCV: u32 = 3 << 14 | 3 << 11 | 4 << 7 | 2 << 3 | 0;
const DAIF: u32 = 3 << 14 | 3 << 11 | 4 << 7 | 2 << 3 | 1;
const FPCR: u32 = 3 << 14 | 3 << 11 | 4 << 7 | 4 << 3 | 0;
const FPSR: u32 = 3 << 14 | 3 << 11 | 4 << 7 | 4 << 3 | 1;
const TPIDR_EL0: u32 = 3 << 14 | 3 << 11 | 13 << 7 | 0 << 3 | 2;
const TPIDRRO_EL0: u32 = 3 << 14 | 3 << 11 | 13 << 7 | 0 << 3 | 3;
// EL1 identification (op1 = 0..2, CRn = 0)
const MIDR_EL1: u32 = 3 << 14 | 0 << 11 | 0 << 7 | 0 << 3 | 0;
const MPIDR_EL1: u32 = 3 << 14 | 0 << 11 | 0 << 7 | 0 << 3 | 5;
const REVIDR_EL1: u32 = 3 << 14 | 0 << 11 | 0 << 7 | 0 << 3 | 6;
const ID_AA64PFR0_EL1: u32 = 3 << 14 | 0 << 11 | 0 << 7 | 4 << 3 | 0;
const ID_AA64DFR0_EL1: u32 = 3 << 14 | 0 << 11 | 0 << 7 | 5 << 3 | 0;
const ID_AA64MMFR0_EL1: u32 = 3 << 14 | 0 << 11 | 0 << 7 | 7 << 3 | 0;
const ID_AA64MMFR1_EL1: u32 = 3 << 14 | 0 << 11 | 0 << 7 | 7 << 3 | 1;
const CCSIDR_EL1: u32 = 3 << 14 | 1 << 11 | 0 << 7 | 0 << 3 | 0;
const CLIDR_EL1: u32 = 3 << 14 | 1 << 11 | 0 << 7 | 0 << 3 | 1;
const AIDR_EL1: u32 = 3 << 14 | 1 << 11 | 0 << 7 | 0 << 3 | 7;
const CSSELR_EL1: u32 = 3 << 14 | 2 << 11 | 0 << 7 | 0 << 3 | 0;
// EL1 control and state (op1 = 0)
const SCTLR_EL1: u32 = 3 << 14 | 0 << 11 | 1 << 7 | 0 << 3 | 0;
const ACTLR_EL1: u32 = 3 << 14 | 0 << 11 | 1 << 7 | 0 << 3 | 1;
const CPACR_EL1: u32 = 3 << 14 | 0 << 11 | 1 << 7 | 0 << 3 | 2;
const TTBR0_EL1: u32 = 3 << 14 | 0 << 11 | 2 << 7 | 0 << 3 | 0;
const TTBR1_EL1: u32 = 3 << 14 | 0 << 11 | 2 << 7 | 0 << 3 | 1;
const TCR_EL1: u32 = 3 << 14 | 0 << 11 | 2 << 7 | 0 << 3 | 2;
const SPSR_EL1: u32 = 3 << 14 | 0 << 11 | 4 << 7 | 0 << 3 | 0;
const ELR_EL1: u32 = 3 << 14 | 0 << 11 | 4 << 7 | 0 << 3 | 1;
const SP_EL0: u32 = 3 << 14 | 0 << 11 | 4 << 7 | 1 << 3 | 0;
const SPSel: u32 = 3 << 14 | 0 << 11 | 4 << 7 | 2 << 3 | 0;
const CurrentEL: u32 = 3 << 14 | 0 << 11 | 4 << 7 | 2 << 3 | 2;
const PAN: u32 = 3 << 14 | 0 << 11 | 4 << 7 | 2 << 3 | 3;
const ICC_PMR_EL1: u32 = 3 << 14 | 0 << 11 | 4 << 7 | 6 << 3 | 0;
const AFSR0_EL1: u32 = 3 << 14 | 0 << 11 | 5 << 7 | 1 << 3 | 0;
const AFSR1_EL1: u32 = 3 << 14 | 0 << 11 | 5 << 7 | 1 << 3 | 1;
const ESR_EL1: u32 = 3 << 14 | 0 << 11 | 5 << 7 | 2 << 3 | 0;
const FAR_EL1: u32 = 3 << 14 | 0 << 11 | 6 << 7 | 0 << 3 | 0;
const PAR_EL1: u32 = 3 << 14 | 0 << 11 | 7 << 7 | 4 << 3 | 0;
const MAIR_EL1: u32 = 3 << 14 | 0 << 11 | 10 << 7 | 2 << 3 | 0;
const AMAIR_EL1: u32 = 3 << 14 | 0 << 11 | 10 << 7 | 3 << 3 | 0;
const VBAR_EL1: u32 = 3 << 14 | 0 << 11 | 12 << 7 | 0 << 3 | 0;
const ISR_EL1: u32 = 3 << 14 | 0 << 11 | 12 << 7 | 1 << 3 | 0;
const CONTEXTIDR_EL1: u32 = 3 << 14 | 0 << 11 | 13 << 7 | 0 << 3 | 1;
const TPIDR_EL1: u32 = 3 << 14 | 0 << 11 | 13 << 7 | 0 << 3 | 4;
// Debug (op0 = 2)
const MDCCINT_EL1: u32 = 2 << 14 | 0 << 11 | 0 << 7 | 2 << 3 | 0;
const MDSCR_EL1: u32 = 2 << 14 | 0 << 11 | 0 << 7 | 2 << 3 | 2;
const MDRAR_EL1: u32 = 2 << 14 | 0 << 11 | 1 << 7 | 0 << 3 | 0;
const OSLAR_EL1: u32 = 2 << 14 | 0 << 11 | 1 << 7 | 0 << 3 | 4;
const OSLSR_EL1: u32 = 2 << 14 | 0 << 11 | 1 << 7 | 1 << 3 | 4;
const OSDLR_EL1: u32 = 2 << 14 | 0 << 11 | 1 << 7 | 3 << 3 | 4;
const DBGPRCR_EL1: u32 = 2 << 14 | 0 << 11 | 1 << 7 | 4 << 3 | 4;
const DBGCLAIMSET_EL1: u32 = 2 << 14 | 0 << 11 | 7 << 7 | 8 << 3 | 6;
const DBGCLAIMCLR_EL1: u32 = 2 << 14 | 0 << 11 | 7 << 7 | 9 << 3 | 6;
const DBGAUTHSTATUS_EL1: u32 = 2 << 14 | 0 << 11 | 7 << 7 | 14 << 3 | 6;
const MDCCSR_EL0: u32 = 2 << 14 | 3 << 11 | 0 << 7 | 1 << 3 | 0;

// ---------------------------------------------------------------- values of the identification registers
// Cortex-A57 cache geometry (Cortex-A57 TRM, CCSIDR_EL1/CLIDR_EL1/CTR_EL0 reset values): 32 KiB 2-way L1D,
// 48 KiB 3-way L1I, 2 MiB 16-way L2, 64-byte lines everywhere.
const CCSIDR_L1D: u64 = 0x701fe00a;
const CCSIDR_L1I: u64 = 0x201fe012;
const CCSIDR_L2: u64 = 0x70ffe07a;
const CLIDR_VALUE: u64 = 0x0a200023; // L1 separate I+D, L2 unified; LoUU = 1, LoC = 2, LoUIS = 1
const CTR_VALUE: u64 = 0x8444c004; // CWG = ERG = DminLine = IminLine = 64 bytes, L1Ip = PIPT
/** DCZID_EL0.BS = 4: DC ZVA zeroes 4 << 4 = 64 bytes. */
export const DCZ_BLOCK_BYTES: u32 = 64;
const DCZID_BS: u64 = 4;
/** EL0/EL1 AArch64 only, no EL2/EL3 visible, FP and AdvSIMD, GICv3 System register interface. */
const ID_AA64PFR0_VALUE: u64 = 0x01000011;
/** DebugVer = ARMv8.0 debug (6), PMUVer = 0 (no PMU), BRPs = 1 and WRPs = 1 (two of each), CTX_CMPs = 0. */
const ID_AA64DFR0_VALUE: u64 = 0x00101006;
/** PARange = 40 bits, ASIDBits = 16, TGran4 supported, TGran64 (0xf) and TGran16 (0) not. */
const ID_AA64MMFR0_VALUE: u64 = 0x0f000022;
/** PAN = 1 (ARMv8.1-PAN): the only v8.1 memory feature. */
const ID_AA64MMFR1_VALUE: u64 = 0x00100000;

// ---------------------------------------------------------------- field masks
/** SCTLR_EL1 writable bits: M A C SA SA0 UMA I DZE UCT nTWI nTWE WXN SPAN UCI (Arm ARM D17.2.118). */
const SCTLR_RW: u64 = 0x048dd21f;
/** SCTLR_EL1 RES1 bits with only AArch64 at EL0 and no v8.2+ features: 29 28 22 20 11 8 (SED) 7 (ITD). */
export const SCTLR_RES1: u64 = 0x30500980;
const SCTLR_UMA: u64 = 1 << 9;
const SCTLR_DZE: u64 = 1 << 14;
const SCTLR_UCT: u64 = 1 << 15;
/** TCR_EL1: everything up to TBI1 except RES0 bits 6 and 35; HA/HD/HPD are absent (RES0). */
const TCR_RW: u64 = 0x00000077ffffffbf;
/** SPSR_EL1: N Z C V, PAN, SS, IL, D A I F, M[4:0]. */
const SPSR_RW: u64 = 0xf07003df;
/** FPCR: AHP, DN, FZ, RMode; the trap enables are RAZ/WI (no FP exception trapping), Len/Stride AArch32-only. */
const FPCR_RW: u32 = 0x07c00000;
/** FPSR: QC and the cumulative flags IDC IXC UFC OFC DZC IOC. */
const FPSR_RW: u32 = 0x0800009f;
const ALL: u64 = 0xffffffffffffffff;

// ---------------------------------------------------------------- debug register storage
// Two breakpoints and two watchpoints, as ID_AA64DFR0_EL1 advertises (slots SR_DBG* in layout.ts).
const DBG_BREAKPOINTS: u32 = 2;
const DBG_WATCHPOINTS: u32 = 2;
const DBGBCR_RW: u64 = 0x00ffe1e7; // BT LBN SSC HMC BAS PMC E
const DBGWCR_RW: u64 = 0x1f1fffff; // MASK WT LBN SSC HMC BAS LSC PAC E
const MDSCR_RW: u64 = 0x0ce0f041; // RXO TXU INTdis TDA MDE HDE KDE TDCC ERR SS
const MDSCR_TDCC: u64 = 1 << 12;

// ---------------------------------------------------------------- traps

/**
 * A System register access or System instruction trapped to EL1 by an EL1 control: EC 0x18 with the
 * instruction's fields in the ISS (Arm ARM D17.2.37, "ISS encoding for an exception from MSR, MRS, or System
 * instruction execution in AArch64 state": Op0 21:20, Op2 19:17, Op1 16:14, CRn 13:10, Rt 9:5, CRm 4:1,
 * Direction 0 = 1 for a read).
 */
export function sysregTrap(insn: u32): void {
  const iss = (((insn >> 19) & 3) << 20) | (((insn >> 5) & 7) << 17) | (((insn >> 16) & 7) << 14) |
    (((insn >> 12) & 15) << 10) | ((insn & 31) << 5) | (((insn >> 8) & 15) << 1) | ((insn >> 21) & 1);
  syncException(EC_SYSREG, iss);
}

// ---------------------------------------------------------------- entry

/** MRS and MSR (register): bits 31:22 = 1101010100 with op0 = 2 or 3 (bit 20 set). */
@inline export function isSysregAccess(insn: u32): bool {
  return (insn & 0xffd00000) == 0xd5100000;
}

/** MRS (L = 1) and MSR (register) (L = 0), op0 = 2 or 3 (Arm ARM C6.2.194, C6.2.196). */
export function execSysreg(insn: u32): void {
  const key = (insn >> 5) & 0xffff;
  const rt = insn & 31;
  const isRead = (insn & (1 << 21)) != 0;
  const op0 = key >> 14, op1 = (key >> 11) & 7, crn = (key >> 7) & 15;
  if (op1 >= 4 && op1 <= 6) {
    undefinedInsn(insn); // EL2 and EL3 registers, and the EL12/EL02 aliases: the hypervisor's, not the guest's
    return;
  }
  if (curEl == 0 && op1 != 3) {
    undefinedArch(); // EL1 registers are UNDEFINED at EL0
    return;
  }
  if (op0 == 2) {
    if (isRead) debugRead(insn, key, rt);
    else debugWrite(insn, key, X(rt));
    return;
  }
  // IMPLEMENTATION DEFINED space (CRn = 11, 15) and the GICv3 CPU interface go to the machine
  if (crn == 11 || crn == 15 || isGicCpuInterface(key)) {
    hostAccess(insn, key, isRead, rt);
    return;
  }
  if (crn == 14 && isTimerKey(key)) {
    if (isRead) timerRead(insn, key, rt);
    else timerWrite(insn, key, rt);
    return;
  }
  if (isRead) sysregRead(insn, key, rt);
  else sysregWrite(insn, key, X(rt));
}

/** ICC_PMR_EL1 and ICC_* in op1 = 0, CRn = 12, CRm = 8..12 (GICv3 Architecture Specification, 12.1). */
@inline function isGicCpuInterface(key: u32): bool {
  const crm = (key >> 3) & 15;
  return key == ICC_PMR_EL1 || ((key >> 7) == (3 << 7 | 0 << 4 | 12) && crm >= 8 && crm <= 12);
}

/** The machine handles the register; for MRS it writes X[rt] itself, for MSR it reads X[rt]. */
function hostAccess(insn: u32, key: u32, isRead: bool, rt: u32): void {
  const r = hostSysregAccess(vcpuIndex, key, isRead, rt);
  requestIrqCheck(); // e.g. an ICC_EOIR1/ICC_PMR write may expose the next pending interrupt
  if (r != 0) undefinedInsn(insn);
}

// ---------------------------------------------------------------- MRS

// Cases are tested in order (Binaryen cannot make a jump table of sparse 16-bit keys): the registers Linux
// reads most come first: SP_EL0 (`current`), DAIF (local_irq_save), then TPIDR_EL1 (per-CPU offset).
function sysregRead(insn: u32, key: u32, rt: u32): void {
  let v: u64 = 0;
  switch (key) {
    case SP_EL0:
      if (load<u32>(cpu + S_SPSEL) == 0) { // SP_EL0 is the current SP: UNDEFINED (Arm ARM D17.2.130)
        undefinedArch();
        return;
      }
      v = load<u64>(cpu + S_SP_EL0);
      break;
    case DAIF:
      if (!el0Allowed(insn, SCTLR_UMA)) return;
      v = <u64>daif();
      break;
    case NZCV: v = <u64>nzcv(); break;
    case FPCR:
      if (!checkFpEnabled()) return;
      v = <u64>load<u32>(cpu + S_FPCR);
      break;
    case FPSR:
      if (!checkFpEnabled()) return;
      v = <u64>load<u32>(cpu + S_FPSR);
      break;
    case CTR_EL0:
      if (!el0Allowed(insn, SCTLR_UCT)) return;
      v = CTR_VALUE;
      break;
    case DCZID_EL0:
      // DZP: DC ZVA is prohibited at EL0 unless SCTLR_EL1.DZE
      v = DCZID_BS | (curEl == 0 && (sysreg(SR_SCTLR_EL1) & SCTLR_DZE) == 0 ? 1 << 4 : 0);
      break;
    case SPSel: v = <u64>load<u32>(cpu + S_SPSEL); break;
    case CurrentEL: v = <u64>(curEl << 2); break;
    case PAN: v = <u64>load<u32>(cpu + S_PAN) << 22; break;
    case ISR_EL1: v = isr(); break;
    default: {
      const slot = plainSlot(key);
      if (slot >= 0) v = sysreg(<u32>slot);
      else if (identificationRead(key)) v = idValue;
      else {
        undefinedInsn(insn);
        return;
      }
    }
  }
  setX(rt, v);
}

/** EL0 access to a register gated by an SCTLR_EL1 bit; takes the EC 0x18 trap and returns false if clear. */
function el0Allowed(insn: u32, sctlrBit: u64): bool {
  if (curEl != 0 || (sysreg(SR_SCTLR_EL1) & sctlrBit) != 0) return true;
  sysregTrap(insn);
  return false;
}

/** ISR_EL1: pending SError (A), IRQ (I) and FIQ (F), whatever PSTATE masks (Arm ARM D17.2.81). */
function isr(): u64 {
  const lines = load<u32>(cpu + S_IRQ_LINES);
  let v: u64 = 0;
  if ((lines & IRQ_LINE_SERROR) != 0) v |= 1 << 8;
  if ((lines & IRQ_LINE_IRQ) != 0) v |= 1 << 7;
  if ((lines & IRQ_LINE_FIQ) != 0) v |= 1 << 6;
  return v;
}

let idValue: u64 = 0;

/**
 * The read-only identification registers (op1 = 0..2, CRn = 0). Sets idValue and returns true if `key` is
 * one. The ID space op0 = 3, op1 = 0, CRn = 0, CRm = 1..7 is RAZ where no register is allocated or a feature
 * is absent (Arm ARM D17.2, "reserved ID register encodings"): AArch32 ID registers, ID_AA64PFR1, ISAR0/1/2,
 * MMFR2, DFR1, AFR0/1, ZFR0 all read 0.
 */
function identificationRead(key: u32): bool {
  switch (key) {
    case MIDR_EL1: idValue = sysreg(SR_MIDR_EL1); return true;
    case MPIDR_EL1: idValue = sysreg(SR_MPIDR_EL1); return true;
    case REVIDR_EL1: idValue = 0; return true;
    case ID_AA64PFR0_EL1: idValue = ID_AA64PFR0_VALUE; return true;
    case ID_AA64DFR0_EL1: idValue = ID_AA64DFR0_VALUE; return true;
    case ID_AA64MMFR0_EL1: idValue = ID_AA64MMFR0_VALUE; return true;
    case ID_AA64MMFR1_EL1: idValue = ID_AA64MMFR1_VALUE; return true;
    case CCSIDR_EL1: idValue = ccsidr(); return true;
    case CLIDR_EL1: idValue = CLIDR_VALUE; return true;
    case AIDR_EL1: idValue = 0; return true;
  }
  if (isIdSpace(key)) {
    idValue = 0;
    return true;
  }
  return false;
}

/** op0 = 3, op1 = 0, CRn = 0, CRm = 1..7. */
@inline function isIdSpace(key: u32): bool {
  const crm = (key >> 3) & 15;
  return (key >> 7) == (3 << 7) && crm >= 1 && crm <= 7;
}

/** CCSIDR_EL1 of the cache CSSELR_EL1 selects (Level 3:1, InD 0); an unimplemented cache reads 0 (UNKNOWN). */
function ccsidr(): u64 {
  switch (<u32>sysreg(SR_CSSELR_EL1) & 0xf) {
    case 0: return CCSIDR_L1D;
    case 1: return CCSIDR_L1I;
    case 2: return CCSIDR_L2;
  }
  return 0;
}

// ---------------------------------------------------------------- storage registers

// Outputs of plainSlot() besides the slot: writable bits, bits that read as one, and whether a write changes
// translation (the soft TLB caches the result of SCTLR/TTBRx/TCR/MAIR, so those writes flush it).
let plainMask: u64 = ALL;
let plainSet: u64 = 0;
let plainFlush: bool = false;

/** System registers that are plain storage: the SR_* slot of `key`, or -1. */
function plainSlot(key: u32): i32 {
  plainMask = ALL;
  plainSet = 0;
  plainFlush = false;
  switch (key) {
    case TPIDR_EL1: return SR_TPIDR_EL1;
    case TPIDR_EL0: return SR_TPIDR_EL0;
    case ELR_EL1: return SR_ELR_EL1;
    case SPSR_EL1: plainMask = SPSR_RW; return SR_SPSR_EL1;
    case ESR_EL1: plainMask = 0xffffffff; return SR_ESR_EL1;
    case FAR_EL1: return SR_FAR_EL1;
    case TTBR0_EL1: plainMask = ~<u64>1; plainFlush = true; return SR_TTBR0_EL1; // CnP (v8.2) RES0
    case TPIDRRO_EL0: return SR_TPIDRRO_EL0;
    case SCTLR_EL1: plainMask = SCTLR_RW; plainSet = SCTLR_RES1; plainFlush = true; return SR_SCTLR_EL1;
    case ACTLR_EL1: return SR_ACTLR_EL1; // IMPLEMENTATION DEFINED: kept as written
    case CPACR_EL1: plainMask = 3 << 20; return SR_CPACR_EL1; // FPEN; TTA is RES0 without trace registers
    case TTBR1_EL1: plainMask = ~<u64>1; plainFlush = true; return SR_TTBR1_EL1;
    case TCR_EL1: plainMask = TCR_RW; plainFlush = true; return SR_TCR_EL1;
    case MAIR_EL1: plainFlush = true; return SR_MAIR_EL1;
    case AMAIR_EL1: return SR_AMAIR_EL1;
    case AFSR0_EL1: return SR_AFSR0_EL1;
    case AFSR1_EL1: return SR_AFSR1_EL1;
    case PAR_EL1: return SR_PAR_EL1;
    case VBAR_EL1: plainMask = ~<u64>0x7ff; return SR_VBAR_EL1;
    case CONTEXTIDR_EL1: plainMask = 0xffffffff; return SR_CONTEXTIDR_EL1;
    case CSSELR_EL1: plainMask = 0xf; return SR_CSSELR_EL1;
  }
  return -1;
}

// ---------------------------------------------------------------- MSR

function sysregWrite(insn: u32, key: u32, v: u64): void {
  switch (key) {
    case SP_EL0:
      if (load<u32>(cpu + S_SPSEL) == 0) undefinedArch();
      else store<u64>(cpu + S_SP_EL0, v);
      return;
    case DAIF:
      if (!el0Allowed(insn, SCTLR_UMA)) return;
      store<u32>(cpu + S_DAIF, <u32>v & (0xf << 6));
      requestIrqCheck();
      return;
    case NZCV: setNzcv(<u32>v); return;
    case FPCR:
      if (checkFpEnabled()) store<u32>(cpu + S_FPCR, <u32>v & FPCR_RW);
      return;
    case FPSR:
      if (checkFpEnabled()) store<u32>(cpu + S_FPSR, <u32>v & FPSR_RW);
      return;
    case SPSel: setMode(1, <u32>v & 1); return;
    case PAN:
      store<u32>(cpu + S_PAN, <u32>(v >> 22) & 1);
      selectTlb();
      return;
    case TPIDRRO_EL0:
      if (curEl == 0) { // read-only at EL0
        undefinedArch();
        return;
      }
      break;
    case CurrentEL: case ISR_EL1: case CTR_EL0: case DCZID_EL0:
      undefinedArch(); // read-only: MSR is UNDEFINED
      return;
  }
  const slot = plainSlot(key);
  if (slot >= 0) {
    setSysreg(<u32>slot, (v & plainMask) | plainSet);
    if (plainFlush) tlbFlushAll();
    return;
  }
  if (identificationRead(key)) undefinedArch(); // identification registers are read-only
  else undefinedInsn(insn);
}

// ---------------------------------------------------------------- debug registers (op0 = 2)

/**
 * DBGBVR<n>/DBGBCR<n>/DBGWVR<n>/DBGWCR<n>_EL1 (op1 = 0, CRn = 0, CRm = n, op2 = 4..7): slot, or -1 for an
 * n beyond the implemented count; plainMask receives the writable bits.
 */
function breakpointSlot(key: u32): i32 {
  if ((key >> 7) != (2 << 7) || (key & 7) < 4) return -1;
  const n = (key >> 3) & 15;
  switch (key & 7) {
    case 4: plainMask = ~<u64>3; return n < DBG_BREAKPOINTS ? <i32>(SR_DBGBVR0_EL1 + n) : -2;
    case 5: plainMask = DBGBCR_RW; return n < DBG_BREAKPOINTS ? <i32>(SR_DBGBCR0_EL1 + n) : -2;
    case 6: plainMask = ~<u64>3; return n < DBG_WATCHPOINTS ? <i32>(SR_DBGWVR0_EL1 + n) : -2;
    default: plainMask = DBGWCR_RW; return n < DBG_WATCHPOINTS ? <i32>(SR_DBGWCR0_EL1 + n) : -2;
  }
}

/**
 * MDCCSR_EL0 at EL0 is trapped by MDSCR_EL1.TDCC (EC 0x18). The debug communication channel has no external
 * debugger behind it, so MDCCSR_EL0 reads 0 (TXfull = RXfull = 0).
 */
function dccAllowed(insn: u32): bool {
  if (curEl != 0 || (sysreg(SR_MDSCR_EL1) & MDSCR_TDCC) == 0) return true;
  sysregTrap(insn);
  return false;
}

/**
 * MRS of a debug register. Breakpoints and watchpoints are stored but never match: debug exceptions are not
 * generated (as under Xen, which gives guests no working self-hosted debug either).
 */
function debugRead(insn: u32, key: u32, rt: u32): void {
  let v: u64 = 0;
  const bp = breakpointSlot(key);
  if (bp >= 0) v = sysreg(<u32>bp);
  else if (bp == -2) {
    undefinedInsn(insn);
    return;
  } else {
    switch (key) {
      case MDSCR_EL1: v = sysreg(SR_MDSCR_EL1) & MDSCR_RW; break;
      case MDCCINT_EL1: v = sysreg(SR_MDCCINT_EL1); break;
      case MDRAR_EL1: v = 0; break; // no memory-mapped debug ROM (ROMADDR not valid)
      case OSLSR_EL1: v = 0x8 | (sysreg(SR_OSLSR_EL1) & 2); break; // OSLM = 0b10, OSLK
      case OSDLR_EL1: v = sysreg(SR_OSDLR_EL1) & 1; break;
      case DBGPRCR_EL1: v = sysreg(SR_DBGPRCR_EL1) & 1; break;
      case DBGCLAIMSET_EL1: v = 0xff; break; // eight claim tag bits implemented
      case DBGCLAIMCLR_EL1: v = sysreg(SR_DBGCLAIM_EL1) & 0xff; break;
      case DBGAUTHSTATUS_EL1: v = 0xa; break; // non-secure invasive/non-invasive debug implemented, disabled
      case MDCCSR_EL0:
        if (!dccAllowed(insn)) return;
        v = 0;
        break;
      case OSLAR_EL1: // write-only
        undefinedArch();
        return;
      default: // DBGDTR*_EL0, OSDTRRX/TX, OSECCR, DBGVCR32_EL2: no debugger interface
        undefinedInsn(insn);
        return;
    }
  }
  setX(rt, v);
}

/** MSR of a debug register. */
function debugWrite(insn: u32, key: u32, v: u64): void {
  const bp = breakpointSlot(key);
  if (bp >= 0) {
    setSysreg(<u32>bp, v & plainMask);
    return;
  }
  if (bp == -2) {
    undefinedInsn(insn);
    return;
  }
  switch (key) {
    case MDSCR_EL1: setSysreg(SR_MDSCR_EL1, v & MDSCR_RW); break;
    case MDCCINT_EL1: setSysreg(SR_MDCCINT_EL1, v & 0x60000000); break; // RX, TX
    case OSLAR_EL1: setSysreg(SR_OSLSR_EL1, (v & 1) << 1); break; // OSLK = OSLAR_EL1.OSLK
    case OSDLR_EL1: setSysreg(SR_OSDLR_EL1, v & 1); break;
    case DBGPRCR_EL1: setSysreg(SR_DBGPRCR_EL1, v & 1); break;
    case DBGCLAIMSET_EL1: setSysreg(SR_DBGCLAIM_EL1, sysreg(SR_DBGCLAIM_EL1) | (v & 0xff)); break;
    case DBGCLAIMCLR_EL1: setSysreg(SR_DBGCLAIM_EL1, sysreg(SR_DBGCLAIM_EL1) & ~(v & 0xff)); break;
    case MDRAR_EL1: case OSLSR_EL1: case DBGAUTHSTATUS_EL1: case MDCCSR_EL0: // read-only
      undefinedArch();
      break;
    default:
      undefinedInsn(insn);
  }
}
