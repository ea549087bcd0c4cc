// dom0/xenstore/path.ts - xenstore path rules as tools/xenstore/xenstored_core.c applies them
// (is_valid_nodename, canonicalize, get_parent, basename) and xenstored_watch.c's is_child; docs/misc/xenstore.txt
// "Paths are /-separated and start with a /".

import { XENSTORE_REL_PATH_MAX } from '../../abi/xen/io/xs_wire.js';

const VALID_CHAR = /^[A-Za-z0-9\-/_@]*$/;
const LOCAL_DOMAIN = /^\/local\/domain\/([-+]?[0-9]+)\//;

/**
 * is_valid_nodename(): absolute, no trailing '/' (except the root), no '//', only [A-Za-z0-9-/_@], and at most
 * `maxRelLen` (quota_max_path_len, XENSTORE_REL_PATH_MAX) bytes below /local/domain/<id>/ (or in total for
 * paths outside it).
 */
export function isValidNodename(path: string, maxRelLen = XENSTORE_REL_PATH_MAX): boolean {
  if (!path.startsWith('/')) return false;
  if (path.endsWith('/') && path !== '/') return false;
  if (path.includes('//')) return false;
  // sscanf(node, "/local/domain/%5u/%n", ...): a number of at most 5 characters (sign included)
  let localOff = 0;
  const m = LOCAL_DOMAIN.exec(path);
  if (m && m[1]!.length <= 5 && /[0-9]/.test(m[1]!)) localOff = m[0].length;
  if (path.length > localOff + maxRelLen) return false;
  return VALID_CHAR.test(path);
}

/** canonicalize(): relative paths are taken below the connection's implicit path (/local/domain/<id>). */
export function canonicalize(implicitPath: string, path: string): string {
  if (path.startsWith('/') || path.startsWith('@')) return path;
  return `${implicitPath}/${path}`;
}

/** get_parent(): "/" for top-level nodes (and for "/" itself). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** basename(): the last component (not for "/"). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** child_name(): `parent`/`child` without doubling the root's slash. */
export function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

/** is_child(): is `child` equal to `parent` or below it? Everything is below "/". */
export function isChild(child: string, parent: string): boolean {
  if (parent === '/') return true;
  if (!child.startsWith(parent)) return false;
  const c = child.charCodeAt(parent.length);
  return Number.isNaN(c) || c === 0x2f;
}

/** The base path of a domain (talloc_domain_path): "/local/domain/%u". */
export function domainPath(domid: number): string {
  return `/local/domain/${domid >>> 0}`;
}
