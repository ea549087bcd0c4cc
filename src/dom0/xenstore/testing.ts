// dom0/xenstore/testing.ts - test helpers: a raw wire client on any connection (a socket-like dom0 client, or an
// introduced domain without a ring) that renders replies as strings, and a fake ring page for ring tests.

import * as W from '../../abi/xen/io/xs_wire.js';
import { encodeMessage, type Connection, type ConnectionTransport } from './connection.js';
import { bytesToLatin1, latin1ToBytes } from './cstring.js';
import { Xenstored, type XenstoredOptions } from './xenstored.js';

export interface Reply {
  type: number;
  reqId: number;
  txId: number;
  payload: Uint8Array;
}

export function decode(m: Uint8Array): Reply {
  const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
  return { type: v.getUint32(0, true), reqId: v.getUint32(4, true), txId: v.getUint32(8, true), payload: m.slice(16, 16 + v.getUint32(12, true)) };
}

/** NUL-separated strings of a payload, with a trailing NUL dropped: "a\0b\0" -> "a b" style arrays. */
export function parts(p: Uint8Array): string[] {
  const s = bytesToLatin1(p);
  const a = s.split('\0');
  if (s.endsWith('\0')) a.pop();
  return a;
}

/** Payload of NUL-terminated strings; a final `value` (WRITE) is appended raw. */
export function payload(strings: readonly string[], value?: string | Uint8Array): Uint8Array {
  const head = latin1ToBytes(strings.map(s => s + '\0').join(''));
  if (value === undefined) return head;
  const v = typeof value === 'string' ? latin1ToBytes(value) : value;
  const out = new Uint8Array(head.length + v.length);
  out.set(head);
  out.set(v, head.length);
  return out;
}

/**
 * A client speaking the wire protocol on one connection. Replies render as strings: the value (READ), the
 * strings joined by spaces (DIRECTORY, GET_PERMS), "OK", or "E:<errno>" for an ERROR reply. Watch events
 * collect in `events` as "path token".
 */
export class WireTester implements ConnectionTransport {
  readonly events: string[] = [];
  /** Every message received, in order (events and replies). */
  readonly log: Reply[] = [];
  conn!: Connection;
  closedWith: number | null = null;
  /** req_id of the last request sent. */
  reqId = 100;

  static socket(xs: Xenstored): WireTester {
    const t = new WireTester();
    t.conn = xs.openConnection(t);
    return t;
  }

  /** Introduce `domid` (no ring: the tester is its transport). */
  static domain(xs: Xenstored, domid: number): WireTester {
    const err = xs.introduce(domid, 0, 1);
    if (err) throw new Error(`introduce ${domid}: ${err}`);
    const t = new WireTester();
    t.conn = xs.domainConnection(domid)!;
    t.conn.transport = t;
    return t;
  }

  outputReady(conn: Connection): void {
    for (const m of conn.takeOutput()) {
      const r = decode(m);
      this.log.push(r);
      if (r.type === W.XS_WATCH_EVENT) this.events.push(parts(r.payload).join(' '));
    }
  }

  closed(_conn: Connection, error: number): void {
    this.closedWith = error;
  }

  /** Send raw bytes (possibly a partial or malformed message). */
  raw(bytes: Uint8Array): void {
    this.conn.feed(bytes);
  }

  /** Send one request; returns its reply message (undefined if none came). */
  send(type: number, body: Uint8Array, tx = 0): Reply | undefined {
    const before = this.log.length;
    const reqId = ++this.reqId;
    this.conn.feed(encodeMessage({ type, reqId, txId: tx, payload: body }));
    return this.log.slice(before).find(r => r.type !== W.XS_WATCH_EVENT);
  }

  /** Send and render the reply. */
  call(type: number, strings: readonly string[], tx = 0, value?: string | Uint8Array): string {
    const r = this.send(type, payload(strings, value), tx);
    if (!r) return '(no reply)';
    if (r.type === W.XS_ERROR) return `E:${parts(r.payload)[0]}`;
    if (r.type !== type) return `(reply type ${r.type})`;
    if (type === W.XS_READ) return bytesToLatin1(r.payload);
    return parts(r.payload).join(' ');
  }

