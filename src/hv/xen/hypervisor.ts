// hv/xen/hypervisor.ts - the Xen object: every domain by id, domain 0 and the control API that dom0 services
// and the toolstack use (the analogue of domctl/sysctl through /dev/xen/privcmd, evtchn and gntdev): create,
// destroy, pause, unpause, shut down and resume domains, memory limits and magic pages, HVM params, domain
// info, the hypervisor console, and the event-channel and grant-table operations of dom0's side.
// Domain 0 is the in-process control domain: it has no vCPUs and no guest memory, only event channels whose
// events run callbacks (event-dom0.ts), and it is privileged (XSM's is_control_domain).

import { Logger } from '../../base/log.js';
import {
  HVM_NR_PARAMS, HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_CONSOLE_EVTCHN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_MONITOR_RING_PFN,
  HVM_PARAM_STORE_EVTCHN, HVM_PARAM_STORE_PFN,
} from '../../abi/xen/hvm_params.js';
import { SHUTDOWN_suspend } from '../../abi/xen/sched.js';
import { RUNSTATE_running } from '../../abi/xen/vcpu.js';
import { DOMID_FIRST_RESERVED, DOMID_SELF, VIRQ_DOM_EXC, XEN_EINVAL, XEN_ESRCH } from '../../abi/xen/xen.js';
import { PAGE_SIZE } from '../../cpu/layout.js';
import { ConsoleRing } from './console-io.js';
import { createDom0EventChannels, type Dom0PortOps } from './event-dom0.js';
import type { EventChannels, EvtchnHandler, EvtchnStatus } from './event-channel.js';
import type { GrantTable } from './grant-table.js';
import { populateFrames } from './memory-op.js';
import { gfnFromGuest } from './p2m.js';
import { XenDomain, type XenDomainOptions, type XenHost } from './xen-domain.js';

/** What XENVER_* report (xen/common/version.c); defaults describe tsxen as Xen 4.17 on arm64. */
export interface XenVersionInfo {
  major: number;
  minor: number;
  extra: string;
  compiler: string;
  compileBy: string;
  compileDomain: string;
  compileDate: string;
  changeset: string;
  /** arch_get_xen_caps on arm64 */
  capabilities: string;
  /** Xen's command line (only a control domain may read it). */
  commandline: string;
  /** XENVER_platform_parameters.virt_start (HYPERVISOR_VIRT_START on arm64: XEN_VIRT_START). */
  virtStart: bigint;
}

export const DEFAULT_VERSION_INFO: XenVersionInfo = {
  major: 4, minor: 17, extra: '-tsxen',
  compiler: 'tsxen (TypeScript)', compileBy: 'tsxen', compileDomain: 'tsxen.invalid', compileDate: '',
  changeset: '', capabilities: 'xen-3.0-aarch64 xen-3.0-armv7l ', commandline: '', virtStart: 0x200000n,
};

/** Domain 0, the in-process control domain. */
export class Dom0 {
  readonly kind = 'dom0' as const;
  readonly id = 0;
  readonly name = 'Domain-0';
  readonly privileged = true;
  readonly evtchn: EventChannels;
  readonly ports: Dom0PortOps;

  constructor(defer?: (run: () => void) => void) {
    const { evtchn, ops } = createDom0EventChannels({ defer });
    this.evtchn = evtchn;
    this.ports = ops;
  }
}

export type AnyDomain = XenDomain | Dom0;

export interface XenOptions {
  version?: Partial<XenVersionInfo>;
  /** Bytes of the hypervisor console ring (Xen's conring; default 16 KiB). */
  consoleBytes?: number;
  /** Bytes of each domain's debug log (console_io output; default 64 KiB). */
  debugLogBytes?: number;
  /** How dom0 event handlers are scheduled (event-dom0.ts); default synchronously. */
  dom0Defer?: (run: () => void) => void;
  /** A domain wrote a complete line with console_io (earlycon=xenboot): the toolstack may show it. */
  onGuestConsole?: (domid: number, line: string) => void;
}

export type CreateDomainOptions = Omit<XenDomainOptions, 'id' | 'host'> & { domid?: number };

