// abi/xen/shared_info.ts - struct shared_info, struct vcpu_info and struct vcpu_time_info of
// xen/include/public/xen.h with the Arm definitions of arch-arm.h (xen_ulong_t = uint64_t, empty
// arch_vcpu_info / arch_shared_info, XEN_LEGACY_MAX_VCPUS = 1): byte offsets for arm64.

/** struct vcpu_time_info (32 bytes; unused on Arm, where guests read the architected counter) */
export const VCPU_TIME_INFO_SIZE = 32;

/** struct vcpu_info (48 bytes on Arm) */
export const VCPU_INFO_UPCALL_PENDING = 0; // uint8_t evtchn_upcall_pending
export const VCPU_INFO_PAD0 = 1; // uint8_t (evtchn_upcall_mask is x86-only)
export const VCPU_INFO_PENDING_SEL = 8; // xen_ulong_t evtchn_pending_sel
export const VCPU_INFO_TIME = 16; // vcpu_time_info
export const VCPU_INFO_SIZE = 48;
/** alignof(struct vcpu_info): its largest member is 8 bytes. */
export const VCPU_INFO_ALIGN = 8;

/** struct shared_info */
export const SHARED_INFO_VCPU_INFO = 0; // vcpu_info[XEN_LEGACY_MAX_VCPUS]
export const SHARED_INFO_EVTCHN_PENDING = 48; // xen_ulong_t[64]
export const SHARED_INFO_EVTCHN_MASK = 560; // xen_ulong_t[64]
export const SHARED_INFO_WC_VERSION = 1072; // uint32_t
export const SHARED_INFO_WC_SEC = 1076; // uint32_t
export const SHARED_INFO_WC_NSEC = 1080; // uint32_t
export const SHARED_INFO_WC_SEC_HI = 1084; // uint32_t
export const SHARED_INFO_ARCH = 1088; // struct arch_shared_info (empty on Arm)
export const SHARED_INFO_SIZE = 1088;

/** Bits per evtchn_pending / evtchn_mask word and words per array (2-level ABI). */
export const EVTCHN_WORD_BITS = 64;
export const EVTCHN_WORDS = 64;
