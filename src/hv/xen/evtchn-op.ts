// hv/xen/evtchn-op.ts - the event_channel_op hypercall (xen/common/event_channel.c do_event_channel_op):
// copy the argument struct in, resolve domain ids (DOMID_SELF, XSM_TARGET rights), call the domain's
// EventChannels (event-channel.ts) and copy the OUT fields back. EVTCHNOP_init_control answers -ENOSYS so that
// Linux falls back from FIFO to the 2-level ABI; a guest has no PIRQs to bind.

import {
  ALLOC_UNBOUND_DOM, ALLOC_UNBOUND_PORT, ALLOC_UNBOUND_REMOTE_DOM, ALLOC_UNBOUND_SIZE, BIND_INTERDOMAIN_LOCAL_PORT,
  BIND_INTERDOMAIN_REMOTE_DOM, BIND_INTERDOMAIN_REMOTE_PORT, BIND_INTERDOMAIN_SIZE, BIND_IPI_PORT, BIND_IPI_SIZE,
  BIND_IPI_VCPU, BIND_PIRQ_SIZE, BIND_VCPU_PORT, BIND_VCPU_SIZE, BIND_VCPU_VCPU, BIND_VIRQ_PORT, BIND_VIRQ_SIZE,
  BIND_VIRQ_VCPU, BIND_VIRQ_VIRQ, CLOSE_PORT, CLOSE_SIZE, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_interdomain,
  EVTCHNOP_bind_ipi, EVTCHNOP_bind_pirq, EVTCHNOP_bind_vcpu, EVTCHNOP_bind_virq, EVTCHNOP_close,
  EVTCHNOP_expand_array, EVTCHNOP_init_control, EVTCHNOP_reset, EVTCHNOP_send, EVTCHNOP_set_priority,
  EVTCHNOP_status, EVTCHNOP_unmask, RESET_DOM, RESET_SIZE, SEND_PORT, SEND_SIZE, SET_PRIORITY_PORT,
  SET_PRIORITY_SIZE, STATUS_DOM, STATUS_PORT, STATUS_SIZE, STATUS_STATUS, STATUS_U_INTERDOMAIN_DOM,
  STATUS_U_INTERDOMAIN_PORT, STATUS_U_UNBOUND_DOM, STATUS_U_VIRQ, STATUS_VCPU, UNMASK_PORT, UNMASK_SIZE,
  EVTCHNSTAT_closed, EVTCHNSTAT_interdomain, EVTCHNSTAT_unbound, EVTCHNSTAT_virq,
} from '../../abi/xen/event_channel.js';
import { DOMID_SELF, XEN_EFAULT, XEN_EINVAL, XEN_ENOSYS, XEN_EOPNOTSUPP, XEN_EPERM } from '../../abi/xen/xen.js';
import { i32, type HypercallResult } from './hypercall-abi.js';
import type { XenDomain } from './xen-domain.js';

