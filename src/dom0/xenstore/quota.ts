// dom0/xenstore/quota.ts - per-domain limits with Xen 4.17's defaults (tools/xenstore/xenstored_core.c,
// quota_* variables; changed there with -E, -W, -T, -S, -A, -M options). They apply to unprivileged domains
// only; dom0 and socket clients are never limited. The comparisons (and their off-by-one) are xenstored's:
//   nodes         create_node: refuse a new node when the domain already owns >= nodes          -> ENOSPC
//                 (at TRANSACTION_END: refuse when the result would be >= nodes)                -> ENOSPC
//   watches       do_watch: refuse when the domain already has > watches                        -> E2BIG
//   transactions  do_transaction_start: refuse when > transactions are open                     -> ENOSPC
//   entrySize     write_node_raw: a node record (24-byte header, 8 per permission, value and
//                 children names) of >= entrySize bytes                                         -> ENOSPC
//   permsPerNode  do_set_perms: more than permsPerNode entries                                  -> ENOSPC
//   pathLen       is_valid_nodename: longer than pathLen below /local/domain/<id>/               -> EINVAL
//   transNodes    access_node: a transaction touching more than transNodes nodes                -> ENOSPC
//   outstanding   domain_can_read: the ring is not read while this many replies are unsent      (stall)

import { XENSTORE_REL_PATH_MAX } from '../../abi/xen/io/xs_wire.js';

export interface Quotas {
  nodes: number;
  watches: number;
  transactions: number;
  entrySize: number;
  permsPerNode: number;
  pathLen: number;
  transNodes: number;
  outstanding: number;
}

export const DEFAULT_QUOTAS: Readonly<Quotas> = {
  nodes: 1000, // quota_nb_entry_per_domain
  watches: 128, // quota_nb_watch_per_domain
  transactions: 10, // quota_max_transaction
  entrySize: 2048, // quota_max_entry_size
  permsPerNode: 5, // quota_nb_perms_per_node
  pathLen: XENSTORE_REL_PATH_MAX, // quota_max_path_len
  transNodes: 1024, // quota_trans_nodes
  outstanding: 20, // quota_req_outstanding
};
