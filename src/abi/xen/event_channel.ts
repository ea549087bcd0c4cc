// abi/xen/event_channel.ts - xen/include/public/event_channel.h (Xen 4.17): event-channel operations, port
// status values and the argument structs of HYPERVISOR_event_channel_op(cmd, arg), laid out for arm64
// (AAPCS64, little-endian). Offsets are byte offsets inside each struct; `*_SIZE` is sizeof.

/** evtchn_port_t is a uint32_t. */
export type EvtchnPort = number;

// ` enum event_channel_op
export const EVTCHNOP_bind_interdomain = 0;
export const EVTCHNOP_bind_virq = 1;
export const EVTCHNOP_bind_pirq = 2;
export const EVTCHNOP_close = 3;
export const EVTCHNOP_send = 4;
export const EVTCHNOP_status = 5;
export const EVTCHNOP_alloc_unbound = 6;
export const EVTCHNOP_bind_ipi = 7;
export const EVTCHNOP_bind_vcpu = 8;
export const EVTCHNOP_unmask = 9;
export const EVTCHNOP_reset = 10;
export const EVTCHNOP_init_control = 11;
export const EVTCHNOP_expand_array = 12;
export const EVTCHNOP_set_priority = 13;

// struct evtchn_alloc_unbound { domid_t dom, remote_dom; evtchn_port_t port; }
export const ALLOC_UNBOUND_DOM = 0;
export const ALLOC_UNBOUND_REMOTE_DOM = 2;
export const ALLOC_UNBOUND_PORT = 4; // OUT
export const ALLOC_UNBOUND_SIZE = 8;

// struct evtchn_bind_interdomain { domid_t remote_dom; evtchn_port_t remote_port; evtchn_port_t local_port; }
export const BIND_INTERDOMAIN_REMOTE_DOM = 0;
export const BIND_INTERDOMAIN_REMOTE_PORT = 4;
export const BIND_INTERDOMAIN_LOCAL_PORT = 8; // OUT
export const BIND_INTERDOMAIN_SIZE = 12;

// struct evtchn_bind_virq { uint32_t virq; uint32_t vcpu; evtchn_port_t port; }
export const BIND_VIRQ_VIRQ = 0;
export const BIND_VIRQ_VCPU = 4;
export const BIND_VIRQ_PORT = 8; // OUT
export const BIND_VIRQ_SIZE = 12;

// struct evtchn_bind_pirq { uint32_t pirq; uint32_t flags; evtchn_port_t port; }
export const BIND_PIRQ__WILL_SHARE = 1;
export const BIND_PIRQ_PIRQ = 0;
export const BIND_PIRQ_FLAGS = 4;
export const BIND_PIRQ_PORT = 8; // OUT
export const BIND_PIRQ_SIZE = 12;

// struct evtchn_bind_ipi { uint32_t vcpu; evtchn_port_t port; }
export const BIND_IPI_VCPU = 0;
export const BIND_IPI_PORT = 4; // OUT
export const BIND_IPI_SIZE = 8;

// struct evtchn_close / evtchn_send / evtchn_unmask { evtchn_port_t port; }
export const CLOSE_PORT = 0;
export const CLOSE_SIZE = 4;
export const SEND_PORT = 0;
export const SEND_SIZE = 4;
export const UNMASK_PORT = 0;
export const UNMASK_SIZE = 4;

