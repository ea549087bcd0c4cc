// dom0/xenstore/client.ts - the privileged in-process xenstore API for dom0 services and the toolstack (what
// libxenstore's xs_read/xs_write/xs_watch/xs_transaction_* give C tools). Requests go through the same wire
// dispatch as guests and sockets, synchronously: a call returns when xenstored has answered. Watch callbacks run
// later (a microtask by default), never inside a request, so a callback may itself use the client.
//
// Paths, values and tokens are JS strings (UTF-8 on the wire) or, for values, bytes. A missing node reads as
// null; every other error throws XenstoreError with the errno name xenstored sent.

import {
  XS_DIRECTORY, XS_ERROR, XS_GET_DOMAIN_PATH, XS_GET_PERMS, XS_INTRODUCE, XS_IS_DOMAIN_INTRODUCED, XS_MKDIR, XS_READ,
  XS_RELEASE, XS_RESUME, XS_RM, XS_SET_PERMS, XS_SET_TARGET, XS_TRANSACTION_END, XS_TRANSACTION_START, XS_UNWATCH,
  XS_WATCH, XS_WATCH_EVENT, XS_WRITE, XSD_SOCKMSG_SIZE, isXsErrno, type XsErrno,
} from '../../abi/xen/io/xs_wire.js';
import { encodeMessage, type Connection } from './connection.js';
import type { Xenstored } from './xenstored.js';

export class XenstoreError extends Error {
  constructor(
    readonly errno: XsErrno,
    readonly op: string,
    readonly path?: string,
  ) {
    super(`xenstore ${op}${path === undefined ? '' : ` ${path}`}: ${errno}`);
    this.name = 'XenstoreError';
  }
}

export type WatchCallback = (path: string, token: string) => void;

export interface XsWatch {
  readonly path: string;
  readonly token: string;
  /** UNWATCH. */
  dispose(): void;
}

