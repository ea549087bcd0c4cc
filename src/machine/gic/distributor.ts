// machine/gic/distributor.ts - the GICv3 Distributor (GICD_*, GIC IHI 0069 chapter 12, Distributor register
// map): SPI configuration and routing. Affinity routing only (GICD_CTLR.ARE RAO/WI), one Security state
// (GICD_CTLR.DS RAO/WI), no LPIs, no message-based SPIs, no extended SPI range. The registers for INTIDs 0-31
// live in the Redistributors, so their GICD copies are RAZ/WI.

import * as G from '../../abi/arm/gicv3.js';
import { ACCESS_32, ACCESS_64, ACCESS_8, type MmioDevice } from '../bus.js';
import type { RateLimitedLog } from '../../base/log.js';
import { BAD_WIDTH, bankRead, bankWrite, IrqBank, NOT_MINE, type IrqBankState } from './irq.js';

/** Route target of an SPI: a vCPU index, or one of these. */
export const ROUTE_NONE = -1; // IROUTER names an affinity no vCPU has
export const ROUTE_ANY = -2; // Interrupt_Routing_Mode = 1: any participating vCPU (1 of N)

/** GICD_IIDR / GICR_IIDR: implementer Arm (JEP106 0x43b), ProductID 0x58 ('X'), so no Linux erratum matches. */
export const GIC_IIDR = 0x5800043b;
/** ID block at 0xffd0 (PIDR4, PIDR5-7, PIDR0-3): part 0x058, JEP106 Arm (0x3b, continuation 4), ArchRev 3. */
const PIDR = [0x44, 0, 0, 0, 0x58, 0xb0, 0x3b, 0];

/** The identification register at `off` (0xffd0-0xfffc) of a GICD or GICR RD_base frame. */
export function gicIdRegister(off: number): number {
  return off >= G.GICD_CIDR0 ? G.GIC_CIDR[(off - G.GICD_CIDR0) >> 2] : PIDR[(off - G.GICD_PIDR4) >> 2];
}

/** What the Distributor needs from the GIC. */
export interface DistributorHost {
  /** The vCPU whose MPIDR affinity (Aff3 << 24 | Aff2.Aff1.Aff0) is `aff`, or ROUTE_NONE. */
  vcpuOfAffinity(aff: number): number;
  /** Recompute every vCPU's outputs (a distributor-wide change). */
  updateAll(): void;
}

export interface DistributorState {
  ctlr: number;
  spis: IrqBankState;
  /** GICD_IROUTER<32 + i> low and high words. */
  routeLo: number[];
  routeHi: number[];
}

export class Gicv3Distributor implements MmioDevice {
  readonly name = 'gicd';
  readonly accessSizes = ACCESS_8 | ACCESS_32 | ACCESS_64;
  readonly spis: number;
  /** SPI state; bank index i is INTID 32 + i. */
  readonly bank: IrqBank;
  /** Resolved route of each SPI (a vCPU, ROUTE_NONE or ROUTE_ANY), kept in step with IROUTER. */
  readonly target: Int16Array;
  /** GICD_CTLR.EnableGrp0 (bit 0) and EnableGrp1 (bit 1), the group-enable mask Gicv3 combines with ICC_IGRPENn. */
  groupEnables = 0;
  private readonly routeLo: Uint32Array;
  private readonly routeHi: Uint32Array;

  constructor(
    spis: number,
    private readonly vcpus: number,
    private readonly host: DistributorHost,
    private readonly log: RateLimitedLog,
  ) {
    this.spis = spis;
    this.bank = new IrqBank(spis / 32);
    this.target = new Int16Array(spis);
    this.routeLo = new Uint32Array(spis);
    this.routeHi = new Uint32Array(spis);
    this.reset();
  }

  reset(): void {
    this.groupEnables = 0;
    this.bank.reset();
    this.routeLo.fill(0);
    this.routeHi.fill(0);
    this.resolveRoutes();
  }

  /** Recompute every SPI's target (after reset, restore or a change of the vCPUs' affinities). */
  resolveRoutes(): void {
    for (let i = 0; i < this.spis; i++) this.resolveRoute(i);
  }

  read(off: number, size: number): bigint {
    if (off >= G.GICD_IROUTER && off < G.GICD_IROUTER_END) return this.readRouter(off, size);
    const banked = bankRead(this.bank, G.GIC_SPI_BASE, off, size);
    if (banked >= 0) return BigInt(banked);
    if (banked === BAD_WIDTH || !this.widthOk(off, size)) return this.badWidth(off, size, false);
    return BigInt(this.readReg(off));
  }

  write(off: number, size: number, value: bigint): void {
    if (off >= G.GICD_IROUTER && off < G.GICD_IROUTER_END) return this.writeRouter(off, size, value);
    const v = Number(value & 0xffff_ffffn);
    const banked = bankWrite(this.bank, G.GIC_SPI_BASE, off, size, v);
    if (banked === 1) return this.host.updateAll();
    if (banked >= 0) return;
    if (banked === BAD_WIDTH || !this.widthOk(off, size)) {
      this.badWidth(off, size, true);
      return;
    }
    if (off === G.GICD_CTLR) {
      this.groupEnables = v & (G.GICD_CTLR_ENABLE_GRP0 | G.GICD_CTLR_ENABLE_GRP1);
      this.host.updateAll();
    } else if (this.isReadOnlyOrWi(off) === undefined) {
      this.log.warn('gicd:reserved-write', () => `gicd: write to reserved offset 0x${off.toString(16)} ignored`);
    }
  }

