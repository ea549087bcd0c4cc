// machine/gic/redistributor.ts - one GICv3 Redistributor (GICR_*, GIC IHI 0069 chapter 12, Redistributor
// register map): the RD_base frame (control, identification, power management) and the SGI_base frame (the
// vCPU's SGIs and PPIs), 64 KiB each, no LPIs and no virtual LPI frames. Linux finds the Redistributor of a
// CPU by walking the frames and comparing GICR_TYPER's affinity with its MPIDR until GICR_TYPER.Last.

import * as G from '../../abi/arm/gicv3.js';
import { ACCESS_32, ACCESS_64, ACCESS_8, type MmioDevice } from '../bus.js';
import type { RateLimitedLog } from '../../base/log.js';
import { GIC_IIDR, gicIdRegister } from './distributor.js';
import { BAD_WIDTH, bankRead, bankWrite, IrqBank, NOT_MINE, type IrqBankState } from './irq.js';

export interface RedistributorHost {
  /** Recompute `vcpu`'s outputs after a change of its SGIs/PPIs or wake state. */
  update(vcpu: number): void;
  /** Recompute all vCPUs (GICR_CTLR.DPG* changes which vCPUs take 1-of-N SPIs). */
  updateAll(): void;
}

export interface RedistributorState {
  /** GICR_WAKER.ProcessorSleep. */
  sleep: boolean;
  /** GICR_CTLR.DPG0 / DPG1NS bits. */
  ctlr: number;
  private: IrqBankState;
}

export class Gicv3Redistributor implements MmioDevice {
  readonly name: string;
  readonly accessSizes = ACCESS_8 | ACCESS_32 | ACCESS_64;
  /** SGIs 0-15 (always edge-triggered) and PPIs 16-31 of this vCPU. */
  readonly bank = new IrqBank(1, [0x0000ffff]);
  /**
   * GICR_WAKER.ProcessorSleep (reset 1). While set, this Redistributor forwards no interrupt to the CPU
   * interface; ChildrenAsleep follows it at once (there is no interface to quiesce).
   */
  asleep = true;
  /** GICR_CTLR.DPG0 / DPG1NS: this vCPU does not take 1-of-N SPIs of Group 0 / Group 1. */
  ctlr = 0;

  constructor(
    readonly vcpu: number,
    /** Aff3 << 24 | Aff2 << 16 | Aff1 << 8 | Aff0, as in GICR_TYPER[63:32]. */
    readonly affinity: number,
    private readonly last: boolean,
    private readonly host: RedistributorHost,
    private readonly log: RateLimitedLog,
  ) {
    this.name = `gicr${vcpu}`;
  }

  reset(): void {
    this.bank.reset();
    this.asleep = true;
    this.ctlr = 0;
  }

  /** Does this vCPU take 1-of-N SPIs of `group` (GICR_CTLR.DPG0 / DPG1NS clear)? */
  acceptsOneOfN(group: number): boolean {
    return (this.ctlr & (group ? G.GICR_CTLR_DPG1NS : G.GICR_CTLR_DPG0)) === 0;
  }

  typer(): bigint {
    return (BigInt(this.affinity) << G.GICR_TYPER_AFFINITY_SHIFT) | (BigInt(this.vcpu) << G.GICR_TYPER_PROCNUM_SHIFT) |
      G.GICR_TYPER_DPGS | (this.last ? G.GICR_TYPER_LAST : 0n);
  }

  read(off: number, size: number): bigint {
    if (off >= G.GICR_SGI_BASE) {
      const v = bankRead(this.bank, 0, off - G.GICR_SGI_BASE, size);
      if (v >= 0) return BigInt(v);
      if (v === BAD_WIDTH || size !== 4) return this.badWidth(off, size, false);
      return 0n; // IGRPMODR0 and NSACR (DS = 1), INMIR0 (no NMIs), reserved: RAZ
    }
    if (off === G.GICR_TYPER && size === 8) return this.typer();
    if ((off === G.GICR_TYPER || off === G.GICR_TYPER + 4) && size === 4)
      return (this.typer() >> BigInt((off - G.GICR_TYPER) * 8)) & 0xffff_ffffn;
    if (is64BitRegister(off) && (size === 8 || size === 4)) return 0n; // LPI registers: RAZ/WI without LPIs
    if (size !== 4) return this.badWidth(off, size, false);
    switch (off) {
      case G.GICR_CTLR:
        return BigInt(this.ctlr); // RWP, UWP and EnableLPIs read 0
      case G.GICR_IIDR:
        return BigInt(GIC_IIDR);
      case G.GICR_WAKER:
        return BigInt(this.asleep ? G.GICR_WAKER_PROCESSOR_SLEEP | G.GICR_WAKER_CHILDREN_ASLEEP : 0);
      case G.GICR_STATUSR:
      case G.GICR_MPAMIDR:
      case G.GICR_PARTIDR:
      case G.GICR_SYNCR: // Busy = 0
        return 0n;
    }
    if (off >= G.GICR_PIDR4) return BigInt(gicIdRegister(off));
    this.log.warn('gicr:reserved', () => `${this.name}: read of reserved offset 0x${off.toString(16)} (RAZ)`);
    return 0n;
  }

  write(off: number, size: number, value: bigint): void {
    const v = Number(value & 0xffff_ffffn);
    if (off >= G.GICR_SGI_BASE) {
      const r = bankWrite(this.bank, 0, off - G.GICR_SGI_BASE, size, v);
      if (r === 1) this.host.update(this.vcpu);
      else if (r === BAD_WIDTH || (r === NOT_MINE && size !== 4)) this.badWidth(off, size, true);
      return;
    }
    if (is64BitRegister(off) && (size === 8 || size === 4)) return;
    if (size !== 4) {
      this.badWidth(off, size, true);
      return;
    }
    switch (off) {
      case G.GICR_CTLR:
        this.ctlr = v & (G.GICR_CTLR_DPG0 | G.GICR_CTLR_DPG1NS);
        this.host.updateAll();
        return;
      case G.GICR_WAKER:
        this.asleep = (v & G.GICR_WAKER_PROCESSOR_SLEEP) !== 0;
        this.host.update(this.vcpu);
        return;
      case G.GICR_IIDR:
      case G.GICR_TYPER:
      case G.GICR_TYPER + 4:
      case G.GICR_STATUSR:
      case G.GICR_PARTIDR:
        return;
    }
    if (off < G.GICR_PIDR4)
      this.log.warn('gicr:reserved', () => `${this.name}: write to reserved offset 0x${off.toString(16)} ignored`);
  }

  private badWidth(off: number, size: number, isWrite: boolean): bigint {
    this.log.warn('gicr:width', () =>
      `${this.name}: ${size}-byte ${isWrite ? 'write' : 'read'} at offset 0x${off.toString(16)} ignored (RAZ/WI)`);
    return 0n;
  }

  save(): RedistributorState {
    return { sleep: this.asleep, ctlr: this.ctlr, private: this.bank.save() };
  }

  restore(s: RedistributorState): void {
    this.asleep = s.sleep;
    this.ctlr = s.ctlr & (G.GICR_CTLR_DPG0 | G.GICR_CTLR_DPG1NS);
    this.bank.restore(s.private);
  }
}

/** The RD_base registers that are 64 bits wide and, without LPIs, RAZ/WI. */
function is64BitRegister(off: number): boolean {
  const base = off & ~7;
  return base === G.GICR_SETLPIR || base === G.GICR_CLRLPIR || base === G.GICR_PROPBASER ||
    base === G.GICR_PENDBASER || base === G.GICR_INVLPIR || base === G.GICR_INVALLR;
}
