// hv/xen/testing.ts - test helpers of the event-channel modules: FakeSharedInfo, a SharedInfoAccess over plain
// arrays that records every upcall it is asked to raise. (Reconstructed by the hypercall helper after it
// overwrote this file by mistake; the event-channel engineer should check it against the original.)

import { EVTCHN_2L_NR_CHANNELS } from '../../abi/xen/event_channel.js';
import type { SharedInfoAccess } from './event-2l.js';

/** evtchn_pending / evtchn_mask as one byte per port, and per vCPU the selector word and upcall flag. */
export class FakeSharedInfo implements SharedInfoAccess {
  readonly pending = new Uint8Array(EVTCHN_2L_NR_CHANNELS);
  readonly mask = new Uint8Array(EVTCHN_2L_NR_CHANNELS);
  readonly pendingSel: bigint[];
  readonly upcallPending: boolean[];
  /** vCPUs raiseUpcall was called for, in order. */
  readonly upcalls: number[] = [];
  testAndClearMask?: (port: number) => boolean;

  /** `atomicMask` = false leaves out the optional testAndClearMask, as a minimal implementation would. */
  constructor(vcpus = 1, atomicMask = true) {
    this.pendingSel = new Array<bigint>(vcpus).fill(0n);
    this.upcallPending = new Array<boolean>(vcpus).fill(false);
    if (atomicMask) {
      this.testAndClearMask = (port: number) => {
        const was = this.mask[port] === 1;
        this.mask[port] = 0;
        return was;
      };
    }
  }

  testAndSetPending(port: number): boolean {
    const was = this.pending[port] === 1;
    this.pending[port] = 1;
    return was;
  }
  clearPending(port: number): void {
    this.pending[port] = 0;
  }
  isPending(port: number): boolean {
    return this.pending[port] === 1;
  }
  isMasked(port: number): boolean {
    return this.mask[port] === 1;
  }
  clearMask(port: number): void {
    this.mask[port] = 0;
  }
  testAndSetPendingSel(vcpu: number, word: number): boolean {
    const bit = 1n << BigInt(word);
    const was = (this.pendingSel[vcpu] & bit) !== 0n;
    this.pendingSel[vcpu] |= bit;
    return was;
  }
  setUpcallPending(vcpu: number): boolean {
    const was = this.upcallPending[vcpu];
    this.upcallPending[vcpu] = true;
    return !was;
  }
  raiseUpcall(vcpu: number): void {
    this.upcalls.push(vcpu);
  }

  /** What the guest's upcall handler does first: clear evtchn_upcall_pending and take the selector word. */
  ack(vcpu: number): void {
    this.upcallPending[vcpu] = false;
    this.pendingSel[vcpu] = 0n;
  }
}
