// dom0/xenstore/xenstored.ts - the xenstore daemon of dom0 (tools/xenstore/xenstored_core.c process_message,
// xenstored_domain.c introduce/release/destroy, xenstored_watch.c fire_watches), in-process and independent of
// how bytes arrive: guest rings (ring.ts), the host's Unix socket (host/xenstore-socket.ts) and dom0 services
// (client.ts) are all Connections.
//
// What xenstored needs of the hypervisor comes through XenstoredPlatform: whether a domain exists, and for
// INTRODUCE the domain's ring page and event channel. The toolstack also reports domain shutdown and
// destruction (Xen's VIRQ_DOM_EXC) with domainShutdown()/domainDestroyed(). Wiring, as libxl does it:
//   const xenstored = new Xenstored({ platform: { domainExists, mapRing } });
//   const xs = new XsClient(xenstored);             // dom0's privileged handle
//   xs.transaction(tx => { xs.mkdir('/local/domain/1', tx); xs.setPerms('/local/domain/1', ['n0', 'r1'], tx); ... });
//   xs.introduce(1, storeGfn, storePort);           // mapRing(1, gfn, port) -> page + notify + kick handler
//   ... xenstored.domainShutdown(1) / xs.release(1) / xenstored.domainDestroyed(1)
// and host/xenstore-socket.ts serves the same store to host tools.

import {
  XENSTORE_CONNECTED, XENSTORE_CONNECTION, XENSTORE_ERROR_COMM, XENSTORE_RECONNECT, XS_TYPE_COUNT, type XsErrno,
} from '../../abi/xen/io/xs_wire.js';
import { Logger, RateLimitedLog } from '../../base/log.js';
import { Connection, type ConnectionTransport, type XsMessage } from './connection.js';
import { DOMID_FIRST_RESERVED, DomainTable, SPECIAL_INTRODUCE, SPECIAL_RELEASE, type DomainEntry } from './domains.js';
import type { Node } from './node.js';
import { domainPath, isChild } from './path.js';
import { permForConn, XS_PERM_READ, type Perm } from './perms.js';
import { DEFAULT_QUOTAS, type Quotas } from './quota.js';
import { XenstoreRing } from './ring.js';
import { INTERNAL, isErr, Store, type Caller } from './store.js';
import { watchPath, watchPermitted } from './watches.js';
import { WIRE_FUNCS, XS_FLAG_NOTID, XS_FLAG_PRIV } from './wire-funcs.js';

/** A domain's xenstore ring as the hypervisor hands it to xenstored (mapped page + bound event channel). */
export interface RingBinding {
  /** The 4 KiB page (struct xenstore_domain_interface), shared with the guest. */
  readonly page: Uint8Array;
  /** Signal the domain's xenstore event channel. */
  notify(): void;
  /** The hypervisor calls `handler` when the guest signals the channel; null unbinds. */
  setKickHandler(handler: (() => void) | null): void;
}

export interface XenstoredPlatform {
  /** xc_domain_getinfo(): does the hypervisor know this domain? Default: every id below DOMID_FIRST_RESERVED. */
  domainExists?(domid: number): boolean;
  /**
   * INTRODUCE: map the domain's ring (its grant-table slot GNTTAB_RESERVED_XENSTORE, i.e. `gfn`) and bind the
   * event channel `port` of that domain. Without it, introduced domains have no ring (as after a restore).
   */
  mapRing?(domid: number, gfn: number, port: number): RingBinding | XsErrno;
}

export interface XenstoredOptions {
  platform?: XenstoredPlatform;
  quota?: Partial<Quotas>;
}

interface DomainConnection {
  conn: Connection;
  ring: XenstoreRing | null;
  binding: RingBinding | null;
}

export class Xenstored {
  readonly quota: Quotas;
  readonly domains: DomainTable;
  readonly store: Store;
  /** All connections, oldest first (the order watch events are generated in). */
  readonly connections = new Set<Connection>();
  private readonly domainConns = new Map<number, DomainConnection>();
  private readonly platform: XenstoredPlatform;
  readonly log = new Logger('xenstored');
  /** Client mistakes (bad messages, unknown types): rate-limited, a guest must not flood the host log. */
  readonly clientLog = new RateLimitedLog(line => this.log.warn(line));
  private readonly owner = {
    process: (conn: Connection, msg: XsMessage) => this.process(conn, msg),
    ignore: (conn: Connection, err: number) => this.ignore(conn, err),
  };

