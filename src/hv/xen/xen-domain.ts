// hv/xen/xen-domain.ts - the Xen side of a guest domain (Xen's struct domain / struct vcpu fields of
// xen/include/xen/sched.h that the guest ABI needs): its P2M and hypervisor pages, shared_info with the
// wallclock, each vCPU's vcpu_info and runstate, HVM params, vm_assist bits, event channels (2-level) and the
// grant table, the debug console line buffer, memory accounting (tot_pages / max_pages), shutdown state and
// SCHEDOP_poll waiters. The CPU engine and the emulated machine belong to hv/domain.ts's Domain, which calls
// `hypercall(vcpu)` for every HVC #0xEA1 (pass it as the Domain's `hypercall` option, then `attach`).

import { PPI_XEN_EVENTS } from '../../machine/memmap.js';
import { Logger, RateLimitedLog } from '../../base/log.js';
import { callbackIrqPpi, HVM_NR_PARAMS, HVM_PARAM_CALLBACK_IRQ } from '../../abi/xen/hvm_params.js';
import { SHUTDOWN_crash, SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_soft_reset, SHUTDOWN_suspend,
  SHUTDOWN_watchdog } from '../../abi/xen/sched.js';
import { XEN_DOMAIN_HANDLE_LEN } from '../../abi/xen/version.js';
import type { Engine } from '../../cpu/engine.js';
import { PAGE_SIZE, S_CNTFRQ, S_DAIF, SR_CNTVOFF_EL2 } from '../../cpu/layout.js';
import type { MachineClock } from '../../machine/virt.js';
import type { Domain, ShutdownReason } from '../domain.js';
import type { AnyDomain, XenVersionInfo } from './hypervisor.js';
import { EventTwoLevel } from './event-2l.js';
import { EventChannels } from './event-channel.js';
import { GrantTable } from './grant-table.js';
import { GuestAccess } from './guest-access.js';
import { dispatchHypercall } from './hypercall.js';
import { P2m } from './p2m.js';
import { Runstates, type RunstateName } from './runstate.js';
import { SharedInfo } from './shared-info.js';

/** The event-channel upcall PPI (arch-arm.h GUEST_EVTCHN_PPI). */
export const GUEST_EVTCHN_PPI = PPI_XEN_EVENTS;
/** LIBXL_MAXMEM_CONSTANT: the slack over the RAM size the toolstack allows by default (1 MiB of pages). */
const MAXMEM_SLACK_PAGES = 256;
/** PSTATE.I in the engine's DAIF word (architectural position, bit 7). */
const DAIF_I = 0x80;

/** What a Xen domain needs of its machine (machine/virt.ts VirtMachine provides it). */
export interface XenMachine {
  readonly gic: {
    setLevel(intid: number, level: boolean, vcpu?: number): void;
    onDeactivate(intid: number, fn: (vcpu: number) => void): void;
  };
  /** CNTPCT_EL0 now. */
  counter(): bigint;
  interruptPending(vcpu: number): boolean;
  sync(vcpu: number): bigint | null;
}

/** The hypervisor object, as a domain sees it (hypervisor.ts Xen implements it). */
export interface XenHost {
  readonly version: XenVersionInfo;
  /** rcu_lock_domain_by_any_id: DOMID_SELF is `current`; -ESRCH when there is no such domain. */
  lookup(current: AnyDomain, domid: number): AnyDomain | number;
  /** rcu_lock_domain_by_id */
  byId(domid: number): AnyDomain | undefined;
  /** XSM_TARGET: may `current` act on `target`? */
  mayTarget(current: AnyDomain, target: AnyDomain): boolean;
  /** A domain's line for the hypervisor console ("(dN) text"). */
  consoleLine(domid: number, line: string): void;
  /** The domain shut down with Xen reason `code` (VIRQ_DOM_EXC to dom0, toolstack callbacks). */
  domainShutdown(d: XenDomain, code: number): void;
}

