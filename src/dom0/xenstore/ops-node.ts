// dom0/xenstore/ops-node.ts - the node requests of tools/xenstore/xenstored_core.c: send_directory,
// send_directory_part, do_read, do_write, do_mkdir, do_rm, do_get_perms, do_set_perms. Payload formats are
// docs/misc/xenstore.txt's; every path may be relative to the caller's /local/domain/<id>.

import {
  XENSTORE_PAYLOAD_MAX, XS_DIRECTORY, XS_DIRECTORY_PART, XS_GET_PERMS, XS_MKDIR, XS_READ, XS_RM, XS_SET_PERMS,
  XS_WRITE, type XsErrno,
} from '../../abi/xen/io/xs_wire.js';
import type { Connection, XsMessage } from './connection.js';
import { bytesToLatin1, countStrings, getStrings, joinStrings, oneArg, atoi } from './cstring.js';
import { canonicalize, parentOf } from './path.js';
import {
  formatPerm, parsePerm, permForConn, XS_PERM_IGNORE, XS_PERM_OWNER, XS_PERM_READ, XS_PERM_WRITE, type Perm,
} from './perms.js';
import { isErr } from './store.js';
import type { Xenstored } from './xenstored.js';

export const OK = joinStrings(['OK']);

/** send_ack(). */
export function ack(conn: Connection, req: XsMessage): null {
  conn.reply(req, req.type, OK);
  return null;
}

function canonical(conn: Connection, path: string | null): string | null {
  return path === null ? null : canonicalize(conn.implicitPath, path);
}

/** DIRECTORY <path>| -> <child>|* */
export function doDirectory(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const node = xs.store.getNode(conn, canonical(conn, oneArg(req.payload)), XS_PERM_READ);
  if (isErr(node)) return node;
  conn.reply(req, XS_DIRECTORY, joinStrings(node.children));
  return null;
}

/**
 * DIRECTORY_PART <path>|<offset>| -> <gencnt>|<child>|* : the children list from a byte offset, for lists longer
 * than a payload; an empty string marks the end of the list.
 */
export function doDirectoryPart(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  if (countStrings(req.payload) !== 2) return 'EINVAL';
  const [path, offStr] = getStrings(req.payload) as [string, string];
  const node = xs.store.getNode(conn, canonical(conn, path), XS_PERM_READ);
  if (isErr(node)) return node;
  const children = joinStrings(node.children);
  const off = atoi(offStr);
  const gen = `${node.generation}\0`;
  if (off >= children.length || off < 0) {
    conn.reply(req, XS_DIRECTORY_PART, joinStrings([String(node.generation), '']));
    return null;
  }
  const maxlen = XENSTORE_PAYLOAD_MAX - gen.length - 1;
  let len = 0;
  let p = off;
  for (;;) {
    const end = children.indexOf(0, p);
    const clen = end - p;
    if (len + clen >= maxlen) break;
    len += clen + 1;
    p = end + 1;
    if (off + len === children.length) break;
  }
  const last = off + len === children.length;
  const out = new Uint8Array(gen.length + len + (last ? 1 : 0));
  for (let i = 0; i < gen.length; i++) out[i] = gen.charCodeAt(i);
  out.set(children.subarray(off, off + len), gen.length);
  conn.reply(req, XS_DIRECTORY_PART, out);
  return null;
}

/** READ <path>| -> <value|> */
export function doRead(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const node = xs.store.getNode(conn, canonical(conn, oneArg(req.payload)), XS_PERM_READ);
  if (isErr(node)) return node;
  conn.reply(req, XS_READ, node.data);
  return null;
}

/** WRITE <path>|<value|>: creates missing parents. */
export function doWrite(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const nul = req.payload.indexOf(0);
  if (nul < 0) return 'EINVAL';
  const name = canonicalize(conn.implicitPath, bytesToLatin1(req.payload, 0, nul));
  const data = req.payload.slice(nul + 1);
  let node = xs.store.getNode(conn, name, XS_PERM_WRITE);
  if (isErr(node)) {
    if (node !== 'ENOENT') return node;
    node = xs.store.createNode(conn, name, data);
    if (isErr(node)) return node;
  } else {
    node = { ...node, data };
    const err = xs.store.writeNode(conn, node);
    if (err) return err;
  }
  xs.fireWatches(conn, name, node, false, null);
  return ack(conn, req);
}

