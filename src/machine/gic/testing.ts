// machine/gic/testing.ts - test fixtures for the GIC and timer tests: a stand-in for the engine's register and
// interrupt-line interface, and helpers that access the GIC the way a guest does (MMIO through the bus, ICC_*
// registers through sysregAccess). Not used outside tests.

import * as G from '../../abi/arm/gicv3.js';
import * as R from '../../abi/arm/sysreg.js';
import { MmioBus } from '../bus.js';
import { RateLimitedLog } from '../../base/log.js';
import { Gicv3, type GicEnginePort, type Gicv3Options } from './gicv3.js';

export const GICD_BASE = 0x0300_1000n;
export const GICR_BASE = 0x0302_0000n;

/** The parts of `Engine` the GIC and the timer use, kept in plain arrays. */
export class FakeEngine implements GicEnginePort {
  readonly lines: number[];
  private readonly xs: bigint[][];
  private readonly srs: Map<number, bigint>[];

  constructor(vcpus: number) {
    this.lines = new Array<number>(vcpus).fill(0);
    this.xs = Array.from({ length: vcpus }, () => new Array<bigint>(32).fill(0n));
    this.srs = Array.from({ length: vcpus }, () => new Map());
  }

  x(vcpu: number, n: number): bigint {
    return n === 31 ? 0n : this.xs[vcpu][n];
  }
  setX(vcpu: number, n: number, v: bigint): void {
    if (n !== 31) this.xs[vcpu][n] = BigInt.asUintN(64, v);
  }
  setIrqLines(vcpu: number, lines: number): void {
    this.lines[vcpu] = lines;
  }
  sysreg(vcpu: number, sr: number): bigint {
    return this.srs[vcpu].get(sr) ?? 0n;
  }
  setSysreg(vcpu: number, sr: number, v: bigint): void {
    this.srs[vcpu].set(sr, BigInt.asUintN(64, v));
  }
}

export interface GicFixture {
  gic: Gicv3;
  engine: FakeEngine;
  bus: MmioBus;
  log: RateLimitedLog;
  logLines: string[];
  holes: bigint[];
  /** MRS Xt, <key> on `vcpu`; throws if the access is UNDEFINED. */
  mrs(vcpu: number, key: number): bigint;
  /** MSR <key>, Xt on `vcpu`; throws if the access is UNDEFINED. */
  msr(vcpu: number, key: number, value: bigint | number): void;
  gicd(off: number, size?: number): bigint;
  setGicd(off: number, value: bigint | number, size?: number): void;
  /** Redistributor `vcpu`, RD_base + off (SGI_base is off 0x10000 up). */
  gicr(vcpu: number, off: number, size?: number): bigint;
  setGicr(vcpu: number, off: number, value: bigint | number, size?: number): void;
}

export function makeGic(opts: Partial<Omit<Gicv3Options, 'engine' | 'log'>> = {}): GicFixture {
  const vcpus = opts.vcpus ?? 1;
  const engine = new FakeEngine(vcpus);
  const logLines: string[] = [];
  const log = new RateLimitedLog(line => logLines.push(line));
  const holes: bigint[] = [];
  const bus = new MmioBus({ onHole: (_v, pa) => holes.push(pa), log });
  const gic = new Gicv3({ spis: 64, ...opts, vcpus, engine, log });
  gic.mapInto(bus, GICD_BASE, GICR_BASE);
  const rd = (vcpu: number, off: number) => GICR_BASE + BigInt(vcpu * Gicv3.REDIST_STRIDE + off);
  return {
    gic, engine, bus, log, logLines, holes,
    mrs(vcpu, key) {
      engine.setX(vcpu, 5, 0xdead_beefn);
      if (!gic.sysregAccess(vcpu, key, true, 5)) throw new Error(`MRS of key 0x${key.toString(16)} is UNDEFINED`);
      return engine.x(vcpu, 5);
    },
    msr(vcpu, key, value) {
      engine.setX(vcpu, 7, BigInt(value));
      if (!gic.sysregAccess(vcpu, key, false, 7)) throw new Error(`MSR of key 0x${key.toString(16)} is UNDEFINED`);
    },
    gicd: (off, size = 4) => bus.read(0, GICD_BASE + BigInt(off), size),
    setGicd: (off, value, size = 4) => bus.write(0, GICD_BASE + BigInt(off), size, BigInt(value)),
    gicr: (vcpu, off, size = 4) => bus.read(vcpu, rd(vcpu, off), size),
    setGicr: (vcpu, off, value, size = 4) => bus.write(vcpu, rd(vcpu, off), size, BigInt(value)),
  };
}

/**
 * Do what Linux 6.1's drivers/irqchip/irq-gic-v3.c does at boot on each of `cpus` (gic_init_bases, gic_dist_init
 * and gic_dist_config on the boot CPU, then gic_cpu_init and gic_cpu_sys_reg_init on every CPU), with EOImode as
 * given (Linux uses 0 when it has no EL2, as in a guest). Throws where Linux would complain.
 */
