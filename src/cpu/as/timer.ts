// cpu/as/timer.ts - the Generic Timer's System registers as the guest sees them (Arm ARM D11 "The Generic
// Timer in AArch64 state"; register descriptions D17.10 CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0, CNTKCTL_EL1,
// CNTP_CTL/CVAL/TVAL_EL0, CNTV_CTL/CVAL/TVAL_EL0).
//
// The count comes from the machine (hostCounter). The timers only keep their registers here: the machine reads
// SR_CNTV_* / SR_CNTP_* from the vCPU state block to decide when to raise the timer PPIs, so nothing fires here.
// The virtual count is CNTPCT - CNTVOFF_EL2 (the hypervisor's offset, slot SR_CNTVOFF_EL2).

import {
  S_CNTFRQ, SR_CNTKCTL_EL1, SR_CNTV_CTL_EL0, SR_CNTV_CVAL_EL0, SR_CNTP_CTL_EL0, SR_CNTP_CVAL_EL0,
  SR_CNTVOFF_EL2,
} from "../layout";
import { cpu, curEl, vcpuIndex, X, setX, sysreg, setSysreg } from "./state";
import { undefinedInsn, undefinedArch } from "./exception";
import { hostCounter } from "./host";
import { sysregTrap } from "./sysreg";

// Register keys: op0:op1:CRn:CRm:op2 as in MRS/MSR bits 20:5
const CNTKCTL_EL1: u32 = 3 << 14 | 0 << 11 | 14 << 7 | 1 << 3 | 0;
const CNTFRQ_EL0: u32 = 3 << 14 | 3 << 11 | 14 << 7 | 0 << 3 | 0;
const CNTPCT_EL0: u32 = 3 << 14 | 3 << 11 | 14 << 7 | 0 << 3 | 1;
const CNTVCT_EL0: u32 = 3 << 14 | 3 << 11 | 14 << 7 | 0 << 3 | 2;
const CNTP_TVAL_EL0: u32 = 3 << 14 | 3 << 11 | 14 << 7 | 2 << 3 | 0;
const CNTP_CTL_EL0: u32 = 3 << 14 | 3 << 11 | 14 << 7 | 2 << 3 | 1;
const CNTP_CVAL_EL0: u32 = 3 << 14 | 3 << 11 | 14 << 7 | 2 << 3 | 2;
const CNTV_TVAL_EL0: u32 = 3 << 14 | 3 << 11 | 14 << 7 | 3 << 3 | 0;
const CNTV_CTL_EL0: u32 = 3 << 14 | 3 << 11 | 14 << 7 | 3 << 3 | 1;
const CNTV_CVAL_EL0: u32 = 3 << 14 | 3 << 11 | 14 << 7 | 3 << 3 | 2;

// CNTKCTL_EL1 fields (Arm ARM D17.10.x): EL0 access enables and the event stream controls
const EL0PCTEN: u64 = 1 << 0;
const EL0VCTEN: u64 = 1 << 1;
const EL0VTEN: u64 = 1 << 8;
const EL0PTEN: u64 = 1 << 9;
/** EL0PTEN, EL0VTEN, EVNTI, EVNTDIR, EVNTEN, EL0VCTEN, EL0PCTEN; the rest is RES0 in ARMv8.0. */
const CNTKCTL_MASK: u64 = 0x3ff;

// CNTx_CTL_EL0 fields: ENABLE and IMASK are RW, ISTATUS is read-only and computed on read.
const CTL_ENABLE: u64 = 1;
const CTL_IMASK: u64 = 2;
const CTL_ISTATUS: u64 = 4;

/** The physical count, CNTPCT_EL0. */
@inline function physicalCount(): u64 {
  return hostCounter(vcpuIndex);
}

/** The virtual count, CNTVCT_EL0 = CNTPCT_EL0 - CNTVOFF_EL2. */
@inline function virtualCount(): u64 {
  return hostCounter(vcpuIndex) - sysreg(SR_CNTVOFF_EL2);
}

/**
 * EL0 access check for the register at `key` (CNTKCTL_EL1 gates, Arm ARM D11.2.2 "Control of EL0 access to
 * the Generic Timer"). Takes the System access trap (EC 0x18) and returns false when the access is trapped.
 */
function el0Allowed(insn: u32, key: u32): bool {
  if (curEl != 0) return true;
  const ctl = sysreg(SR_CNTKCTL_EL1);
  let ok: bool;
  switch (key) {
    case CNTFRQ_EL0: ok = (ctl & (EL0PCTEN | EL0VCTEN)) != 0; break;
    case CNTPCT_EL0: ok = (ctl & EL0PCTEN) != 0; break;
    case CNTVCT_EL0: ok = (ctl & EL0VCTEN) != 0; break;
    case CNTP_TVAL_EL0: case CNTP_CTL_EL0: case CNTP_CVAL_EL0: ok = (ctl & EL0PTEN) != 0; break;
    default: ok = (ctl & EL0VTEN) != 0; // CNTV_*
  }
  if (!ok) sysregTrap(insn);
  return ok;
}

