// dom0/xenstore/ops-transaction.ts - TRANSACTION_START and TRANSACTION_END
// (tools/xenstore/xenstored_transaction.c do_transaction_start/end); the conflict rules are in transaction.ts
// and Store.commit.

import { XS_TRANSACTION_START, type XsErrno } from '../../abi/xen/io/xs_wire.js';
import type { Connection, XsMessage } from './connection.js';
import { joinStrings, oneArg } from './cstring.js';
import { ack } from './ops-node.js';
import { Transaction } from './transaction.js';
import type { Xenstored } from './xenstored.js';

/** TRANSACTION_START | -> <transid>| (not nested: a request already in a transaction gets EBUSY). */
export function doTransactionStart(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  if (conn.tx) return 'EBUSY';
  if (conn.unprivileged && conn.transactions.size > xs.quota.transactions) return 'ENOSPC';
  let id: number;
  do {
    id = conn.nextTransactionId;
    conn.nextTransactionId = (conn.nextTransactionId + 1) >>> 0;
  } while (id === 0 || conn.transactions.has(id));
  const tx = new Transaction(id, ++xs.store.generation);
  conn.transactions.set(id, tx);
  conn.reply(req, XS_TRANSACTION_START, joinStrings([String(id)]));
  return null;
}

/** TRANSACTION_END T| commits (EAGAIN on a conflict), F| discards; the id is gone either way. */
export function doTransactionEnd(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const arg = oneArg(req.payload);
  if (arg !== 'T' && arg !== 'F') return 'EINVAL';
  const tx = conn.tx;
  if (!tx) return 'ENOENT';
  conn.tx = null;
  conn.transactions.delete(tx.id);
  if (arg === 'T') {
    const err = xs.store.commit(conn, tx);
    if (err) return err;
  }
  return ack(conn, req);
}
