// machine/timer/arch-timer.ts - the outputs of each vCPU's architected timers (Arm ARM D11 "The Generic Timer in
// AArch64 state"): the EL1 virtual timer on PPI 27 and the EL1 non-secure physical timer on PPI 30, both
// level-sensitive (the Xen guest device tree: /timer interrupts <1 11 0xf08>, <1 14 0xf08>). The engine keeps
// the timer registers (SR_CNTV_*, SR_CNTP_*, SR_CNTVOFF_EL2 in src/cpu/layout.ts) and answers the guest's reads
// itself; this evaluates them against the counter and drives the GIC lines. Call update() whenever the vCPU
// stops running (and before it blocks in WFI): it returns when the next line rises, for the scheduler's sleep.

import { CNT_CTL_ENABLE, CNT_CTL_IMASK } from '../../abi/arm/sysreg.js';
import {
  SR_CNTP_CTL_EL0, SR_CNTP_CVAL_EL0, SR_CNTV_CTL_EL0, SR_CNTV_CVAL_EL0, SR_CNTVOFF_EL2,
} from '../../cpu/layout.js';
import type { IrqLine } from '../gic/gicv3.js';
import { PPI_PHYS_TIMER, PPI_VIRT_TIMER } from '../memmap.js';

/** PPIs of the timers (xen/include/public/arch-arm.h GUEST_TIMER_VIRT_PPI, GUEST_TIMER_PHYS_NS_PPI). */
export const VTIMER_PPI = PPI_VIRT_TIMER;
export const PTIMER_PPI = PPI_PHYS_TIMER;

const U64 = (1n << 64n) - 1n;
const UNKNOWN_LEVEL = 2;

/** The vCPU system registers, as the engine exposes them. */
export interface TimerRegisterPort {
  sysreg(vcpu: number, sr: number): bigint;
}

/** The interrupt controller input, plus the resampling hook (Gicv3 provides both). */
export interface TimerIrqSink extends IrqLine {
  onDeactivate(intid: number, fn: (vcpu: number) => void): void;
}

export interface ArchTimerOptions {
  vcpus: number;
  engine: TimerRegisterPort;
  gic: TimerIrqSink;
  /** CNTPCT_EL0 now, in ticks of CNTFRQ (62.5 MHz) from a monotonic host clock: the source the engine reads. */
  counter: () => bigint;
}

export class ArchTimer {
  private readonly engine: TimerRegisterPort;
  private readonly gic: TimerIrqSink;
  private readonly counter: () => bigint;
  /** Level last driven on each vCPU's PPI 27 / PPI 30 (so unchanged levels cost nothing in the GIC). */
  private readonly vLevel: Uint8Array;
  private readonly pLevel: Uint8Array;

  constructor(opts: ArchTimerOptions) {
    this.engine = opts.engine;
    this.gic = opts.gic;
    this.counter = opts.counter;
    this.vLevel = new Uint8Array(opts.vcpus).fill(UNKNOWN_LEVEL);
    this.pLevel = new Uint8Array(opts.vcpus).fill(UNKNOWN_LEVEL);
    // After the guest's handler masks or reprograms the timer and ends the interrupt, the line must drop
    // before the GIC would signal it again: re-evaluate at deactivation.
    const resample = (vcpu: number) => void this.update(vcpu);
    this.gic.onDeactivate(VTIMER_PPI, resample);
    this.gic.onDeactivate(PTIMER_PPI, resample);
  }

  /**
   * Evaluate both timers of `vcpu` at physical count `now`, drive PPIs 27 and 30, and return the physical count
   * at which the next one of them fires (the earliest enabled, unmasked timer whose condition is not yet met),
   * or null when none will.
   */
  update(vcpu: number, now: bigint = this.counter()): bigint | null {
    const e = this.engine;
    const off = e.sysreg(vcpu, SR_CNTVOFF_EL2);
    // Virtual timer: condition CNTVCT = CNTPCT - CNTVOFF >= CNTV_CVAL (unsigned 64-bit).
    const vDeadline = this.evaluate(vcpu, VTIMER_PPI, this.vLevel, e.sysreg(vcpu, SR_CNTV_CTL_EL0),
      e.sysreg(vcpu, SR_CNTV_CVAL_EL0), (now - off) & U64, off);
    const pDeadline = this.evaluate(vcpu, PTIMER_PPI, this.pLevel, e.sysreg(vcpu, SR_CNTP_CTL_EL0),
      e.sysreg(vcpu, SR_CNTP_CVAL_EL0), now, 0n);
    if (vDeadline === null) return pDeadline;
    if (pDeadline === null) return vDeadline;
    return vDeadline < pDeadline ? vDeadline : pDeadline;
  }

  /** Drive one timer's line; return its deadline in physical counts (cval + offset) or null. */
  private evaluate(vcpu: number, ppi: number, levels: Uint8Array, ctl: bigint, cval: bigint, count: bigint,
    offset: bigint): bigint | null {
    const enabled = (ctl & BigInt(CNT_CTL_ENABLE)) !== 0n;
    const masked = (ctl & BigInt(CNT_CTL_IMASK)) !== 0n;
    const met = count >= cval;
    const level = enabled && !masked && met ? 1 : 0;
    if (levels[vcpu] !== level) {
      levels[vcpu] = level;
      this.gic.setLevel(ppi, level === 1, vcpu);
    }
    if (!enabled || masked || met) return null;
    const deadline = cval + offset;
    return deadline > U64 ? U64 : deadline; // a compare value beyond the counter's range never fires in practice
  }

  /** Forget the cached levels (after a GIC reset or restore), so that the next update drives both lines. */
  resync(): void {
    this.vLevel.fill(UNKNOWN_LEVEL);
    this.pLevel.fill(UNKNOWN_LEVEL);
  }
}
