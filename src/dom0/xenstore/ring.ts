// dom0/xenstore/ring.ts - the xenstore ring transport: a guest's 4 KiB xenstore page
// (struct xenstore_domain_interface, xen/include/public/io/xs_wire.h; docs/misc/xenstore-ring.txt) served the way
// tools/xenstore/xenstored_domain.c readchn/writechn do. It knows nothing of the hypervisor: it gets a view of the
// page and a notify() that kicks the guest's event channel, and the hypervisor calls onKick() when the guest kicks.
//
// The guest may change the page at any time: indexes are read once per pass and checked (prod - cons must not
// exceed the ring size), request bytes are copied out before they are parsed, and the guest's view is only ever
// written at the response ring, rsp_prod, req_cons and the connection/error fields.

import {
  XENSTORE_CONNECTED, XENSTORE_CONNECTION, XENSTORE_ERROR_FIELD, XENSTORE_ERROR_RINGIDX, XENSTORE_RECONNECT,
  XENSTORE_REQ, XENSTORE_REQ_CONS, XENSTORE_REQ_PROD, XENSTORE_RING_SIZE, XENSTORE_RSP, XENSTORE_RSP_CONS,
  XENSTORE_RSP_PROD, XENSTORE_SERVER_FEATURE_ERROR, XENSTORE_SERVER_FEATURE_RECONNECTION, XENSTORE_SERVER_FEATURES,
} from '../../abi/xen/io/xs_wire.js';
import type { Connection, ConnectionTransport } from './connection.js';

const MASK = XENSTORE_RING_SIZE - 1;

export interface XenstoreRingOptions {
  /** Replies that may wait unsent before the ring stops taking requests (quota "outstanding", unprivileged). */
  maxOutstanding?: number;
  /** The guest asked for a reconnection: drop the connection's watches and transactions. */
  onReconnect?: () => void;
}

export class XenstoreRing implements ConnectionTransport {
  private page!: Uint8Array;
  private view!: DataView;
  private notifyGuest!: () => void;
  private busy = false;
  private readonly maxOutstanding: number;
  private readonly onReconnect: () => void;

  constructor(page: Uint8Array, notify: () => void, readonly conn: Connection, opts: XenstoreRingOptions = {}) {
    this.rebind(page, notify);
    this.maxOutstanding = opts.maxOutstanding ?? 20;
    this.onReconnect = opts.onReconnect ?? (() => {});
    conn.transport = this;
    // Features are advertised before any data moves, and never withdrawn
    this.setField(XENSTORE_SERVER_FEATURES,
      this.field(XENSTORE_SERVER_FEATURES) | XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
  }

  /** Use another mapping of the page (a new event channel after a second INTRODUCE, or a remapped memory). */
  rebind(page: Uint8Array, notify: () => void): void {
    if (page.byteLength < 4096) throw new RangeError('xenstore ring page must be 4096 bytes');
    this.page = page;
    this.view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    this.notifyGuest = notify;
  }

  field(off: number): number {
    return this.view.getUint32(off, true);
  }

  setField(off: number, v: number): void {
    this.view.setUint32(off, v >>> 0, true);
  }

  /** The guest signalled the event channel: take requests, send what is queued. */
  onKick(): void {
    this.service(true);
  }

  /** ConnectionTransport: replies or events were queued (possibly for another connection's request). */
  outputReady(): void {
    this.service(false);
  }

  /** domain_conn_reset(): empty both rings (INTRODUCE, reconnection). */
  resetIndexes(): void {
    this.setField(XENSTORE_REQ_CONS, 0);
    this.setField(XENSTORE_REQ_PROD, 0);
    this.setField(XENSTORE_RSP_CONS, 0);
    this.setField(XENSTORE_RSP_PROD, 0);
  }

  /** The connection error indicator (XENSTORE_ERROR_*), written when xenstored stops serving the guest. */
  setError(err: number): void {
    this.setField(XENSTORE_ERROR_FIELD, err);
  }

  private service(readInput: boolean): void {
    if (this.busy) return; // the running pass picks up what was queued
    this.busy = true;
    let changed = false;
    try {
      if (readInput && this.field(XENSTORE_CONNECTION) === XENSTORE_RECONNECT) {
        this.reconnect();
        changed = true;
      }
      for (let progress = true; progress && !this.conn.ignored;) {
        progress = this.writeResponses();
        if (readInput && !this.conn.ignored) progress = this.readRequests() || progress;
        changed ||= progress;
      }
    } finally {
      this.busy = false;
    }
    if (changed) this.notifyGuest();
  }

  /** writechn(): as much queued output as the response ring has room for. */
  private writeResponses(): boolean {
    if (!this.conn.hasOutput()) return false;
    const cons = this.field(XENSTORE_RSP_CONS);
    let prod = this.field(XENSTORE_RSP_PROD);
    let used = (prod - cons) >>> 0;
    if (used > XENSTORE_RING_SIZE) return this.badIndexes();
    let moved = false;
    while (used < XENSTORE_RING_SIZE && this.conn.hasOutput()) {
      const off = prod & MASK;
      const room = Math.min(XENSTORE_RING_SIZE - off, XENSTORE_RING_SIZE - used);
      const n = this.conn.readOutput(this.page, XENSTORE_RSP + off, room);
      prod = (prod + n) >>> 0;
      used += n;
      moved = true;
    }
    // Data before index: the guest reads rsp_prod, then the bytes (single-threaded host: program order suffices)
    this.setField(XENSTORE_RSP_PROD, prod);
    return moved;
  }

  /** readchn(): request bytes, no more than the message being assembled needs, while the quota allows. */
  private readRequests(): boolean {
    let cons = this.field(XENSTORE_REQ_CONS);
    const prod = this.field(XENSTORE_REQ_PROD);
    let avail = (prod - cons) >>> 0;
    if (avail > XENSTORE_RING_SIZE) return this.badIndexes();
    let moved = false;
    while (avail > 0 && this.mayRead()) {
      const off = cons & MASK;
      const n = Math.min(avail, XENSTORE_RING_SIZE - off, this.conn.wanted());
      // Copy out first: the guest may rewrite the ring while we parse
      const bytes = this.page.slice(XENSTORE_REQ + off, XENSTORE_REQ + off + n);
      cons = (cons + n) >>> 0;
      avail -= n;
      this.setField(XENSTORE_REQ_CONS, cons);
      moved = true;
      this.conn.feed(bytes);
    }
    return moved;
  }

  /** domain_can_read(): an unprivileged guest with too many unsent replies waits. */
  private mayRead(): boolean {
    return !this.conn.ignored && (!this.conn.unprivileged || this.conn.outstanding < this.maxOutstanding);
  }

  private badIndexes(): false {
    this.conn.fail(XENSTORE_ERROR_RINGIDX);
    return false;
  }

  /** The ring reconnection feature (docs/misc/xenstore-ring.txt): reset on a packet boundary. */
  private reconnect(): void {
    this.onReconnect();
    this.conn.resetInput();
    this.resetIndexes();
    this.setField(XENSTORE_CONNECTION, XENSTORE_CONNECTED);
  }
}
