// toolstack/build/build-pvh.ts - builds a pvh domain the way libxl and libxenguest do for Arm, then connects
// dom0's services to it:
// 1. the machine without emulated devices but the GIC and timers (a PL011 only with `vuart`), the kernel,
//    initrd and a device tree with the /hypervisor node (libxl_arm.c; machine/fdt/domain-dt.ts);
// 2. XEN_DOMCTL_createdomain: the Xen side (hv/xen/xen-domain.ts) that serves the guest's hypercalls;
// 3. the magic pages, console at GFN 0x39000 and xenstore at 0x39001: zeroed pages outside the DT memory node,
//    the console page marked disconnected (xg_dom_arm.c alloc_magic_pages; io/console.h connection = 1);
// 4. the event channels the guest finds through HVM params, xenstore's first (port 1) and the console's
//    (port 2), both offered to dom0 (libxl_dom.c libxl__build_pre: xc_evtchn_alloc_unbound);
// 5. HVM params STORE_PFN/EVTCHN, CONSOLE_PFN/EVTCHN and CALLBACK_IRQ (PPI 31, level low);
// 6. the xenstore nodes (xenstore-nodes.ts) and xenstored's INTRODUCE of the domain (libxl__build_post);
// 7. xenconsoled's part: a ConsoleBackend on the console page, kicked through a dom0 event-channel handler.
// The domain comes back paused; `destroy()` undoes all of it as libxl__destroy_domid does.

import { Logger, RateLimitedLog } from '../../base/log.js';
import {
  callbackIrqPpi, HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_CONSOLE_EVTCHN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_STORE_EVTCHN,
  HVM_PARAM_STORE_PFN,
} from '../../abi/xen/hvm_params.js';
import { XENCONS_CONNECTION } from '../../abi/xen/io/console.js';
import { SHUTDOWN_crash, SHUTDOWN_poweroff, SHUTDOWN_reboot } from '../../abi/xen/sched.js';
import { GUEST_MAGIC_BASE, PPI_XEN_EVENTS } from '../../machine/memmap.js';
import { Domain, type DomainXen, type ShutdownReason } from '../../hv/domain.js';
import { HYPERCALLS } from '../../hv/xen/hypercall.js';
import type { XenDomain } from '../../hv/xen/xen-domain.js';
import { ConsoleBackend } from '../../dom0/console/console-backend.js';
import {
  createGuestMachine, GuestConfigError, loadGuest, type BuildCallbacks, type BuildHost, type GuestConfig,
} from './build-domain.js';
import type { XenSystem } from './xen-system.js';
import { buildNodes, consoleNodes, createNodes, domainPaths, writeNodes, type DomainNodesInfo } from './xenstore-nodes.js';

/** GUEST_MAGIC_BASE + the offsets of xg_dom_arm.c: console ring first, then xenstore. */
export const CONSOLE_GFN = Number(GUEST_MAGIC_BASE >> 12n);
export const XENSTORE_GFN = CONSOLE_GFN + 1;

export interface PvhBuildOptions {
  /** Called with one line per hypercall the guest makes (debugging: TSXEN_TRACE_HYPERCALLS). */
  traceHypercall?: (line: string) => void;
  /** The domain's UUID (default: a random one). */
  uuid?: string;
}

/** A built pvh domain and dom0's connections to it. */
export interface PvhGuest {
  readonly domid: number;
  readonly uuid: string;
  readonly domain: Domain;
  readonly xen: XenDomain;
  /** xenconsoled's backend of the guest's hvc0. */
  readonly console: ConsoleBackend;
  /** The guest's xenstore home, /local/domain/<domid>. */
  readonly path: string;
  /** What the user types, for hvc0. */
  input(bytes: Uint8Array): void;
  /** libxl__destroy_domid: the domain, dom0's ports to it and its xenstore nodes go. */
  destroy(): void;
}

export class BuildError extends Error {}

function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16) || 0);
}

/** Build a pvh domain (paused). Bytes of hvc0 and of the vuart go to `cb.onConsoleOutput`. */
export async function buildPvhDomain(sys: XenSystem, cfg: GuestConfig, host: BuildHost, cb: BuildCallbacks,
  opts: PvhBuildOptions = {}): Promise<PvhGuest> {
  if (cfg.type !== 'pvh') throw new GuestConfigError(`type = "${cfg.type}": buildPvhDomain builds pvh guests`);
  const vuart = cfg.vuart === true;
  const gm = await createGuestMachine(cfg, host, { pl011: vuart, pl031: false }, cb);
  const uuid = opts.uuid ?? randomUuid();
  const xd = sys.xen.createDomain({
    name: cfg.name, engine: gm.engine, machine: gm.machine, clock: host.clock, handle: uuidBytes(uuid),
    onWake: v => cb.onWake(v),
  });
  const domid = xd.id;
  try {
    const domain = new Domain({ id: domid, name: cfg.name, engine: gm.engine, machine: gm.machine,
      xen: opts.traceHypercall ? tracing(xd, opts.traceHypercall) : xd });
    xd.attach(domain);
    const { major, minor } = sys.xen.version;
    loadGuest(gm, cfg, { pl011: vuart, pl031: false, xen: { version: `${major}.${minor}` } });
    const ports = setupMagic(sys, domid);
    const info: DomainNodesInfo = {
      domid, name: cfg.name, uuid, type: 'pvh', memoryKiB: cfg.memoryMiB * 1024, vcpus: cfg.vcpus,
      startTime: host.clock.wallSeconds(),
      store: { gfn: XENSTORE_GFN, port: ports.store }, console: { gfn: CONSOLE_GFN, port: ports.console },
    };
    writeNodes(sys.xs, createNodes(info));
    writeNodes(sys.xs, buildNodes(info));
    sys.xs.introduce(domid, XENSTORE_GFN, ports.store);
    const console = connectConsole(sys, domid, ports.console, cb.onConsoleOutput);
    writeNodes(sys.xs, consoleNodes(info));
    keepXenInStep(sys, xd, domain);
    return {
      domid, uuid, domain, xen: xd, console, path: `/local/domain/${domid}`,
      input: bytes => console.input(bytes),
      destroy: () => sys.destroyDomain(domid, domainPaths(info)),
    };
  } catch (e) {
    sys.destroyDomain(domid, domainPaths({ domid, uuid }));
    throw e;
  }
}

