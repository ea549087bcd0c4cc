// hv/xen/event-channel.ts - one domain's event channels (xen/common/event_channel.c; ABI in
// xen/include/public/event_channel.h): port allocation, unbound / interdomain / VIRQ / IPI bindings, send, close,
// unmask, status and bind_vcpu. How a pending event reaches the domain is a policy behind EvtchnPortOps (Xen's
// evtchn_port_ops): event-2l.ts for guests (shared_info bits and the upcall PPI), event-dom0.ts for the in-process
// dom0 services (a callback per port). The hypercall framework decodes guest arguments, resolves domain ids
// (DOMID_SELF, privilege) and calls these methods; every method validates its own arguments, so a guest can only
// ever name its own ports, and reaches another domain's port only through an interdomain binding that the other
// domain offered to it with alloc_unbound.

import { Logger, RateLimitedLog } from '../../base/log.js';
import {
  EVTCHN_2L_NR_CHANNELS, EVTCHNSTAT_closed, EVTCHNSTAT_interdomain, EVTCHNSTAT_ipi, EVTCHNSTAT_unbound,
  EVTCHNSTAT_virq,
} from '../../abi/xen/event_channel.js';
import {
  DOMID_SELF, NR_VIRQS, VIRQ_DEBUG, VIRQ_TIMER, VIRQ_XENOPROF, VIRQ_XENPMU, XEN_EEXIST, XEN_EINVAL, XEN_ENOENT,
  XEN_ENOSPC, XEN_ENOSYS,
} from '../../abi/xen/xen.js';

/**
 * virq_is_global (event_channel.c): the per-vCPU VIRQs are the "V." ones of xen.h; on Arm the VIRQ_ARCH_* are
 * global too (xen/arch/arm/include/asm/event.h arch_virq_is_global).
 */
export function virqIsGlobal(virq: number): boolean {
  return !(virq === VIRQ_TIMER || virq === VIRQ_DEBUG || virq === VIRQ_XENOPROF || virq === VIRQ_XENPMU);
}

// Channel states (xen/include/xen/sched.h ECS_*); a channel is "usable" when state > ECS_RESERVED (event.h).
const ECS_FREE = 0;
const ECS_RESERVED = 1;
const ECS_UNBOUND = 2;
const ECS_INTERDOMAIN = 3;
const ECS_VIRQ = 5;
const ECS_IPI = 6;

/** An in-process consumer of a port's events (xenstored, xenconsoled, a backend): called with the local port. */
export type EvtchnHandler = (port: number) => void;

/**
 * How events are marked pending and delivered (xen/include/xen/event.h struct evtchn_port_ops). Ports passed in
 * are always below the EventChannels' maxPorts and belong to a usable channel.
 */
export interface EvtchnPortOps {
  /** Highest number of ports this ABI can name (4096 for 2-level on a 64-bit guest). */
  readonly maxPorts?: number;
  /** Mark `port` pending and notify `vcpu` (the channel's notify vCPU) if it is not masked. */
  setPending(vcpu: number, port: number): void;
  clearPending(port: number): void;
  /** Clear the mask and re-deliver a pending event to `notifyVcpu`, the channel's notify vCPU. */
  unmask(port: number, notifyVcpu: number): void;
  isPending(port: number): boolean;
  isMasked(port: number): boolean;
  /** In-process delivery only (event-dom0.ts): route `port`'s events to `fn`; null removes the handler. */
  setHandler?(port: number, fn: EvtchnHandler | null): void;
}

/** EVTCHNOP_status result: `dom`/`port` for unbound (dom only) and interdomain channels, `virq` for VIRQs. */
export interface EvtchnStatus {
  status: number; // EVTCHNSTAT_*
  vcpu: number;
  dom?: number;
  port?: number;
  virq?: number;
}

export interface EventChannelsOptions {
  /** Ports this domain may use (port 0 is reserved); at most the ops' maxPorts, default all of them. */
  maxPorts?: number;
  vcpus: number;
}

export class EventChannels {
  readonly domid: number;
  readonly maxPorts: number;
  readonly vcpus: number;
  private readonly state: Uint8Array;
  private readonly notifyVcpu: Uint16Array; // notify_vcpu_id
  private readonly unboundRemote: Uint16Array; // u.unbound.remote_domid
  private readonly peer: (EventChannels | null)[]; // u.interdomain.remote_dom
  private readonly peerPort: Uint32Array; // u.interdomain.remote_port
  private readonly virqOf: Uint8Array; // u.virq
  private readonly virqToEvtchn: Uint32Array; // per vCPU: [vcpu * NR_VIRQS + virq], 0 = unbound
  private dying = false;
  private readonly log: RateLimitedLog;

