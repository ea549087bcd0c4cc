// abi/xen/version.ts - xen/include/public/version.h: XENVER_* commands of the xen_version hypercall and the
// sizes of the buffers they fill.

export const XENVER_version = 0; // arg NULL; returns (major << 16) | minor
export const XENVER_extraversion = 1;
export const XENVER_compile_info = 2;
export const XENVER_capabilities = 3;
export const XENVER_changeset = 4;
export const XENVER_platform_parameters = 5;
export const XENVER_get_features = 6;
export const XENVER_pagesize = 7; // arg NULL; returns the page size
export const XENVER_guest_handle = 8;
export const XENVER_commandline = 9;
export const XENVER_build_id = 10;

/** char xen_extraversion_t[16] */
export const XEN_EXTRAVERSION_LEN = 16;
/** struct xen_compile_info { char compiler[64]; compile_by[16]; compile_domain[32]; compile_date[32]; } */
export const COMPILE_INFO_COMPILER = 0, COMPILE_INFO_COMPILER_LEN = 64;
export const COMPILE_INFO_BY = 64, COMPILE_INFO_BY_LEN = 16;
export const COMPILE_INFO_DOMAIN = 80, COMPILE_INFO_DOMAIN_LEN = 32;
export const COMPILE_INFO_DATE = 112, COMPILE_INFO_DATE_LEN = 32;
export const COMPILE_INFO_SIZE = 144;
/** char xen_capabilities_info_t[1024] */
export const XEN_CAPABILITIES_INFO_LEN = 1024;
/** char xen_changeset_info_t[64] */
export const XEN_CHANGESET_INFO_LEN = 64;
/** struct xen_platform_parameters { xen_ulong_t virt_start; } */
export const PLATFORM_PARAMETERS_SIZE = 8;
/** struct xen_feature_info { unsigned int submap_idx; uint32_t submap; } */
export const FEATURE_INFO_SUBMAP_IDX = 0;
export const FEATURE_INFO_SUBMAP = 4;
export const FEATURE_INFO_SIZE = 8;
/** xen_domain_handle_t: uint8_t[16] (the domain's UUID) */
export const XEN_DOMAIN_HANDLE_LEN = 16;
/** char xen_commandline_t[1024] */
export const XEN_COMMANDLINE_LEN = 1024;
/** struct xen_build_id { uint32_t len; unsigned char buf[]; } */
export const BUILD_ID_LEN = 0;
export const BUILD_ID_BUF = 4;