// struct evtchn_status: IN dom, port; OUT status, vcpu and a union selected by status
export const EVTCHNSTAT_closed = 0; /* Channel is not in use. */
export const EVTCHNSTAT_unbound = 1; /* Channel is waiting interdom connection. */
export const EVTCHNSTAT_interdomain = 2; /* Channel is connected to remote domain. */
export const EVTCHNSTAT_pirq = 3; /* Channel is bound to a phys IRQ line. */
export const EVTCHNSTAT_virq = 4; /* Channel is bound to a virtual IRQ line */
export const EVTCHNSTAT_ipi = 5; /* Channel is bound to a virtual IPI line */
export const STATUS_DOM = 0;
export const STATUS_PORT = 4;
export const STATUS_STATUS = 8; // OUT
export const STATUS_VCPU = 12; // OUT
export const STATUS_U_UNBOUND_DOM = 16; // OUT, EVTCHNSTAT_unbound: u.unbound.dom (domid_t)
export const STATUS_U_INTERDOMAIN_DOM = 16; // OUT, EVTCHNSTAT_interdomain: u.interdomain.dom (domid_t)
export const STATUS_U_INTERDOMAIN_PORT = 20; // OUT, EVTCHNSTAT_interdomain: u.interdomain.port
export const STATUS_U_PIRQ = 16; // OUT, EVTCHNSTAT_pirq
export const STATUS_U_VIRQ = 16; // OUT, EVTCHNSTAT_virq
export const STATUS_SIZE = 24;

// struct evtchn_bind_vcpu { evtchn_port_t port; uint32_t vcpu; }
export const BIND_VCPU_PORT = 0;
export const BIND_VCPU_VCPU = 4;
export const BIND_VCPU_SIZE = 8;

// struct evtchn_reset { domid_t dom; }
export const RESET_DOM = 0;
export const RESET_SIZE = 2;

// struct evtchn_init_control { uint64_t control_gfn; uint32_t offset; uint32_t vcpu; uint8_t link_bits; _pad[7]; }
export const INIT_CONTROL_CONTROL_GFN = 0;
export const INIT_CONTROL_OFFSET = 8;
export const INIT_CONTROL_VCPU = 12;
export const INIT_CONTROL_LINK_BITS = 16; // OUT
export const INIT_CONTROL_SIZE = 24;

// struct evtchn_expand_array { uint64_t array_gfn; }
export const EXPAND_ARRAY_ARRAY_GFN = 0;
export const EXPAND_ARRAY_SIZE = 8;

// struct evtchn_set_priority { evtchn_port_t port; uint32_t priority; }
export const SET_PRIORITY_PORT = 0;
export const SET_PRIORITY_PRIORITY = 4;
export const SET_PRIORITY_SIZE = 8;

// ---- 2-level ABI ----
/** sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64: xen_ulong_t is uint64_t on Arm (arch-arm.h), so 4096. */
export const EVTCHN_2L_NR_CHANNELS = 8 * 8 * 64;
/** Bits per evtchn_pending / evtchn_mask / evtchn_pending_sel word (BITS_PER_EVTCHN_WORD on Arm). */
export const EVTCHN_2L_BITS_PER_WORD = 64;

// ---- FIFO ABI ----
export const EVTCHN_FIFO_PRIORITY_MAX = 0;
export const EVTCHN_FIFO_PRIORITY_DEFAULT = 7;
export const EVTCHN_FIFO_PRIORITY_MIN = 15;
export const EVTCHN_FIFO_MAX_QUEUES = EVTCHN_FIFO_PRIORITY_MIN + 1;
// event_word_t bit numbers
export const EVTCHN_FIFO_PENDING = 31;
export const EVTCHN_FIFO_MASKED = 30;
export const EVTCHN_FIFO_LINKED = 29;
export const EVTCHN_FIFO_BUSY = 28;
export const EVTCHN_FIFO_LINK_BITS = 17;
export const EVTCHN_FIFO_LINK_MASK = (1 << EVTCHN_FIFO_LINK_BITS) - 1;
export const EVTCHN_FIFO_NR_CHANNELS = 1 << EVTCHN_FIFO_LINK_BITS;
// struct evtchn_fifo_control_block { uint32_t ready; uint32_t _rsvd; uint32_t head[EVTCHN_FIFO_MAX_QUEUES]; }
export const FIFO_CONTROL_BLOCK_READY = 0;
export const FIFO_CONTROL_BLOCK_HEAD = 8;
export const FIFO_CONTROL_BLOCK_SIZE = 8 + 4 * EVTCHN_FIFO_MAX_QUEUES;