  constructor(opts: XenstoredOptions = {}) {
    this.platform = opts.platform ?? {};
    this.quota = { ...DEFAULT_QUOTAS, ...opts.quota };
    const exists = this.platform.domainExists?.bind(this.platform) ?? ((d: number) => d < DOMID_FIRST_RESERVED);
    this.domains = new DomainTable(exists, () => this.store.generation);
    this.store = new Store(this.domains, this.quota, (c, name, node, exact, perms) => this.fireWatches(c, name, node, exact, perms));
    // dom0 is the master domain: introduced from the start (dom0_init), its services connect in-process
    const dom0 = this.domains.alloc(0);
    dom0.introduced = true;
    this.store.setup();
  }

  /** A privileged client (a socket, or a dom0 service): domid 0, relative paths under /local/domain/0. */
  openConnection(transport?: ConnectionTransport): Connection {
    const conn = new Connection(this.owner, { id: 0, domain: null, implicitPath: domainPath(0), transport });
    this.connections.add(conn);
    return conn;
  }

  /** The client went away (socket closed): its watches and transactions go with it (destroy_conn). */
  closeConnection(conn: Connection): void {
    const dc = conn.domain ? this.domainConns.get(conn.id) : undefined;
    if (dc && dc.conn === conn) {
      this.destroyDomain(conn.domain!);
      return;
    }
    this.dropState(conn);
    conn.ignored = true;
    this.connections.delete(conn);
  }

  /** The connection of an introduced domain (tests, tools). */
  domainConnection(domid: number): Connection | undefined {
    return this.domainConns.get(domid)?.conn;
  }

  /** The ring transport of an introduced domain, if it has one. */
  domainRing(domid: number): XenstoreRing | undefined {
    return this.domainConns.get(domid)?.ring ?? undefined;
  }

  /** process_message(): dispatch through WIRE_FUNCS, in the request's transaction. */
  process(conn: Connection, msg: XsMessage): void {
    if (conn.ignored) return;
    const f = msg.type < XS_TYPE_COUNT ? WIRE_FUNCS[msg.type] : undefined;
    if (!f?.handler) {
      this.clientLog.warn(`type:${conn.id}`, `xenstored: domain ${conn.id}: unknown operation ${msg.type}`);
      conn.replyError(msg, 'ENOSYS');
      return;
    }
    if (f.flags & XS_FLAG_PRIV && conn.unprivileged) {
      conn.replyError(msg, 'EACCES');
      return;
    }
    let tx = null;
    if (!(f.flags & XS_FLAG_NOTID) && msg.txId !== 0) {
      tx = conn.transactions.get(msg.txId) ?? null;
      if (!tx) {
        conn.replyError(msg, 'ENOENT');
        return;
      }
    }
    conn.tx = tx;
    let err: XsErrno | null;
    try {
      err = f.handler(this, conn, msg);
    } catch (e) {
      // A broken invariant in xenstored itself: stop serving this client, keep the host and the store running
      this.log.error(`xenstored: ${f.name} from domain ${conn.id} failed: ${(e as Error).stack ?? e}`);
      conn.tx = null;
      this.ignore(conn, XENSTORE_ERROR_COMM);
      return;
    }
    conn.tx = null;
    if (err) conn.replyError(msg, err);
  }

  /** ignore_connection(): a protocol violation; the client is no longer served. */
  ignore(conn: Connection, error: number): void {
    if (conn.ignored) return;
    this.clientLog.warn(`ignore:${conn.id}`, `xenstored: domain ${conn.id}: connection dropped (error ${error})`);
    this.dropState(conn);
    conn.ignored = true;
    const dc = conn.domain ? this.domainConns.get(conn.id) : undefined;
    dc?.ring?.setError(error);
    if (!conn.domain) this.connections.delete(conn);
    conn.transport?.closed?.(conn, error);
  }

  /** conn_delete_all_watches + conn_delete_all_transactions + conn_free_buffered_data. */
  private dropState(conn: Connection): void {
    this.deleteAllWatches(conn);
    conn.transactions.clear();
    conn.tx = null;
    conn.discardBuffers();
  }

  deleteAllWatches(conn: Connection): void {
    if (conn.domain) conn.domain.nbwatch = Math.max(0, conn.domain.nbwatch - conn.watches.length);
    conn.watches = [];
  }

  /**
   * fire_watches(): inside a transaction the event waits for the commit; otherwise every connection whose
   * watches match, and which may see the change, gets an event.
   */
  fireWatches(caller: Caller, name: string, node: Node | null, exact: boolean, oldPerms: readonly Perm[] | null): void {
    if (caller.tx) {
      caller.tx.queueWatch(name, exact);
      return;
    }
    const special = name.startsWith('@');
    for (const conn of this.connections) {
      if (conn.ignored || conn.watches.length === 0) continue;
      let permitted: boolean | undefined;
      for (const w of conn.watches) {
        if (exact ? name !== w.node : !isChild(name, w.node)) continue;
        permitted ??= special ? this.specialPermitted(conn, name) : watchPermitted(this.store, conn, name, node, oldPerms);
        if (!permitted) break;
        conn.event(watchPath(w, name), w.token);
      }
    }
  }

