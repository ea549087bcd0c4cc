// dom0/xenstore/connection.ts - one client of xenstored (struct connection in tools/xenstore/xenstored_core.h):
// a guest ring, a Unix socket client or an in-process dom0 service. It frames the byte stream into messages
// (handle_input), holds the client's watches and transactions, and queues replies and watch events until its
// transport takes them (write_messages). Transports are independent: anything that can move bytes.

import {
  XENSTORE_ERROR_PROTO, XENSTORE_PAYLOAD_MAX, XS_ERROR, XS_WATCH_EVENT, XSD_SOCKMSG_SIZE, type XsErrno,
} from '../../abi/xen/io/xs_wire.js';
import type { DomainEntry } from './domains.js';
import type { Caller } from './store.js';
import type { Transaction } from './transaction.js';
import type { Watch } from './watches.js';

/** struct xsd_sockmsg plus its payload. */
export interface XsMessage {
  type: number;
  reqId: number;
  txId: number;
  payload: Uint8Array;
}

/** Encode a message: the 16-byte little-endian header, then the payload. */
export function encodeMessage(m: XsMessage): Uint8Array {
  const b = new Uint8Array(XSD_SOCKMSG_SIZE + m.payload.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, m.type >>> 0, true);
  v.setUint32(4, m.reqId >>> 0, true);
  v.setUint32(8, m.txId >>> 0, true);
  v.setUint32(12, m.payload.length, true);
  b.set(m.payload, XSD_SOCKMSG_SIZE);
  return b;
}

/** What a connection's owner (xenstored) does with it. */
export interface ConnectionOwner {
  process(conn: Connection, msg: XsMessage): void;
  /** A protocol violation: stop serving this connection (ignore_connection). */
  ignore(conn: Connection, error: number): void;
}

/** Moves a connection's bytes: a ring page, a socket, an in-process client. */
export interface ConnectionTransport {
  /** Messages were queued: take what can be sent now (takeOutput/readOutput). */
  outputReady(conn: Connection): void;
  /** xenstored stopped serving the connection (protocol error, RELEASE, destruction). */
  closed?(conn: Connection, error: number): void;
}

interface OutMsg {
  readonly bytes: Uint8Array;
  sent: number;
  readonly isReply: boolean;
  readonly isEvent: boolean;
}

export interface ConnectionOptions {
  /** Domain id of the client; 0 for sockets and dom0 services. */
  id: number;
  /** The domain entry behind a ring connection; null for sockets and in-process clients (privileged). */
  domain: DomainEntry | null;
  /** Base of relative paths (get_implicit_path). */
  implicitPath: string;
  transport?: ConnectionTransport;
}

export class Connection implements Caller {
  readonly id: number;
  readonly domain: DomainEntry | null;
  readonly implicitPath: string;
  target: number | null = null;
  /** The transaction of the request being processed (set by xenstored around each request). */
  tx: Transaction | null = null;
  readonly transactions = new Map<number, Transaction>();
  nextTransactionId = 1;
  watches: Watch[] = [];
  /** Dropped after a protocol violation, or released: no further input is processed. */
  ignored = false;
  transport: ConnectionTransport | null;

  private readonly hdr = new Uint8Array(XSD_SOCKMSG_SIZE);
  private hdrUsed = 0;
  private body: Uint8Array | null = null;
  private bodyUsed = 0;
  private readonly out: OutMsg[] = [];
  /** Replies queued and not yet fully sent (domain_outstanding_inc/dec). */
  outstanding = 0;

  constructor(
    private readonly owner: ConnectionOwner,
    opts: ConnectionOptions,
  ) {
    this.id = opts.id;
    this.domain = opts.domain;
    this.implicitPath = opts.implicitPath;
    this.transport = opts.transport ?? null;
  }

  /** domain_is_unprivileged(): a domain connection other than dom0's. */
  get unprivileged(): boolean {
    return this.domain !== null && this.id !== 0;
  }

  // ---- input (handle_input) ----

  /** How many bytes complete the current header or payload (a transport may feed no more than this). */
  wanted(): number {
    return this.body ? this.body.length - this.bodyUsed : XSD_SOCKMSG_SIZE - this.hdrUsed;
  }

  /** True between messages (no partial header or payload buffered). */
  get atMessageBoundary(): boolean {
    return this.hdrUsed === 0 && this.body === null;
  }