export function bootLikeLinux(f: GicFixture, cpus: number[], eoiMode = 0): void {
  if ((Number(f.gicd(G.GICD_PIDR2)) & G.GIC_PIDR2_ARCH_MASK) !== G.GIC_PIDR2_ARCH_GICV3)
    throw new Error('no distributor detected');
  const typer = Number(f.gicd(G.GICD_TYPER));
  f.gicd(G.GICD_IIDR);
  f.gicd(G.GICD_TYPER2);
  const lines = Math.min(((typer & 0x1f) + 1) * 32, 1020);
  const waitRwp = (read: () => bigint, bit: number) => {
    for (let n = 0; (Number(read()) & bit) !== 0; n++) if (n > 1000) throw new Error('RWP timeout');
  };
  // gic_dist_init + gic_dist_config
  f.setGicd(G.GICD_CTLR, 0);
  waitRwp(() => f.gicd(G.GICD_CTLR), G.GICD_CTLR_RWP);
  for (let i = 32; i < lines; i += 32) f.setGicd(G.GICD_IGROUPR + i / 8, 0xffff_ffff);
  for (let i = 32; i < lines; i += 16) f.setGicd(G.GICD_ICFGR + i / 4, 0);
  for (let i = 32; i < lines; i += 4) f.setGicd(G.GICD_IPRIORITYR + i, 0xa0a0a0a0);
  for (let i = 32; i < lines; i += 32) {
    f.setGicd(G.GICD_ICACTIVER + i / 8, 0xffff_ffff);
    f.setGicd(G.GICD_ICENABLER + i / 8, 0xffff_ffff);
  }
  // GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A | GICD_CTLR_ENABLE_G1 in Linux's non-secure names
  f.setGicd(G.GICD_CTLR, G.GICD_CTLR_ARE | G.GICD_CTLR_ENABLE_GRP1 | G.GICD_CTLR_ENABLE_GRP0);
  waitRwp(() => f.gicd(G.GICD_CTLR), G.GICD_CTLR_RWP);
  const bootAff = affinityOf(f, cpus[0]);
  for (let i = 32; i < lines; i++) f.setGicd(G.GICD_IROUTER + i * 8, bootAff, 8);
  for (const c of cpus) cpuInit(f, c, eoiMode);
}

/** The IROUTER form (Aff3 at 39:32, Aff2.Aff1.Aff0 at 23:0) of vCPU `c`'s affinity. */
function affinityOf(f: GicFixture, c: number): bigint {
  const aff = BigInt(f.gic.redistributors[c].affinity);
  return ((aff >> 24n) << 32n) | (aff & 0xff_ffffn);
}

function cpuInit(f: GicFixture, c: number, eoiMode: number): void {
  // gic_populate_rdist: walk the frames comparing GICR_TYPER's affinity until Last.
  const want = BigInt(f.gic.redistributors[c].affinity);
  let rd = -1;
  for (let i = 0; ; i++) {
    if ((Number(f.gicr(i, G.GICR_PIDR2)) & G.GIC_PIDR2_ARCH_MASK) !== G.GIC_PIDR2_ARCH_GICV3)
      throw new Error('no redistributor');
    const typer = f.gicr(i, G.GICR_TYPER, 8);
    if (typer >> 32n === want) {
      rd = i;
      break;
    }
    if (typer & G.GICR_TYPER_LAST) break;
  }
  if (rd < 0) throw new Error(`CPU${c} has no redistributor`);
  // gic_enable_redist(true)
  f.setGicr(rd, G.GICR_WAKER, f.gicr(rd, G.GICR_WAKER) & ~BigInt(G.GICR_WAKER_PROCESSOR_SLEEP));
  for (let n = 0; Number(f.gicr(rd, G.GICR_WAKER)) & G.GICR_WAKER_CHILDREN_ASLEEP; n++)
    if (n > 1000) throw new Error('redistributor failed to wakeup');
  // gic_cpu_config on SGI_base
  const sgi = G.GICR_SGI_BASE;
  f.setGicr(rd, sgi + G.GICR_IGROUPR0, 0xffff_ffff);
  f.setGicr(rd, sgi + G.GICR_ICACTIVER0, 0xffff_ffff);
  f.setGicr(rd, sgi + G.GICR_ICENABLER0, 0xffff_ffff);
  for (let i = 0; i < 32; i += 4) f.setGicr(rd, sgi + G.GICR_IPRIORITYR0 + i, 0xa0a0a0a0);
  f.setGicr(rd, sgi + G.GICR_ISENABLER0, 0xffff);
  if (Number(f.gicr(rd, G.GICR_CTLR)) & G.GICR_CTLR_RWP) throw new Error('GICR RWP stuck');
  // gic_cpu_sys_reg_init
  f.msr(c, R.ICC_SRE_EL1, f.mrs(c, R.ICC_SRE_EL1) | 1n);
  if ((f.mrs(c, R.ICC_SRE_EL1) & 1n) === 0n) throw new Error('unable to set SRE');
  const pribits = Number((f.mrs(c, R.ICC_CTLR_EL1) >> 8n) & 7n) + 1;
  const oldPmr = f.mrs(c, R.ICC_PMR_EL1);
  f.msr(c, R.ICC_PMR_EL1, 1 << (8 - pribits));
  const group0 = f.mrs(c, R.ICC_PMR_EL1) !== 0n;
  f.msr(c, R.ICC_PMR_EL1, oldPmr);
  f.msr(c, R.ICC_PMR_EL1, 0xf0);
  f.msr(c, R.ICC_BPR1_EL1, 0);
  f.msr(c, R.ICC_CTLR_EL1, eoiMode ? G.ICC_CTLR_EOIMODE : 0);
  if (group0) f.msr(c, R.ICC_AP0R0_EL1, 0);
  f.msr(c, R.ICC_AP1R0_EL1, 0);
  f.msr(c, R.ICC_IGRPEN1_EL1, 1);
  f.mrs(c, R.ICC_CTLR_EL1);
}
