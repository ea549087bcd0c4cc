// dom0/xenstore/transaction.ts - one xenstore transaction (tools/xenstore/xenstored_transaction.c).
// Not a snapshot: a transaction sees the global store until it first touches a node, then its own copy. Every
// node it touches is recorded with the generation it had then ("accessed nodes"); TRANSACTION_END "T" fails
// with EAGAIN if any of them changed since (created, written, deleted or permission-changed), else the
// transaction's copies replace the global nodes and the queued watch events fire. Writes read the node first,
// so nodes written are checked as well as nodes read (including a node read while it did not exist).

import type { Node } from './node.js';
import { NO_GENERATION } from './node.js';
import type { Perm } from './perms.js';

export interface AccessedNode {
  /** The transaction's version: null when absent (deleted here, or missing when first read). */
  node: Node | null;
  /** Generation when first accessed (NO_GENERATION: did not exist). */
  readonly generation: number;
  /** First access was a read: compare the generation at commit. */
  readonly checkGen: boolean;
  modified: boolean;
  /** Permissions when first accessed: watchers who could read it then are told about the change. */
  readonly perms: readonly Perm[] | null;
  fireWatch: boolean;
  watchExact: boolean;
}

export class Transaction {
  /** Accessed nodes by path, in first-access order (the order commit applies them and fires watches). */
  readonly accessed = new Map<string, AccessedNode>();
  /** Changes of each domain's node count, applied at commit (transaction_entry_inc/dec). */
  readonly entryDelta = new Map<number, number>();
  /** A failure that could not be undone (quota, ...): commit answers ENOMEM, as xenstored's trans->fail. */
  fail = false;
  /** A node was created: the commit checks the node quota. */
  nodeCreated = false;

  constructor(
    readonly id: number,
    /** Global generation when started. */
    readonly generation: number,
  ) {}

  /** access_node(READ) of a node not yet accessed; the caller enforces the transNodes quota first. */
  recordRead(name: string, global: Node | undefined): AccessedNode {
    const a: AccessedNode = {
      node: global ?? null,
      generation: global ? global.generation : NO_GENERATION,
      checkGen: true,
      modified: false,
      perms: global ? global.perms : null,
      fireWatch: false,
      watchExact: false,
    };
    this.accessed.set(name, a);
    return a;
  }

  /** access_node(WRITE/DELETE) of a node not read first (no conflict check for it). */
  recordBlindWrite(name: string, node: Node | null): AccessedNode {
    const a: AccessedNode = {
      node,
      generation: 0,
      checkGen: false,
      modified: true,
      perms: node ? node.perms : null,
      fireWatch: false,
      watchExact: false,
    };
    this.accessed.set(name, a);
    return a;
  }

  /** queue_watches(): a non-exact event replaces an exact one, not the other way round. */
  queueWatch(name: string, exact: boolean): void {
    const a = this.accessed.get(name);
    if (!a) {
      this.fail = true;
      return;
    }
    if (!a.fireWatch) {
      a.fireWatch = true;
      a.watchExact = exact;
    } else if (!exact) {
      a.watchExact = false;
    }
  }

  addEntries(domid: number, delta: number): void {
    this.entryDelta.set(domid, (this.entryDelta.get(domid) ?? 0) + delta);
  }
}
