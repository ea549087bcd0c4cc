// dom0/console/console-backend.ts - xenconsoled's job for one domain: the backend of the PV console ring
// (xen/include/public/io/console.h; tools/console/daemon/io.c). The guest writes `out` and notifies; the
// backend drains it to the user's terminal. Typed input goes into `in` as space allows; the rest waits here, so
// nothing the user types is lost. Indices are free-running u32s; the guest may change the page at any time, so
// indices are read once per pass and sanitised (a producer more than a ring ahead is a guest error).

import {
  XENCONS_CONNECTION, XENCONS_IN, XENCONS_IN_CONS, XENCONS_IN_PROD, XENCONS_IN_SIZE, XENCONS_OUT,
  XENCONS_OUT_CONS, XENCONS_OUT_PROD, XENCONS_OUT_SIZE,
} from '../../abi/xen/io/console.js';

export interface ConsoleBackendOptions {
  /** The 4 KiB console page (a view into the guest's memory). */
  page: Uint8Array;
  /** Kick the guest through the console event channel. */
  notify(): void;
  /** Bytes the guest wrote. */
  output(bytes: Uint8Array): void;
  /** A guest broke the ring protocol (logged by the caller, rate limited). */
  onGuestError?(message: string): void;
}

export class ConsoleBackend {
  private readonly page: Uint8Array;
  private readonly dv: DataView;
  private pendingInput: number[] = [];

  constructor(private readonly opts: ConsoleBackendOptions) {
    if (opts.page.length < 4096) throw new RangeError('console page must be 4096 bytes');
    this.page = opts.page;
    this.dv = new DataView(opts.page.buffer, opts.page.byteOffset, 4096);
  }

  /** Connect as xenconsoled does: clear `connection` so the guest knows the backend is there. */
  connect(): void {
    this.page[XENCONS_CONNECTION] = 0;
    this.opts.notify();
  }

  private u32(off: number): number {
    return this.dv.getUint32(off, true);
  }

  /** The guest notified the console event channel: drain output, refill input. */
  onKick(): void {
    this.drainOutput();
    this.fillInput();
  }

  /** User input for the guest. */
  input(bytes: Uint8Array): void {
    for (const b of bytes) this.pendingInput.push(b);
    this.fillInput();
  }

  private drainOutput(): void {
    const cons = this.u32(XENCONS_OUT_CONS);
    const prod = this.u32(XENCONS_OUT_PROD);
    const avail = (prod - cons) >>> 0;
    if (avail === 0) return;
    if (avail > XENCONS_OUT_SIZE) {
      // Producer ran more than a ring ahead: the guest corrupted its indices. Resynchronise, drop nothing valid.
      this.opts.onGuestError?.(`console out ring: prod ${prod} cons ${cons} more than ${XENCONS_OUT_SIZE} apart`);
      this.dv.setUint32(XENCONS_OUT_CONS, prod, true);
      return;
    }
    const out = new Uint8Array(avail);
    for (let i = 0; i < avail; i++) out[i] = this.page[XENCONS_OUT + ((cons + i) & (XENCONS_OUT_SIZE - 1))];
    // Barrier before publishing the consumer index: the copy above must complete first (Atomics orders it)
    Atomics.store(new Uint32Array(this.page.buffer, this.page.byteOffset + XENCONS_OUT_CONS, 1), 0, prod);
    this.opts.output(out);
    this.opts.notify();
  }

  private fillInput(): void {
    if (this.pendingInput.length === 0) return;
    const cons = this.u32(XENCONS_IN_CONS);
    let prod = this.u32(XENCONS_IN_PROD);
    const used = (prod - cons) >>> 0;
    if (used > XENCONS_IN_SIZE) {
      this.opts.onGuestError?.(`console in ring: prod ${prod} cons ${cons} more than ${XENCONS_IN_SIZE} apart`);
      return;
    }
    let space = XENCONS_IN_SIZE - used;
    let n = 0;
    while (space > 0 && n < this.pendingInput.length) {
      this.page[XENCONS_IN + (prod & (XENCONS_IN_SIZE - 1))] = this.pendingInput[n++];
      prod = (prod + 1) >>> 0;
      space--;
    }
    if (n === 0) return;
    this.pendingInput = this.pendingInput.slice(n);
    Atomics.store(new Uint32Array(this.page.buffer, this.page.byteOffset + XENCONS_IN_PROD, 1), 0, prod);
    this.opts.notify();
  }
}