  /** check_perms_special(). */
  private specialPermitted(conn: Connection, name: string): boolean {
    const perms = this.domains.special.get(name);
    return perms !== undefined && (permForConn(conn, perms) & XS_PERM_READ) !== 0;
  }

  // ---- domains (xenstored_domain.c) ----

  /**
   * introduce_domain() + domain_conn_reset(): connect a domain's ring (once; a second INTRODUCE rebinds the event
   * channel and resets the connection). Fires @introduceDomain for a new domain.
   */
  introduce(domid: number, gfn: number, port: number): XsErrno | null {
    const d = this.domains.findOrAlloc(domid);
    let dc = this.domainConns.get(domid);
    if (!d.introduced) {
      const binding = this.platform.mapRing ? this.platform.mapRing(domid, gfn, port) : null;
      if (isErr(binding)) return binding;
      dc = this.connectDomain(d, binding);
      if (domid !== 0) this.fireWatches(INTERNAL, SPECIAL_INTRODUCE, null, true, null);
    } else if (dc && this.platform.mapRing) {
      const binding = this.platform.mapRing(domid, gfn, port);
      if (!isErr(binding)) {
        dc.binding?.setKickHandler(null);
        dc.binding = binding;
        dc.ring?.rebind(binding.page, () => binding.notify());
        binding.setKickHandler(() => dc!.ring?.onKick());
      }
    }
    if (!dc) return null; // dom0: its services are in-process
    this.dropState(dc.conn);
    dc.ring?.resetIndexes();
    if (dc.ring && dc.ring.field(XENSTORE_CONNECTION) === XENSTORE_RECONNECT) {
      dc.ring.setField(XENSTORE_CONNECTION, XENSTORE_CONNECTED);
      dc.binding?.notify();
    }
    return null;
  }

  private connectDomain(d: DomainEntry, binding: RingBinding | null): DomainConnection {
    d.introduced = true;
    d.shutdown = false;
    const conn = new Connection(this.owner, { id: d.domid, domain: d, implicitPath: domainPath(d.domid) });
    const ring = binding
      ? new XenstoreRing(binding.page, () => binding.notify(), conn, {
        maxOutstanding: this.quota.outstanding,
        onReconnect: () => this.dropState(conn),
      })
      : null;
    const dc: DomainConnection = { conn, ring, binding };
    this.domainConns.set(d.domid, dc);
    this.connections.add(conn);
    binding?.setKickHandler(() => dc.ring?.onKick());
    return dc;
  }

  /** RELEASE: disconnect an introduced domain (destroy_domain: its nodes go, @releaseDomain fires). */
  release(domid: number): XsErrno | null {
    const d = this.domains.introduced(domid);
    if (!d) return 'ENOENT';
    if (!this.domainConns.has(domid)) return 'EINVAL';
    this.destroyDomain(d);
    return null;
  }

  /** The hypervisor reports a domain shut down or crashed: @releaseDomain, once until RESUME (check_domains). */
  domainShutdown(domid: number): void {
    const d = this.domains.introduced(domid);
    if (!d || d.shutdown) return;
    d.shutdown = true;
    this.fireWatches(INTERNAL, SPECIAL_RELEASE, null, true, null);
  }

  /** The hypervisor reports a domain dying or gone: forget it (check_domains). */
  domainDestroyed(domid: number): void {
    const d = this.domains.find(domid);
    if (!d || domid === 0) return;
    if (this.domainConns.has(domid)) this.destroyDomain(d);
    else this.domains.remove(domid);
  }

  /**
   * destroy_conn() + destroy_domain(): drop the connection, delete the nodes the domain owns
   * (domain_tree_remove), take it out of the special paths' permissions, fire @releaseDomain.
   */
  private destroyDomain(d: DomainEntry): void {
    const dc = this.domainConns.get(d.domid);
    if (dc) {
      this.dropState(dc.conn);
      dc.conn.ignored = true;
      this.connections.delete(dc.conn);
      this.domainConns.delete(d.domid);
      dc.binding?.setKickHandler(null);
      dc.conn.transport?.closed?.(dc.conn, 0);
    }
    if (d.nbentry > 0) {
      this.store.walk('/', n => {
        if (d.nbentry <= 0) return false;
        if (n.perms[0]!.id !== d.domid) return true;
        if (this.store.rmNode(INTERNAL, n.name)) this.log.error(`xenstored: error deleting orphaned node ${n.name}`);
        return false;
      });
    }
    this.domains.forgetInSpecialPerms(d.domid);
    this.domains.remove(d.domid);
    if (d.introduced) this.fireWatches(INTERNAL, SPECIAL_RELEASE, null, true, null);
  }
}
