// toolstack/build/pvcontrol.ts - the control/shutdown protocol, the toolstack's side (libxl_domain.c
// libxl__domain_pvcontrol_write, as `xl shutdown -w` / `xl reboot -w` use it; xenstore-paths.pandoc
// ~/control/shutdown): write the command into the guest's control/shutdown, see the guest acknowledge by writing
// "" back (Linux drivers/xen/manage.c shutdown_handler), then its SCHEDOP_shutdown. Linux acts on "poweroff" with
// orderly_poweroff() (it runs /sbin/poweroff) and on "reboot" with ctrl_alt_del().

import { XenstoreError } from '../../dom0/xenstore/client.js';
import type { XenSystem } from './xen-system.js';
import { domainPath } from './xenstore-nodes.js';

export type ShutdownCommand = 'poweroff' | 'reboot';

export interface ShutdownOutcome {
  /** The guest wrote "" to control/shutdown before it shut down. */
  acknowledged: boolean;
  /** Its SHUTDOWN_* reason (poweroff, reboot, crash, ...), or "destroyed" if it went without one. */
  reason: string;
}

export interface ShutdownOptions {
  /** Give up after this long (default: wait as long as it takes, as `xl shutdown -w`). */
  timeoutMs?: number;
}

export class ShutdownError extends Error {}

/** Ask domain `domid` to power off or reboot; resolves when it has shut down. */
export function requestShutdown(sys: XenSystem, domid: number, command: ShutdownCommand,
  opts: ShutdownOptions = {}): Promise<ShutdownOutcome> {
  const d = sys.xen.getDomain(domid);
  if (!d) return Promise.reject(new ShutdownError(`domain ${domid} does not exist`));
  if (d.shutdownCode !== null) {
    return Promise.resolve({ acknowledged: false, reason: d.shutdownReason ?? 'shutdown' });
  }
  const node = `${domainPath(domid)}/control/shutdown`;
  return new Promise<ShutdownOutcome>((resolve, reject) => {
    let acknowledged = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cleanup: (() => void)[] = [];
    const finish = (f: () => void) => {
      for (const c of cleanup.splice(0)) c();
      if (timer !== undefined) clearTimeout(timer);
      f();
    };
    cleanup.push(sys.xen.onDomainEvent(e => {
      if (e.domid !== domid) return;
      // the guest may ack and shut down in one slice, before the watch event reaches us
      if (e.type === 'shutdown' && !acknowledged) acknowledged = readOrNull(sys, node) === '';
      finish(() => resolve({ acknowledged, reason: e.type === 'shutdown' ? e.reason : 'destroyed' }));
    }));
    try {
      sys.xs.transaction(tx => {
        // libxl__domain_pvcontrol_write: a domain without the node has no PV control (no xenbus in the guest)
        if (sys.xs.read(node, tx) === null) throw new ShutdownError(`domain ${domid} has no ${node}: no PV control`);
        sys.xs.write(node, command, tx);
      });
      const watch = sys.xs.watch(node, `tsxen-pvcontrol-${domid}-${command}`, () => {
        if (!acknowledged && sys.xs.read(node) === '') acknowledged = true;
      });
      cleanup.push(() => {
        try {
          watch.dispose();
        } catch (e) {
          if (!(e instanceof XenstoreError)) throw e; // the node went with the domain: the watch is gone too
        }
      });
    } catch (e) {
      finish(() => reject(e));
      return;
    }
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => finish(() => reject(new ShutdownError(
        `domain ${domid} did not ${command} within ${opts.timeoutMs! / 1000} s ` +
        `(${acknowledged ? 'it acknowledged the request' : 'it did not acknowledge the request'})`))),
      opts.timeoutMs);
    }
  });
}

function readOrNull(sys: XenSystem, node: string): string | null {
  try {
    return sys.xs.read(node);
  } catch (e) {
    if (e instanceof XenstoreError) return null;
    throw e;
  }
}
