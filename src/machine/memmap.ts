// machine/memmap.ts - the guest physical memory map of a tsxen domain. Xen's GUEST_* layout from
// xen/include/public/arch-arm.h (see shared/docs/XEN-ABI.md section 1), so hvm and pvh guests share one map;
// the PL031 RTC is tsxen's own addition for hvm guests (Xen on Arm has no emulated RTC) and sits in the
// unused space after the vPL011.

export const GUEST_GICV3_GICD_BASE = 0x03001000n;
export const GUEST_GICV3_GICD_SIZE = 0x00010000n;
export const GUEST_GICV3_GICR0_BASE = 0x03020000n;
export const GUEST_GICV3_GICR0_SIZE = 0x01000000n;
export const GUEST_GICV3_RDIST_STRIDE = 0x20000n; // 128 KiB per vCPU (RD_base + SGI_base frames)

export const GUEST_PL011_BASE = 0x22000000n;
export const GUEST_PL011_SIZE = 0x1000n;
export const GUEST_PL011_SPI = 32; // INTID (SPI 0)

export const GUEST_PL031_BASE = 0x22010000n;
export const GUEST_PL031_SIZE = 0x1000n;
export const GUEST_PL031_SPI = 44; // INTID; SPIs 33-43 are reserved for virtio-mmio

export const GUEST_VIRTIO_MMIO_BASE = 0x02000000n;
export const GUEST_VIRTIO_MMIO_SPI_FIRST = 33;
export const GUEST_VIRTIO_MMIO_SPI_LAST = 43;

export const GUEST_GNTTAB_BASE = 0x38000000n;
export const GUEST_GNTTAB_SIZE = 0x01000000n;
export const GUEST_MAGIC_BASE = 0x39000000n;
export const GUEST_MAGIC_SIZE = 0x01000000n;

export const GUEST_RAM0_BASE = 0x40000000n;
export const GUEST_RAM0_SIZE = 0xc0000000n; // up to 3 GiB
export const GUEST_RAM1_BASE = 0x200000000n;

// PPIs (INTIDs) of the architected timers and the Xen event upcall
export const PPI_SEC_PHYS_TIMER = 29;
export const PPI_PHYS_TIMER = 30;
export const PPI_VIRT_TIMER = 27;
export const PPI_HYP_TIMER = 26;
export const PPI_XEN_EVENTS = 31;

/** Phandle of the GIC, as Xen's toolstack uses (GUEST_PHANDLE_GIC = 65000). */
export const PHANDLE_GIC = 65000;
export const PHANDLE_APB_PCLK = 65001;

/** MPIDR_EL1 affinity of vCPU `i` as Xen assigns it (vcpuid_to_vaffinity: 16 vCPUs per Aff1 cluster). */
export function vcpuAffinity(i: number): number {
  return (i & 0xf) | ((i >> 4) << 8);
}