/** MKDIR <path>|: creates the node and missing parents with empty values; an existing node is left alone. */
export function doMkdir(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const name = canonical(conn, oneArg(req.payload));
  const node = xs.store.getNode(conn, name, XS_PERM_WRITE);
  if (isErr(node)) {
    if (node !== 'ENOENT') return node;
    const created = xs.store.createNode(conn, name!, new Uint8Array(0));
    if (isErr(created)) return created;
    xs.fireWatches(conn, name!, created, false, null);
  }
  return ack(conn, req);
}

/** RM <path>|: removes the subtree; a missing node is fine if its parent exists. */
export function doRm(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const name = canonical(conn, oneArg(req.payload));
  const node = xs.store.getNode(conn, name, XS_PERM_WRITE);
  if (isErr(node)) {
    if (node !== 'ENOENT') return node;
    const parent = xs.store.readNode(conn, parentOf(name!));
    if (!isErr(parent)) return ack(conn, req);
    return parent === 'ENOMEM' || parent === 'ENOSPC' ? parent : 'ENOENT';
  }
  if (name === '/') return 'EINVAL';
  const err = xs.store.rmNode(conn, name!);
  if (err) return err;
  return ack(conn, req);
}

/** GET_PERMS <path>| -> <perm>|+ */
export function doGetPerms(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const node = xs.store.getNode(conn, canonical(conn, oneArg(req.payload)), XS_PERM_READ);
  if (isErr(node)) return node;
  conn.reply(req, XS_GET_PERMS, joinStrings(node.perms.map(formatPerm)));
  return null;
}

/**
 * SET_PERMS <path>|<perm>|+ : the owner (or dom0) may change a node's permissions; only dom0 may change its
 * owner. Also sets who may watch @introduceDomain and @releaseDomain.
 */
export function doSetPerms(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const num = countStrings(req.payload) - 1;
  if (num < 1) return 'EINVAL';
  if (conn.unprivileged && num > xs.quota.permsPerNode) return 'ENOSPC';
  const strings = getStrings(req.payload);
  const parsed: Perm[] = [];
  for (const s of strings.slice(1, 1 + num)) {
    const p = parsePerm(s);
    if (!p) return 'EINVAL';
    parsed.push(p);
  }
  const perms = xs.domains.allocPermrefs(parsed);
  if (perms[0]!.perms & XS_PERM_IGNORE) return 'ENOENT';
  const path = strings[0]!;
  if (path.startsWith('@')) return setPermsSpecial(xs, conn, req, path, perms);

  const name = canonicalize(conn.implicitPath, path);
  const node = xs.store.getNode(conn, name, XS_PERM_WRITE | XS_PERM_OWNER);
  if (isErr(node)) return node;
  if (conn.unprivileged && perms[0]!.id !== node.perms[0]!.id) return 'EPERM';
  // The node now counts for its (possibly new) owner
  xs.store.entryDec(conn, node);
  const updated = { ...node, perms };
  if (xs.store.entryInc(conn, updated)) {
    xs.store.entryInc(conn, node);
    return 'ENOMEM';
  }
  const err = xs.store.writeNode(conn, updated);
  if (err) {
    xs.store.entryDec(conn, updated);
    xs.store.entryInc(conn, node);
    return err;
  }
  xs.fireWatches(conn, name, updated, false, node.perms);
  return ack(conn, req);
}

/** set_perms_special(): needs write and owner rights on the special path's current permissions. */
function setPermsSpecial(xs: Xenstored, conn: Connection, req: XsMessage, name: string, perms: Perm[]): XsErrno | null {
  const cur = xs.domains.special.get(name);
  if (!cur) return 'EINVAL';
  const want = XS_PERM_WRITE | XS_PERM_OWNER;
  if ((permForConn(conn, cur) & want) !== want) return 'EACCES';
  xs.domains.special.set(name, perms);
  return ack(conn, req);
}