/** One line of `xl list`, from XEN_DOMCTL_getdomaininfo. */
export interface DomainInfo {
  domid: number;
  name: string;
  vcpus: number;
  vcpusOnline: number;
  running: boolean;
  blocked: boolean;
  paused: boolean;
  shutdown: boolean;
  dying: boolean;
  /** SHUTDOWN_* name when shut down. */
  shutdownReason?: string;
  totPages: number;
  maxPages: number;
  /** Nanoseconds the vCPUs spent running. */
  cpuTimeNs: bigint;
}

export type DomainEvent = { type: 'shutdown'; domid: number; reason: string } | { type: 'destroyed'; domid: number };

export class Xen implements XenHost {
  readonly version: XenVersionInfo;
  readonly dom0: Dom0;
  /** The hypervisor console (what `xl dmesg` shows). */
  readonly console: ConsoleRing;
  private readonly domains = new Map<number, XenDomain>();
  private readonly debugLogs = new Map<number, ConsoleRing>();
  private readonly listeners = new Set<(e: DomainEvent) => void>();
  private readonly opts: XenOptions;
  private nextDomid = 1;
  private readonly log = new Logger('xen');

  constructor(opts: XenOptions = {}) {
    this.opts = opts;
    this.version = { ...DEFAULT_VERSION_INFO, ...opts.version };
    this.dom0 = new Dom0(opts.dom0Defer);
    this.console = new ConsoleRing(opts.consoleBytes ?? 16384);
  }

  // ---- domains ----

  /** XEN_DOMCTL_createdomain: a guest domain for an engine and machine the toolstack built (paused). */
  createDomain(opts: CreateDomainOptions): XenDomain {
    const id = opts.domid ?? this.allocDomid();
    if (!Number.isInteger(id) || id <= 0 || id >= DOMID_FIRST_RESERVED || this.domains.has(id))
      throw new RangeError(`domain id ${id} is not free`);
    const d = new XenDomain({ ...opts, id, host: this });
    this.domains.set(id, d);
    this.debugLogs.set(id, new ConsoleRing(this.opts.debugLogBytes ?? 65536));
    this.log.info(`created d${id} (${opts.name}): ${d.vcpus} vCPUs, ${d.totPages} pages`);
    return d;
  }

  /** XEN_DOMCTL_destroydomain: the domain's channels close (peers see them unbound) and it is forgotten. */
  destroyDomain(domid: number): number {
    const d = this.domains.get(domid);
    if (!d) return -XEN_ESRCH;
    const dom = d.domain;
    if (dom) {
      // domain_kill: the vCPUs never run again; the scheduler drops a dying domain
      dom.state = 'dying';
      for (let v = 0; v < d.vcpus; v++) d.engine.requestExit(v);
    }
    d.destroy();
    this.domains.delete(domid);
    this.debugLogs.delete(domid);
    this.dom0.evtchn.sendVirq(VIRQ_DOM_EXC);
    this.emit({ type: 'destroyed', domid });
    return 0;
  }

  getDomain(domid: number): XenDomain | undefined {
    return this.domains.get(domid);
  }

  /** rcu_lock_domain_by_id: a domain by number (DOMID_SELF is not a number here). */
  byId(domid: number): AnyDomain | undefined {
    return domid === 0 ? this.dom0 : this.domains.get(domid);
  }

  /** rcu_lock_domain_by_any_id: DOMID_SELF is the caller; -ESRCH when there is no such domain. */
  lookup(current: AnyDomain, domid: number): AnyDomain | number {
    if (domid === DOMID_SELF) return current;
    return this.byId(domid) ?? -XEN_ESRCH;
  }

  /** XSM_TARGET in the dummy policy: a domain may act on itself; a control domain on any. */
  mayTarget(current: AnyDomain, target: AnyDomain): boolean {
    return current === target || current.privileged;
  }

