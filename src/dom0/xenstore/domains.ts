// dom0/xenstore/domains.ts - what xenstored knows about each domain (struct domain in
// tools/xenstore/xenstored_domain.c): whether it is introduced (has a connection), its node and watch counts for
// the quotas, the generation count when xenstored first heard of it, and the permissions of the special watch
// paths @introduceDomain and @releaseDomain.
//
// Permission entries naming a domain that does not exist, or that appeared after the node was written, are
// ignored (domain_alloc_permrefs / domain_adjust_node_perms), so a new domain reusing an id does not inherit
// rights meant for its predecessor.

import type { Node } from './node.js';
import { XS_PERM_IGNORE, XS_PERM_NONE, type Perm } from './perms.js';

// xen/include/public/xen.h
export const DOMID_FIRST_RESERVED = 0x7ff0;
export const DOMID_SELF = 0x7ff0;

export const SPECIAL_INTRODUCE = '@introduceDomain';
export const SPECIAL_RELEASE = '@releaseDomain';

export interface DomainEntry {
  readonly domid: number;
  /** Global generation count when this entry was made (not incremented: see xenstored_transaction.c). */
  readonly generation: number;
  /** INTRODUCE'd and not yet released: has a connection. */
  introduced: boolean;
  /** @releaseDomain was fired for a shutdown; RESUME clears it. */
  shutdown: boolean;
  /** Nodes this domain owns (quota "nodes"). */
  nbentry: number;
  /** Watches of this domain's connection (quota "watches"). */
  nbwatch: number;
}

/** Does the hypervisor know domain `domid` (xc_domain_getinfo)? */
export type DomainExists = (domid: number) => boolean;

export class DomainTable {
  private readonly byId = new Map<number, DomainEntry>();
  /** Permissions of the special watch paths (set_dom_perms_default: owner dom0, no access for others). */
  readonly special = new Map<string, readonly Perm[]>([
    [SPECIAL_INTRODUCE, [{ id: 0, perms: XS_PERM_NONE }]],
    [SPECIAL_RELEASE, [{ id: 0, perms: XS_PERM_NONE }]],
  ]);

  constructor(
    private readonly exists: DomainExists,
    private readonly generation: () => number,
  ) {}

  find(domid: number): DomainEntry | undefined {
    return this.byId.get(domid);
  }

  /** alloc_domain(): remembers the domain at the current generation. */
  alloc(domid: number): DomainEntry {
    const d: DomainEntry = { domid, generation: this.generation(), introduced: false, shutdown: false, nbentry: 0, nbwatch: 0 };
    this.byId.set(domid, d);
    return d;
  }

  findOrAlloc(domid: number): DomainEntry {
    return this.byId.get(domid) ?? this.alloc(domid);
  }

  /** find_or_alloc_existing_domain(): only for domains the hypervisor knows. */
  findOrAllocExisting(domid: number): DomainEntry | undefined {
    return this.byId.get(domid) ?? (this.exists(domid) ? this.alloc(domid) : undefined);
  }

  remove(domid: number): void {
    this.byId.delete(domid);
  }

  entries(): IterableIterator<DomainEntry> {
    return this.byId.values();
  }

  /** find_domain_by_domid(): introduced domains only. */
  introduced(domid: number): DomainEntry | undefined {
    const d = this.byId.get(domid);
    return d?.introduced ? d : undefined;
  }

  /** chk_domain_generation(): was the domain known when a node of generation `gen` was written? */
  olderThan(domid: number, gen: number): boolean {
    const d = this.byId.get(domid);
    return d !== undefined && d.generation <= gen;
  }

  /**
   * domain_alloc_permrefs(): remember every existing domain a new permission set names, and mark entries for
   * domains that do not exist as ignored.
   */
  allocPermrefs(perms: readonly Perm[]): Perm[] {
    return perms.map(p => {
      if (this.byId.has(p.id)) return p;
      if (!this.exists(p.id)) return { id: p.id, perms: p.perms | XS_PERM_IGNORE };
      this.alloc(p.id);
      return p;
    });
  }

  /** domain_adjust_node_perms(): ignore non-owner entries for domains younger than the node (or gone). */
  adjustNodePerms(node: Node): Node {
    let perms: Perm[] | null = null;
    for (let i = 1; i < node.perms.length; i++) {
      const p = node.perms[i]!;
      if (p.perms & XS_PERM_IGNORE || this.olderThan(p.id, node.generation)) continue;
      perms ??= node.perms.slice();
      perms[i] = { id: p.id, perms: p.perms | XS_PERM_IGNORE };
    }
    return perms ? { ...node, perms } : node;
  }

  /** remove_domid_from_perm() on the special paths when a domain goes away. */
  forgetInSpecialPerms(domid: number): void {
    for (const [name, perms] of this.special) {
      const p = perms.filter((e, i) => i === 0 || e.id !== domid);
      if (p[0]!.id === domid) p[0] = { id: 0, perms: p[0]!.perms }; // priv_domid takes over
      this.special.set(name, p);
    }
  }
}
