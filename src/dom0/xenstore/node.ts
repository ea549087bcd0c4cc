// dom0/xenstore/node.ts - one xenstore node: xenstored's struct node and its tdb record
// (struct xs_tdb_record_hdr in tools/xenstore/utils.h: u64 generation; u32 num_perms, datalen, childlen; then
// the permissions, the value and the children names, each NUL-terminated).
// Nodes are immutable once stored: a change stores a new object, so a transaction can keep the version it read.

import type { Perm } from './perms.js';

/** Generation of a node that does not exist (xenstored's NO_GENERATION, ~0). */
export const NO_GENERATION = -1;

export interface Node {
  readonly name: string;
  /** Global generation count at the node's last change: transactions compare it to detect conflicts. */
  readonly generation: number;
  readonly perms: readonly Perm[];
  readonly data: Uint8Array;
  /** Children names in creation order (DIRECTORY lists them in this order). */
  readonly children: readonly string[];
}

const RECORD_HEADER = 24; // sizeof(struct xs_tdb_record_hdr): 8 + 3 * 4, padded to 8
const PERM_SIZE = 8; // sizeof(struct xs_permissions)

/** Size of the node's tdb record, what quota_max_entry_size limits. */
export function recordSize(n: Node): number {
  let childlen = 0;
  for (const c of n.children) childlen += c.length + 1;
  return RECORD_HEADER + PERM_SIZE * n.perms.length + n.data.length + childlen;
}

export function withChanges(n: Node, change: Partial<Omit<Node, 'name'>>): Node {
  return { ...n, ...change };
}
