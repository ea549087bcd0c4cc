// abi/arm/gicv3.ts - Arm Generic Interrupt Controller Architecture Specification, GIC v3 and v4 (IHI 0069):
// register maps of the Distributor and the Redistributor and the fields tsxen's model uses (chapter 12,
// "Programmers' model"; cited by register name because section numbers move between issues of the document).
// Names are the specification's, with Linux's include/linux/irqchip/arm-gic-v3.h as the cross-check.

// ---- INTID ranges ----
export const GIC_SGI_BASE = 0; // 0-15 software generated
export const GIC_PPI_BASE = 16; // 16-31 private peripheral
export const GIC_SPI_BASE = 32; // 32-1019 shared peripheral
export const GIC_MAX_SPI_INTID = 1019;
/** Special INTIDs returned by ICC_IAR/HPPIR: 1020/1021 for EL3, 1022 NMI, 1023 no interrupt. */
export const INTID_SPURIOUS = 1023;
export const INTID_SPECIAL_FIRST = 1020;

// ---- Distributor, 64 KiB frame ----
export const GICD_CTLR = 0x0000;
export const GICD_TYPER = 0x0004;
export const GICD_IIDR = 0x0008;
export const GICD_TYPER2 = 0x000c;
export const GICD_STATUSR = 0x0010;
export const GICD_SETSPI_NSR = 0x0040;
export const GICD_CLRSPI_NSR = 0x0048;
export const GICD_SETSPI_SR = 0x0050;
export const GICD_CLRSPI_SR = 0x0058;
export const GICD_IGROUPR = 0x0080; // ..0x00fc, one bit per INTID
export const GICD_ISENABLER = 0x0100;
export const GICD_ICENABLER = 0x0180;
export const GICD_ISPENDR = 0x0200;
export const GICD_ICPENDR = 0x0280;
export const GICD_ISACTIVER = 0x0300;
export const GICD_ICACTIVER = 0x0380;
export const GICD_IPRIORITYR = 0x0400; // ..0x07f8, one byte per INTID
export const GICD_ITARGETSR = 0x0800; // ..0x0bf8, legacy (ARE = 0) only
export const GICD_ICFGR = 0x0c00; // ..0x0cfc, two bits per INTID
export const GICD_IGRPMODR = 0x0d00; // ..0x0d7c
export const GICD_NSACR = 0x0e00; // ..0x0efc
export const GICD_SGIR = 0x0f00;
export const GICD_CPENDSGIR = 0x0f10;
export const GICD_SPENDSGIR = 0x0f20;
export const GICD_INMIR = 0x0f80;
export const GICD_IROUTER = 0x6000; // ..0x7fd8, 64 bits per INTID (32 and up)
export const GICD_IROUTER_END = 0x7fe0;
export const GICD_PIDR4 = 0xffd0;
export const GICD_PIDR0 = 0xffe0;
export const GICD_PIDR1 = 0xffe4;
export const GICD_PIDR2 = 0xffe8;
export const GICD_PIDR3 = 0xffec;
export const GICD_CIDR0 = 0xfff0;
export const GICD_SIZE = 0x10000;

// GICD_CTLR as seen with a single Security state, DS == 1
export const GICD_CTLR_ENABLE_GRP0 = 1 << 0;
export const GICD_CTLR_ENABLE_GRP1 = 1 << 1;
export const GICD_CTLR_ARE = 1 << 4;
export const GICD_CTLR_DS = 1 << 6;
export const GICD_CTLR_E1NWF = 1 << 7;
export const GICD_CTLR_RWP = 1 << 31;

// GICD_TYPER
export const GICD_TYPER_ITLINES_MASK = 0x1f; // SPIs = 32 * ITLinesNumber
export const GICD_TYPER_CPUNUMBER_SHIFT = 5;
export const GICD_TYPER_ESPI = 1 << 8;
export const GICD_TYPER_SECURITY_EXTN = 1 << 10;
export const GICD_TYPER_MBIS = 1 << 16;
export const GICD_TYPER_LPIS = 1 << 17;
export const GICD_TYPER_IDBITS_SHIFT = 19; // INTID bits - 1
export const GICD_TYPER_A3V = 1 << 24;
export const GICD_TYPER_NO1N = 1 << 25;
export const GICD_TYPER_RSS = 1 << 26;

// GICD_IROUTER<n>
export const GICD_IROUTER_IRM = 1n << 31n; // Interrupt_Routing_Mode: 1 = any participating PE (1 of N)
export const GICD_IROUTER_AFF_MASK = 0xff_0000_00ff_ffffn; // Aff3 at 39:32, Aff2:Aff1:Aff0 at 23:0

