// hv/xen/event-2l.ts - the 2-level event-channel ABI (xen/common/event_2l.c behind evtchn_port_ops), the one a
// guest gets when EVTCHNOP_init_control fails. Choose it for every guest domain: Linux falls back to it when FIFO
// is refused, and its state lives entirely in shared_info (evtchn_pending[64], evtchn_mask[64]) and each vCPU's
// vcpu_info (evtchn_pending_sel, evtchn_upcall_pending), which SharedInfoAccess reads and writes atomically.
// Delivery order is event_2l.c's: pending bit, then mask, then the notify vCPU's selector word, then upcall.

import { EVTCHN_2L_BITS_PER_WORD, EVTCHN_2L_NR_CHANNELS } from '../../abi/xen/event_channel.js';
import type { EvtchnPortOps } from './event-channel.js';

/**
 * Atomic access to the event bits of one domain's shared_info and vcpu_info pages (xen/include/public/xen.h).
 * Implemented over guest memory by the hypervisor object; every read-modify-write must be atomic with respect to
 * the guest's own LDXR/STXR or LSE updates of the same words (and clear the guest's exclusive monitors).
 */
export interface SharedInfoAccess {
  /** Set evtchn_pending[port]; true if it was already set. */
  testAndSetPending(port: number): boolean;
  clearPending(port: number): void;
  isPending(port: number): boolean;
  isMasked(port: number): boolean;
  /** Clear evtchn_mask[port]; the 2-level unmask needs to know whether it was set, see testAndClearMask. */
  clearMask(port: number): void;
  /** Set bit `word` of vcpu_info(vcpu).evtchn_pending_sel; true if it was already set. */
  testAndSetPendingSel(vcpu: number, word: number): boolean;
  /** Set vcpu_info(vcpu).evtchn_upcall_pending; true if it went 0 -> 1. */
  setUpcallPending(vcpu: number): boolean;
  /** Assert the event-channel PPI (31) on `vcpu` (vgic_inject_irq of the domain's evtchn_irq). */
  raiseUpcall(vcpu: number): void;
  /**
   * Optional atomic test-and-clear of evtchn_mask[port] (true if it was set). event_2l.c's unmask only re-raises
   * when the mask bit was set; without this method the mask is read, then cleared (racy only against a guest
   * that sets the mask on another vCPU at the same moment, and then the worst case is one spurious upcall).
   */
  testAndClearMask?(port: number): boolean;
}

/** log2(EVTCHN_2L_BITS_PER_WORD): the selector bit of a port is port / BITS_PER_EVTCHN_WORD(d). */
const WORD_SHIFT = Math.log2(EVTCHN_2L_BITS_PER_WORD);

/** evtchn_port_ops_2l over one domain's shared_info. Ports must already be range-checked by EventChannels. */
export class EventTwoLevel implements EvtchnPortOps {
  readonly maxPorts = EVTCHN_2L_NR_CHANNELS;

  constructor(private readonly shared: SharedInfoAccess) {}

  /** evtchn_2l_set_pending: the vCPU is the port's notify vCPU (or the VIRQ's vCPU). */
  setPending(vcpu: number, port: number): void {
    const s = this.shared;
    if (s.testAndSetPending(port)) return;
    if (!s.isMasked(port) && !s.testAndSetPendingSel(vcpu, port >>> WORD_SHIFT)) this.markEventsPending(vcpu);
  }

  /** evtchn_2l_clear_pending */
  clearPending(port: number): void {
    this.shared.clearPending(port);
  }

  /** evtchn_2l_unmask: clear the mask and, if it was set and the port is pending, deliver to the notify vCPU. */
  unmask(port: number, notifyVcpu: number): void {
    const s = this.shared;
    let wasMasked: boolean;
    if (s.testAndClearMask) {
      wasMasked = s.testAndClearMask(port);
    } else {
      wasMasked = s.isMasked(port);
      s.clearMask(port);
    }
    if (wasMasked && s.isPending(port) && !s.testAndSetPendingSel(notifyVcpu, port >>> WORD_SHIFT)) {
      this.markEventsPending(notifyVcpu);
    }
  }

  isPending(port: number): boolean {
    return port < EVTCHN_2L_NR_CHANNELS && this.shared.isPending(port);
  }

  isMasked(port: number): boolean {
    return port >= EVTCHN_2L_NR_CHANNELS || this.shared.isMasked(port);
  }

  /** vcpu_mark_events_pending (xen/arch/arm/domain.c): upcall_pending 0 -> 1 injects the PPI. */
  private markEventsPending(vcpu: number): void {
    if (this.shared.setUpcallPending(vcpu)) this.shared.raiseUpcall(vcpu);
  }
}
