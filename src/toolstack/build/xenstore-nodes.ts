// toolstack/build/xenstore-nodes.ts - the xenstore nodes the toolstack writes for a domain, in libxl's order and
// with libxl's permissions, so that `xenstore-ls -fp` shows what real Xen 4.17 shows
// (shared/reference/xen-4.17-arm64/xenstore-ls-fp.normalized.txt):
// - libxl__domain_make (tools/libs/light/libxl_create.c): /local/domain/N and /vm/<uuid> owned by dom0 and
//   readable by N ("roperm"), the guest-writable nodes owned by N alone ("rwperm": control/shutdown,
//   control/feature-*, control/sysrq, device/suspend/event-channel, data, drivers, feature, attr, error), and
//   control/platform-feature-*;
// - libxl__build_post (libxl_dom.c): memory/{static-max,target,videoram}, domid, store/{port,ring-ref},
//   cpu/N/availability, /vm/<uuid>/start_time;
// - libxl__device_console_add (libxl_console.c) for console 0: the frontend at /local/domain/N/console, its
//   backend at /local/domain/0/backend/console/N/0, and libxl's own record under /libxl/N.
// Differences from libxl, on purpose: no /libxl/N/dm-version (tsxen has no device model to version) and
// console/tty stays "" (xenconsoled writes a pty name there; tsxen's console is the tsxen process's terminal).

import type { XsClient } from '../../dom0/xenstore/client.js';

export interface DomainNodesInfo {
  domid: number;
  name: string;
  /** The domain's UUID, lower-case with dashes. */
  uuid: string;
  type: 'pvh' | 'hvm';
  /** RAM (memory/static-max and memory/target), KiB. */
  memoryKiB: number;
  vcpus: number;
  /** Seconds since the epoch, as libxl writes it ("%lu.%02d"). */
  startTime: number;
  /** The xenstore ring (magic page) and its event channel in the guest. */
  store: { gfn: number; port: number };
  /** The console ring and its event channel, served by dom0's xenconsoled. */
  console: { gfn: number; port: number };
}

/** A node to write; `perms` set explicitly (libxl__xs_mknod) or, when absent, inherited from the parent. */
export interface XsNode {
  path: string;
  value: string;
  perms?: readonly string[];
}

/** LIBXL_XENCONSOLE_LIMIT: bytes xenconsoled buffers for a domain. */
const XENCONSOLE_LIMIT = 1048576;

export function domainPath(domid: number): string {
  return `/local/domain/${domid}`;
}

/** libxl__domain_make's transaction. */
export function createNodes(i: DomainNodesInfo): XsNode[] {
  const dom = domainPath(i.domid);
  const vm = `/vm/${i.uuid}`;
  const ro = ['n0', `r${i.domid}`];
  const rw = [`n${i.domid}`];
  return [
    { path: dom, value: '', perms: ro },
    { path: vm, value: '', perms: ro },
    { path: `${dom}/vm`, value: vm },
    { path: `${dom}/name`, value: i.name },
    { path: `${dom}/cpu`, value: '', perms: ro },
    { path: `${dom}/memory`, value: '', perms: ro },
    { path: `${dom}/device`, value: '', perms: ro },
    { path: `${dom}/control`, value: '', perms: ro },
    ...['shutdown', 'feature-poweroff', 'feature-reboot', 'feature-suspend', 'sysrq']
      .map(n => ({ path: `${dom}/control/${n}`, value: '', perms: rw })),
    { path: `${dom}/device/suspend/event-channel`, value: '', perms: rw },
    ...['data', 'drivers', 'feature', 'attr', 'error'].map(n => ({ path: `${dom}/${n}`, value: '', perms: rw })),
    { path: `${vm}/name`, value: i.name },
    { path: `${vm}/uuid`, value: i.uuid },
    { path: `${dom}/control/platform-feature-multiprocessor-suspend`, value: '1' },
    { path: `${dom}/control/platform-feature-xs_reset_watches`, value: '1' },
  ];
}

/** libxl__build_post's nodes, written before the domain is introduced to xenstored. */
export function buildNodes(i: DomainNodesInfo): XsNode[] {
  const dom = domainPath(i.domid);
  const nodes: XsNode[] = [
    { path: `${dom}/memory/static-max`, value: String(i.memoryKiB) },
    { path: `${dom}/memory/target`, value: String(i.memoryKiB) },
    { path: `${dom}/memory/videoram`, value: '0' },
    { path: `${dom}/domid`, value: String(i.domid) },
    { path: `${dom}/store/port`, value: String(i.store.port) },
    { path: `${dom}/store/ring-ref`, value: String(i.store.gfn) },
  ];
  for (let v = 0; v < i.vcpus; v++) nodes.push({ path: `${dom}/cpu/${v}/availability`, value: 'online' });
  nodes.push({ path: `/vm/${i.uuid}/start_time`, value: i.startTime.toFixed(2) });
  return nodes;
}

/** libxl__device_console_add for the primary console (console 0, served by xenconsoled in dom0). */
export function consoleNodes(i: DomainNodesInfo): XsNode[] {
  const dom = domainPath(i.domid);
  const front = `${dom}/console`;
  const back = `${domainPath(0)}/backend/console/${i.domid}/0`;
  const ro = ['n0', `r${i.domid}`];
  const device = [
    { key: 'frontend', value: front },
    { key: 'frontend-id', value: String(i.domid) },
    { key: 'online', value: '1' },
    { key: 'state', value: '1' },
    { key: 'protocol', value: 'vt100' },
  ];
  return [
    { path: back, value: '', perms: ro },
    ...device.map(e => ({ path: `${back}/${e.key}`, value: e.value })),
    { path: front, value: '', perms: ro },
    { path: `${front}/backend`, value: back },
    { path: `${front}/backend-id`, value: '0', perms: [`n${i.domid}`, 'r0'] },
    { path: `${front}/limit`, value: String(XENCONSOLE_LIMIT) },
    { path: `${front}/type`, value: 'xenconsoled' },
    { path: `${front}/output`, value: 'pty' },
    { path: `${front}/tty`, value: '' },
    { path: `${front}/port`, value: String(i.console.port) },
    { path: `${front}/ring-ref`, value: String(i.console.gfn) },
    ...device.slice(0, 1).map(e => ({ path: `/libxl/${i.domid}/device/console/0/${e.key}`, value: e.value })),
    { path: `/libxl/${i.domid}/device/console/0/backend`, value: back },
    ...device.slice(1).map(e => ({ path: `/libxl/${i.domid}/device/console/0/${e.key}`, value: e.value })),
    { path: `/libxl/${i.domid}/type`, value: i.type },
  ];
}

/** Write `nodes` in one transaction (retried on conflict), as libxl__xs_writev / libxl__xs_mknod do. */
export function writeNodes(xs: XsClient, nodes: readonly XsNode[]): void {
  xs.transaction(tx => {
    for (const n of nodes) {
      xs.write(n.path, n.value, tx);
      if (n.perms) xs.setPerms(n.path, n.perms, tx);
    }
  });
}

/** Everything the toolstack wrote for the domain, removed when it is destroyed (libxl__destroy_domid). */
export function domainPaths(i: Pick<DomainNodesInfo, 'domid' | 'uuid'>): string[] {
  return [domainPath(i.domid), `/vm/${i.uuid}`, `/libxl/${i.domid}`, `${domainPath(0)}/backend/console/${i.domid}`];
}
