// machine/virt.ts - a domain's hardware: the MMIO bus with the GICv3, the architected timers, and for hvm guests
// the PL011 UART and PL031 RTC, at the addresses of machine/memmap.ts. It supplies the CPU engine's hooks
// (device memory, counter, GIC system registers) and holds nothing of Xen: the hypervisor core drives it.

import { Logger } from '../base/log.js';
import type { Engine, EngineHooks } from '../cpu/engine.js';
import { UnimplementedLog } from '../cpu/unimplemented-log.js';
import { SR_CNTVOFF_EL2, SR_MPIDR_EL1, S_CNTFRQ } from '../cpu/layout.js';
import { ACCESS_16, ACCESS_32, ACCESS_8, MmioBus, type MmioDevice } from './bus.js';
import { RateLimitedLog } from '../base/log.js';
import { Gicv3, xenMpidr } from './gic/gicv3.js';
import {
  GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICR0_BASE, GUEST_PL011_BASE, GUEST_PL011_SIZE, GUEST_PL011_SPI,
  GUEST_PL031_BASE, GUEST_PL031_SIZE, GUEST_PL031_SPI,
} from './memmap.js';
import { ArchTimer } from './timer/arch-timer.js';
import { Pl011 } from './uart/pl011.js';
import { Pl031 } from './rtc/pl031.js';

/** Frequency of the system counter (CNTFRQ_EL0), as QEMU's virt machine and Xen guests on it see it. */
export const COUNTER_HZ = 62_500_000;

/** Time sources a machine needs; host/ supplies them. */
export interface MachineClock {
  /** Monotonic nanoseconds. */
  monotonicNs(): bigint;
  /** Wall-clock seconds since the Unix epoch. */
  wallSeconds(): number;
}

export interface VirtMachineOptions {
  name: string;
  vcpus: number;
  clock: MachineClock;
  /** Emulated PL011 (hvm guests; `vuart` for pvh). Bytes the guest sends go to `onConsoleOutput`. */
  pl011?: boolean;
  /** Emulated PL031 RTC (hvm guests). */
  pl031?: boolean;
  onConsoleOutput?: (bytes: Uint8Array) => void;
  /** The GIC asserted a vCPU's interrupt input: wake it if it waits in WFI. */
  onWake?: (vcpu: number) => void;
}

/** Adapts a device with (offset, size) accessors to the bus's MmioDevice. */
function mmio(name: string, dev: { read(o: number, s: number): bigint; write(o: number, s: number, v: bigint): void }): MmioDevice {
  return {
    name,
    accessSizes: ACCESS_8 | ACCESS_16 | ACCESS_32,
    read: (o, s) => dev.read(o, s),
    write: (o, s, v) => dev.write(o, s, v),
  };
}

export class VirtMachine {
  readonly bus: MmioBus;
  readonly gic: Gicv3;
  readonly timer: ArchTimer;
  readonly pl011?: Pl011;
  readonly pl031?: Pl031;
  readonly unimplemented: UnimplementedLog;
  private engineRef?: Engine;
  private readonly ticksPerNs = COUNTER_HZ / 1e9;

  /** The hooks to create this machine's engine with; call `attach` with the engine afterwards. */
  readonly hooks: EngineHooks;

