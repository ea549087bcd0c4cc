// dom0/xenstore/ops-watch.ts - WATCH, UNWATCH, RESET_WATCHES (tools/xenstore/xenstored_watch.c do_watch,
// do_unwatch; xenstored_domain.c do_reset_watches).

import { XENSTORE_REL_PATH_MAX, XS_WATCH, type XsErrno } from '../../abi/xen/io/xs_wire.js';
import type { Connection, XsMessage } from './connection.js';
import { getStrings } from './cstring.js';
import { ack, OK } from './ops-node.js';
import { canonicalize, isValidNodename } from './path.js';
import { watchPath, type Watch } from './watches.js';
import type { Xenstored } from './xenstored.js';

/**
 * WATCH <wpath>|<token>| : OK, then at once one event for <wpath> itself. A relative <wpath> gets relative event
 * paths. Duplicates (same path and token) are EEXIST; the per-domain quota gives E2BIG.
 */
export function doWatch(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const v = getStrings(req.payload);
  if (v.length !== 2) return 'EINVAL';
  let [path, token] = v as [string, string];
  let relative = false;
  if (path.startsWith('@')) {
    if (path.length > XENSTORE_REL_PATH_MAX) return 'EINVAL';
  } else {
    relative = !path.startsWith('/');
    path = canonicalize(conn.implicitPath, path);
    if (!isValidNodename(path, xs.quota.pathLen)) return 'EINVAL';
  }
  if (conn.watches.some(w => w.node === path && w.token === token)) return 'EEXIST';
  if (conn.unprivileged && conn.domain && conn.domain.nbwatch > xs.quota.watches) return 'E2BIG';
  const w: Watch = { node: path, token, relativeTo: relative ? conn.implicitPath : null };
  conn.watches.push(w);
  if (conn.domain) conn.domain.nbwatch++;
  conn.reply(req, XS_WATCH, OK);
  // "We fire once up front: simplifies clients and restart."
  conn.event(watchPath(w, w.node), w.token);
  return null;
}

/** UNWATCH <wpath>|<token>| */
export function doUnwatch(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const v = getStrings(req.payload);
  if (v.length !== 2) return 'EINVAL';
  const node = canonicalize(conn.implicitPath, v[0]!);
  const i = conn.watches.findIndex(w => w.node === node && w.token === v[1]);
  if (i < 0) return 'ENOENT';
  conn.watches.splice(i, 1);
  if (conn.domain && conn.domain.nbwatch > 0) conn.domain.nbwatch--;
  return ack(conn, req);
}

/** RESET_WATCHES: drop all the caller's watches and transactions (Linux sends it at boot, and after kexec). */
export function doResetWatches(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  xs.deleteAllWatches(conn);
  conn.transactions.clear();
  return ack(conn, req);
}