export interface XenDomainOptions {
  id: number;
  name: string;
  engine: Engine;
  machine: XenMachine;
  clock: MachineClock;
  host: XenHost;
  /** Pages the domain may own (max_pages); default RAM + 1 MiB. */
  maxPages?: number;
  /** max_grant_frames; default 64. */
  maxGrantFrames?: number;
  /** The domain's UUID (xen_domain_handle_t, XENVER_guest_handle); default all zero. */
  handle?: Uint8Array;
  /** Seconds added to the host wallclock (XEN_DOMCTL_settimeoffset). */
  timeOffsetSeconds?: number;
  /** A vCPU blocked in SCHEDOP_block / SCHEDOP_poll became runnable (the scheduler should look again). */
  onWake?: (vcpu: number) => void;
}

/** Xen's SHUTDOWN_* codes by name. */
export const SHUTDOWN_NAMES: Readonly<Record<number, string>> = {
  [SHUTDOWN_poweroff]: 'poweroff', [SHUTDOWN_reboot]: 'reboot', [SHUTDOWN_suspend]: 'suspend',
  [SHUTDOWN_crash]: 'crash', [SHUTDOWN_watchdog]: 'watchdog', [SHUTDOWN_soft_reset]: 'soft_reset',
};

interface Poller {
  /** Ports waited for; empty = any port (a multi-port poll wakes on any event, as evtchn_check_pollers). */
  ports: readonly number[];
  /** System time (ns) at which the poll times out, or null. */
  deadline: bigint | null;
}

export class XenDomain {
  readonly kind = 'guest' as const;
  readonly id: number;
  readonly name: string;
  readonly engine: Engine;
  readonly machine: XenMachine;
  readonly clock: MachineClock;
  readonly host: XenHost;
  readonly vcpus: number;
  readonly p2m: P2m;
  readonly guest: GuestAccess;
  readonly shared: SharedInfo;
  readonly runstates: Runstates;
  readonly evtchn: EventChannels;
  readonly gnttab: GrantTable;
  /** HVM params (xen/include/public/hvm/params.h), set by the toolstack. */
  readonly params: bigint[] = new Array<bigint>(HVM_NR_PARAMS).fill(0n);
  /** The domain's UUID (xen_domain_handle_t). */
  readonly handle: Uint8Array;
  /** A control domain may act on others (XSM's is_control_domain); guests never are. */
  readonly privileged = false;
  /** vm_assist bits (VMASST_TYPE_*) the guest enabled. */
  vmAssist = 0;
  /** Pages the domain owns (tot_pages) and may own (max_pages). */
  totPages: number;
  maxPages: number;
  /** First SHUTDOWN_* code, once the domain shut down. */
  shutdownCode: number | null = null;
  /** SCHEDOP_shutdown_code: the reason a later shutdown reports instead of its own (Xen's shutdown_code). */
  pendingShutdownCode: number | null = null;
  /** The vCPU engine side, once attached. */
  domain?: Domain;
  readonly log: RateLimitedLog;
  /** Debug console: the unfinished line (Xen's pbuf). */
  consoleLineBuf = '';
  private readonly pollers: (Poller | null)[];
  private readonly onWake?: (vcpu: number) => void;
  private readonly timeOffsetSeconds: number;

