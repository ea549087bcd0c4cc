// dom0/xenstore/store.ts - the node database and the node-level operations of tools/xenstore/xenstored_core.c
// (read_node, write_node, access_node, get_node with its errno rules, create_node, rm_node) and the commit of
// xenstored_transaction.c (finalize_transaction, transaction_fix_domains).
//
// Every access goes through a Caller: who asks (for permissions and quotas) and in which transaction. Errors are
// errno names (XsErrno) returned as values: a client's mistake never throws.

import type { XsErrno } from '../../abi/xen/io/xs_wire.js';
import type { DomainEntry, DomainTable } from './domains.js';
import { NO_GENERATION, recordSize, type Node } from './node.js';
import { baseName, childPath, isValidNodename, parentOf } from './path.js';
import { permForConn, XS_PERM_NONE, type Perm, type PermSubject } from './perms.js';
import type { Quotas } from './quota.js';
import type { Transaction } from './transaction.js';

/** Who performs an operation: a connection while one of its requests runs, or xenstored itself. */
export interface Caller extends PermSubject {
  /** The transaction of the request being processed (its tx_id), or null. */
  readonly tx: Transaction | null;
  /** The domain behind the connection (null for sockets and in-process dom0 clients). */
  readonly domain: DomainEntry | null;
}

/** xenstored acting on its own (conn == NULL in the C code): privileged, outside any transaction. */
export const INTERNAL: Caller = { id: 0, unprivileged: false, target: null, tx: null, domain: null };

/**
 * fire_watches(): `node` is the node as it was when changed (null: read it), `exact` limits the event to watches
 * on exactly `name`, `oldPerms` are the permissions before the change (watchers who lost access hear of it).
 */
export type FireWatches = (caller: Caller, name: string, node: Node | null, exact: boolean, oldPerms: readonly Perm[] | null) => void;

export type Result<T> = T | XsErrno;
export const isErr = (r: unknown): r is XsErrno => typeof r === 'string';

const EMPTY = new Uint8Array(0);

export class Store {
  private readonly db = new Map<string, Node>();
  /** Global generation count: incremented before each copy to a node or transaction. */
  generation = 0;
  /** Set when an inconsistency was found and repaired (xenstored's corrupt()): for logs and tests. */
  corruptions = 0;

  constructor(
    readonly domains: DomainTable,
    readonly quota: Quotas,
    private readonly fire: FireWatches,
  ) {}

  /** setup_structure(): "/", "/tool" and "/tool/xenstored", owned by dom0 with no access for others. */
  setup(): void {
    const perms: Perm[] = [{ id: 0, perms: XS_PERM_NONE }];
    const put = (name: string, children: string[]) =>
      this.db.set(name, { name, generation: ++this.generation, perms, data: EMPTY, children });
    put('/', ['tool']);
    put('/tool', ['xenstored']);
    put('/tool/xenstored', []);
    this.domains.findOrAlloc(0).nbentry += 3;
  }

  /** The stored node, outside any transaction and without permission checks (for xenstored's own use). */
  peek(name: string): Node | undefined {
    return this.db.get(name);
  }

  get size(): number {
    return this.db.size;
  }

  /** read_node(): the caller's view (its transaction's copy if it has one); records the access. */
  readNode(c: Caller, name: string): Result<Node> {
    const tx = c.tx;
    if (!tx) {
      const g = this.db.get(name);
      return g ? this.domains.adjustNodePerms(g) : 'ENOENT';
    }
    const a = tx.accessed.get(name);
    if (a) return a.node ?? 'ENOENT';
    const g = this.db.get(name);
    const node = g ? this.domains.adjustNodePerms(g) : undefined;
    if (!this.mayAccessMore(c, tx)) return 'ENOSPC';
    tx.recordRead(name, node);
    return node ?? 'ENOENT';
  }

  /** access_node()'s quota on the nodes one transaction may touch. */
  private mayAccessMore(c: Caller, tx: Transaction): boolean {
    if (tx.accessed.size < this.quota.transNodes || !c.unprivileged) return true;
    tx.fail = true;
    return false;
  }

  /** write_node(): a new generation, the entry size quota, then the store or the transaction's copy. */
  writeNode(c: Caller, node: Node, noQuotaCheck = false): XsErrno | null {
    if (!noQuotaCheck && c.unprivileged && recordSize(node) >= this.quota.entrySize) {
      if (c.tx) c.tx.fail = true;
      return 'ENOSPC';
    }
    const stored = this.domains.adjustNodePerms({ ...node, generation: ++this.generation });
    const tx = c.tx;
    if (!tx) {
      this.db.set(node.name, stored);
      return null;
    }
    const a = tx.accessed.get(node.name);
    if (a) {
      a.node = stored;
      a.modified = true;
    } else {
      if (!this.mayAccessMore(c, tx)) return 'ENOSPC';
      tx.recordBlindWrite(node.name, stored);
    }
    return null;
  }