  /**
   * Consume bytes from the transport; each complete message is processed at once. The bytes are copied, so the
   * caller may reuse its buffer. Returns how many bytes were consumed (fewer only if the connection got ignored).
   */
  feed(bytes: Uint8Array, start = 0, end = bytes.length): number {
    let i = start;
    while (i < end && !this.ignored) {
      if (!this.body) {
        const n = Math.min(end - i, XSD_SOCKMSG_SIZE - this.hdrUsed);
        this.hdr.set(bytes.subarray(i, i + n), this.hdrUsed);
        this.hdrUsed += n;
        i += n;
        if (this.hdrUsed < XSD_SOCKMSG_SIZE) break;
        const len = new DataView(this.hdr.buffer).getUint32(12, true);
        if (len > XENSTORE_PAYLOAD_MAX) {
          this.hdrUsed = 0;
          this.fail(XENSTORE_ERROR_PROTO);
          break;
        }
        this.body = new Uint8Array(len);
        this.bodyUsed = 0;
      } else {
        const n = Math.min(end - i, this.body.length - this.bodyUsed);
        this.body.set(bytes.subarray(i, i + n), this.bodyUsed);
        this.bodyUsed += n;
        i += n;
      }
      if (this.body && this.bodyUsed === this.body.length) {
        const v = new DataView(this.hdr.buffer);
        const msg: XsMessage = { type: v.getUint32(0, true), reqId: v.getUint32(4, true), txId: v.getUint32(8, true), payload: this.body };
        this.hdrUsed = 0;
        this.body = null;
        this.owner.process(this, msg);
      }
    }
    return i - start;
  }

  /** A transport-level violation (XENSTORE_ERROR_*): xenstored stops serving this client. */
  fail(error: number): void {
    this.owner.ignore(this, error);
  }

  /** Drop a partially received message (ring reconnection). */
  resetInput(): void {
    this.hdrUsed = 0;
    this.body = null;
  }

  // ---- output (send_reply, send_event, write_messages) ----

  /** send_reply(): a reply echoing the request's ids; over-long replies become E2BIG. */
  reply(req: XsMessage, type: number, payload: Uint8Array): void {
    if (payload.length > XENSTORE_PAYLOAD_MAX) {
      this.replyError(req, 'E2BIG');
      return;
    }
    this.push({ bytes: encodeMessage({ type, reqId: req.reqId, txId: req.txId, payload }), sent: 0, isReply: true, isEvent: false });
  }

  /** send_error(): type ERROR, payload the errno name. */
  replyError(req: XsMessage, err: XsErrno): void {
    const payload = new Uint8Array(err.length + 1);
    for (let i = 0; i < err.length; i++) payload[i] = err.charCodeAt(i);
    this.reply(req, XS_ERROR, payload);
  }

  /**
   * send_event(): WATCH_EVENT with req_id and tx_id 0, "path\0token\0". Over-long events are dropped, as is an
   * event identical to one still queued (special paths excepted).
   */
  event(path: string, token: string): void {
    const len = path.length + 1 + token.length + 1;
    if (len > XENSTORE_PAYLOAD_MAX || this.ignored) return;
    const payload = new Uint8Array(len);
    for (let i = 0; i < path.length; i++) payload[i] = path.charCodeAt(i);
    for (let i = 0; i < token.length; i++) payload[path.length + 1 + i] = token.charCodeAt(i);
    const bytes = encodeMessage({ type: XS_WATCH_EVENT, reqId: 0, txId: 0, payload });
    if (!path.startsWith('@') && this.out.some(o => o.isEvent && sameBytes(o.bytes, bytes))) return;
    this.push({ bytes, sent: 0, isReply: false, isEvent: true });
  }

  private push(m: OutMsg): void {
    if (this.ignored) return;
    this.out.push(m);
    if (m.isReply) this.outstanding++;
    this.transport?.outputReady(this);
  }

  hasOutput(): boolean {
    return this.out.length > 0;
  }

  /** Copy up to `max` bytes of queued output into `dst` at `off` (a ring); returns the count. */
  readOutput(dst: Uint8Array, off: number, max: number): number {
    let n = 0;
    while (n < max && this.out.length) {
      const m = this.out[0]!;
      const k = Math.min(max - n, m.bytes.length - m.sent);
      dst.set(m.bytes.subarray(m.sent, m.sent + k), off + n);
      m.sent += k;
      n += k;
      if (m.sent === m.bytes.length) this.finishHead();
    }
    return n;
  }

  /** Take all queued output as whole (remaining) messages (a socket, an in-process client). */
  takeOutput(): Uint8Array[] {
    const r: Uint8Array[] = [];
    while (this.out.length) {
      const m = this.out[0]!;
      r.push(m.sent ? m.bytes.subarray(m.sent) : m.bytes);
      this.finishHead();
    }
    return r;
  }

  private finishHead(): void {
    const m = this.out.shift()!;
    if (m.isReply) this.outstanding--;
  }

  /** conn_free_buffered_data(): forget queued output and partial input. */
  discardBuffers(): void {
    this.out.length = 0;
    this.outstanding = 0;
    this.resetInput();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = XSD_SOCKMSG_SIZE; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