// ---- Redistributor: RD_base frame then SGI_base frame, 64 KiB each ----
export const GICR_CTLR = 0x0000;
export const GICR_IIDR = 0x0004;
export const GICR_TYPER = 0x0008; // 64-bit
export const GICR_STATUSR = 0x0010;
export const GICR_WAKER = 0x0014;
export const GICR_MPAMIDR = 0x0018;
export const GICR_PARTIDR = 0x001c;
export const GICR_SETLPIR = 0x0040;
export const GICR_CLRLPIR = 0x0048;
export const GICR_PROPBASER = 0x0070;
export const GICR_PENDBASER = 0x0078;
export const GICR_INVLPIR = 0x00a0;
export const GICR_INVALLR = 0x00b0;
export const GICR_SYNCR = 0x00c0;
export const GICR_PIDR4 = 0xffd0; // the ID block sits at the same offsets as the Distributor's
export const GICR_PIDR2 = 0xffe8;
export const GICR_CIDR0 = 0xfff0;
export const GICR_SGI_BASE = 0x10000;
export const GICR_IGROUPR0 = 0x0080; // offsets inside SGI_base
export const GICR_ISENABLER0 = 0x0100;
export const GICR_ICENABLER0 = 0x0180;
export const GICR_ISPENDR0 = 0x0200;
export const GICR_ICPENDR0 = 0x0280;
export const GICR_ISACTIVER0 = 0x0300;
export const GICR_ICACTIVER0 = 0x0380;
export const GICR_IPRIORITYR0 = 0x0400; // ..0x041c
export const GICR_ICFGR0 = 0x0c00;
export const GICR_ICFGR1 = 0x0c04;
export const GICR_IGRPMODR0 = 0x0d00;
export const GICR_NSACR = 0x0e00;
export const GICR_INMIR0 = 0x0f80;
/** One Redistributor without virtual LPIs: RD_base + SGI_base. */
export const GICR_STRIDE = 0x20000;

// GICR_CTLR
export const GICR_CTLR_RWP = 1 << 3;
export const GICR_CTLR_DPG0 = 1 << 24;
export const GICR_CTLR_DPG1NS = 1 << 25;
export const GICR_CTLR_DPG1S = 1 << 26;
export const GICR_CTLR_UWP = 1 << 31;

// GICR_TYPER
export const GICR_TYPER_PLPIS = 1n << 0n;
export const GICR_TYPER_VLPIS = 1n << 1n;
export const GICR_TYPER_LAST = 1n << 4n;
export const GICR_TYPER_DPGS = 1n << 5n;
export const GICR_TYPER_PROCNUM_SHIFT = 8n;
export const GICR_TYPER_AFFINITY_SHIFT = 32n;

// GICR_WAKER
export const GICR_WAKER_PROCESSOR_SLEEP = 1 << 1;
export const GICR_WAKER_CHILDREN_ASLEEP = 1 << 2;

// ---- identification block (PIDR/CIDR, CoreSight layout) ----
/** PIDR2.ArchRev (bits 7:4): 3 = GICv3. Linux's gic_validate_dist_version checks it. */
export const GIC_PIDR2_ARCH_MASK = 0xf0;
export const GIC_PIDR2_ARCH_GICV3 = 0x30;
export const GIC_CIDR = [0x0d, 0xf0, 0x05, 0xb1] as const;

// ---- CPU interface system register fields ----
// ICC_CTLR_EL1
export const ICC_CTLR_CBPR = 1 << 0;
export const ICC_CTLR_EOIMODE = 1 << 1;
export const ICC_CTLR_PMHE = 1 << 6;
export const ICC_CTLR_PRIBITS_SHIFT = 8; // priority bits - 1
export const ICC_CTLR_IDBITS_SHIFT = 11; // 0 = 16 INTID bits
export const ICC_CTLR_SEIS = 1 << 14;
export const ICC_CTLR_A3V = 1 << 15;
export const ICC_CTLR_RSS = 1 << 18;
export const ICC_CTLR_EXTRANGE = 1 << 19;
// ICC_SRE_EL1
export const ICC_SRE_SRE = 1 << 0;
export const ICC_SRE_DFB = 1 << 1;
export const ICC_SRE_DIB = 1 << 2;
// ICC_SGI1R_EL1 / ICC_SGI0R_EL1 / ICC_ASGI1R_EL1
export const ICC_SGIR_TARGETLIST_MASK = 0xffffn;
export const ICC_SGIR_AFF1_SHIFT = 16n;
export const ICC_SGIR_INTID_SHIFT = 24n;
export const ICC_SGIR_AFF2_SHIFT = 32n;
export const ICC_SGIR_IRM = 1n << 40n;
export const ICC_SGIR_RS_SHIFT = 44n;
export const ICC_SGIR_AFF3_SHIFT = 48n;