  /** The deletion half of delnode_sub()/destroy_node_rm(). */
  private deleteRecord(c: Caller, name: string): void {
    ++this.generation;
    const tx = c.tx;
    if (!tx) {
      this.db.delete(name);
      return;
    }
    const a = tx.accessed.get(name);
    if (a) {
      a.node = null;
      a.modified = true;
    } else {
      tx.recordBlindWrite(name, null);
    }
  }

  /**
   * get_node(): the node if the caller has all of `perm` on it. Failing that, EACCES or ENOENT, where
   * errno_from_parents() turns ENOENT into EACCES unless the nearest existing ancestor grants some of `perm`,
   * so that an error never tells a caller about nodes it may not see.
   */
  getNode(c: Caller, name: string | null, perm: number): Result<Node> {
    if (name === null || !isValidNodename(name, this.quota.pathLen)) return 'EINVAL';
    let r = this.readNode(c, name);
    if (!isErr(r) && (permForConn(c, r.perms) & perm) !== perm) r = 'EACCES';
    if (isErr(r) && r !== 'ENOMEM' && r !== 'ENOSPC') r = this.errnoFromParents(c, name, r, perm);
    return r;
  }

  private errnoFromParents(c: Caller, name: string, err: XsErrno, perm: number): XsErrno {
    let p = name;
    let ancestor: Node | undefined;
    do {
      p = parentOf(p);
      const r = this.readNode(c, p);
      if (!isErr(r)) {
        ancestor = r;
        break;
      }
      if (r === 'ENOMEM' || r === 'ENOSPC') return r;
    } while (p !== '/');
    if (!ancestor) {
      this.corruptions++; // "No permissions file at root"
      return 'EACCES';
    }
    return permForConn(c, ancestor.perms) & perm ? err : 'EACCES';
  }

  /** Nodes the caller's domain owns, for the quota (domain_entry: 0 for privileged callers). */
  private domainEntry(c: Caller): number {
    return c.unprivileged && c.domain ? c.domain.nbentry : 0;
  }

  /** domain_entry_inc(): count a node for its owner (in the transaction until it commits). */
  entryInc(c: Caller, node: Node): XsErrno | null {
    const owner = node.perms[0]!.id;
    if (c.tx) {
      c.tx.addEntries(owner, 1);
      return null;
    }
    const d = c.domain && owner === c.id ? c.domain : this.domains.findOrAllocExisting(owner);
    if (!d) return 'ENOMEM';
    d.nbentry++;
    return null;
  }

  /** domain_entry_dec(). */
  entryDec(c: Caller, node: Node): void {
    const owner = node.perms[0]!.id;
    if (c.tx) {
      c.tx.addEntries(owner, -1);
      return;
    }
    const d = c.domain && owner === c.id ? c.domain : this.domains.find(owner);
    if (d) d.nbentry--;
    else this.corruptions++; // node owned by a domain xenstored does not know
  }

  /**
   * create_node(): make `name` and any missing ancestors. New nodes copy their parent's permissions, and an
   * unprivileged caller becomes their owner. Written bottom-up; on failure the nodes already written are removed.
   */
  createNode(c: Caller, name: string, data: Uint8Array): Result<Node> {
    const missing = [name];
    let existing: Node;
    for (let p = name; ;) {
      p = parentOf(p);
      const r = this.readNode(c, p);
      if (!isErr(r)) {
        existing = r;
        break;
      }
      if (r !== 'ENOENT' || p === '/') return r;
      missing.push(p);
    }
    // construct_node(): top-down, each new node a child of the one above
    const chain: Node[] = [];
    let parent: Node = existing;
    for (let i = missing.length - 1; i >= 0; i--) {
      const n = missing[i]!;
      const upper = { ...parent, children: [...parent.children, baseName(n)] };
      if (chain.length) chain[chain.length - 1] = upper;
      else existing = upper;
      const perms = parent.perms.slice();
      if (c.unprivileged) perms[0] = { id: c.id, perms: perms[0]!.perms };
      parent = { name: n, generation: NO_GENERATION, perms, data: EMPTY, children: [] };
      chain.push(parent);
    }
    chain[chain.length - 1] = { ...parent, data };
    chain.reverse().push(existing);
    if (c.tx) c.tx.nodeCreated = true;
    const written: Node[] = [];
    for (const n of chain) {
      const isNew = n !== existing;
      let err: XsErrno | null = null;
      if (isNew && this.domainEntry(c) >= this.quota.nodes) err = 'ENOSPC';
      err ??= this.writeNode(c, n);
      if (!err && isNew && this.entryInc(c, n)) {
        this.deleteRecord(c, n.name);
        err = 'ENOMEM';
      }
      if (err) {
        for (const w of written) this.destroyNode(c, w);
        return err;
      }
      if (isNew) written.push(n);
    }
    return chain[0]!;
  }