/** event_channel_op(cmd, arg) */
export function eventChannelOp(d: XenDomain, vcpu: number, a: readonly bigint[]): HypercallResult {
  const cmd = i32(a[0]);
  const arg = a[1];
  const g = d.guest;
  /** copy_from_guest of the op's struct, run `fn`, and for ops with OUT fields copy it back on success. */
  const withStruct = (size: number, out: boolean, fn: (s: DataView) => number): number => {
    const s = g.readStruct(vcpu, arg, size);
    if (!s) return -XEN_EFAULT;
    const rc = fn(s);
    if (rc === 0 && out && !g.writeStruct(vcpu, arg, s)) return -XEN_EFAULT;
    return rc;
  };
  switch (cmd) {
    case EVTCHNOP_alloc_unbound:
      return withStruct(ALLOC_UNBOUND_SIZE, true, s => {
        const t = d.host.lookup(d, s.getUint16(ALLOC_UNBOUND_DOM, true));
        if (typeof t === 'number') return t;
        if (!d.host.mayTarget(d, t)) return -XEN_EPERM;
        let remote = s.getUint16(ALLOC_UNBOUND_REMOTE_DOM, true);
        // DOMID_SELF as the remote end means the caller, even when allocating in another domain
        if (remote === DOMID_SELF) remote = d.id;
        const port = t.evtchn.allocUnbound(remote);
        if (port < 0) return port;
        s.setUint32(ALLOC_UNBOUND_PORT, port, true);
        return 0;
      });
    case EVTCHNOP_bind_interdomain:
      return withStruct(BIND_INTERDOMAIN_SIZE, true, s => {
        const r = d.host.lookup(d, s.getUint16(BIND_INTERDOMAIN_REMOTE_DOM, true));
        if (typeof r === 'number') return r;
        const port = d.evtchn.bindInterdomain(r.evtchn, s.getUint32(BIND_INTERDOMAIN_REMOTE_PORT, true));
        if (port < 0) return port;
        s.setUint32(BIND_INTERDOMAIN_LOCAL_PORT, port, true);
        return 0;
      });
    case EVTCHNOP_bind_virq:
      return withStruct(BIND_VIRQ_SIZE, true, s => {
        const port = d.evtchn.bindVirq(s.getUint32(BIND_VIRQ_VIRQ, true), s.getUint32(BIND_VIRQ_VCPU, true));
        if (port < 0) return port;
        s.setUint32(BIND_VIRQ_PORT, port, true);
        return 0;
      });
    case EVTCHNOP_bind_ipi:
      return withStruct(BIND_IPI_SIZE, true, s => {
        const port = d.evtchn.bindIpi(s.getUint32(BIND_IPI_VCPU, true));
        if (port < 0) return port;
        s.setUint32(BIND_IPI_PORT, port, true);
        return 0;
      });
    case EVTCHNOP_bind_pirq:
      // an Arm domU has no physical IRQs (nr_pirqs = 0): every pirq is out of range
      return withStruct(BIND_PIRQ_SIZE, true, () => -XEN_EINVAL);
    case EVTCHNOP_close:
      return withStruct(CLOSE_SIZE, false, s => d.evtchn.close(s.getUint32(CLOSE_PORT, true)));
    case EVTCHNOP_send:
      return withStruct(SEND_SIZE, false, s => d.evtchn.send(s.getUint32(SEND_PORT, true)));
    case EVTCHNOP_status:
      return withStruct(STATUS_SIZE, true, s => status(d, s));
    case EVTCHNOP_bind_vcpu:
      return withStruct(BIND_VCPU_SIZE, false,
        s => d.evtchn.bindVcpu(s.getUint32(BIND_VCPU_PORT, true), s.getUint32(BIND_VCPU_VCPU, true)));
    case EVTCHNOP_unmask:
      return withStruct(UNMASK_SIZE, false, s => d.evtchn.unmask(s.getUint32(UNMASK_PORT, true)));
    case EVTCHNOP_reset:
      return withStruct(RESET_SIZE, false, s => {
        const t = d.host.lookup(d, s.getUint16(RESET_DOM, true));
        if (typeof t === 'number') return t;
        if (!d.host.mayTarget(d, t)) return -XEN_EPERM;
        return t.evtchn.reset();
      });
    case EVTCHNOP_init_control:
      // no FIFO ABI: Linux then uses 2-level (drivers/xen/events/events_base.c xen_init_IRQ)
      return -XEN_ENOSYS;
    case EVTCHNOP_expand_array:
      return -XEN_EOPNOTSUPP; // evtchn_fifo_expand_array without a FIFO control block
    case EVTCHNOP_set_priority:
      return withStruct(SET_PRIORITY_SIZE, false, s => {
        const st = d.evtchn.status(s.getUint32(SET_PRIORITY_PORT, true));
        return typeof st === 'number' ? st : -XEN_ENOSYS; // 2-level ports have no priorities
      });
    default:
      return -XEN_ENOSYS;
  }
}

/** EVTCHNOP_status: IN dom, port; OUT status, vcpu and the union of the status. */
function status(d: XenDomain, s: DataView): number {
  const t = d.host.lookup(d, s.getUint16(STATUS_DOM, true));
  if (typeof t === 'number') return t;
  const st = t.evtchn.status(s.getUint32(STATUS_PORT, true));
  if (typeof st === 'number') return st;
  if (!d.host.mayTarget(d, t)) return -XEN_EPERM;
  s.setUint32(STATUS_STATUS, st.status, true);
  s.setUint32(STATUS_VCPU, st.vcpu, true);
  switch (st.status) {
    case EVTCHNSTAT_unbound:
      s.setUint16(STATUS_U_UNBOUND_DOM, st.dom ?? 0, true);
      break;
    case EVTCHNSTAT_interdomain:
      s.setUint16(STATUS_U_INTERDOMAIN_DOM, st.dom ?? 0, true);
      s.setUint32(STATUS_U_INTERDOMAIN_PORT, st.port ?? 0, true);
      break;
    case EVTCHNSTAT_virq:
      s.setUint32(STATUS_U_VIRQ, st.virq ?? 0, true);
      break;
    case EVTCHNSTAT_closed:
    default:
      break;
  }
  return 0;
}
