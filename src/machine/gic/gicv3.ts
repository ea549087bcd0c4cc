// machine/gic/gicv3.ts - the virtual machine's GICv3 (GIC IHI 0069): one Distributor, one Redistributor and one
// CPU interface per vCPU, tied together. Devices drive interrupt lines (setLevel/pulse); after every change the
// affected vCPUs' highest priority pending interrupt is recomputed and their IRQ/FIQ inputs are set in the
// engine. Like Xen's vgic-v3 (xen/arch/arm/vgic-v3.c) for a domU: affinity routing, one Security state, no ITS.

import { vcpuAffinity } from '../memmap.js';
import { GIC_PPI_BASE, GIC_SPI_BASE, GICD_SIZE, GICR_STRIDE, ICC_SGIR_AFF1_SHIFT, ICC_SGIR_AFF2_SHIFT,
  ICC_SGIR_AFF3_SHIFT, ICC_SGIR_INTID_SHIFT, ICC_SGIR_IRM, ICC_SGIR_RS_SHIFT, ICC_SGIR_TARGETLIST_MASK,
  INTID_SPURIOUS } from '../../abi/arm/gicv3.js';
import { IRQ_LINE_FIQ, IRQ_LINE_IRQ } from '../../cpu/layout.js';
import type { MmioBus } from '../bus.js';
import type { RateLimitedLog } from '../../base/log.js';
import {
  Gicv3CpuInterface, type CpuInterfaceHost, type CpuInterfaceState, type CpuRegisterPort,
} from './cpu-interface.js';
import { Gicv3Distributor, ROUTE_ANY, ROUTE_NONE, type DistributorState } from './distributor.js';
import { Gicv3Redistributor, type RedistributorState } from './redistributor.js';

/** What the GIC needs from the CPU engine (src/cpu/engine.ts `Engine` provides all of it). */
export interface GicEnginePort extends CpuRegisterPort {
  setIrqLines(vcpu: number, lines: number): void;
}

export interface Gicv3Options {
  vcpus: number;
  /** Number of SPIs (INTIDs 32 upwards): a multiple of 32 up to 960, reported in GICD_TYPER.ITLinesNumber. */
  spis: number;
  engine: GicEnginePort;
  log: RateLimitedLog;
  /** MPIDR_EL1 of each vCPU; default the Xen guest layout (`xenMpidr`). */
  mpidrs?: readonly bigint[];
  /** Called when a vCPU's interrupt output becomes asserted (the scheduler wakes it from WFI). */
  wake?: (vcpu: number) => void;
}

export interface Gicv3State {
  distributor: DistributorState;
  redistributors: RedistributorState[];
  cpuInterfaces: CpuInterfaceState[];
}

/** MPIDR_EL1 of vCPU `i` in a Xen guest (shared/docs/XEN-ABI.md section 1: cpu@N reg and MPIDR_EL1). */
export function xenMpidr(i: number): bigint {
  return 0x8000_0000n | BigInt(vcpuAffinity(i)); // bit 31 is RES1
}

/** The 32-bit affinity Aff3 << 24 | Aff2 << 16 | Aff1 << 8 | Aff0 of an MPIDR (the GICR_TYPER[63:32] form). */
export function mpidrAffinity(mpidr: bigint): number {
  return Number(((mpidr >> 8n) & 0xff00_0000n) | (mpidr & 0xff_ffffn));
}

/** A device line into the GIC; `vcpu` selects the Redistributor for PPIs and is ignored for SPIs. */
export interface IrqLine {
  setLevel(intid: number, level: boolean, vcpu?: number): void;
  pulse(intid: number, vcpu?: number): void;
}

export class Gicv3 implements CpuInterfaceHost, IrqLine {
  static readonly DIST_SIZE = GICD_SIZE;
  static readonly REDIST_STRIDE = GICR_STRIDE;