  constructor(private readonly opts: VirtMachineOptions) {
    const log = new Logger(`${opts.name}/machine`);
    const rl = new RateLimitedLog(line => log.warn(line));
    this.unimplemented = new UnimplementedLog(opts.name);
    this.bus = new MmioBus({ log: rl, onHole: vcpu => this.engine.abortMmio(vcpu) });
    const enginePort = {
      setIrqLines: (v: number, l: number) => this.engine.setIrqLines(v, l),
      x: (v: number, n: number) => this.engine.x(v, n),
      setX: (v: number, n: number, val: bigint) => this.engine.setX(v, n, val),
      sysreg: (v: number, sr: number) => this.engine.sysreg(v, sr),
    };
    this.gic = new Gicv3({ vcpus: opts.vcpus, spis: 64, engine: enginePort, log: rl, wake: opts.onWake });
    this.gic.mapInto(this.bus, GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICR0_BASE);
    this.timer = new ArchTimer({ vcpus: opts.vcpus, engine: enginePort, gic: this.gic, counter: () => this.counter() });
    if (opts.pl011) {
      const out = opts.onConsoleOutput ?? (() => {});
      this.pl011 = new Pl011({
        onTransmit: b => out(Uint8Array.of(b)),
        setIrq: level => this.gic.setLevel(GUEST_PL011_SPI, level),
      });
      this.bus.map(GUEST_PL011_BASE, Number(GUEST_PL011_SIZE), mmio('pl011', this.pl011));
    }
    if (opts.pl031) {
      this.pl031 = new Pl031({
        nowSeconds: () => opts.clock.wallSeconds(),
        setIrq: level => this.gic.setLevel(GUEST_PL031_SPI, level),
      });
      this.bus.map(GUEST_PL031_BASE, Number(GUEST_PL031_SIZE), mmio('pl031', this.pl031));
    }
    this.hooks = {
      mmioRead: (v, pa, size) => this.bus.read(v, pa, size),
      mmioWrite: (v, pa, size, value) => this.bus.write(v, pa, size, value),
      counter: () => this.counter(),
      sysregAccess: (v, key, isRead, rt) => this.gic.sysregAccess(v, key, isRead, rt),
      unimplemented: (v, pc, insn) => this.unimplemented.report(v, pc, insn),
    };
  }

  /**
   * CNTVOFF_EL2 of every vCPU: the counter when the machine was attached, so the guest's virtual counter starts
   * near zero like a freshly booted machine's (Xen does the same per domain: d->arch.virt_timer_base).
   */
  counterBase = 0n;

  /** Connect the engine created with `hooks`; sets each vCPU's MPIDR to Xen's guest layout. */
  attach(engine: Engine): void {
    this.engineRef = engine;
    this.counterBase = this.counter();
    for (let i = 0; i < this.opts.vcpus; i++) this.resetVcpu(i);
  }

  get engine(): Engine {
    if (!this.engineRef) throw new Error('VirtMachine used before attach(engine)');
    return this.engineRef;
  }

  /** CNTPCT_EL0: ticks of COUNTER_HZ from the host's monotonic clock. */
  counter(): bigint {
    return BigInt(Math.floor(Number(this.opts.clock.monotonicNs()) * this.ticksPerNs));
  }

  /** Put vCPU `i` in its reset state with this machine's identity registers. */
  resetVcpu(i: number): void {
    const e = this.engine;
    e.reset(i);
    e.setSysreg(i, SR_MPIDR_EL1, xenMpidr(i));
    e.setSysreg(i, SR_CNTVOFF_EL2, this.counterBase);
    e.setU32(i, S_CNTFRQ, COUNTER_HZ);
    this.gic.update(i);
  }

  /**
   * Bring vCPU `i`'s interrupt inputs up to date before it runs or after it stopped (timers are evaluated
   * here); returns the counter value at which its next timer fires, or null.
   */
  sync(i: number): bigint | null {
    this.pl031?.poll();
    return this.timer.update(i);
  }

  /** Can vCPU `i` take an interrupt now (a WFI ends)? */
  interruptPending(i: number): boolean {
    return this.gic.pendingFor(i);
  }

  /** Nanoseconds from now until counter value `deadline`. */
  nsUntil(deadline: bigint): number {
    const ticks = Number(deadline - this.counter());
    return ticks <= 0 ? 0 : Math.ceil(ticks / this.ticksPerNs);
  }

  /** Console input for the PL011. */
  consoleInput(bytes: Uint8Array): void {
    this.pl011?.receive(bytes);
  }
}
