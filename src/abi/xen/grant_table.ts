// abi/xen/grant_table.ts - xen/include/public/grant_table.h (Xen 4.17): grant entries (v1 and v2), GTF_* flags,
// grant-table operations and their argument structs for HYPERVISOR_grant_table_op(cmd, uop, count), laid out for
// arm64 (AAPCS64, little-endian; xen_pfn_t and guest handles are 64-bit, arch-arm.h). Offsets are byte offsets
// inside each struct; `*_SIZE` is sizeof.

/** grant_ref_t is a uint32_t. */
export type GrantRef = number;

// struct grant_entry_v1 { uint16_t flags; domid_t domid; uint32_t frame; }
export const GNTTAB_V1_FLAGS = 0;
export const GNTTAB_V1_DOMID = 2;
export const GNTTAB_V1_FRAME = 4;
export const GRANT_ENTRY_V1_SIZE = 8;

/** The first entries are kept across version changes and may be pre-populated by the toolstack. */
export const GNTTAB_NR_RESERVED_ENTRIES = 8;
export const GNTTAB_RESERVED_CONSOLE = 0;
export const GNTTAB_RESERVED_XENSTORE = 1;

// Type of grant entry (flags bits 1:0)
export const GTF_invalid = 0 << 0;
export const GTF_permit_access = 1 << 0;
export const GTF_accept_transfer = 2 << 0;
export const GTF_transitive = 3 << 0;
export const GTF_type_mask = 3 << 0;

// Subflags for GTF_permit_access and GTF_transitive: [GST] written by the guest, [XEN] by the hypervisor
export const _GTF_readonly = 2;
export const GTF_readonly = 1 << _GTF_readonly; // [GST]
export const _GTF_reading = 3;
export const GTF_reading = 1 << _GTF_reading; // [XEN]
export const _GTF_writing = 4;
export const GTF_writing = 1 << _GTF_writing; // [XEN]
export const _GTF_PWT = 5;
export const GTF_PWT = 1 << _GTF_PWT;
export const _GTF_PCD = 6;
export const GTF_PCD = 1 << _GTF_PCD;
export const _GTF_PAT = 7;
export const GTF_PAT = 1 << _GTF_PAT;
export const _GTF_sub_page = 8;
export const GTF_sub_page = 1 << _GTF_sub_page;

// Subflags for GTF_accept_transfer
export const _GTF_transfer_committed = 2;
export const GTF_transfer_committed = 1 << _GTF_transfer_committed;
export const _GTF_transfer_completed = 3;
export const GTF_transfer_completed = 1 << _GTF_transfer_completed;

// union grant_entry_v2 (16 bytes): hdr { flags; domid; } then full_page / sub_page / transitive
export const GNTTAB_V2_FLAGS = 0;
export const GNTTAB_V2_DOMID = 2;
export const GNTTAB_V2_FULL_PAGE_FRAME = 8; // uint64_t
export const GNTTAB_V2_SUB_PAGE_PAGE_OFF = 4; // uint16_t
export const GNTTAB_V2_SUB_PAGE_LENGTH = 6; // uint16_t
export const GNTTAB_V2_SUB_PAGE_FRAME = 8; // uint64_t
export const GNTTAB_V2_TRANSITIVE_TRANS_DOMID = 4; // domid_t
export const GNTTAB_V2_TRANSITIVE_GREF = 8; // grant_ref_t
export const GRANT_ENTRY_V2_SIZE = 16;
/** grant_status_t (v2 status frames) is a uint16_t. */
export const GRANT_STATUS_SIZE = 2;

