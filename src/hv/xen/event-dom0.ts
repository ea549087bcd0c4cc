// hv/xen/event-dom0.ts - port ops for domain 0, whose "vCPU" is the in-process dom0 services (xenstored,
// xenconsoled, backends). Choose it for the dom0 EventChannels only: instead of shared_info bits and an upcall
// PPI, a pending port runs the callback registered for it with EventChannels.setDom0Handler(port, fn). Same
// pending/mask rules as event_2l.c: a second event on a port still pending is absorbed, a masked port keeps its
// event until unmasked, and a port pending before its handler existed (bind_interdomain always sets the new local
// port pending) is delivered when the handler is set.

import { Logger } from '../../base/log.js';
import { EVTCHN_2L_NR_CHANNELS } from '../../abi/xen/event_channel.js';
import { EventChannels, type EvtchnHandler, type EvtchnPortOps } from './event-channel.js';

export interface Dom0PortOpsOptions {
  /** Ports dom0 may use; default 4096 as for a 2-level guest. */
  maxPorts?: number;
  /**
   * How deliveries are scheduled. Without it handlers run synchronously, inside the guest's EVTCHNOP_send (the
   * simplest and deterministic choice); the host may pass e.g. `run => queueMicrotask(run)` or setImmediate to
   * run dom0 services after the guest's slice instead. Either way at most one drain is queued at a time.
   */
  defer?: (run: () => void) => void;
}

export class Dom0PortOps implements EvtchnPortOps {
  readonly maxPorts: number;
  private readonly pending: Uint8Array;
  private readonly masked: Uint8Array;
  private readonly queued: Uint8Array;
  private readonly handlers: (EvtchnHandler | null)[];
  private readonly queue: number[] = [];
  private readonly defer?: (run: () => void) => void;
  private draining = false;
  private scheduled = false;
  private readonly log = new Logger('d0 evtchn');

  constructor(opts: Dom0PortOpsOptions = {}) {
    this.maxPorts = opts.maxPorts ?? EVTCHN_2L_NR_CHANNELS;
    this.pending = new Uint8Array(this.maxPorts);
    this.masked = new Uint8Array(this.maxPorts);
    this.queued = new Uint8Array(this.maxPorts);
    this.handlers = new Array<EvtchnHandler | null>(this.maxPorts).fill(null);
    this.defer = opts.defer;
  }

  setPending(_vcpu: number, port: number): void {
    if (this.pending[port]) return;
    this.pending[port] = 1;
    if (!this.masked[port]) this.enqueue(port);
  }

  clearPending(port: number): void {
    this.pending[port] = 0;
  }

  unmask(port: number): void {
    if (!this.masked[port]) return;
    this.masked[port] = 0;
    if (this.pending[port]) this.enqueue(port);
  }

  /** Dom0's side of masking (what a real dom0 kernel does in its own shared_info). */
  mask(port: number): void {
    this.masked[port] = 1;
  }

  isPending(port: number): boolean {
    return this.pending[port] === 1;
  }

  isMasked(port: number): boolean {
    return this.masked[port] === 1;
  }

  setHandler(port: number, fn: EvtchnHandler | null): void {
    this.handlers[port] = fn;
    if (fn && this.pending[port] && !this.masked[port]) this.enqueue(port);
  }

  private enqueue(port: number): void {
    if (this.queued[port] || !this.handlers[port]) return; // no handler yet: stays pending until one is set
    this.queued[port] = 1;
    this.queue.push(port);
    if (this.draining) return; // the running drain picks it up: no recursion into handlers
    if (!this.defer) {
      this.drain();
    } else if (!this.scheduled) {
      this.scheduled = true;
      this.defer(() => {
        this.scheduled = false;
        this.drain();
      });
    }
  }

  /** Run handlers until nothing is queued; an event arriving during its handler runs that handler again. */
  private drain(): void {
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const port = this.queue[i]!;
        this.queued[port] = 0;
        const fn = this.handlers[port];
        if (!this.pending[port] || this.masked[port] || !fn) continue;
        this.pending[port] = 0; // cleared before the call, so an event sent meanwhile is not lost
        try {
          fn(port);
        } catch (err) {
          // A failing dom0 service must not unwind into the guest's hypercall or starve the other ports
          this.log.error(`handler of port ${port} failed: ${(err as Error).stack ?? err}`);
        }
      }
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }
}

/** Domain 0's event channels with in-process delivery (one "vCPU": the dom0 services). */
export function createDom0EventChannels(opts: Dom0PortOpsOptions = {}): { evtchn: EventChannels; ops: Dom0PortOps } {
  const ops = new Dom0PortOps(opts);
  return { evtchn: new EventChannels(0, ops, { maxPorts: ops.maxPorts, vcpus: 1 }), ops };
}