export interface XsClientOptions {
  /** Runs watch callbacks after the current request (default: queueMicrotask). */
  schedule?: (fn: () => void) => void;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Each string UTF-8 encoded and NUL-terminated, then optional raw bytes (a WRITE's value). */
function strings(...parts: string[]): Uint8Array {
  return withValue(parts, new Uint8Array(0));
}

function withValue(parts: string[], value: Uint8Array): Uint8Array {
  const enc = parts.map(p => utf8.encode(p));
  const out = new Uint8Array(enc.reduce((n, e) => n + e.length + 1, 0) + value.length);
  let o = 0;
  for (const e of enc) {
    out.set(e, o);
    o += e.length + 1;
  }
  out.set(value, o);
  return out;
}

function split(payload: Uint8Array): string[] {
  const r: string[] = [];
  let s = 0;
  for (let i = 0; i < payload.length; i++) {
    if (payload[i] === 0) {
      r.push(fromUtf8.decode(payload.subarray(s, i)));
      s = i + 1;
    }
  }
  return r;
}

export class XsClient {
  readonly conn: Connection;
  private reqId = 0;
  private reply: { type: number; payload: Uint8Array } | null = null;
  private readonly callbacks = new Map<string, Set<WatchCallback>>();
  private readonly events: [string, string][] = [];
  private scheduled = false;
  private readonly schedule: (fn: () => void) => void;

  constructor(
    private readonly xs: Xenstored,
    opts: XsClientOptions = {},
  ) {
    this.schedule = opts.schedule ?? (fn => queueMicrotask(fn));
    this.conn = xs.openConnection({ outputReady: () => this.drain() });
  }

  private drain(): void {
    for (const m of this.conn.takeOutput()) {
      const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
      const type = v.getUint32(0, true);
      const payload = m.subarray(XSD_SOCKMSG_SIZE);
      if (type === XS_WATCH_EVENT) {
        const [path, token] = split(payload);
        this.events.push([path ?? '', token ?? '']);
      } else {
        this.reply = { type, payload };
      }
    }
    if (this.events.length && !this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.deliver());
    }
  }

  private deliver(): void {
    this.scheduled = false;
    for (let e = this.events.shift(); e; e = this.events.shift()) {
      for (const cb of [...(this.callbacks.get(e[1]) ?? [])]) {
        try {
          cb(e[0], e[1]);
        } catch (err) {
          // A failing service must not take the process (and every domain) down with it
          this.xs.log.error(`xenstore watch ${e[0]} (${e[1]}): callback failed: ${(err as Error).stack ?? err}`);
        }
      }
    }
  }

  /** One request, answered synchronously. */
  private request(type: number, op: string, path: string | undefined, payload: Uint8Array, tx = 0): Uint8Array {
    this.reply = null;
    this.reqId = (this.reqId + 1) >>> 0;
    this.conn.feed(encodeMessage({ type, reqId: this.reqId, txId: tx, payload }));
    const r = this.reply as { type: number; payload: Uint8Array } | null;
    if (!r) throw new XenstoreError('EIO', op, path); // the connection was dropped
    if (r.type === XS_ERROR) {
      const name = fromUtf8.decode(r.payload.subarray(0, Math.max(0, r.payload.length - 1)));
      throw new XenstoreError(isXsErrno(name) ? name : 'EINVAL', op, path);
    }
    return r.payload;
  }

  /** A request whose ENOENT means "absent". */
  private optional(type: number, op: string, path: string, tx: number): Uint8Array | null {
    try {
      return this.request(type, op, path, strings(path), tx);
    } catch (e) {
      if (e instanceof XenstoreError && e.errno === 'ENOENT') return null;
      throw e;
    }
  }

  read(path: string, tx = 0): string | null {
    const v = this.optional(XS_READ, 'read', path, tx);
    return v === null ? null : fromUtf8.decode(v);
  }

  readBytes(path: string, tx = 0): Uint8Array | null {
    return this.optional(XS_READ, 'read', path, tx);
  }

  /** WRITE: creates missing parents (empty values, permissions inherited). */
  write(path: string, value: string | Uint8Array, tx = 0): void {
    this.request(XS_WRITE, 'write', path, withValue([path], typeof value === 'string' ? utf8.encode(value) : value), tx);
  }

  mkdir(path: string, tx = 0): void {
    this.request(XS_MKDIR, 'mkdir', path, strings(path), tx);
  }

  /** RM: the node and everything below it; a missing node is fine if its parent exists. */
  rm(path: string, tx = 0): void {
    this.request(XS_RM, 'rm', path, strings(path), tx);
  }

  directory(path: string, tx = 0): string[] | null {
    const v = this.optional(XS_DIRECTORY, 'directory', path, tx);
    return v === null ? null : split(v);
  }

  /** GET_PERMS: e.g. ["n0", "r5"] (owner first). */
  getPerms(path: string, tx = 0): string[] | null {
    const v = this.optional(XS_GET_PERMS, 'get-perms', path, tx);
    return v === null ? null : split(v);
  }

  /** SET_PERMS: e.g. ["n0", "r5"]; the first entry is the owner and the default for unlisted domains. */
  setPerms(path: string, perms: readonly string[], tx = 0): void {
    this.request(XS_SET_PERMS, 'set-perms', path, strings(path, ...perms), tx);
  }

  /**
   * WATCH: `cb(path, token)` for each change at or below `path` (and once right away). Paths given relative
   * are reported relative to /local/domain/0. Callbacks are keyed by token, as libxenstore's events are: give
   * each watch its own token.
   */
  watch(path: string, token: string, cb: WatchCallback): XsWatch {
    let set = this.callbacks.get(token);
    if (!set) this.callbacks.set(token, (set = new Set()));
    set.add(cb);
    try {
      this.request(XS_WATCH, 'watch', path, strings(path, token));
    } catch (e) {
      set.delete(cb);
      throw e;
    }
    return { path, token, dispose: () => this.unwatch(path, token, cb) };
  }

  unwatch(path: string, token: string, cb?: WatchCallback): void {
    const set = this.callbacks.get(token);
    if (cb) set?.delete(cb);
    else set?.clear();
    if (set && set.size === 0) this.callbacks.delete(token);
    this.request(XS_UNWATCH, 'unwatch', path, strings(path, token));
  }

  transactionStart(): number {
    const v = split(this.request(XS_TRANSACTION_START, 'transaction-start', undefined, strings('')));
    return Number(v[0]);
  }

  /** TRANSACTION_END: false when the commit conflicted (EAGAIN) and must be retried. */
  transactionEnd(tx: number, commit = true): boolean {
    try {
      this.request(XS_TRANSACTION_END, 'transaction-end', undefined, strings(commit ? 'T' : 'F'), tx);
      return true;
    } catch (e) {
      if (commit && e instanceof XenstoreError && e.errno === 'EAGAIN') return false;
      throw e;
    }
  }

  /** Run `fn` in a transaction, again from the start while the commit conflicts; aborted if `fn` throws. */
  transaction<T>(fn: (tx: number) => T, maxAttempts = 64): T {
    for (let attempt = 1; ; attempt++) {
      const tx = this.transactionStart();
      let result: T;
      try {
        result = fn(tx);
      } catch (e) {
        this.transactionEnd(tx, false);
        throw e;
      }
      if (this.transactionEnd(tx, true)) return result;
      if (attempt >= maxAttempts) throw new XenstoreError('EAGAIN', 'transaction');
    }
  }

  /** INTRODUCE: connect domain `domid`'s ring (page `gfn`, event channel `port` of that domain). */
  introduce(domid: number, gfn: number, port: number): void {
    this.request(XS_INTRODUCE, 'introduce', undefined, strings(String(domid), String(gfn), String(port)));
  }

  release(domid: number): void {
    this.request(XS_RELEASE, 'release', undefined, strings(String(domid)));
  }

  resume(domid: number): void {
    this.request(XS_RESUME, 'resume', undefined, strings(String(domid)));
  }

  setTarget(domid: number, target: number): void {
    this.request(XS_SET_TARGET, 'set-target', undefined, strings(String(domid), String(target)));
  }

  isDomainIntroduced(domid: number): boolean {
    return split(this.request(XS_IS_DOMAIN_INTRODUCED, 'is-domain-introduced', undefined, strings(String(domid))))[0] === 'T';
  }

  getDomainPath(domid: number): string {
    return split(this.request(XS_GET_DOMAIN_PATH, 'get-domain-path', undefined, strings(String(domid))))[0]!;
  }

  /** Drop the connection (its watches and open transactions go with it). */
  close(): void {
    this.callbacks.clear();
    this.xs.closeConnection(this.conn);
  }
}
