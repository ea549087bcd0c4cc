// dom0/xenstore/watches.ts - watch matching and the permission rule for delivering an event
// (tools/xenstore/xenstored_watch.c: is_child, get_watch_path, watch_permitted, fire_watches).
//
// A change to <path> fires every watch on <path> or an ancestor of it; the event names the changed path (made
// relative again for watches set with a relative path). A recursive removal fires each removed child exactly.
// Special paths (@introduceDomain, @releaseDomain) fire only watches on exactly that name, for connections the
// special path's permissions let read. An event reaches a connection only if it can read the node or its
// parent, now or (for permission changes) before.

import { parentOf } from './path.js';
import { permForConn, XS_PERM_READ, type Perm } from './perms.js';
import type { Node } from './node.js';
import { isErr, type Caller, type Store } from './store.js';

export interface Watch {
  /** Canonical (absolute or @special) path watched. */
  readonly node: string;
  readonly token: string;
  /** For a watch set with a relative path, the implicit path it was relative to; events drop this prefix. */
  readonly relativeTo: string | null;
}

/** get_watch_path(): the event path as the watcher expects it. */
export function watchPath(w: Watch, name: string): string {
  if (w.relativeTo === null) return name;
  let p = name.slice(w.relativeTo.length);
  if (p.startsWith('/')) p = p.slice(1);
  return p;
}

/** watch_permitted(): may `who` hear about a change of `name`? */
export function watchPermitted(store: Store, who: Caller, name: string, node: Node | null, oldPerms: readonly Perm[] | null): boolean {
  if (oldPerms && permForConn(who, oldPerms) & XS_PERM_READ) return true;
  if (!node) {
    const r = store.readNode(who, name);
    if (isErr(r)) return false;
    node = r;
  }
  if (permForConn(who, node.perms) & XS_PERM_READ) return true;
  const parent = store.readNode(who, parentOf(node.name));
  if (isErr(parent)) return false;
  return (permForConn(who, parent.perms) & XS_PERM_READ) !== 0;
}
