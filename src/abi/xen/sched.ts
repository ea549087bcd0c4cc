// abi/xen/sched.ts - xen/include/public/sched.h: SCHEDOP_* commands of sched_op, SHUTDOWN_* reasons and the
// argument structures (arm64 layouts).

export const SCHEDOP_yield = 0;
export const SCHEDOP_block = 1;
export const SCHEDOP_shutdown = 2;
export const SCHEDOP_poll = 3;
export const SCHEDOP_remote_shutdown = 4;
export const SCHEDOP_shutdown_code = 5;
export const SCHEDOP_watchdog = 6;
export const SCHEDOP_pin_override = 7;

export const SHUTDOWN_poweroff = 0;
export const SHUTDOWN_reboot = 1;
export const SHUTDOWN_suspend = 2;
export const SHUTDOWN_crash = 3;
export const SHUTDOWN_watchdog = 4;
export const SHUTDOWN_soft_reset = 5;
export const SHUTDOWN_MAX = 5;

/** struct sched_shutdown { unsigned int reason; } */
export const SCHED_SHUTDOWN_REASON = 0;
export const SCHED_SHUTDOWN_SIZE = 4;

/** struct sched_poll { XEN_GUEST_HANDLE(evtchn_port_t) ports; unsigned int nr_ports; uint64_t timeout; } */
export const SCHED_POLL_PORTS = 0;
export const SCHED_POLL_NR_PORTS = 8;
export const SCHED_POLL_TIMEOUT = 16;
export const SCHED_POLL_SIZE = 24;

/** struct sched_remote_shutdown { domid_t domain_id; unsigned int reason; } */
export const SCHED_REMOTE_SHUTDOWN_DOMAIN_ID = 0;
export const SCHED_REMOTE_SHUTDOWN_REASON = 4;
export const SCHED_REMOTE_SHUTDOWN_SIZE = 8;

/** struct sched_watchdog { uint32_t id; uint32_t timeout; } */
export const SCHED_WATCHDOG_ID = 0;
export const SCHED_WATCHDOG_TIMEOUT = 4;
export const SCHED_WATCHDOG_SIZE = 8;
