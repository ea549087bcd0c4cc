// machine/gic/cpu-interface.ts - the GICv3 CPU interface of one vCPU: the ICC_*_EL1 system registers
// (GIC IHI 0069 chapter 12 "AArch64 System register descriptions"; 4.8 "Interrupt prioritization" for running
// priority, binary point and preemption; 4.1 for acknowledge, priority drop and deactivation). Single Security
// state (GICD_CTLR.DS = 1): Group 0 is signalled as FIQ and Group 1 as IRQ, both owned by EL1.
// Reached through EngineHooks.sysregAccess: reads leave the value in X[rt], writes take it from X[rt].

import {
  ICC_CTLR_A3V, ICC_CTLR_CBPR, ICC_CTLR_EOIMODE, ICC_CTLR_PRIBITS_SHIFT, ICC_CTLR_RSS, ICC_SRE_DFB, ICC_SRE_DIB,
  ICC_SRE_SRE, INTID_SPECIAL_FIRST, INTID_SPURIOUS,
} from '../../abi/arm/gicv3.js';
import * as R from '../../abi/arm/sysreg.js';
import { PRIORITY_BITS, PRIORITY_MASK } from './irq.js';

/** Smallest binary points ("Priority grouping"): every implemented priority bit is a group priority bit. */
export const BPR0_MIN = 7 - PRIORITY_BITS;
export const BPR1_MIN = BPR0_MIN + 1;
/** APR bit n stands for group priority n << APR_SHIFT (one bit per preemption level). */
const APR_SHIFT = 8 - PRIORITY_BITS;
const IDLE_PRIORITY = 0xff;

/** The vCPU's general registers, as the engine exposes them. */
export interface CpuRegisterPort {
  x(vcpu: number, n: number): bigint;
  setX(vcpu: number, n: number, v: bigint): void;
}

/** What the CPU interface needs from the rest of the GIC (implemented by Gicv3). */
export interface CpuInterfaceHost {
  /** Recompute `vcpu`'s highest priority pending interrupt into its hppi* fields. */
  refreshHppi(vcpu: number): void;
  /** Acknowledge: make `intid` active (and no longer pending, unless a level line keeps it so). */
  activate(vcpu: number, intid: number): void;
  /** Deactivate `intid` as seen from `vcpu` (ignored for INTIDs that do not exist). */
  deactivate(vcpu: number, intid: number): void;
  /** ICC_SGI0R/SGI1R/ASGI1R: generate SGIs of `group` as described by `value`. */
  generateSgi(vcpu: number, value: bigint, group: number): void;
  /** Recompute `vcpu`'s interrupt outputs after a change of its CPU interface state. */
  update(vcpu: number): void;
}

export interface CpuInterfaceState {
  pmr: number;
  bpr0: number;
  bpr1: number;
  cbpr: boolean;
  eoiMode: boolean;
  igrpen0: boolean;
  igrpen1: boolean;
  /** ICC_AP0R0_EL1 / ICC_AP1R0_EL1: one bit per active group priority. */
  apr0: number;
  apr1: number;
}

export class Gicv3CpuInterface {
  pmr = 0;
  bpr0 = BPR0_MIN;
  bpr1 = BPR1_MIN;
  cbpr = false;
  eoiMode = false;
  igrpen0 = false;
  igrpen1 = false;
  apr0 = 0;
  apr1 = 0;
  /** Highest priority pending interrupt in an enabled group, kept current by the host (INTID_SPURIOUS: none). */
  hppiId = INTID_SPURIOUS;
  hppiPrio = IDLE_PRIORITY;
  hppiGroup = 0;

  constructor(
    readonly vcpu: number,
    private readonly host: CpuInterfaceHost,
    private readonly regs: CpuRegisterPort,
  ) {}

  reset(): void {
    this.restore({ pmr: 0, bpr0: BPR0_MIN, bpr1: BPR1_MIN, cbpr: false, eoiMode: false, igrpen0: false,
      igrpen1: false, apr0: 0, apr1: 0 });
  }

  /** Bit 0: Group 0 enabled here (ICC_IGRPEN0_EL1), bit 1: Group 1 (ICC_IGRPEN1_EL1). */
  enabledGroups(): number {
    return (this.igrpen0 ? 1 : 0) | (this.igrpen1 ? 2 : 0);
  }

  /** ICC_RPR_EL1: the group priority of the highest priority active interrupt, 0xff when idle. */
  runningPriority(): number {
    const apr = this.apr0 | this.apr1;
    if (apr === 0) return IDLE_PRIORITY;
    return (31 - Math.clz32(apr & -apr)) << APR_SHIFT;
  }