  constructor(opts: XenDomainOptions) {
    this.id = opts.id;
    this.name = opts.name;
    this.engine = opts.engine;
    this.machine = opts.machine;
    this.clock = opts.clock;
    this.host = opts.host;
    this.vcpus = opts.engine.vcpus;
    this.onWake = opts.onWake;
    this.timeOffsetSeconds = opts.timeOffsetSeconds ?? 0;
    this.handle = new Uint8Array(XEN_DOMAIN_HANDLE_LEN);
    if (opts.handle) this.handle.set(opts.handle.subarray(0, XEN_DOMAIN_HANDLE_LEN));
    const logger = new Logger(`d${opts.id}`);
    this.log = new RateLimitedLog(line => logger.warn(line));
    this.p2m = new P2m(opts.engine);
    this.guest = new GuestAccess(opts.engine, this.p2m);
    const ramPages = opts.engine.ramSize / PAGE_SIZE;
    this.totPages = ramPages;
    this.maxPages = opts.maxPages ?? ramPages + MAXMEM_SLACK_PAGES;
    this.pollers = new Array<Poller | null>(this.vcpus).fill(null);

    const page = this.p2m.allocPage();
    if (page < 0) throw new Error(`d${opts.id}: no hypervisor page for shared_info`);
    this.shared = new SharedInfo({
      engine: opts.engine, page, vcpus: this.vcpus,
      setUpcallLine: (v, level) => this.machine.gic.setLevel(GUEST_EVTCHN_PPI, level, v),
      onPortPending: port => this.wakePollers(port),
    });
    this.machine.gic.onDeactivate(GUEST_EVTCHN_PPI, v => this.shared.resampleUpcall(v));
    this.evtchn = new EventChannels(opts.id, new EventTwoLevel(this.shared), { vcpus: this.vcpus });
    this.gnttab = new GrantTable(opts.id, {
      maxFrames: opts.maxGrantFrames ?? 64,
      allocFrame: () => this.p2m.allocPage(),
      bytes: opts.engine.bytes,
      gfnToHost: gfn => this.p2m.gfnToHost(gfn),
      onEntryWritten: () => this.clearExclusiveAll(),
    });
    this.runstates = new Runstates({
      vcpus: this.vcpus,
      nowNs: () => this.clock.monotonicNs(),
      writeGuest: (v, va, data) => this.guest.write(v, va, data),
      updateFlag: () => (this.vmAssist & (1 << 5)) !== 0,
    });
    this.params[HVM_PARAM_CALLBACK_IRQ] = callbackIrqPpi(GUEST_EVTCHN_PPI);
    this.updateWallclock();
  }

  /** Connect the Domain that runs this domain's vCPUs (it was built with `hypercall: v => xd.hypercall(v)`). */
  attach(domain: Domain): void {
    this.domain = domain;
  }

  /** HVC #0xEA1 from `vcpu`: decode x16 and x0-x4, run the handler, leave the result in x0. */
  hypercall(vcpu: number): void {
    this.pollers[vcpu] = null; // it runs, so it no longer waits
    dispatchHypercall(this, vcpu);
  }

  // ---- vCPUs ----

  /** Is `vcpu` down (never started with PSCI CPU_ON, or stopped: Xen's VPF_down)? */
  vcpuDown(vcpu: number): boolean {
    if (!this.domain) return vcpu !== 0;
    return this.domain.vcpus[vcpu].power !== 'on';
  }

  /** Record a vCPU state change (the scheduler and PSCI call this); updates the guest's runstate area. */
  setRunstate(vcpu: number, state: RunstateName): void {
    if (state === 'running') this.pollers[vcpu] = null;
    this.runstates.set(vcpu, state);
  }

  /** Are interrupts unmasked at `vcpu` (PSTATE.I clear: vcpu_event_delivery_is_enabled on Arm)? */
  eventDeliveryEnabled(vcpu: number): boolean {
    return (this.engine.u32(vcpu, S_DAIF) & DAIF_I) === 0;
  }

  /** SCHEDOP_block: wait like WFI until an interrupt is pending. */
  block(vcpu: number): void {
    const v = this.domain?.vcpus[vcpu];
    if (!v) return;
    v.deadline = this.machine.sync(vcpu);
    if (!this.machine.interruptPending(vcpu)) v.blocked = true;
  }

  /** SCHEDOP_poll after the checks: block until one of `ports` is raised, an interrupt or the deadline. */
  poll(vcpu: number, ports: readonly number[], deadline: bigint | null): void {
    this.pollers[vcpu] = { ports, deadline };
    this.block(vcpu);
  }

