// hv/domain.ts - a domain and its vCPUs as the hypervisor core sees them: lifecycle state, the exits of the CPU
// engine (HVC/SMC firmware calls, WFI), PSCI power control. Like Xen's struct domain / struct vcpu
// (xen/include/xen/sched.h) with the Arm trap handling of xen/arch/arm/traps.c (do_trap_hvc, do_trap_smc).
// A pvh domain also has a Xen side (hv/xen/xen-domain.ts XenDomain, passed as `xen`): it serves HVC #0xEA1,
// hears every vCPU state change for the guest's runstate area (vcpu_runstate_change in
// xen/common/sched/core.c), and keeps the SCHEDOP_poll timeouts the scheduler must wake vCPUs for.

import { Logger } from '../base/log.js';
import { ExitReason, type Engine } from '../cpu/engine.js';
import { SR_ELR_EL1, SR_ESR_EL1, SR_FAR_EL1, SR_MPIDR_EL1, S_EL } from '../cpu/layout.js';
import type { VirtMachine } from '../machine/virt.js';
import { psciCall, type PsciDomain, type VcpuPower } from './vpsci.js';

/** HVC immediate of Xen hypercalls (xen/include/public/arch-arm.h XEN_HYPERCALL_TAG). */
export const XEN_HYPERCALL_TAG = 0xea1;
const EC_UNKNOWN = 0x00;
const ENOSYS = 38;

export type DomainState = 'running' | 'paused' | 'shutdown' | 'dying';
export type ShutdownReason = 'poweroff' | 'reboot' | 'crash';
/** RUNSTATE_* of xen/include/public/vcpu.h by name. */
export type VcpuRunstate = 'running' | 'runnable' | 'blocked' | 'offline';

/** The Xen side of a domain, as the vCPU loop drives it (hv/xen/xen-domain.ts XenDomain implements it). */
export interface DomainXen {
  /** HVC #0xEA1 from `vcpu`: dispatch the hypercall, result in x0. */
  hypercall(vcpu: number): void;
  /** A vCPU changed state (scheduled in or out, blocked, powered on or off). */
  setRunstate(vcpu: number, state: VcpuRunstate): void;
  /** Wake vCPUs whose SCHEDOP_poll timed out; nanoseconds until the next poll timeout, or null. */
  expirePolls(): number | null;
}

export interface VcpuInfo {
  power: VcpuPower;
  /** Waiting in WFI for an interrupt. */
  blocked: boolean;
  /** Counter value at which a blocked vCPU's timer fires, or null. */
  deadline: bigint | null;
}

export interface DomainOptions {
  id: number;
  name: string;
  engine: Engine;
  machine: VirtMachine;
  /** Instructions per slice (~1 ms of guest time; ENGINE.md: return to JS about every millisecond). */
  sliceBudget?: number;
  /** Xen hypercall dispatch (HVC #0xEA1); without it (and without `xen`) every hypercall answers -ENOSYS. */
  hypercall?: (vcpu: number) => void;
  /** The domain's Xen side (pvh guests): hypercalls, runstates and poll timeouts; overrides `hypercall`. */
  xen?: DomainXen;
}

export class Domain implements PsciDomain {
  readonly id: number;
  readonly name: string;
  readonly engine: Engine;
  readonly machine: VirtMachine;
  readonly vcpus: VcpuInfo[];
  readonly sliceBudget: number;
  state: DomainState = 'paused';
  shutdownReason?: ShutdownReason;
  /** What happened when the domain crashed (PC, syndrome), for the user. */
  crashInfo?: string;
  /** Called once when the domain shuts down. */
  onShutdown?: (reason: ShutdownReason) => void;
  private readonly log: Logger;
  private readonly hypercall?: (vcpu: number) => void;
  private readonly xen?: DomainXen;

  constructor(opts: DomainOptions) {
    this.id = opts.id;
    this.name = opts.name;
    this.engine = opts.engine;
    this.machine = opts.machine;
    this.sliceBudget = opts.sliceBudget ?? 200_000;
    this.xen = opts.xen;
    this.hypercall = opts.xen ? (v => opts.xen!.hypercall(v)) : opts.hypercall;
    this.log = new Logger(`${opts.name}`);
    this.vcpus = Array.from({ length: opts.engine.vcpus }, (_, i) => ({
      power: i === 0 ? 'on' : 'off', blocked: false, deadline: null,
    }));
  }

  get vcpuCount(): number {
    return this.vcpus.length;
  }

  /** Run vCPU `i` for one slice and handle why it stopped. */
  runSlice(i: number): void {
    this.xen?.setRunstate(i, 'running');
    this.runSliceOnly(i);
    // context_save: the vCPU leaves the pCPU blocked, offline, or still runnable
    if (this.xen && this.state === 'running') this.xen.setRunstate(i, this.runstateOf(i));
  }

  /** The runstate vCPU `i` is in while it does not run. */
  runstateOf(i: number): VcpuRunstate {
    const v = this.vcpus[i];
    if (v.power !== 'on') return 'offline';
    return v.blocked ? 'blocked' : 'runnable';
  }