  read(path: string, tx = 0): string { return this.call(W.XS_READ, [path], tx); }
  write(path: string, value: string, tx = 0): string { return this.call(W.XS_WRITE, [path], tx, value); }
  mkdir(path: string, tx = 0): string { return this.call(W.XS_MKDIR, [path], tx); }
  rm(path: string, tx = 0): string { return this.call(W.XS_RM, [path], tx); }
  dir(path: string, tx = 0): string { return this.call(W.XS_DIRECTORY, [path], tx); }
  perms(path: string, tx = 0): string { return this.call(W.XS_GET_PERMS, [path], tx); }
  setPerms(path: string, ...perms: string[]): string { return this.call(W.XS_SET_PERMS, [path, ...perms]); }
  setPermsTx(tx: number, path: string, ...perms: string[]): string { return this.call(W.XS_SET_PERMS, [path, ...perms], tx); }
  watch(path: string, token: string): string { return this.call(W.XS_WATCH, [path, token]); }
  unwatch(path: string, token: string): string { return this.call(W.XS_UNWATCH, [path, token]); }
  start(): number { return Number(this.call(W.XS_TRANSACTION_START, [''])); }
  end(tx: number, commit = true): string { return this.call(W.XS_TRANSACTION_END, [commit ? 'T' : 'F'], tx); }

  /** Events received since the last call, cleared. */
  takeEvents(): string[] {
    return this.events.splice(0);
  }
}

/** A xenstored with the toolstack's usual skeleton: /local/domain/<id> (n0 r<id>) for each domid. */
export function storeWithDomains(domids: number[], opts: XenstoredOptions = {}): { xs: Xenstored; dom0: WireTester } {
  const xs = new Xenstored(opts);
  const dom0 = WireTester.socket(xs);
  for (const d of domids) {
    dom0.mkdir(`/local/domain/${d}`);
    dom0.setPerms(`/local/domain/${d}`, 'n0', `r${d}`);
  }
  return { xs, dom0 };
}

/** A 4 KiB page and a guest-side view of it, for ring tests (the guest's xb_write/xb_read). */
export class FakeGuestRing {
  readonly page = new Uint8Array(4096);
  readonly view = new DataView(this.page.buffer);
  notifications = 0;

  u32(off: number): number { return this.view.getUint32(off, true); }
  setU32(off: number, v: number): void { this.view.setUint32(off, v >>> 0, true); }

  /** Start both rings at `base` (guests must not assume indexes start at 0). */
  setIndexes(base: number): void {
    for (const off of [W.XENSTORE_REQ_CONS, W.XENSTORE_REQ_PROD, W.XENSTORE_RSP_CONS, W.XENSTORE_RSP_PROD]) this.setU32(off, base);
  }

  /** Write request bytes as far as there is room; returns how many were written. */
  put(bytes: Uint8Array): number {
    const cons = this.u32(W.XENSTORE_REQ_CONS);
    let prod = this.u32(W.XENSTORE_REQ_PROD);
    let n = 0;
    while (n < bytes.length && ((prod - cons) >>> 0) < W.XENSTORE_RING_SIZE) {
      this.page[W.XENSTORE_REQ + (prod & 1023)] = bytes[n++]!;
      prod = (prod + 1) >>> 0;
    }
    this.setU32(W.XENSTORE_REQ_PROD, prod);
    return n;
  }

  /** Take all response bytes available. */
  take(): Uint8Array {
    let cons = this.u32(W.XENSTORE_RSP_CONS);
    const prod = this.u32(W.XENSTORE_RSP_PROD);
    const out: number[] = [];
    while (cons !== prod) {
      out.push(this.page[W.XENSTORE_RSP + (cons & 1023)]!);
      cons = (cons + 1) >>> 0;
    }
    this.setU32(W.XENSTORE_RSP_CONS, cons);
    return Uint8Array.from(out);
  }
}

/** Split a byte stream into messages. */
export function splitMessages(stream: Uint8Array): Reply[] {
  const r: Reply[] = [];
  let o = 0;
  while (o + 16 <= stream.length) {
    const len = new DataView(stream.buffer, stream.byteOffset + o).getUint32(12, true);
    if (o + 16 + len > stream.length) break;
    r.push(decode(stream.subarray(o, o + 16 + len)));
    o += 16 + len;
  }
  return r;
}