  /** Wake pollers whose deadline passed; returns nanoseconds until the next poll deadline, or null. */
  expirePolls(): number | null {
    const now = this.clock.monotonicNs();
    let next: bigint | null = null;
    for (let v = 0; v < this.vcpus; v++) {
      const p = this.pollers[v];
      if (!p || p.deadline === null) continue;
      if (p.deadline <= now) this.wake(v);
      else if (next === null || p.deadline - now < next) next = p.deadline - now;
    }
    return next === null ? null : Number(next);
  }

  isPolling(vcpu: number): boolean {
    return this.pollers[vcpu] !== null;
  }

  private wakePollers(port: number): void {
    for (let v = 0; v < this.vcpus; v++) {
      const p = this.pollers[v];
      if (p && (p.ports.length !== 1 || p.ports[0] === port)) this.wake(v);
    }
  }

  private wake(vcpu: number): void {
    this.pollers[vcpu] = null;
    const v = this.domain?.vcpus[vcpu];
    if (v?.blocked) {
      v.blocked = false;
      this.onWake?.(vcpu);
    }
  }

  // ---- shutdown ----

  /** domain_shutdown: the first reason sticks; the vCPUs stop. A suspended domain stays paused for resume. */
  shutdown(code: number): void {
    if (this.shutdownCode !== null) return;
    this.shutdownCode = this.pendingShutdownCode ?? code & 0xff;
    const d = this.domain;
    if (d) {
      if (this.shutdownCode === SHUTDOWN_suspend) d.pause();
      else d.shutdown(domainReason(this.shutdownCode));
    }
    this.host.domainShutdown(this, this.shutdownCode);
  }

  /** SHUTDOWN_* name of the shutdown, or undefined while running. */
  get shutdownReason(): string | undefined {
    const code = this.shutdownCode;
    return code === null ? undefined : SHUTDOWN_NAMES[code] ?? `unknown(${code})`;
  }

  // ---- time ----

  /**
   * Publish the wallclock: host real time at guest counter zero (the virtual counter is CNTPCT - CNTVOFF), plus
   * the domain's time offset. Linux adds its own uptime to it (arch/arm/xen/enlighten.c xen_read_wallclock).
   */
  updateWallclock(): void {
    const freq = BigInt(this.engine.u32(0, S_CNTFRQ) || 62_500_000);
    const guestTicks = this.machine.counter() - this.engine.sysreg(0, SR_CNTVOFF_EL2);
    const wallNs = BigInt(Math.round(this.clock.wallSeconds() * 1e6)) * 1000n;
    const offsetNs = BigInt(Math.trunc(this.timeOffsetSeconds)) * 1_000_000_000n;
    const ns = wallNs - (guestTicks * 1_000_000_000n) / freq + offsetNs;
    const sec = ns >= 0n ? ns / 1_000_000_000n : (ns - 999_999_999n) / 1_000_000_000n;
    this.shared.setWallclock(sec, Number(ns - sec * 1_000_000_000n));
  }

  // ---- internals ----

  clearExclusiveAll(): void {
    for (let v = 0; v < this.vcpus; v++) this.engine.clearExclusive(v);
  }

  /** Tear down what other domains can see (event channels become unbound at their peers). */
  destroy(): void {
    this.evtchn.destroy();
  }
}

/** The Domain's reason for a Xen shutdown code (hv/domain.ts knows poweroff, reboot and crash). */
function domainReason(code: number): ShutdownReason {
  switch (code) {
    case SHUTDOWN_poweroff: return 'poweroff';
    case SHUTDOWN_reboot:
    case SHUTDOWN_soft_reset: return 'reboot';
    default: return 'crash'; // crash, watchdog (xl's on_watchdog default is destroy), unknown codes
  }
}
