// abi/xen/memory.ts - xen/include/public/memory.h: XENMEM_* commands of the memory_op hypercall, XENMAPSPACE_*
// and the arm64 layouts of the structures Linux passes (xen_ulong_t and pointers are 8 bytes).

export const XENMEM_increase_reservation = 0;
export const XENMEM_decrease_reservation = 1;
export const XENMEM_maximum_ram_page = 2;
export const XENMEM_current_reservation = 3;
export const XENMEM_maximum_reservation = 4;
export const XENMEM_machphys_mfn_list = 5;
export const XENMEM_populate_physmap = 6;
export const XENMEM_add_to_physmap = 7;
export const XENMEM_memory_map = 9;
export const XENMEM_machine_memory_map = 10;
export const XENMEM_exchange = 11;
export const XENMEM_machphys_mapping = 12;
export const XENMEM_set_memory_map = 13;
export const XENMEM_maximum_gpfn = 14;
export const XENMEM_remove_from_physmap = 15;
export const XENMEM_set_pod_target = 16;
export const XENMEM_get_pod_target = 17;
export const XENMEM_get_sharing_freed_pages = 18;
export const XENMEM_get_sharing_shared_pages = 19;
export const XENMEM_paging_op = 20;
export const XENMEM_access_op = 21;
export const XENMEM_sharing_op = 22;
export const XENMEM_add_to_physmap_batch = 23;
export const XENMEM_claim_pages = 24;
export const XENMEM_machphys_compat_mfn_list = 25;
export const XENMEM_get_vnumainfo = 26;
export const XENMEM_reserved_device_memory_map = 27;
export const XENMEM_acquire_resource = 28;

// XENMEMF_* flags in xen_memory_reservation.mem_flags
export const XENMEMF_address_bits_mask = 0xff; // XENMEMF_get_address_bits
export const XENMEMF_node_mask = 0xff00; // XENMEMF_node(x) = (x + 1) << 8
export const XENMEMF_populate_on_demand = 1 << 16;
export const XENMEMF_exact_node_request = 1 << 17;
export const XENMEMF_vnode = 1 << 18;

/** struct xen_memory_reservation (32 bytes on arm64) */
export const RESERVATION_EXTENT_START = 0; // XEN_GUEST_HANDLE(xen_pfn_t): guest VA of a u64 array
export const RESERVATION_NR_EXTENTS = 8; // xen_ulong_t
export const RESERVATION_EXTENT_ORDER = 16; // unsigned int
export const RESERVATION_MEM_FLAGS = 20; // unsigned int
export const RESERVATION_DOMID = 24; // domid_t
export const RESERVATION_SIZE = 32;

/** struct xen_memory_domain { domid_t domid; } */
export const MEMORY_DOMAIN_DOMID = 0;
export const MEMORY_DOMAIN_SIZE = 2;

// XENMAPSPACE_* (the `space` of add_to_physmap)
export const XENMAPSPACE_shared_info = 0;
export const XENMAPSPACE_grant_table = 1;
export const XENMAPSPACE_gmfn = 2;
export const XENMAPSPACE_gmfn_range = 3;
export const XENMAPSPACE_gmfn_foreign = 4;
export const XENMAPSPACE_dev_mmio = 5;
/** Bit of add_to_physmap.idx selecting a v2 status frame (grant_table space). */
export const XENMAPIDX_grant_table_status = 0x80000000;

/** struct xen_add_to_physmap (24 bytes) */
export const ADD_TO_PHYSMAP_DOMID = 0; // domid_t
export const ADD_TO_PHYSMAP_SIZE_FIELD = 2; // uint16_t, pages for gmfn_range
export const ADD_TO_PHYSMAP_SPACE = 4; // unsigned int
export const ADD_TO_PHYSMAP_IDX = 8; // xen_ulong_t
export const ADD_TO_PHYSMAP_GPFN = 16; // xen_pfn_t
export const ADD_TO_PHYSMAP_SIZE = 24;

/** struct xen_remove_from_physmap (16 bytes) */
export const REMOVE_FROM_PHYSMAP_DOMID = 0;
export const REMOVE_FROM_PHYSMAP_GPFN = 8;
export const REMOVE_FROM_PHYSMAP_SIZE = 16;

/** struct xen_add_to_physmap_batch (32 bytes) */
export const ADD_TO_PHYSMAP_BATCH_DOMID = 0; // domid_t
export const ADD_TO_PHYSMAP_BATCH_SPACE = 2; // uint16_t
export const ADD_TO_PHYSMAP_BATCH_SIZE_FIELD = 4; // uint16_t
export const ADD_TO_PHYSMAP_BATCH_U = 6; // foreign_domid (gmfn_foreign) or res0
export const ADD_TO_PHYSMAP_BATCH_IDXS = 8; // XEN_GUEST_HANDLE(xen_ulong_t)
export const ADD_TO_PHYSMAP_BATCH_GPFNS = 16; // XEN_GUEST_HANDLE(xen_pfn_t)
export const ADD_TO_PHYSMAP_BATCH_ERRS = 24; // XEN_GUEST_HANDLE(int)
export const ADD_TO_PHYSMAP_BATCH_SIZE = 32;

/** struct xen_vnuma_topology_info (40 bytes): domid, pad, nr_vnodes, nr_vcpus, nr_vmemranges, 3 handles */
export const VNUMA_TOPOLOGY_DOMID = 0;
export const VNUMA_TOPOLOGY_PAD = 2;
export const VNUMA_TOPOLOGY_SIZE = 40;