  /** 32-bit registers outside the IGROUPR..ICFGR families (IHI 0069 Distributor register map). */
  private readReg(off: number): number {
    switch (off) {
      case G.GICD_CTLR:
        return this.groupEnables | G.GICD_CTLR_ARE | G.GICD_CTLR_DS; // RWP always 0: writes take effect at once
      case G.GICD_TYPER:
        return ((this.spis / 32) | ((Math.min(this.vcpus, 8) - 1) << G.GICD_TYPER_CPUNUMBER_SHIFT) |
          (15 << G.GICD_TYPER_IDBITS_SHIFT) | G.GICD_TYPER_A3V | G.GICD_TYPER_RSS) >>> 0;
      case G.GICD_IIDR:
        return GIC_IIDR;
    }
    if (off >= G.GICD_PIDR4) return gicIdRegister(off);
    if (this.isReadOnlyOrWi(off) === undefined)
      this.log.warn('gicd:reserved-read', () => `gicd: read of reserved offset 0x${off.toString(16)} (RAZ)`);
    return 0;
  }

  /**
   * Registers that read as zero and ignore writes in this configuration; undefined for reserved offsets.
   * TYPER2 (no extended features), STATUSR (no errors reported), SETSPI/CLRSPI (no MBIs), ITARGETSR (ARE = 1),
   * IGRPMODR and NSACR (DS = 1), SGIR, CPENDSGIR and SPENDSGIR (ARE = 1), INMIR (no NMIs).
   */
  private isReadOnlyOrWi(off: number): true | undefined {
    if (off === G.GICD_TYPER2 || off === G.GICD_STATUSR || off === G.GICD_CTLR || off === G.GICD_TYPER ||
      off === G.GICD_IIDR) return true;
    if (off >= G.GICD_SETSPI_NSR && off < G.GICD_IGROUPR) return true;
    if (off >= G.GICD_ITARGETSR && off < G.GICD_ICFGR) return true;
    if (off >= G.GICD_IGRPMODR && off < G.GICD_IROUTER) return true; // also the extended-range registers
    if (off >= G.GICD_PIDR4) return true;
    return undefined;
  }

  /** Widths per register (IHI 0069, "GIC memory-mapped register access"): bytes only where the map allows. */
  private widthOk(off: number, size: number): boolean {
    if (size === 4) return true;
    return size === 1 && off >= G.GICD_ITARGETSR && off < G.GICD_ICFGR;
  }

  private badWidth(off: number, size: number, isWrite: boolean): bigint {
    this.log.warn('gicd:width', () =>
      `gicd: ${size}-byte ${isWrite ? 'write' : 'read'} at offset 0x${off.toString(16)} ignored (RAZ/WI)`);
    return 0n;
  }

  // ---- GICD_IROUTER<n>: 64-bit, also accessible as two 32-bit halves ----
  private routerIndex(off: number, size: number): number {
    if (size !== 8 && size !== 4) return -2;
    const i = ((off - G.GICD_IROUTER) >> 3) - G.GIC_SPI_BASE;
    return i >= 0 && i < this.spis ? i : -1;
  }

  private readRouter(off: number, size: number): bigint {
    const i = this.routerIndex(off, size);
    if (i === -2) return this.badWidth(off, size, false);
    if (i < 0) return 0n;
    if (size === 8) return (BigInt(this.routeHi[i]) << 32n) | BigInt(this.routeLo[i]);
    return BigInt(off & 4 ? this.routeHi[i] : this.routeLo[i]);
  }

  private writeRouter(off: number, size: number, value: bigint): void {
    const i = this.routerIndex(off, size);
    if (i === -2) {
      this.badWidth(off, size, true);
      return;
    }
    if (i < 0) return;
    const lo = Number(value & 0xffff_ffffn);
    if (size === 8) {
      this.routeLo[i] = lo;
      this.routeHi[i] = Number((value >> 32n) & 0xffn);
    } else if (off & 4) {
      this.routeHi[i] = lo & 0xff;
    } else {
      this.routeLo[i] = lo;
    }
    // Only Aff3 (39:32), IRM (31) and Aff2.Aff1.Aff0 (23:0) are implemented.
    this.routeLo[i] &= 0x80ff_ffff;
    this.resolveRoute(i);
    this.host.updateAll();
  }

  private resolveRoute(i: number): void {
    const lo = this.routeLo[i];
    if (lo & 0x8000_0000) this.target[i] = ROUTE_ANY;
    else this.target[i] = this.host.vcpuOfAffinity(((this.routeHi[i] << 24) | (lo & 0xff_ffff)) >>> 0);
  }

  save(): DistributorState {
    return { ctlr: this.groupEnables, spis: this.bank.save(), routeLo: Array.from(this.routeLo),
      routeHi: Array.from(this.routeHi) };
  }

  restore(s: DistributorState): void {
    if (s.routeLo.length !== this.spis || s.routeHi.length !== this.spis)
      throw new RangeError(`GIC snapshot has ${s.routeLo.length} SPI routes, this distributor has ${this.spis} SPIs`);
    this.bank.restore(s.spis);
    this.groupEnables = s.ctlr & (G.GICD_CTLR_ENABLE_GRP0 | G.GICD_CTLR_ENABLE_GRP1);
    this.routeLo.set(s.routeLo.map(v => v & 0x80ff_ffff));
    this.routeHi.set(s.routeHi.map(v => v & 0xff));
    this.resolveRoutes();
  }
}