// ` enum grant_table_op
export const GNTTABOP_map_grant_ref = 0;
export const GNTTABOP_unmap_grant_ref = 1;
export const GNTTABOP_setup_table = 2;
export const GNTTABOP_dump_table = 3;
export const GNTTABOP_transfer = 4;
export const GNTTABOP_copy = 5;
export const GNTTABOP_query_size = 6;
export const GNTTABOP_unmap_and_replace = 7;
export const GNTTABOP_set_version = 8;
export const GNTTABOP_get_status_frames = 9;
export const GNTTABOP_get_version = 10;
export const GNTTABOP_swap_grant_ref = 11;
export const GNTTABOP_cache_flush = 12;

// struct gnttab_map_grant_ref
export const MAP_GRANT_REF_HOST_ADDR = 0; // uint64_t
export const MAP_GRANT_REF_FLAGS = 8; // uint32_t GNTMAP_*
export const MAP_GRANT_REF_REF = 12;
export const MAP_GRANT_REF_DOM = 16; // domid_t
export const MAP_GRANT_REF_STATUS = 18; // OUT int16_t GNTST_*
export const MAP_GRANT_REF_HANDLE = 20; // OUT grant_handle_t
export const MAP_GRANT_REF_DEV_BUS_ADDR = 24; // OUT uint64_t
export const MAP_GRANT_REF_SIZE = 32;

// struct gnttab_unmap_grant_ref
export const UNMAP_GRANT_REF_HOST_ADDR = 0;
export const UNMAP_GRANT_REF_DEV_BUS_ADDR = 8;
export const UNMAP_GRANT_REF_HANDLE = 16;
export const UNMAP_GRANT_REF_STATUS = 20; // OUT
export const UNMAP_GRANT_REF_SIZE = 24;

// struct gnttab_setup_table
export const SETUP_TABLE_DOM = 0;
export const SETUP_TABLE_NR_FRAMES = 4;
export const SETUP_TABLE_STATUS = 8; // OUT
export const SETUP_TABLE_FRAME_LIST = 16; // XEN_GUEST_HANDLE(xen_pfn_t), 64-bit on Arm
export const SETUP_TABLE_SIZE = 24;

// struct gnttab_dump_table
export const DUMP_TABLE_DOM = 0;
export const DUMP_TABLE_STATUS = 2; // OUT
export const DUMP_TABLE_SIZE = 4;

// struct gnttab_transfer
export const TRANSFER_MFN = 0; // xen_pfn_t
export const TRANSFER_DOMID = 8;
export const TRANSFER_REF = 12;
export const TRANSFER_STATUS = 16; // OUT
export const TRANSFER_SIZE = 24;

// struct gnttab_copy: source and dest are struct gnttab_copy_ptr { union { ref; xen_pfn_t gmfn; } u; domid; offset; }
export const _GNTCOPY_source_gref = 0;
export const GNTCOPY_source_gref = 1 << _GNTCOPY_source_gref;
export const _GNTCOPY_dest_gref = 1;
export const GNTCOPY_dest_gref = 1 << _GNTCOPY_dest_gref;
export const COPY_PTR_U = 0; // grant_ref_t ref or xen_pfn_t gmfn
export const COPY_PTR_DOMID = 8;
export const COPY_PTR_OFFSET = 10;
export const COPY_PTR_SIZE = 16;
export const COPY_SOURCE = 0;
export const COPY_DEST = 16;
export const COPY_LEN = 32; // uint16_t
export const COPY_FLAGS = 34; // uint16_t GNTCOPY_*
export const COPY_STATUS = 36; // OUT int16_t
export const COPY_SIZE = 40;

// struct gnttab_query_size
export const QUERY_SIZE_DOM = 0;
export const QUERY_SIZE_NR_FRAMES = 4; // OUT
export const QUERY_SIZE_MAX_NR_FRAMES = 8; // OUT
export const QUERY_SIZE_STATUS = 12; // OUT
export const QUERY_SIZE_SIZE = 16;

