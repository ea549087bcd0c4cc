// abi/xen/vcpu.ts - xen/include/public/vcpu.h: VCPUOP_* commands of vcpu_op, vcpu_runstate_info and the
// registration structures (arm64 layouts).

export const VCPUOP_initialise = 0;
export const VCPUOP_up = 1;
export const VCPUOP_down = 2;
export const VCPUOP_is_up = 3;
export const VCPUOP_get_runstate_info = 4;
export const VCPUOP_register_runstate_memory_area = 5;
export const VCPUOP_set_periodic_timer = 6;
export const VCPUOP_stop_periodic_timer = 7;
export const VCPUOP_set_singleshot_timer = 8;
export const VCPUOP_stop_singleshot_timer = 9;
export const VCPUOP_register_vcpu_info = 10;
export const VCPUOP_send_nmi = 11;
export const VCPUOP_get_physid = 12;
export const VCPUOP_register_vcpu_time_memory_area = 13;
export const VCPUOP_register_runstate_phys_area = 14;
export const VCPUOP_register_vcpu_time_phys_area = 15;

// RUNSTATE_* (vcpu_runstate_info.state)
export const RUNSTATE_running = 0;
export const RUNSTATE_runnable = 1;
export const RUNSTATE_blocked = 2;
export const RUNSTATE_offline = 3;

/** struct vcpu_runstate_info { int state; uint64_t state_entry_time; uint64_t time[4]; } (48 bytes) */
export const RUNSTATE_INFO_STATE = 0;
export const RUNSTATE_INFO_STATE_ENTRY_TIME = 8;
export const RUNSTATE_INFO_TIME = 16; // + 8 * RUNSTATE_*
export const RUNSTATE_INFO_SIZE = 48;
/** Set in state_entry_time while Xen updates the guest's copy (VMASST_TYPE_runstate_update_flag). */
export const XEN_RUNSTATE_UPDATE = 1n << 63n;

/** struct vcpu_register_runstate_memory_area { union { handle; ptr; uint64_t p; } addr; } */
export const REGISTER_RUNSTATE_ADDR = 0;
export const REGISTER_RUNSTATE_SIZE = 8;

/** struct vcpu_register_vcpu_info { uint64_t mfn; uint32_t offset; uint32_t rsvd; } (16 bytes) */
export const REGISTER_VCPU_INFO_MFN = 0;
export const REGISTER_VCPU_INFO_OFFSET = 8;
export const REGISTER_VCPU_INFO_RSVD = 12;
export const REGISTER_VCPU_INFO_SIZE = 16;
