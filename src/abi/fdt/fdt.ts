// abi/fdt/fdt.ts - Flattened Devicetree blob format (Devicetree Specification v0.4, chapter 5).

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
export const FDT_HEADER_SIZE = 40;

// Structure block tokens (section 5.4.1)
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

// Header field offsets (section 5.2)
export const FDTH_MAGIC = 0;
export const FDTH_TOTALSIZE = 4;
export const FDTH_OFF_DT_STRUCT = 8;
export const FDTH_OFF_DT_STRINGS = 12;
export const FDTH_OFF_MEM_RSVMAP = 16;
export const FDTH_VERSION = 20;
export const FDTH_LAST_COMP_VERSION = 24;
export const FDTH_BOOT_CPUID_PHYS = 28;
export const FDTH_SIZE_DT_STRINGS = 32;
export const FDTH_SIZE_DT_STRUCT = 36;

// Interrupt specifier of the Arm GIC bindings (Documentation/devicetree/bindings/interrupt-controller/arm,gic-v3)
export const GIC_SPI = 0;
export const GIC_PPI = 1;
export const IRQ_TYPE_EDGE_RISING = 1;
export const IRQ_TYPE_LEVEL_HIGH = 4;
export const IRQ_TYPE_LEVEL_LOW = 8;