  /** SCHEDOP_poll timeouts: wake the vCPUs whose poll expired; nanoseconds until the next one, or null. */
  expirePolls(): number | null {
    return this.xen ? this.xen.expirePolls() : null;
  }

  private runSliceOnly(i: number): void {
    const e = this.engine;
    let exit: ExitReason;
    try {
      exit = e.run(i, this.sliceBudget);
    } catch (err) {
      // A trap inside the engine (a broken invariant) stops this domain only, never the host process
      this.crash(`vcpu${i}: CPU engine failure (${(err as Error).message}) at ${this.where(i)}`);
      return;
    }
    switch (exit) {
      case ExitReason.Budget:
      case ExitReason.Request:
      case ExitReason.Wfe:
        return;
      case ExitReason.Wfi:
        this.vcpus[i].deadline = this.machine.sync(i);
        if (!this.machine.interruptPending(i)) this.vcpus[i].blocked = true;
        return;
      case ExitReason.Hvc:
        this.handleHvc(i, e.exitImm(i));
        return;
      case ExitReason.Smc:
        // SMCCC calls through SMC are served like HVC #0 (xen/arch/arm/vsmc.c)
        this.firmwareCall(i);
        return;
      case ExitReason.Halt:
        this.crash(`vcpu${i} halted by the CPU engine at ${this.where(i)}`);
        return;
      default:
        this.crash(`vcpu${i}: unknown engine exit ${exit as number}`);
    }
  }

  /** Where vCPU `i` is, for crash reports: PC, exception level and the last exception's syndrome. */
  where(i: number): string {
    const e = this.engine;
    const hex = (v: bigint) => '0x' + v.toString(16);
    return `pc ${hex(e.pc(i))} (EL${e.u32(i, S_EL)}), last exception: ESR_EL1 ${hex(e.sysreg(i, SR_ESR_EL1))} ` +
      `FAR_EL1 ${hex(e.sysreg(i, SR_FAR_EL1))} ELR_EL1 ${hex(e.sysreg(i, SR_ELR_EL1))}`;
  }

  private handleHvc(i: number, imm: number): void {
    if (imm === 0) {
      this.firmwareCall(i);
    } else if (imm === XEN_HYPERCALL_TAG) {
      if (this.hypercall) this.hypercall(i);
      else this.engine.setX(i, 0, BigInt(-ENOSYS));
    } else {
      // Unknown HVC immediates are undefined instructions for the guest (traps.c do_trap_hvc)
      this.engine.injectSync(i, EC_UNKNOWN, 0, this.engine.pc(i) - 4n);
    }
  }

  private firmwareCall(i: number): void {
    const e = this.engine;
    const fid = Number(e.x(i, 0) & 0xffffffffn);
    const r = psciCall(this, i, fid, e.x(i, 1), e.x(i, 2), e.x(i, 3));
    if (this.vcpus[i].power === 'on') e.setX(i, 0, r);
  }

  // ---- PsciDomain ----
  affinityOf(i: number): bigint {
    return this.engine.sysreg(i, SR_MPIDR_EL1) & 0xff00ffffffn;
  }
  powerState(i: number): VcpuPower {
    return this.vcpus[i].power;
  }
  cpuOn(i: number, entry: bigint, context: bigint): void {
    this.machine.resetVcpu(i);
    this.engine.setPc(i, entry);
    this.engine.setX(i, 0, context);
    this.vcpus[i] = { power: 'on', blocked: false, deadline: null };
    this.xen?.setRunstate(i, 'runnable');
  }
  cpuOff(i: number): void {
    this.vcpus[i] = { power: 'off', blocked: false, deadline: null };
    this.engine.requestExit(i);
    this.xen?.setRunstate(i, 'offline');
  }
  systemOff(): void {
    this.shutdown('poweroff');
  }
  systemReset(): void {
    this.shutdown('reboot');
  }

  /**
   * Stop the domain with `reason` (SCHEDOP_shutdown / PSCI SYSTEM_OFF or RESET / a crash); `detail` says what
   * happened for a crash when nothing more precise was recorded.
   */
  shutdown(reason: ShutdownReason, detail?: string): void {
    if (this.state === 'shutdown' || this.state === 'dying') return;
    this.state = 'shutdown';
    this.shutdownReason = reason;
    if (reason === 'crash') this.crashInfo ??= detail;
    for (let i = 0; i < this.vcpus.length; i++) this.engine.requestExit(i);
    this.log.info(`shut down (${reason})`);
    this.onShutdown?.(reason);
  }

  /** Stop the domain at once without a guest-visible shutdown (xl destroy). */
  destroy(): void {
    if (this.state === 'dying') return;
    this.state = 'dying';
    for (let i = 0; i < this.vcpus.length; i++) this.engine.requestExit(i);
    this.log.debug('destroyed');
  }

  crash(info: string): void {
    this.crashInfo = info;
    this.log.error(info);
    this.shutdown('crash');
  }

  unpause(): void {
    if (this.state === 'paused') this.state = 'running';
  }

  pause(): void {
    if (this.state === 'running') {
      this.state = 'paused';
      for (let i = 0; i < this.vcpus.length; i++) this.engine.requestExit(i);
    }
  }
}