  constructor(domid: number, private readonly ops: EvtchnPortOps, opts?: EventChannelsOptions) {
    const limit = ops.maxPorts ?? EVTCHN_2L_NR_CHANNELS;
    const maxPorts = opts?.maxPorts ?? limit;
    const vcpus = opts?.vcpus ?? 1;
    if (!Number.isInteger(maxPorts) || maxPorts < 2 || maxPorts > limit) {
      throw new RangeError(`event channels of d${domid}: maxPorts must be 2..${limit}, got ${maxPorts}`);
    }
    if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > 0xffff) {
      throw new RangeError(`event channels of d${domid}: vcpus must be 1..65535, got ${vcpus}`);
    }
    this.domid = domid;
    this.maxPorts = maxPorts;
    this.vcpus = vcpus;
    this.state = new Uint8Array(maxPorts);
    this.notifyVcpu = new Uint16Array(maxPorts);
    this.unboundRemote = new Uint16Array(maxPorts);
    this.peer = new Array<EventChannels | null>(maxPorts).fill(null);
    this.peerPort = new Uint32Array(maxPorts);
    this.virqOf = new Uint8Array(maxPorts);
    this.virqToEvtchn = new Uint32Array(vcpus * NR_VIRQS);
    this.state[0] = ECS_RESERVED; // evtchn_init: port 0 is never handed out
    const logger = new Logger(`d${domid} evtchn`);
    this.log = new RateLimitedLog(line => logger.warn(line));
  }

  // ---- guest operations (EVTCHNOP_*) ----

  /** EVTCHNOP_alloc_unbound for this domain: a fresh port accepting a binding from `remoteDom`. */
  allocUnbound(remoteDom: number): number {
    if (!isDomid(remoteDom)) return -XEN_EINVAL;
    const port = this.getFreePort();
    if (port < 0) return this.fail('alloc_unbound', port);
    this.state[port] = ECS_UNBOUND;
    this.unboundRemote[port] = remoteDom === DOMID_SELF ? this.domid : remoteDom;
    return port;
  }

  /**
   * EVTCHNOP_bind_interdomain: connect a fresh local port to `remote`'s `remotePort`, which must be unbound and
   * offered to this domain (`remote` may be this object: loopback). The local port is set pending at once, as
   * Xen does, in case the peer signalled before the binding existed.
   */
  bindInterdomain(remote: EventChannels, remotePort: number): number {
    const lport = this.getFreePort();
    if (lport < 0) return this.fail('bind_interdomain', lport);
    if (!remote.valid(remotePort) || remote.state[remotePort] !== ECS_UNBOUND ||
        remote.unboundRemote[remotePort] !== this.domid) {
      return this.fail('bind_interdomain', -XEN_EINVAL, `d${remote.domid} port ${remotePort} is not offered to us`);
    }
    this.state[lport] = ECS_INTERDOMAIN;
    this.peer[lport] = remote;
    this.peerPort[lport] = remotePort;
    remote.state[remotePort] = ECS_INTERDOMAIN;
    remote.peer[remotePort] = this;
    remote.peerPort[remotePort] = lport;
    this.setPendingOn(lport);
    return lport;
  }

  /** EVTCHNOP_bind_virq: global VIRQs bind on vCPU 0 (and may move later), per-vCPU ones once per vCPU. */
  bindVirq(virq: number, vcpu: number): number {
    if (!Number.isInteger(virq) || virq < 0 || virq >= NR_VIRQS) return -XEN_EINVAL;
    if (virqIsGlobal(virq) && vcpu !== 0) return -XEN_EINVAL;
    if (!this.validVcpu(vcpu)) return -XEN_ENOENT;
    const slot = vcpu * NR_VIRQS + virq;
    if (this.virqToEvtchn[slot] !== 0) return this.fail('bind_virq', -XEN_EEXIST);
    const port = this.getFreePort();
    if (port < 0) return this.fail('bind_virq', port);
    this.state[port] = ECS_VIRQ;
    this.notifyVcpu[port] = vcpu;
    this.virqOf[port] = virq;
    this.virqToEvtchn[slot] = port;
    return port;
  }

  /** EVTCHNOP_bind_ipi: a port that notifies `vcpu` when this domain sends on it. */
  bindIpi(vcpu: number): number {
    if (!this.validVcpu(vcpu)) return -XEN_ENOENT;
    const port = this.getFreePort();
    if (port < 0) return this.fail('bind_ipi', port);
    this.state[port] = ECS_IPI;
    this.notifyVcpu[port] = vcpu;
    return port;
  }

  /** EVTCHNOP_close: free the port; an interdomain peer goes back to unbound, offered to this domain again. */
  close(port: number): number {
    if (!this.valid(port)) return -XEN_EINVAL;
    switch (this.state[port]) {
      case ECS_UNBOUND:
      case ECS_IPI:
        break;
      case ECS_VIRQ: {
        const virq = this.virqOf[port]!;
        const v = virqIsGlobal(virq) ? 0 : this.notifyVcpu[port]!;
        this.virqToEvtchn[v * NR_VIRQS + virq] = 0;
        break;
      }
      case ECS_INTERDOMAIN: {
        const remote = this.peer[port]!;
        const rport = this.peerPort[port]!;
        this.free(port);
        remote.state[rport] = ECS_UNBOUND;
        remote.unboundRemote[rport] = this.domid;
        remote.peer[rport] = null;
        return 0;
      }
      default: // ECS_FREE, ECS_RESERVED
        return -XEN_EINVAL;
    }
    this.free(port);
    return 0;
  }

  /** EVTCHNOP_send: interdomain -> the peer's port, IPI -> this port, unbound -> dropped silently. */
  send(port: number): number {
    if (!this.valid(port)) return -XEN_EINVAL;
    switch (this.state[port]) {
      case ECS_INTERDOMAIN:
        this.peer[port]!.setPendingOn(this.peerPort[port]!);
        return 0;
      case ECS_IPI:
        this.setPendingOn(port);
        return 0;
      case ECS_UNBOUND:
        return 0;
      default:
        return -XEN_EINVAL;
    }
  }

  /** EVTCHNOP_unmask: a free port is accepted and ignored, as in Xen. */
  unmask(port: number): number {
    if (!this.valid(port)) return -XEN_EINVAL;
    if (this.state[port]! > ECS_RESERVED) this.ops.unmask(port, this.notifyVcpu[port]!);
    return 0;
  }

  /** EVTCHNOP_status of one of this domain's ports. */
  status(port: number): EvtchnStatus | number {
    if (!this.valid(port)) return -XEN_EINVAL;
    const vcpu = this.notifyVcpu[port]!;
    switch (this.state[port]) {
      case ECS_UNBOUND:
        return { status: EVTCHNSTAT_unbound, vcpu, dom: this.unboundRemote[port]! };
      case ECS_INTERDOMAIN:
        return { status: EVTCHNSTAT_interdomain, vcpu, dom: this.peer[port]!.domid, port: this.peerPort[port]! };
      case ECS_VIRQ:
        return { status: EVTCHNSTAT_virq, vcpu, virq: this.virqOf[port]! };
      case ECS_IPI:
        return { status: EVTCHNSTAT_ipi, vcpu };
      default:
        return { status: EVTCHNSTAT_closed, vcpu };
    }
  }

  /**
   * EVTCHNOP_bind_vcpu: choose the vCPU a channel notifies (Linux's 2-level scan only looks at ports bound to
   * the CPU taking the upcall). IPIs and per-vCPU VIRQs keep the vCPU they were bound on.
   */
  bindVcpu(port: number, vcpu: number): number {
    if (!this.validVcpu(vcpu)) return -XEN_ENOENT;
    if (!this.valid(port)) return -XEN_EINVAL;
    switch (this.state[port]) {
      case ECS_VIRQ:
        if (!virqIsGlobal(this.virqOf[port]!)) return -XEN_EINVAL;
        this.notifyVcpu[port] = vcpu;
        return 0;
      case ECS_UNBOUND:
      case ECS_INTERDOMAIN:
        this.notifyVcpu[port] = vcpu;
        return 0;
      default:
        return -XEN_EINVAL;
    }
  }

  /** EVTCHNOP_set_priority: a FIFO-only operation; the 2-level ops have none (evtchn_port_set_priority). */
  setPriority(port: number, _priority: number): number {
    if (!this.valid(port)) return -XEN_EINVAL;
    return -XEN_ENOSYS;
  }

  /** EVTCHNOP_reset for this domain (evtchn_reset): close every port. */
  reset(): number {
    for (let port = 1; port < this.maxPorts; port++) if (this.state[port]! > ECS_RESERVED) this.close(port);
    return 0;
  }

  // ---- hypervisor and dom0 side ----

  /**
   * Mark one of this domain's own ports pending at its notify vCPU (evtchn_port_set_pending), as the hypervisor
   * does for VIRQs and Xen-attached channels. An in-process backend that owns a dom0 port should rather
   * `send()` on that port, which raises the frontend's end exactly like a real backend's EVTCHNOP_send.
   */
  raise(port: number): number {
    if (!this.valid(port) || this.state[port]! <= ECS_RESERVED) return -XEN_EINVAL;
    this.setPendingOn(port);
    return 0;
  }

  /** send_guest_vcpu_virq / send_guest_global_virq: deliver `virq` if the domain bound it; false if not. */
  sendVirq(virq: number, vcpu = 0): boolean {
    if (!Number.isInteger(virq) || virq < 0 || virq >= NR_VIRQS) return false;
    const v = virqIsGlobal(virq) ? 0 : vcpu;
    if (!this.validVcpu(v)) return false;
    const port = this.virqToEvtchn[v * NR_VIRQS + virq]!;
    if (port === 0) return false;
    this.ops.setPending(virqIsGlobal(virq) ? this.notifyVcpu[port]! : v, port);
    return true;
  }

  /**
   * Deliver the events of one of this domain's ports to an in-process callback (dom0's services: xenstored,
   * xenconsoled, backends). Needs port ops that deliver in-process (event-dom0.ts); the handler stays across the
   * peer closing and rebinding, and goes when this port is closed.
   */
  setDom0Handler(port: number, fn: EvtchnHandler | null): number {
    if (!this.ops.setHandler) {
      throw new Error(`d${this.domid}: setDom0Handler needs in-process port ops (Dom0PortOps), not a guest's`);
    }
    if (!this.valid(port) || this.state[port]! <= ECS_RESERVED) return -XEN_EINVAL;
    this.ops.setHandler(port, fn);
    return 0;
  }

  isPending(port: number): boolean {
    return this.valid(port) && this.state[port]! > ECS_RESERVED && this.ops.isPending(port);
  }

  isMasked(port: number): boolean {
    return !this.valid(port) || this.state[port]! <= ECS_RESERVED || this.ops.isMasked(port);
  }

  /** evtchn_destroy: the domain is dying; close every port (peers become unbound) and refuse new ones. */
  destroy(): void {
    this.dying = true;
    this.reset();
  }

  /** One line per open port, like Xen's 'e' debug key (domain_dump_evtchn_info). */
  dump(): string[] {
    const lines: string[] = [];
    for (let port = 1; port < this.maxPorts; port++) {
      const s = this.state[port]!;
      if (s === ECS_FREE) continue;
      let line = `${port} [${+this.isPending(port)}/${+this.isMasked(port)}]: s=${s} n=${this.notifyVcpu[port]}`;
      if (s === ECS_UNBOUND) line += ` d=${this.unboundRemote[port]}`;
      else if (s === ECS_INTERDOMAIN) line += ` d=${this.peer[port]!.domid} p=${this.peerPort[port]}`;
      else if (s === ECS_VIRQ) line += ` v=${this.virqOf[port]}`;
      lines.push(line);
    }
    return lines;
  }

  // ---- internals ----

  private valid(port: number): boolean {
    return Number.isInteger(port) && port >= 0 && port < this.maxPorts;
  }

  private validVcpu(vcpu: number): boolean {
    return Number.isInteger(vcpu) && vcpu >= 0 && vcpu < this.vcpus;
  }

  /** get_free_port: the lowest free port, -ENOSPC when all are in use. */
  private getFreePort(): number {
    if (this.dying) return -XEN_EINVAL;
    const port = this.state.indexOf(ECS_FREE, 1);
    return port < 0 ? -XEN_ENOSPC : port;
  }

  /** evtchn_free: a re-used port starts clean, bound to vCPU 0. The mask bit is the guest's and stays. */
  private free(port: number): void {
    this.ops.clearPending(port);
    this.ops.setHandler?.(port, null);
    this.state[port] = ECS_FREE;
    this.notifyVcpu[port] = 0;
    this.peer[port] = null;
  }

  /** evtchn_port_set_pending on a usable channel of this domain. */
  private setPendingOn(port: number): void {
    if (this.state[port]! > ECS_RESERVED) this.ops.setPending(this.notifyVcpu[port]!, port);
  }

  /** ERROR_EXIT: a failed binding is logged (rate-limited) and returned to the caller. */
  private fail(op: string, rc: number, why = ''): number {
    this.log.warn(`${op}:${rc}`, () => `d${this.domid} EVTCHNOP_${op} failed: error ${rc}${why ? ` (${why})` : ''}`);
    return rc;
  }
}

function isDomid(d: number): boolean {
  return Number.isInteger(d) && d >= 0 && d <= 0xffff;
}