  /** Subscribe to domain shutdowns and destructions (xenstored's @releaseDomain, the toolstack). */
  onDomainEvent(fn: (e: DomainEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  list(): DomainInfo[] {
    return [...this.domains.keys()].sort((a, b) => a - b).map(id => this.domainInfo(id)!);
  }

  domainInfo(domid: number): DomainInfo | undefined {
    const d = this.domains.get(domid);
    if (!d) return undefined;
    const dom = d.domain;
    const vcpusOnline = dom ? dom.vcpus.filter(v => v.power === 'on').length : 1;
    let cpu = 0n;
    let running = false;
    let blocked = true;
    for (let v = 0; v < d.vcpus; v++) {
      const r = d.runstates.get(v);
      cpu += r.time[RUNSTATE_running];
      if (r.state === 'running') running = true;
      if (dom && dom.vcpus[v].power === 'on' && !dom.vcpus[v].blocked) blocked = false;
    }
    const shut = d.shutdownCode !== null || dom?.state === 'shutdown';
    return {
      domid, name: d.name, vcpus: d.vcpus, vcpusOnline, running, blocked: !running && blocked && !shut,
      paused: dom?.state === 'paused', shutdown: shut, dying: dom?.state === 'dying',
      shutdownReason: d.shutdownReason ?? dom?.shutdownReason, totPages: d.totPages, maxPages: d.maxPages,
      cpuTimeNs: cpu,
    };
  }

  pause(domid: number): number {
    const d = this.domains.get(domid);
    if (!d?.domain) return -XEN_ESRCH;
    d.domain.pause();
    return 0;
  }

  unpause(domid: number): number {
    const d = this.domains.get(domid);
    if (!d?.domain) return -XEN_ESRCH;
    d.domain.unpause();
    return 0;
  }

  /** SCHEDOP_remote_shutdown from dom0 (xl shutdown -F, xl destroy's first step): shut down with `code`. */
  shutdownDomain(domid: number, code: number): number {
    const d = this.domains.get(domid);
    if (!d) return -XEN_ESRCH;
    d.shutdown(code);
    return 0;
  }

  /**
   * xc_domain_resume (cooperative): a domain suspended with SCHEDOP_shutdown(suspend) carries on as if the
   * suspend was cancelled; its SCHEDOP_shutdown returns 1.
   */
  resumeDomain(domid: number): number {
    const d = this.domains.get(domid);
    if (!d) return -XEN_ESRCH;
    if (d.shutdownCode !== SHUTDOWN_suspend) return -XEN_EINVAL;
    d.shutdownCode = null;
    for (let v = 0; v < d.vcpus; v++) if (!d.vcpuDown(v)) d.engine.setX(v, 0, 1n);
    d.domain?.unpause();
    return 0;
  }

  /** XEN_DOMCTL_max_mem: at most `kib` KiB of pages. */
  setMaxMem(domid: number, kib: number): number {
    const d = this.domains.get(domid);
    if (!d) return -XEN_ESRCH;
    if (!Number.isSafeInteger(kib) || kib < 0) return -XEN_EINVAL;
    d.maxPages = Math.floor(kib / (PAGE_SIZE / 1024));
    return 0;
  }

  /** Populate guest frames (the toolstack's magic pages: xc_domain_populate_physmap). Returns frames done. */
  populatePhysmap(domid: number, gfns: readonly number[]): number {
    const d = this.domains.get(domid);
    if (!d) return -XEN_ESRCH;
    let done = 0;
    for (const gfn of gfns) {
      if (populateFrames(d, gfn, 0) !== 0) break;
      done++;
    }
    d.p2m.commit();
    return done;
  }

  /**
   * xenforeignmemory_map of one guest frame for an in-process dom0 service (xenstored, xenconsoled): a view
   * of the page in the domain's Memory, or -errno. Valid until the guest changes its P2M at that frame.
   */
  foreignPage(domid: number, gfn: number): Uint8Array | number {
    const d = this.domains.get(domid);
    if (!d) return -XEN_ESRCH;
    if (!Number.isSafeInteger(gfn)) return -XEN_EINVAL;
    const host = d.p2m.gfnToHost(gfnFromGuest(BigInt(gfn)), true);
    if (host < 0) return -XEN_EINVAL;
    return d.engine.bytes.subarray(host, host + PAGE_SIZE);
  }

  /** HVMOP_set_param from the toolstack (hvm_allow_set_param with d != current). */
  setHvmParam(domid: number, index: number, value: bigint): number {
    const d = this.domains.get(domid);
    if (!d) return -XEN_ESRCH;
    switch (index) {
      case HVM_PARAM_CALLBACK_IRQ: case HVM_PARAM_STORE_PFN: case HVM_PARAM_STORE_EVTCHN:
      case HVM_PARAM_CONSOLE_PFN: case HVM_PARAM_CONSOLE_EVTCHN: case HVM_PARAM_MONITOR_RING_PFN:
        d.params[index] = BigInt.asUintN(64, value);
        return 0;
      default:
        return -XEN_EINVAL;
    }
  }

  getHvmParam(domid: number, index: number): bigint | number {
    const d = this.domains.get(domid);
    if (!d) return -XEN_ESRCH;
    if (!Number.isInteger(index) || index < 0 || index >= HVM_NR_PARAMS) return -XEN_EINVAL;
    return d.params[index];
  }

  // ---- console ----

  /** XEN_SYSCTL_readconsole: the hypervisor console; `clear` empties it. */
  readConsole(clear = false): string {
    return this.console.read(clear);
  }

  /** What a domain wrote with console_io (its own bounded log). */
  debugLog(domid: number, clear = false): string | undefined {
    return this.debugLogs.get(domid)?.read(clear);
  }

  // ---- event channels, dom0's side (xenevtchn_* / xc_evtchn_*) ----

  /** xc_evtchn_alloc_unbound(domid, remote): a port of `domid` that `remoteDomid` may bind. */
  evtchnAllocUnbound(domid: number, remoteDomid: number): number {
    const d = this.byId(domid);
    return d ? d.evtchn.allocUnbound(remoteDomid) : -XEN_ESRCH;
  }

  /** xenevtchn_bind_interdomain: a dom0 port connected to `remoteDomid`'s unbound `remotePort`. */
  evtchnBindInterdomain(remoteDomid: number, remotePort: number, handler?: EvtchnHandler): number {
    const r = this.byId(remoteDomid);
    if (!r) return -XEN_ESRCH;
    const port = this.dom0.evtchn.bindInterdomain(r.evtchn, remotePort);
    if (port > 0 && handler) this.dom0.evtchn.setDom0Handler(port, handler);
    return port;
  }

  /** xenevtchn_notify on a dom0 port. */
  evtchnNotify(port: number): number {
    return this.dom0.evtchn.send(port);
  }

  evtchnSetHandler(port: number, handler: EvtchnHandler | null): number {
    return this.dom0.evtchn.setDom0Handler(port, handler);
  }

  evtchnClose(domid: number, port: number): number {
    const d = this.byId(domid);
    return d ? d.evtchn.close(port) : -XEN_ESRCH;
  }

  evtchnStatus(domid: number, port: number): EvtchnStatus | number {
    const d = this.byId(domid);
    return d ? d.evtchn.status(port) : -XEN_ESRCH;
  }

  /** A domain's event channels (for dom0 services that need more than the calls above). */
  evtchnOf(domid: number): EventChannels | undefined {
    return this.byId(domid)?.evtchn;
  }

  /** A guest's grant table, for in-process backends (acquire/copy/map as xen/common/grant_table.c checks). */
  gnttabOf(domid: number): GrantTable | undefined {
    return this.domains.get(domid)?.gnttab;
  }

  // ---- XenHost (called by domains) ----

  consoleLine(domid: number, line: string): void {
    this.console.append(`(d${domid}) ${line}\n`);
    this.debugLogs.get(domid)?.append(`${line}\n`);
    this.opts.onGuestConsole?.(domid, line);
  }

  domainShutdown(d: XenDomain, code: number): void {
    this.log.info(`d${d.id} shut down: ${d.shutdownReason}`);
    this.dom0.evtchn.sendVirq(VIRQ_DOM_EXC);
    this.emit({ type: 'shutdown', domid: d.id, reason: d.shutdownReason ?? String(code) });
  }

  // ---- internals ----

  private allocDomid(): number {
    for (let i = 0; i < DOMID_FIRST_RESERVED; i++) {
      const id = this.nextDomid;
      this.nextDomid = id + 1 >= DOMID_FIRST_RESERVED ? 1 : id + 1;
      if (!this.domains.has(id)) return id;
    }
    throw new RangeError('no free domain id');
  }

  private emit(e: DomainEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch (err) {
        this.log.error(`domain event listener failed: ${(err as Error).stack ?? err}`);
      }
    }
  }
}