  /** Group priority of `prio` for an interrupt of `group` ("Priority grouping", the GroupBits() pseudocode). */
  groupPriority(prio: number, group: number): number {
    const mask = group === 0 || this.cbpr ? 0xff << (this.bpr0 + 1) : 0xff << this.bpr1;
    return prio & mask & 0xff;
  }

  /**
   * Can the current HPPI be signalled ("Preemption"): above the priority mask, and its group priority higher than
   * the running priority (lower value; subpriority bits do not count).
   */
  canSignal(): boolean {
    if (this.hppiId === INTID_SPURIOUS || this.hppiPrio >= this.pmr) return false;
    const rpr = this.runningPriority();
    return rpr === IDLE_PRIORITY || this.groupPriority(this.hppiPrio, this.hppiGroup) <
      this.groupPriority(rpr, this.hppiGroup);
  }

  /** EngineHooks.sysregAccess for this vCPU; false = UNDEFINED (unknown register or wrong direction). */
  access(key: number, isRead: boolean, rt: number): boolean {
    if (isRead) {
      const v = this.read(key);
      if (v < 0) return false;
      this.regs.setX(this.vcpu, rt, BigInt(v));
      return true;
    }
    return this.write(key, this.regs.x(this.vcpu, rt));
  }

  /** Register value (unsigned 32-bit), or -1 when `key` is not a readable ICC register. */
  private read(key: number): number {
    switch (key) {
      case R.ICC_IAR1_EL1:
        return this.acknowledge(1);
      case R.ICC_IAR0_EL1:
        return this.acknowledge(0);
      case R.ICC_HPPIR1_EL1:
        return this.highestPending(1);
      case R.ICC_HPPIR0_EL1:
        return this.highestPending(0);
      case R.ICC_PMR_EL1:
        return this.pmr;
      case R.ICC_RPR_EL1:
        return this.runningPriority();
      case R.ICC_BPR0_EL1:
        return this.bpr0;
      case R.ICC_BPR1_EL1:
        // With CBPR set, BPR1 reads as BPR0 + 1, saturated (ICC_BPR1_EL1 description).
        return this.cbpr ? Math.min(this.bpr0 + 1, 7) : this.bpr1;
      case R.ICC_CTLR_EL1:
        return ((this.cbpr ? ICC_CTLR_CBPR : 0) | (this.eoiMode ? ICC_CTLR_EOIMODE : 0) |
          ((PRIORITY_BITS - 1) << ICC_CTLR_PRIBITS_SHIFT) | ICC_CTLR_A3V | ICC_CTLR_RSS) >>> 0;
      case R.ICC_SRE_EL1:
        return ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB; // system register interface only: RAO/WI
      case R.ICC_IGRPEN0_EL1:
        return this.igrpen0 ? 1 : 0;
      case R.ICC_IGRPEN1_EL1:
        return this.igrpen1 ? 1 : 0;
      case R.ICC_AP0R0_EL1:
        return this.apr0 >>> 0;
      case R.ICC_AP1R0_EL1:
        return this.apr1 >>> 0;
      default:
        // AP{0,1}R{1,2,3} exist only with 6 or more preemption bits; EOIR, DIR and SGI*R are write-only.
        return -1;
    }
  }

