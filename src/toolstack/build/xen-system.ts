// toolstack/build/xen-system.ts - the hypervisor and dom0's in-process services a host runs guests on: one Xen
// (hv/xen/hypervisor.ts), xenstored (dom0/xenstore/) reaching guest rings through Xen's control API as
// /dev/xen/privcmd and evtchn let the real one (xenstored_domain.c map_interface, xenevtchn_bind_interdomain),
// dom0's privileged xenstore handle for the toolstack, and the nodes dom0 itself has in the store
// (tools/helpers/xen-init-dom0.c: /local/domain/0/{name,domid}; xl's cpupool: /local/pool/0/name). Domain
// shutdowns and destructions reach xenstored as Xen's VIRQ_DOM_EXC does (@releaseDomain; check_domains).

import { Logger } from '../../base/log.js';
import { Xen, type XenOptions } from '../../hv/xen/hypervisor.js';
import { XsClient } from '../../dom0/xenstore/client.js';
import { Xenstored, type RingBinding } from '../../dom0/xenstore/xenstored.js';

export interface XenSystemOptions {
  xen?: XenOptions;
}

/** What the in-process dom0 services hold of a domain, to give back when it goes (dom0 event-channel ports). */
interface Dom0Hold {
  ports: Set<number>;
}

export class XenSystem {
  readonly xen: Xen;
  readonly xenstored: Xenstored;
  /** Dom0's privileged xenstore handle (libxl's ctx->xsh). */
  readonly xs: XsClient;
  private readonly held = new Map<number, Dom0Hold>();
  private readonly log = new Logger('dom0');

  constructor(opts: XenSystemOptions = {}) {
    this.xen = new Xen(opts.xen);
    this.xenstored = new Xenstored({
      platform: {
        domainExists: domid => domid === 0 || this.xen.getDomain(domid) !== undefined,
        mapRing: (domid, gfn, port) => this.mapXenstoreRing(domid, gfn, port),
      },
    });
    this.xs = new XsClient(this.xenstored);
    this.xs.transaction(tx => {
      this.xs.write('/local/domain/0/domid', '0', tx);
      this.xs.write('/local/domain/0/name', 'Domain-0', tx);
      this.xs.write('/local/pool/0/name', 'Pool-0', tx);
    });
    this.xen.onDomainEvent(e => {
      if (e.type === 'shutdown') this.xenstored.domainShutdown(e.domid);
      else this.xenstored.domainDestroyed(e.domid);
    });
  }

  /**
   * A dom0 port bound to `domid`'s unbound `remotePort` whose events run `handler` (xenevtchn_bind_interdomain
   * plus the daemon's select loop); closed again when the domain is destroyed through `destroyDomain`.
   */
  bindDom0Port(domid: number, remotePort: number, handler: () => void): number {
    const port = this.xen.evtchnBindInterdomain(domid, remotePort, () => handler());
    if (port > 0) this.hold(domid).ports.add(port);
    return port;
  }

  /** xenstored's INTRODUCE: the guest's ring page (the magic page `gfn`) and its store event channel. */
  private mapXenstoreRing(domid: number, gfn: number, port: number): RingBinding | 'EINVAL' {
    const page = this.xen.foreignPage(domid, gfn);
    if (typeof page === 'number') return 'EINVAL';
    let kick: (() => void) | null = null;
    const local = this.bindDom0Port(domid, port, () => kick?.());
    if (local < 0) return 'EINVAL';
    return {
      page,
      notify: () => { this.xen.evtchnNotify(local); },
      setKickHandler: h => { kick = h; },
    };
  }

  /**
   * libxl__destroy_domid: Xen forgets the domain (xenstored hears of it and drops its connection and the nodes it
   * owns), dom0's ports to it close, and the toolstack removes the domain's paths (`paths`).
   */
  destroyDomain(domid: number, paths: readonly string[]): void {
    this.xen.destroyDomain(domid);
    const h = this.held.get(domid);
    if (h) for (const port of h.ports) this.xen.evtchnClose(0, port);
    this.held.delete(domid);
    try {
      this.xs.transaction(tx => { for (const p of paths) this.xs.rm(p, tx); });
    } catch (e) {
      this.log.warn(`d${domid}: removing its xenstore paths failed: ${(e as Error).message}`);
    }
  }

  private hold(domid: number): Dom0Hold {
    let h = this.held.get(domid);
    if (!h) this.held.set(domid, (h = { ports: new Set() }));
    return h;
  }
}
