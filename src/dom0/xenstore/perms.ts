// dom0/xenstore/perms.ts - node permissions (struct xs_permissions in tools/include/xenstore_lib.h;
// xs_strings_to_perms / xs_perm_to_string in tools/xenstore/xs_lib.c; perm_for_conn in xenstored_core.c).
// The first entry names the owner, whose bits apply to every domain not listed; later entries grant one domain
// its own bits. Owners, dom0 and a connection targeting the owner get everything.

import { strtol } from './cstring.js';

export const XS_PERM_NONE = 0x00;
export const XS_PERM_READ = 0x01;
export const XS_PERM_WRITE = 0x02;
// Internal use (never on the wire)
export const XS_PERM_ENOENT_OK = 0x04;
export const XS_PERM_OWNER = 0x08;
/** Entry for a domain that no longer exists (or did not when the node was written): skipped. */
export const XS_PERM_IGNORE = 0x10;

export interface Perm {
  /** Domain id (unsigned 32-bit, as the C struct holds it). */
  readonly id: number;
  readonly perms: number;
}

/** What perm_for_conn needs to know about the caller. */
export interface PermSubject {
  readonly id: number;
  readonly unprivileged: boolean;
  /** SET_TARGET: the domain this connection acts for (a device model's guest), or null. */
  readonly target: number | null;
}

/** perm_for_conn(): the access bits `who` has on a node with these permissions. */
export function permForConn(who: PermSubject, perms: readonly Perm[]): number {
  const ALL = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
  const owner = perms[0]!;
  if (!who.unprivileged || owner.id === who.id || (who.target !== null && owner.id === who.target)) return ALL;
  for (let i = 1; i < perms.length; i++) {
    const p = perms[i]!;
    if (!(p.perms & XS_PERM_IGNORE) && (p.id === who.id || (who.target !== null && p.id === who.target))) {
      return p.perms & ALL;
    }
  }
  return owner.perms & ALL;
}

/**
 * xs_strings_to_perms(): "r5", "w0x10", "b017", "n0" (strtol base 0 after the letter, nothing may follow).
 * Returns null for a malformed entry (EINVAL).
 */
export function parsePerm(s: string): Perm | null {
  let perms: number;
  switch (s[0]) {
    case 'r': perms = XS_PERM_READ; break;
    case 'w': perms = XS_PERM_WRITE; break;
    case 'b': perms = XS_PERM_READ | XS_PERM_WRITE; break;
    case 'n': perms = XS_PERM_NONE; break;
    default: return null;
  }
  const rest = s.slice(1);
  if (rest.length === 0) return null;
  const { value, end } = strtol(rest);
  if (end !== rest.length) return null;
  return { id: Number(BigInt.asUintN(32, value)), perms };
}

/** xs_perm_to_string(): the letter for the read/write bits and the id printed as a C int. */
export function formatPerm(p: Perm): string {
  let c: string;
  switch (p.perms & ~(XS_PERM_IGNORE | XS_PERM_OWNER | XS_PERM_ENOENT_OK)) {
    case XS_PERM_WRITE: c = 'w'; break;
    case XS_PERM_READ: c = 'r'; break;
    case XS_PERM_READ | XS_PERM_WRITE: c = 'b'; break;
    default: c = 'n'; break;
  }
  return c + (p.id | 0).toString();
}

export function formatPerms(perms: readonly Perm[]): string {
  return perms.map(formatPerm).join(',');
}