  /** destroy_node(): undo a node written by a failed create; a transaction cannot be undone, so it fails. */
  private destroyNode(c: Caller, n: Node): void {
    this.deleteRecord(c, n.name);
    this.entryDec(c, n);
    if (c.tx) c.tx.fail = true;
  }

  /**
   * rm_node(): delete `name` and everything below it, children first, firing watches while each node is still
   * visible: exactly on each child, and for `name` itself on it and its ancestors (delnode_sub).
   */
  rmNode(c: Caller, name: string): XsErrno | null {
    const parentName = parentOf(name);
    const parent = this.readNode(c, parentName);
    if (isErr(parent)) return parent === 'ENOMEM' || parent === 'ENOSPC' ? parent : 'EINVAL';
    const root = this.readNode(c, name);
    if (isErr(root)) return 'EIO';
    if (!this.deleteTree(c, root, name)) {
      this.corruptions++; // "error when deleting sub-nodes"
      return 'EIO';
    }
    const base = baseName(name);
    if (!parent.children.includes(base)) {
      this.corruptions++; // "Can't find child"
      return 'EIO';
    }
    return this.writeNode(c, { ...parent, children: parent.children.filter(ch => ch !== base) }, true);
  }

  private deleteTree(c: Caller, node: Node, root: string): boolean {
    for (const child of node.children) {
      const cn = this.readNode(c, childPath(node.name, child));
      if (isErr(cn) || !this.deleteTree(c, cn, root)) return false;
    }
    this.deleteRecord(c, node.name);
    this.fire(c, node.name, node, node.name !== root, null);
    this.entryDec(c, node);
    return true;
  }

  /**
   * do_transaction_end("T"): transaction_fix_domains (node quota), finalize_transaction (EAGAIN if anything
   * the transaction accessed changed; else apply its copies, firing the queued watches), then the node counts.
   * `c` is the committing connection, already outside the transaction.
   */
  commit(c: Caller, tx: Transaction): XsErrno | null {
    if (tx.fail) return 'ENOMEM';
    const chkQuota = tx.nodeCreated && c.unprivileged;
    for (const [domid, delta] of tx.entryDelta) {
      const d = this.domains.findOrAllocExisting(domid);
      if (!d) return 'ENOMEM';
      const cnt = Math.max(0, d.nbentry + delta);
      if (chkQuota && domid !== 0 && cnt >= this.quota.nodes) return 'ENOSPC';
    }
    for (const [name, a] of tx.accessed) {
      if (!a.checkGen) continue;
      const cur = this.db.get(name);
      if ((cur ? cur.generation : NO_GENERATION) !== a.generation) return 'EAGAIN';
    }
    for (const [name, a] of tx.accessed) {
      if (!a.modified) continue;
      if (a.node) this.db.set(name, { ...a.node, generation: ++this.generation });
      else this.db.delete(name);
      if (a.fireWatch) this.fire(c, name, null, a.watchExact, a.perms);
    }
    for (const [domid, delta] of tx.entryDelta) {
      const d = this.domains.findOrAlloc(domid);
      d.nbentry = Math.max(0, d.nbentry + delta);
    }
    return null;
  }

  /** Visit nodes depth-first, parents before children; `enter` returns false to skip a node's children. */
  walk(root: string, enter: (n: Node) => boolean): void {
    const n = this.db.get(root);
    if (!n || !enter(n)) return;
    for (const child of [...n.children]) this.walk(childPath(root, child), enter);
  }

  /** All stored nodes (for check and dumps), in no particular order. */
  nodes(): IterableIterator<Node> {
    return this.db.values();
  }

  /**
   * check_store(): the tree is consistent when every node is reachable from "/" exactly once through the
   * children lists and every listed child exists. Returns the problems found (none expected).
   */
  check(): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    const visit = (name: string) => {
      const n = this.db.get(name);
      if (!n) {
        problems.push(`${name}: listed by its parent but missing`);
        return;
      }
      if (seen.has(name)) {
        problems.push(`${name}: listed twice`);
        return;
      }
      seen.add(name);
      if (n.perms.length === 0) problems.push(`${name}: no permissions`);
      for (const c of n.children) visit(childPath(name, c));
    };
    visit('/');
    for (const name of this.db.keys()) if (!seen.has(name)) problems.push(`${name}: not reachable from /`);
    return problems;
  }
}