  readonly vcpus: number;
  readonly spis: number;
  readonly distributor: Gicv3Distributor;
  readonly redistributors: readonly Gicv3Redistributor[];
  readonly cpuInterfaces: readonly Gicv3CpuInterface[];
  private readonly engine: GicEnginePort;
  private readonly wake?: (vcpu: number) => void;
  private readonly affinityToVcpu = new Map<number, number>();
  /** IRQ_LINE_* output last given to each vCPU. */
  private readonly lines: Uint8Array;
  private readonly resamplers = new Map<number, (vcpu: number) => void>();

  constructor(opts: Gicv3Options) {
    const { vcpus, spis } = opts;
    if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > 512)
      throw new RangeError(`GICv3: ${vcpus} vCPUs is not supported`);
    if (!Number.isInteger(spis) || spis < 0 || spis % 32 !== 0 || spis > 960)
      throw new RangeError(`GICv3: the SPI count must be a multiple of 32 up to 960, not ${spis}`);
    const mpidrs = opts.mpidrs ?? Array.from({ length: vcpus }, (_, i) => xenMpidr(i));
    if (mpidrs.length !== vcpus) throw new RangeError(`GICv3: ${mpidrs.length} MPIDRs given for ${vcpus} vCPUs`);
    this.vcpus = vcpus;
    this.spis = spis;
    this.engine = opts.engine;
    this.wake = opts.wake;
    this.lines = new Uint8Array(vcpus);
    mpidrs.forEach((m, i) => {
      const aff = mpidrAffinity(m);
      if (this.affinityToVcpu.has(aff))
        throw new RangeError(`GICv3: vCPUs share the MPIDR affinity 0x${aff.toString(16)}`);
      this.affinityToVcpu.set(aff, i);
    });
    this.distributor = new Gicv3Distributor(spis, vcpus, this, opts.log);
    this.redistributors = mpidrs.map(
      (m, i) => new Gicv3Redistributor(i, mpidrAffinity(m), i === vcpus - 1, this, opts.log),
    );
    this.cpuInterfaces = mpidrs.map((_, i) => new Gicv3CpuInterface(i, this, opts.engine));
  }

  /** Map the Distributor at `distBase` and the Redistributors from `redistBase`, GICR_STRIDE apart. */
  mapInto(bus: MmioBus, distBase: bigint, redistBase: bigint): void {
    bus.map(distBase, GICD_SIZE, this.distributor);
    this.redistributors.forEach((r, i) => bus.map(redistBase + BigInt(i * GICR_STRIDE), GICR_STRIDE, r));
  }

  /** EngineHooks.sysregAccess for the ICC_* registers; false for any other key (UNDEFINED). */
  sysregAccess(vcpu: number, key: number, isRead: boolean, rt: number): boolean {
    return this.cpuInterfaces[vcpu].access(key, isRead, rt);
  }

  /** Does `vcpu` have an interrupt it could take (its IRQ or FIQ input is asserted)? A WFI ends on this. */
  pendingFor(vcpu: number): boolean {
    return this.lines[vcpu] !== 0;
  }

  /** Drive a PPI (16-31, of `vcpu`) or SPI line; edge-configured interrupts latch on a rising edge. */
  setLevel(intid: number, level: boolean, vcpu = 0): void {
    if (intid >= GIC_PPI_BASE && intid < GIC_SPI_BASE) {
      if (this.redistributors[this.checkVcpu(vcpu)].bank.setLevel(intid, level)) this.update(vcpu);
    } else if (intid >= GIC_SPI_BASE && intid < GIC_SPI_BASE + this.spis) {
      if (this.distributor.bank.setLevel(intid - GIC_SPI_BASE, level)) this.touchSpi(intid, -1);
    } else {
      throw new RangeError(`GICv3: INTID ${intid} has no input line`);
    }
  }

  /** Make an SGI, PPI (of `vcpu`) or SPI pending until acknowledged, as an edge does. */
  pulse(intid: number, vcpu = 0): void {
    if (intid >= 0 && intid < GIC_SPI_BASE) {
      this.redistributors[this.checkVcpu(vcpu)].bank.latchPending(intid);
      this.update(vcpu);
    } else if (intid < GIC_SPI_BASE + this.spis) {
      this.distributor.bank.latchPending(intid - GIC_SPI_BASE);
      this.touchSpi(intid, -1);
    } else {
      throw new RangeError(`GICv3: INTID ${intid} does not exist`);
    }
  }

  /**
   * Call `fn(vcpu)` whenever level-sensitive `intid` is deactivated, before outputs are recomputed, so the
   * device can re-evaluate a line it does not drive continuously (the architected timer, whose state the
   * engine changes without telling the machine). The same idea as KVM's resampling irqfds.
   */
  onDeactivate(intid: number, fn: (vcpu: number) => void): void {
    this.resamplers.set(intid, fn);
  }

  // ---- CpuInterfaceHost ----

  refreshHppi(c: number): void {
    const cpu = this.cpuInterfaces[c];
    const rd = this.redistributors[c];
    const groups = rd.asleep ? 0 : this.distributor.groupEnables & cpu.enabledGroups();
    let bestId = INTID_SPURIOUS;
    let bestPrio = 0x100;
    let bestGroup = 0;
    if (groups !== 0) {
      const bank = rd.bank;
      let cand = bank.candidates(0, groups);
      while (cand !== 0) {
        const i = 31 - Math.clz32(cand & -cand);
        cand &= cand - 1;
        if (bank.priority[i] < bestPrio) {
          bestPrio = bank.priority[i];
          bestId = i;
        }
      }
      if (bestId !== INTID_SPURIOUS) bestGroup = bank.isGroup1(bestId) ? 1 : 0;
      const spi = this.distributor.bank;
      const target = this.distributor.target;
      for (let w = 0; w < spi.words; w++) {
        cand = spi.candidates(w, groups);
        while (cand !== 0) {
          const i = (w << 5) + 31 - Math.clz32(cand & -cand);
          cand &= cand - 1;
          const p = spi.priority[i];
          if (p >= bestPrio) continue;
          const t = target[i];
          const g = spi.isGroup1(i) ? 1 : 0;
          if (t === c || (t === ROUTE_ANY && rd.acceptsOneOfN(g))) {
            bestPrio = p;
            bestId = i + GIC_SPI_BASE;
            bestGroup = g;
          }
        }
      }
    }
    cpu.hppiId = bestId;
    cpu.hppiPrio = bestPrio & 0xff;
    cpu.hppiGroup = bestGroup;
  }

  activate(c: number, intid: number): void {
    if (intid < GIC_SPI_BASE) {
      this.redistributors[c].bank.activate(intid);
    } else if (intid < GIC_SPI_BASE + this.spis) {
      this.distributor.bank.activate(intid - GIC_SPI_BASE);
      this.touchSpi(intid, c);
    }
  }

  deactivate(c: number, intid: number): void {
    let level: boolean;
    if (intid < GIC_SPI_BASE) {
      const bank = this.redistributors[c].bank;
      if (!bank.isActive(intid)) return;
      bank.deactivate(intid);
      level = bank.isLevel(intid);
    } else if (intid < GIC_SPI_BASE + this.spis) {
      const bank = this.distributor.bank;
      const i = intid - GIC_SPI_BASE;
      if (!bank.isActive(i)) return;
      bank.deactivate(i);
      level = bank.isLevel(i);
      this.touchSpi(intid, c);
    } else {
      return; // not an INTID of this GIC: UNPREDICTABLE, ignored
    }
    if (level) this.resamplers.get(intid)?.(c);
  }

  generateSgi(c: number, value: bigint, group: number): void {
    const intid = Number((value >> ICC_SGIR_INTID_SHIFT) & 0xfn);
    if (value & ICC_SGIR_IRM) {
      for (let t = 0; t < this.vcpus; t++) if (t !== c) this.sendSgi(t, intid, group);
      return;
    }
    // Targets Aff3.Aff2.Aff1.<RS * 16 + n> for each bit n of TargetList (RS: GICD_TYPER.RSS = 1).
    const cluster = Number(((value >> ICC_SGIR_AFF3_SHIFT) & 0xffn) << 24n |
      ((value >> ICC_SGIR_AFF2_SHIFT) & 0xffn) << 16n | ((value >> ICC_SGIR_AFF1_SHIFT) & 0xffn) << 8n);
    const aff0Base = Number((value >> ICC_SGIR_RS_SHIFT) & 0xfn) * 16;
    let list = Number(value & ICC_SGIR_TARGETLIST_MASK);
    while (list !== 0) {
      const n = 31 - Math.clz32(list & -list);
      list &= list - 1;
      const t = this.affinityToVcpu.get((cluster | (aff0Base + n)) >>> 0);
      if (t !== undefined) this.sendSgi(t, intid, group);
    }
  }

  /** Recompute `c`'s highest priority pending interrupt and set its IRQ/FIQ inputs. */
  update(c: number): void {
    this.refreshHppi(c);
    const cpu = this.cpuInterfaces[c];
    const lines = cpu.canSignal() ? (cpu.hppiGroup === 1 ? IRQ_LINE_IRQ : IRQ_LINE_FIQ) : 0;
    const was = this.lines[c];
    this.lines[c] = lines;
    this.engine.setIrqLines(c, lines);
    if (lines !== 0 && was === 0) this.wake?.(c);
  }

  updateAll(): void {
    for (let c = 0; c < this.vcpus; c++) this.update(c);
  }

  vcpuOfAffinity(aff: number): number {
    return this.affinityToVcpu.get(aff) ?? ROUTE_NONE;
  }

  // ---- lifecycle ----

  reset(): void {
    this.distributor.reset();
    for (const r of this.redistributors) r.reset();
    for (const c of this.cpuInterfaces) c.reset();
    this.updateAll();
  }

  save(): Gicv3State {
    return {
      distributor: this.distributor.save(),
      redistributors: this.redistributors.map(r => r.save()),
      cpuInterfaces: this.cpuInterfaces.map(c => c.save()),
    };
  }

  restore(s: Gicv3State): void {
    if (s.redistributors.length !== this.vcpus || s.cpuInterfaces.length !== this.vcpus)
      throw new RangeError(`GIC snapshot is for ${s.redistributors.length} vCPUs, this GIC has ${this.vcpus}`);
    this.distributor.restore(s.distributor);
    this.redistributors.forEach((r, i) => r.restore(s.redistributors[i]));
    this.cpuInterfaces.forEach((c, i) => c.restore(s.cpuInterfaces[i]));
    this.updateAll();
  }

  // ---- internals ----

  /** An SGI arrives at `t`: forwarded only if `t` configured it in `group` (the SGI forwarding rules, DS = 1). */
  private sendSgi(t: number, intid: number, group: number): void {
    const bank = this.redistributors[t].bank;
    if ((bank.isGroup1(intid) ? 1 : 0) !== group) return;
    bank.latchPending(intid);
    this.update(t);
  }

  /** Recompute the vCPUs that can see SPI `intid`, except `except` (whose caller updates it itself). */
  private touchSpi(intid: number, except: number): void {
    const t = this.distributor.target[intid - GIC_SPI_BASE];
    if (t === ROUTE_ANY) {
      for (let c = 0; c < this.vcpus; c++) if (c !== except) this.update(c);
    } else if (t >= 0 && t !== except) {
      this.update(t);
    }
  }

  private checkVcpu(vcpu: number): number {
    if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= this.vcpus) throw new RangeError(`GICv3: no vCPU ${vcpu}`);
    return vcpu;
  }
}