/** Steps 3-5: magic pages, the two event channels for dom0, HVM params. Returns the guest's ports. */
function setupMagic(sys: XenSystem, domid: number): { store: number; console: number } {
  const xen = sys.xen;
  if (xen.populatePhysmap(domid, [CONSOLE_GFN, XENSTORE_GFN]) !== 2)
    throw new BuildError(`d${domid}: cannot populate the magic pages at GFN 0x${CONSOLE_GFN.toString(16)}`);
  const page = xen.foreignPage(domid, CONSOLE_GFN);
  if (typeof page === 'number') throw new BuildError(`d${domid}: console page not mapped (${page})`);
  page[XENCONS_CONNECTION] = 1;
  const store = xen.evtchnAllocUnbound(domid, 0);
  const console = xen.evtchnAllocUnbound(domid, 0);
  if (store <= 0 || console <= 0) throw new BuildError(`d${domid}: no event channels for xenstore and console`);
  const params: [number, bigint][] = [
    [HVM_PARAM_CALLBACK_IRQ, callbackIrqPpi(PPI_XEN_EVENTS)],
    [HVM_PARAM_STORE_PFN, BigInt(XENSTORE_GFN)],
    [HVM_PARAM_STORE_EVTCHN, BigInt(store)],
    [HVM_PARAM_CONSOLE_PFN, BigInt(CONSOLE_GFN)],
    [HVM_PARAM_CONSOLE_EVTCHN, BigInt(console)],
  ];
  for (const [index, value] of params) {
    const rc = xen.setHvmParam(domid, index, value);
    if (rc !== 0) throw new BuildError(`d${domid}: HVM param ${index}: error ${rc}`);
  }
  return { store, console };
}

/** xenconsoled for one domain (tools/console/daemon/io.c domain_create_ring): map the ring, bind, connect. */
function connectConsole(sys: XenSystem, domid: number, guestPort: number,
  output: (bytes: Uint8Array) => void): ConsoleBackend {
  const page = sys.xen.foreignPage(domid, CONSOLE_GFN);
  if (typeof page === 'number') throw new BuildError(`d${domid}: console page not mapped (${page})`);
  const logger = new Logger(`d${domid} console`);
  const guestErrors = new RateLimitedLog(line => logger.warn(line));
  let port = 0;
  const backend = new ConsoleBackend({
    page,
    notify: () => { sys.xen.evtchnNotify(port); },
    output,
    onGuestError: m => guestErrors.warn('ring', m),
  });
  port = sys.bindDom0Port(domid, guestPort, () => backend.onKick());
  if (port < 0) throw new BuildError(`d${domid}: cannot bind the console event channel (${port})`);
  backend.connect();
  return backend;
}

/**
 * Keep Xen's view in step when the vCPU side stops the domain on its own: PSCI SYSTEM_OFF / SYSTEM_RESET
 * (xen/arch/arm/vpsci.c calls domain_shutdown too) or a trap in the engine (Domain.crash). Xen then reports the
 * shutdown to xenstored and the toolstack like any other. A crash the guest reported (SCHEDOP_shutdown with
 * SHUTDOWN_crash or _watchdog) gets a description.
 */
function keepXenInStep(sys: XenSystem, xd: XenDomain, domain: Domain): void {
  const codes: Record<ShutdownReason, number> = { poweroff: SHUTDOWN_poweroff, reboot: SHUTDOWN_reboot, crash: SHUTDOWN_crash };
  domain.onShutdown = reason => {
    if (xd.shutdownCode === null) sys.xen.shutdownDomain(xd.id, codes[reason]);
    if (reason === 'crash') {
      domain.crashInfo ??= `the guest shut down with reason ${xd.shutdownReason ?? 'crash'} (SCHEDOP_shutdown)`;
    }
  };
}

/** A DomainXen that prints every hypercall with its arguments and result. */
function tracing(xd: XenDomain, print: (line: string) => void): DomainXen {
  const hex = (v: bigint) => '0x' + v.toString(16);
  return {
    hypercall: v => {
      const e = xd.engine;
      const nr = e.x(v, 16);
      const args = [0, 1, 2, 3, 4].map(i => e.x(v, i));
      const name = nr < BigInt(HYPERCALLS.length) ? HYPERCALLS[Number(nr)]?.name ?? `#${nr}` : `#${nr}`;
      xd.hypercall(v);
      const rc = BigInt.asIntN(64, e.x(v, 0));
      print(`d${xd.id}v${v} ${name}(${args.map(hex).join(', ')}) = ${rc < 0n ? rc : hex(rc)}`);
    },
    setRunstate: (v, s) => xd.setRunstate(v, s),
    expirePolls: () => xd.expirePolls(),
  };
}