/** CNTx_CTL_EL0 as read: ISTATUS = ENABLE && count >= CVAL (unsigned, AArch64.CheckTimerConditions). */
function ctlRead(ctlSlot: u32, cvalSlot: u32, count: u64): u64 {
  const ctl = sysreg(ctlSlot) & (CTL_ENABLE | CTL_IMASK);
  if ((ctl & CTL_ENABLE) != 0 && count >= sysreg(cvalSlot)) return ctl | CTL_ISTATUS;
  return ctl;
}

/** CNTx_TVAL_EL0 as read: (CVAL - count)[31:0]; bits 63:32 are RES0. */
@inline function tvalRead(cvalSlot: u32, count: u64): u64 {
  return (sysreg(cvalSlot) - count) & 0xffffffff;
}

/** CNTx_TVAL_EL0 write: CVAL = count + SignExtend(TVAL[31:0]). */
@inline function tvalWrite(cvalSlot: u32, count: u64, v: u64): void {
  setSysreg(cvalSlot, count + <u64>(<i64>(<i32>(<u32>v))));
}

/** Is `key` one of the registers this file models (op0 = 3, CRn = 14, op1 = 0 or 3)? */
export function isTimerKey(key: u32): bool {
  switch (key) {
    case CNTKCTL_EL1: case CNTFRQ_EL0: case CNTPCT_EL0: case CNTVCT_EL0:
    case CNTP_TVAL_EL0: case CNTP_CTL_EL0: case CNTP_CVAL_EL0:
    case CNTV_TVAL_EL0: case CNTV_CTL_EL0: case CNTV_CVAL_EL0:
      return true;
  }
  return false;
}

/** MRS of a Generic Timer register (`isTimerKey(key)` holds; EL checks of op1 already done). */
export function timerRead(insn: u32, key: u32, rt: u32): void {
  if (key == CNTKCTL_EL1) {
    setX(rt, sysreg(SR_CNTKCTL_EL1) & CNTKCTL_MASK);
    return;
  }
  if (!el0Allowed(insn, key)) return;
  let v: u64 = 0;
  switch (key) {
    case CNTFRQ_EL0: v = <u64>load<u32>(cpu + S_CNTFRQ); break;
    case CNTPCT_EL0: v = physicalCount(); break;
    case CNTVCT_EL0: v = virtualCount(); break;
    case CNTP_TVAL_EL0: v = tvalRead(SR_CNTP_CVAL_EL0, physicalCount()); break;
    case CNTP_CTL_EL0: v = ctlRead(SR_CNTP_CTL_EL0, SR_CNTP_CVAL_EL0, physicalCount()); break;
    case CNTP_CVAL_EL0: v = sysreg(SR_CNTP_CVAL_EL0); break;
    case CNTV_TVAL_EL0: v = tvalRead(SR_CNTV_CVAL_EL0, virtualCount()); break;
    case CNTV_CTL_EL0: v = ctlRead(SR_CNTV_CTL_EL0, SR_CNTV_CVAL_EL0, virtualCount()); break;
    case CNTV_CVAL_EL0: v = sysreg(SR_CNTV_CVAL_EL0); break;
    default:
      undefinedInsn(insn);
      return;
  }
  setX(rt, v);
}

/** MSR to a Generic Timer register. */
export function timerWrite(insn: u32, key: u32, rt: u32): void {
  const v = X(rt);
  switch (key) {
    case CNTKCTL_EL1:
      setSysreg(SR_CNTKCTL_EL1, v & CNTKCTL_MASK);
      return;
    case CNTFRQ_EL0: // writable only at the highest implemented EL (the hypervisor): UNDEFINED here
    case CNTPCT_EL0: // read-only
    case CNTVCT_EL0:
      undefinedArch();
      return;
  }
  if (!el0Allowed(insn, key)) return;
  switch (key) {
    case CNTP_TVAL_EL0: tvalWrite(SR_CNTP_CVAL_EL0, physicalCount(), v); break;
    case CNTP_CTL_EL0: setSysreg(SR_CNTP_CTL_EL0, v & (CTL_ENABLE | CTL_IMASK)); break;
    case CNTP_CVAL_EL0: setSysreg(SR_CNTP_CVAL_EL0, v); break;
    case CNTV_TVAL_EL0: tvalWrite(SR_CNTV_CVAL_EL0, virtualCount(), v); break;
    case CNTV_CTL_EL0: setSysreg(SR_CNTV_CTL_EL0, v & (CTL_ENABLE | CTL_IMASK)); break;
    case CNTV_CVAL_EL0: setSysreg(SR_CNTV_CVAL_EL0, v); break;
    default: undefinedInsn(insn);
  }
}