  private write(key: number, value: bigint): boolean {
    const v = Number(value & 0xffff_ffffn);
    switch (key) {
      case R.ICC_EOIR1_EL1:
        this.endOfInterrupt(v & 0xffffff, 1);
        return true;
      case R.ICC_EOIR0_EL1:
        this.endOfInterrupt(v & 0xffffff, 0);
        return true;
      case R.ICC_DIR_EL1:
        // Deactivation on its own is meaningful only with EOImode = 1 (ICC_DIR_EL1 description).
        if (this.eoiMode && !isSpecial(v & 0xffffff)) {
          this.host.deactivate(this.vcpu, v & 0xffffff);
          this.host.update(this.vcpu);
        }
        return true;
      case R.ICC_SGI1R_EL1:
        this.host.generateSgi(this.vcpu, value, 1);
        return true;
      case R.ICC_SGI0R_EL1:
      case R.ICC_ASGI1R_EL1:
        // With DS = 1 there is no other Security state: the "alternative" Group 1 SGI is a Group 0 SGI, as
        // Secure Group 1 is treated as Group 0 (ICC_ASGI1R_EL1 and the table of SGI forwarding rules).
        this.host.generateSgi(this.vcpu, value, 0);
        return true;
      case R.ICC_PMR_EL1:
        this.pmr = v & PRIORITY_MASK;
        break;
      case R.ICC_BPR0_EL1:
        this.bpr0 = Math.max(v & 7, BPR0_MIN);
        break;
      case R.ICC_BPR1_EL1:
        if (!this.cbpr) this.bpr1 = Math.max(v & 7, BPR1_MIN);
        break;
      case R.ICC_CTLR_EL1:
        this.cbpr = (v & ICC_CTLR_CBPR) !== 0;
        this.eoiMode = (v & ICC_CTLR_EOIMODE) !== 0;
        break;
      case R.ICC_SRE_EL1:
        return true;
      case R.ICC_IGRPEN0_EL1:
        this.igrpen0 = (v & 1) !== 0;
        break;
      case R.ICC_IGRPEN1_EL1:
        this.igrpen1 = (v & 1) !== 0;
        break;
      case R.ICC_AP0R0_EL1:
        this.apr0 = v;
        break;
      case R.ICC_AP1R0_EL1:
        this.apr1 = v;
        break;
      default:
        return false; // IAR, HPPIR and RPR are read-only; anything else is not ours
    }
    this.host.update(this.vcpu);
    return true;
  }

  /** ICC_IAR0/1_EL1: acknowledge the HPPI if it is of `group` and may be signalled, else 1023. */
  private acknowledge(group: number): number {
    this.host.refreshHppi(this.vcpu);
    if (this.hppiId === INTID_SPURIOUS || this.hppiGroup !== group || !this.canSignal()) return INTID_SPURIOUS;
    const id = this.hppiId;
    const bit = 1 << (this.groupPriority(this.hppiPrio, group) >> APR_SHIFT);
    if (group === 0) this.apr0 |= bit;
    else this.apr1 |= bit;
    this.host.activate(this.vcpu, id);
    this.host.update(this.vcpu);
    return id;
  }

  /** ICC_HPPIR0/1_EL1: the HPPI if it belongs to `group`; priority mask and running priority do not apply. */
  private highestPending(group: number): number {
    this.host.refreshHppi(this.vcpu);
    return this.hppiGroup === group ? this.hppiId : INTID_SPURIOUS;
  }

  /**
   * ICC_EOIR0/1_EL1: priority drop of the highest active priority (which must belong to `group`, else the
   * write is ignored), plus deactivation of `intid` when EOImode = 0.
   */
  private endOfInterrupt(intid: number, group: number): void {
    if (isSpecial(intid)) return;
    const g0 = this.apr0 === 0 ? 32 : 31 - Math.clz32(this.apr0 & -this.apr0);
    const g1 = this.apr1 === 0 ? 32 : 31 - Math.clz32(this.apr1 & -this.apr1);
    const activeGroup = g1 < g0 ? 1 : g0 < 32 ? 0 : -1; // equal priorities in both groups: UNPREDICTABLE
    if (activeGroup !== group) return;
    if (group === 0) this.apr0 &= this.apr0 - 1;
    else this.apr1 &= this.apr1 - 1;
    if (!this.eoiMode) this.host.deactivate(this.vcpu, intid);
    this.host.update(this.vcpu);
  }

  save(): CpuInterfaceState {
    return { pmr: this.pmr, bpr0: this.bpr0, bpr1: this.bpr1, cbpr: this.cbpr, eoiMode: this.eoiMode,
      igrpen0: this.igrpen0, igrpen1: this.igrpen1, apr0: this.apr0 >>> 0, apr1: this.apr1 >>> 0 };
  }

  restore(s: CpuInterfaceState): void {
    this.pmr = s.pmr & PRIORITY_MASK;
    this.bpr0 = Math.min(Math.max(s.bpr0, BPR0_MIN), 7);
    this.bpr1 = Math.min(Math.max(s.bpr1, BPR1_MIN), 7);
    this.cbpr = s.cbpr;
    this.eoiMode = s.eoiMode;
    this.igrpen0 = s.igrpen0;
    this.igrpen1 = s.igrpen1;
    this.apr0 = s.apr0 | 0;
    this.apr1 = s.apr1 | 0;
    this.hppiId = INTID_SPURIOUS;
    this.hppiPrio = IDLE_PRIORITY;
    this.hppiGroup = 0;
  }
}

/** INTIDs 1020-1023 are special: EOIR and DIR writes of them are ignored. */
function isSpecial(intid: number): boolean {
  return intid >= INTID_SPECIAL_FIRST && intid <= INTID_SPURIOUS;
}
