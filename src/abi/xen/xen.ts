// abi/xen/xen.ts - xen/include/public/xen.h (hypercall numbers, DOMID_*, VIRQ_*, CONSOLEIO_*, VMASST_*),
// xen/include/public/errno.h (XEN_E*) and the Arm hypercall convention of xen/include/public/arch-arm.h.

// ---- hypercall convention (arch-arm.h): HVC #XEN_HYPERCALL_TAG, number in x16, arguments x0-x4, result x0 ----
export const XEN_HYPERCALL_TAG = 0xea1;
export const XEN_PAGE_SHIFT = 12;
export const XEN_PAGE_SIZE = 4096;
/** vcpu_info slots inside shared_info on Arm (arch-arm.h XEN_LEGACY_MAX_VCPUS). */
export const XEN_LEGACY_MAX_VCPUS = 1;

// ---- hypercall numbers (xen.h __HYPERVISOR_*) ----
export const HYPERVISOR_set_trap_table = 0;
export const HYPERVISOR_mmu_update = 1;
export const HYPERVISOR_set_gdt = 2;
export const HYPERVISOR_stack_switch = 3;
export const HYPERVISOR_set_callbacks = 4;
export const HYPERVISOR_fpu_taskswitch = 5;
export const HYPERVISOR_sched_op_compat = 6;
export const HYPERVISOR_platform_op = 7;
export const HYPERVISOR_set_debugreg = 8;
export const HYPERVISOR_get_debugreg = 9;
export const HYPERVISOR_update_descriptor = 10;
export const HYPERVISOR_memory_op = 12;
export const HYPERVISOR_multicall = 13;
export const HYPERVISOR_update_va_mapping = 14;
export const HYPERVISOR_set_timer_op = 15;
export const HYPERVISOR_event_channel_op_compat = 16;
export const HYPERVISOR_xen_version = 17;
export const HYPERVISOR_console_io = 18;
export const HYPERVISOR_physdev_op_compat = 19;
export const HYPERVISOR_grant_table_op = 20;
export const HYPERVISOR_vm_assist = 21;
export const HYPERVISOR_update_va_mapping_otherdomain = 22;
export const HYPERVISOR_iret = 23;
export const HYPERVISOR_vcpu_op = 24;
export const HYPERVISOR_set_segment_base = 25;
export const HYPERVISOR_mmuext_op = 26;
export const HYPERVISOR_xsm_op = 27;
export const HYPERVISOR_nmi_op = 28;
export const HYPERVISOR_sched_op = 29;
export const HYPERVISOR_callback_op = 30;
export const HYPERVISOR_xenoprof_op = 31;
export const HYPERVISOR_event_channel_op = 32;
export const HYPERVISOR_physdev_op = 33;
export const HYPERVISOR_hvm_op = 34;
export const HYPERVISOR_sysctl = 35;
export const HYPERVISOR_domctl = 36;
export const HYPERVISOR_kexec_op = 37;
export const HYPERVISOR_tmem_op = 38;
export const HYPERVISOR_argo_op = 39;
export const HYPERVISOR_xenpmu_op = 40;
export const HYPERVISOR_dm_op = 41;
export const HYPERVISOR_hypfs_op = 42;
/** One past the highest hypercall number (arch_0..arch_7 are 48..55). */
export const NR_HYPERCALLS = 64;

// ---- errno values (errno.h), returned negated in x0 ----
export const XEN_EPERM = 1;
export const XEN_ENOENT = 2;
export const XEN_ESRCH = 3;
export const XEN_EIO = 5;
export const XEN_ENXIO = 6;
export const XEN_E2BIG = 7;
export const XEN_EBADF = 9;
export const XEN_EAGAIN = 11;
export const XEN_ENOMEM = 12;
export const XEN_EACCES = 13;
export const XEN_EFAULT = 14;
export const XEN_EBUSY = 16;
export const XEN_EEXIST = 17;
export const XEN_ENODEV = 19;
export const XEN_EINVAL = 22;
export const XEN_ENOSPC = 28;
export const XEN_EDOM = 33;
export const XEN_ERANGE = 34;
export const XEN_ENOSYS = 38;
export const XEN_ENODATA = 61;
export const XEN_ETIME = 62;
export const XEN_EOVERFLOW = 75;
export const XEN_EILSEQ = 84;
export const XEN_EOPNOTSUPP = 95;

// ---- domain ids (xen.h) ----
export const DOMID_FIRST_RESERVED = 0x7ff0;
export const DOMID_SELF = 0x7ff0;
export const DOMID_IO = 0x7ff1;
export const DOMID_XEN = 0x7ff2;
export const DOMID_COW = 0x7ff3;
export const DOMID_INVALID = 0x7ff4;
export const DOMID_ANY = 0x7ff5;
export const DOMID_IDLE = 0x7fff;
export const DOMID_MASK = 0x7fff;

// ---- virtual interrupts (xen.h VIRQ_*): V = per vCPU, G = global ----
export const VIRQ_TIMER = 0;
export const VIRQ_DEBUG = 1;
export const VIRQ_CONSOLE = 2;
export const VIRQ_DOM_EXC = 3;
export const VIRQ_TBUF = 4;
export const VIRQ_DEBUGGER = 6;
export const VIRQ_XENOPROF = 7;
export const VIRQ_CON_RING = 8;
export const VIRQ_PCPU_STATE = 9;
export const VIRQ_MEM_EVENT = 10;
export const VIRQ_ARGO = 11;
export const VIRQ_ENOMEM = 12;
export const VIRQ_XENPMU = 13;
export const NR_VIRQS = 24;

// ---- console_io (xen.h) ----
export const CONSOLEIO_write = 0;
export const CONSOLEIO_read = 1;

// ---- vm_assist (xen.h) ----
export const VMASST_CMD_enable = 0;
export const VMASST_CMD_disable = 1;
export const VMASST_TYPE_4gb_segments = 0;
export const VMASST_TYPE_4gb_segments_notify = 1;
export const VMASST_TYPE_writable_pagetables = 2;
export const VMASST_TYPE_pae_extended_cr3 = 3;
export const VMASST_TYPE_architectural_iopl = 4;
export const VMASST_TYPE_runstate_update_flag = 5;
export const VMASST_TYPE_m2p_strict = 32;