// struct gnttab_unmap_and_replace
export const UNMAP_AND_REPLACE_HOST_ADDR = 0;
export const UNMAP_AND_REPLACE_NEW_ADDR = 8;
export const UNMAP_AND_REPLACE_HANDLE = 16;
export const UNMAP_AND_REPLACE_STATUS = 20; // OUT
export const UNMAP_AND_REPLACE_SIZE = 24;

// struct gnttab_set_version { uint32_t version; } (IN/OUT)
export const SET_VERSION_VERSION = 0;
export const SET_VERSION_SIZE = 4;

// struct gnttab_get_status_frames
export const GET_STATUS_FRAMES_NR_FRAMES = 0;
export const GET_STATUS_FRAMES_DOM = 4;
export const GET_STATUS_FRAMES_STATUS = 6; // OUT
export const GET_STATUS_FRAMES_FRAME_LIST = 8; // XEN_GUEST_HANDLE(uint64_t)
export const GET_STATUS_FRAMES_SIZE = 16;

// struct gnttab_get_version
export const GET_VERSION_DOM = 0;
export const GET_VERSION_VERSION = 4; // OUT
export const GET_VERSION_SIZE = 8;

// struct gnttab_swap_grant_ref
export const SWAP_GRANT_REF_REF_A = 0;
export const SWAP_GRANT_REF_REF_B = 4;
export const SWAP_GRANT_REF_STATUS = 8; // OUT
export const SWAP_GRANT_REF_SIZE = 12;

// struct gnttab_cache_flush
export const GNTTAB_CACHE_CLEAN = 1 << 0;
export const GNTTAB_CACHE_INVAL = 1 << 1;
export const GNTTAB_CACHE_SOURCE_GREF = 0x80000000;
export const CACHE_FLUSH_A = 0; // uint64_t dev_bus_addr or grant_ref_t ref
export const CACHE_FLUSH_OFFSET = 8;
export const CACHE_FLUSH_LENGTH = 10;
export const CACHE_FLUSH_OP = 12;
export const CACHE_FLUSH_SIZE = 16;

// Bitfield values for gnttab_map_grant_ref.flags
export const _GNTMAP_device_map = 0;
export const GNTMAP_device_map = 1 << _GNTMAP_device_map;
export const _GNTMAP_host_map = 1;
export const GNTMAP_host_map = 1 << _GNTMAP_host_map;
export const _GNTMAP_readonly = 2;
export const GNTMAP_readonly = 1 << _GNTMAP_readonly;
export const _GNTMAP_application_map = 3;
export const GNTMAP_application_map = 1 << _GNTMAP_application_map;
export const _GNTMAP_contains_pte = 4;
export const GNTMAP_contains_pte = 1 << _GNTMAP_contains_pte;
export const _GNTMAP_guest_avail0 = 16;
export const GNTMAP_guest_avail_mask = (0xffffffff << _GNTMAP_guest_avail0) >>> 0;

// ` enum grant_status: error status returns, all negative
export const GNTST_okay = 0;
export const GNTST_general_error = -1;
export const GNTST_bad_domain = -2;
export const GNTST_bad_gntref = -3;
export const GNTST_bad_handle = -4;
export const GNTST_bad_virt_addr = -5;
export const GNTST_bad_dev_addr = -6;
export const GNTST_no_device_space = -7;
export const GNTST_permission_denied = -8;
export const GNTST_bad_page = -9;
export const GNTST_bad_copy_arg = -10;
export const GNTST_address_too_big = -11;
export const GNTST_eagain = -12;
export const GNTST_no_space = -13;

/** GNTTABOP_error_msgs, indexed by -status. */
export const GNTTABOP_error_msgs: readonly string[] = [
  'okay',
  'undefined error',
  'unrecognised domain id',
  'invalid grant reference',
  'invalid mapping handle',
  'invalid virtual address',
  'invalid device address',
  'no spare translation slot in the I/O MMU',
  'permission denied',
  'bad page',
  'copy arguments cross page boundary',
  'page address size too large',
  'operation not done; try again',
  'out of space',
];
