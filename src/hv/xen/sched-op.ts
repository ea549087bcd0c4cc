// hv/xen/sched-op.ts - the sched_op hypercall (xen/common/sched/core.c do_sched_op, do_poll): yield, block
// until an event, poll a set of ports with an optional timeout, and shutdown with any reason (the first
// reason sticks: domain_shutdown). remote_shutdown and pin_override need a privileged domain (XSM_DM_PRIV,
// is_hardware_domain), so a domU gets -EPERM; the watchdog is not offered.

import {
  SCHED_POLL_NR_PORTS, SCHED_POLL_PORTS, SCHED_POLL_SIZE, SCHED_POLL_TIMEOUT, SCHED_REMOTE_SHUTDOWN_DOMAIN_ID,
  SCHED_REMOTE_SHUTDOWN_REASON, SCHED_REMOTE_SHUTDOWN_SIZE, SCHED_SHUTDOWN_REASON, SCHED_SHUTDOWN_SIZE,
  SCHEDOP_block, SCHEDOP_pin_override, SCHEDOP_poll, SCHEDOP_remote_shutdown, SCHEDOP_shutdown,
  SCHEDOP_shutdown_code, SCHEDOP_watchdog, SCHEDOP_yield,
} from '../../abi/xen/sched.js';
import { EVTCHNSTAT_closed } from '../../abi/xen/event_channel.js';
import { XEN_EFAULT, XEN_EINVAL, XEN_ENOSYS, XEN_EPERM, XEN_ESRCH } from '../../abi/xen/xen.js';
import { i32, type HypercallResult } from './hypercall-abi.js';
import type { XenDomain } from './xen-domain.js';

/** do_poll's "fairly arbitrary limit" on the number of ports. */
const POLL_MAX_PORTS = 128;

/** sched_op(cmd, arg) */
export function schedOp(d: XenDomain, vcpu: number, a: readonly bigint[]): HypercallResult {
  const cmd = i32(a[0]);
  const arg = a[1];
  switch (cmd) {
    case SCHEDOP_yield:
      // the vCPU already left its slice for this call; the scheduler runs the others before it comes back
      return 0;
    case SCHEDOP_block:
      d.block(vcpu);
      return 0;
    case SCHEDOP_shutdown: {
      const s = d.guest.readStruct(vcpu, arg, SCHED_SHUTDOWN_SIZE);
      if (!s) return -XEN_EFAULT;
      d.shutdown(s.getUint32(SCHED_SHUTDOWN_REASON, true) & 0xff);
      return 0;
    }
    case SCHEDOP_shutdown_code: {
      const s = d.guest.readStruct(vcpu, arg, SCHED_SHUTDOWN_SIZE);
      if (!s) return -XEN_EFAULT;
      // the reason a later shutdown reports (kexec / crash dumps set it in advance)
      d.pendingShutdownCode ??= s.getUint32(SCHED_SHUTDOWN_REASON, true) & 0xff;
      return 0;
    }
    case SCHEDOP_poll:
      return poll(d, vcpu, arg);
    case SCHEDOP_remote_shutdown: {
      const s = d.guest.readStruct(vcpu, arg, SCHED_REMOTE_SHUTDOWN_SIZE);
      if (!s) return -XEN_EFAULT;
      const t = d.host.byId(s.getUint16(SCHED_REMOTE_SHUTDOWN_DOMAIN_ID, true));
      if (!t) return -XEN_ESRCH;
      if (!d.privileged) return -XEN_EPERM;
      if (t.kind === 'guest') t.shutdown(s.getUint32(SCHED_REMOTE_SHUTDOWN_REASON, true) & 0xff);
      return 0;
    }
    case SCHEDOP_pin_override:
      return -XEN_EPERM;
    case SCHEDOP_watchdog:
      d.log.warn('watchdog', () => `d${d.id} SCHEDOP_watchdog is not implemented`);
      return -XEN_ENOSYS;
    default:
      return -XEN_ENOSYS;
  }
}

/** do_poll: return at once if an event is due or a port is pending, else block until one is. */
function poll(d: XenDomain, vcpu: number, arg: bigint): number {
  const s = d.guest.readStruct(vcpu, arg, SCHED_POLL_SIZE);
  if (!s) return -XEN_EFAULT;
  const nr = s.getUint32(SCHED_POLL_NR_PORTS, true);
  if (nr > POLL_MAX_PORTS) return -XEN_EINVAL;
  if (d.eventDeliveryEnabled(vcpu) && d.machine.interruptPending(vcpu)) return 0;
  const list = s.getBigUint64(SCHED_POLL_PORTS, true);
  const ports: number[] = [];
  for (let i = 0; i < nr; i++) {
    const port = d.guest.readU32(vcpu, list, i);
    if (port === null) return -XEN_EFAULT;
    // evtchn_port_poll: a port that is not in use is -EINVAL; a pending one ends the poll
    const st = d.evtchn.status(port);
    if (typeof st === 'number' || st.status === EVTCHNSTAT_closed) return -XEN_EINVAL;
    if (d.evtchn.isPending(port)) return 0;
    ports.push(port);
  }
  const timeout = s.getBigUint64(SCHED_POLL_TIMEOUT, true);
  d.poll(vcpu, ports.length === 1 ? ports : [], timeout === 0n ? null : timeout);
  return 0;
}
