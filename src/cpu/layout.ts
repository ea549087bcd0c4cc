// cpu/layout.ts - the layout of a domain's WebAssembly.Memory (see shared/docs/ENGINE.md, "Layout").
//
// This file is compiled twice: by AssemblyScript into the engine (src/cpu/as/) and by TypeScript for the
// host side. It must therefore contain only `export const NAME = <integer literal or expression>;` lines.
//
// Memory map of one domain (wasm32 addresses):
//   0x0000_0000  engine static data (AssemblyScript data segments, tiny)
//   0x0000_F000  domain block (DOM_* below)
//   0x0001_0000  vCPU state blocks, VCPU_STRIDE bytes each, MAX_VCPUS of them
//   0x0005_0000  P2M overlay table (guest frames remapped to hypervisor pages or punched out)
//   0x0006_0000  soft TLBs, TLB_STRIDE bytes per vCPU (ends below 0x0020_0000)
//   0x0020_0000  JIT code cache index and page generations (JIT_* below)
//   0x0040_0000  hypervisor-owned pages (shared_info, grant-table frames, ...), HYP_PAGES_SIZE bytes
//   0x0100_0000  guest RAM bank 0 (guest physical RAM_BASE_PA upwards)
// A wasm32 Memory is at most 4 GiB, so a domain has at most 4 GiB - RAM_OFF of RAM.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;

// ---- domain block: words shared by all vCPUs of the domain ----
export const DOM_BASE = 0xf000;
export const DOM_RAM_SIZE = 0xf000; // u64 bytes of RAM at RAM_BASE_PA (host RAM_OFF)
export const DOM_OVERLAY_COUNT = 0xf008; // u32 live entries in the P2M overlay table
export const DOM_TLB_GEN = 0xf00c; // u32 bumped by the host when it changes the P2M: vCPUs flush their TLBs
export const DOM_JIT_THRESHOLD = 0xf010; // u32 instructions run from a block start before it is translated; 0 = JIT off
export const DOM_JIT_FLUSHES = 0xf014; // u32 bumped each time the engine drops every translation (IC IALLU)

export const VCPU_BASE = 0x10000;
export const VCPU_STRIDE = 0x2000;
export const MAX_VCPUS = 32;

export const P2M_OVERLAY_BASE = 0x50000;
// Entries of 16 bytes: u64 guest frame number, u32 host address of the page (P2M_HOLE = unmapped), u32 flags.
export const P2M_OVERLAY_ENTRY = 16;
export const P2M_OVERLAY_MAX = 4096;
export const P2M_HOLE = 0xffffffff;
export const P2M_FLAG_RO = 1;

export const TLB_BASE = 0x60000;
export const TLB_ENTRIES = 512; // per regime, direct mapped on VA[20:12]
// Three regimes, each with its own permission view: 0 = EL0, 1 = EL1 with PSTATE.PAN=0, 2 = EL1 with PAN=1.
export const TLB_REGIMES = 3;
// Entry of 32 bytes: i64 tag for read, i64 tag for write, i64 tag for exec, i64 addend (host = va + addend).
// A tag is the page-aligned VA; TLB_INVALID, and any value with bits 11:0 nonzero (a flush fills the TLB with
// 0xff bytes), never matches an aligned VA.
export const TLB_ENTRY = 32;
export const TLB_REGIME_SIZE = 512 * 32; // TLB_ENTRIES * TLB_ENTRY
export const TLB_STRIDE = 3 * 512 * 32; // TLB_REGIMES * TLB_REGIME_SIZE
export const TLB_INVALID = 1;

// JIT code cache (src/cpu/jit, cpu/as/jit.ts), shared by the domain's vCPUs. Index of JIT_CACHE_ENTRIES
// entries of 16 bytes in sets of two (2^JIT_CACHE_SET_BITS sets), by the host address of a block's first
// instruction: u32 host address,
// i32 translation: table index (bits 15:0) and block id in the region (23:16); 0 none yet, JIT_FN_PENDING being
// compiled, JIT_FN_NEVER untranslatable;
// u32 instructions interpreted from it (entries that are not translated yet), u32 generation of the page when
// the entry was made.
export const JIT_CACHE_BASE = 0x200000;
export const JIT_CACHE_ENTRIES = 65536;
export const JIT_CACHE_ENTRY = 16;
export const JIT_CACHE_SET_BITS = 15; // 2^15 sets of 2 = JIT_CACHE_ENTRIES
export const JIT_FN_NEVER = -1;
export const JIT_FN_PENDING = -2; // queued for translation in the background: interpret meanwhile
// One u8 generation per 4 KiB page of guest RAM (host RAM_OFF upwards), bumped by IC IVAU on the page: a cache
// entry made under an older generation is stale. 1 MiB covers the 4 GiB a wasm32 domain can address.
export const JIT_PAGE_GEN_BASE = 0x300000;

export const HYP_BASE = 0x400000;
export const HYP_PAGES_SIZE = 0xc00000;

export const RAM_OFF = 0x1000000;
export const RAM_BASE_PA = 0x40000000;

// ---- vCPU state block: byte offsets from the vCPU's base address ----
// General registers X0..X30 at 8*n; slot 31 (offset 248) always reads as zero.
export const S_X = 0;
export const S_SP = 256; // the stack pointer currently selected (SP_EL0 or SP_ELx per PSTATE.SP)
export const S_SP_EL0 = 264; // banked copies, valid while not selected
export const S_SP_EL1 = 272;
export const S_PC = 280;
export const S_NZCV = 288; // u32, architectural position (bits 31:28)
export const S_EL = 292; // u32, current exception level 0 or 1
export const S_SPSEL = 296; // u32, PSTATE.SP
export const S_DAIF = 300; // u32, architectural position (bits 9:6)
export const S_PAN = 304; // u32, PSTATE.PAN (0/1)
export const S_SS = 308; // u32, PSTATE.SS (reserved for debug)
export const S_IL = 312; // u32, PSTATE.IL
export const S_EXIT = 320; // u32, exit reason of the last run() (EXIT_*)
export const S_EXIT_IMM = 324; // u32, HVC/SMC immediate, or the instruction word for EXIT_UNDEF_LOG
export const S_BUDGET = 328; // i64, instructions left in this run
export const S_INSTRET = 336; // i64, instructions retired since reset
export const S_IRQ_LINES = 344; // u32 set by the machine: IRQ_LINE_* bits (level-sensitive inputs to the core)
export const S_EXIT_REQ = 348; // u32 nonzero: leave run() at the next instruction boundary (set by host)
export const S_EXCL_ADDR = 352; // i64 physical address of the exclusive monitor, -1 when open
export const S_EXCL_SIZE = 360; // u32 bytes covered by the monitor
export const S_FPCR = 368; // u32
export const S_FPSR = 372; // u32
export const S_CNTFRQ = 376; // u32, counter frequency in Hz (machine supplied)
export const S_VCPU_ID = 380; // u32
export const S_HALTED = 384; // u32 reserved for the scheduler
export const S_MMIO_FAULT = 388; // u32 set by the host inside mmioRead/mmioWrite: the access aborts (hole)
export const S_EXCL_VALUE = 392; // i64 value loaded by the last exclusive (low 64 bits)
export const S_EXCL_VALUE_HI = 400; // i64 high half for pair exclusives
export const S_TLB_GEN = 408; // u32, the DOM_TLB_GEN this vCPU's TLB was last flushed for
export const S_EVENT = 412; // u32, the WFE event register (set by SEV/SEVL, exception return)
// Block mappings (2 MiB, 1 GiB) cached in the soft TLB, one 4 KiB page per entry: TLBI by VA must drop every
// page of a block, so the blocks are remembered (memory.ts tlbFlushVa). u32 count; above TLB_BLOCK_MAX it
// overflowed and any TLBI by VA flushes everything. Each u64 entry: block base VA | log2(block size).
export const S_TLB_BLOCKS = 416;
export const S_TLB_BLOCK_VA = 424; // TLB_BLOCK_MAX u64 entries, up to 488
export const TLB_BLOCK_MAX = 8;
export const S_JIT_RETIRED = 488; // u32 instructions the last translated region retired; bit 31: check interrupts
export const S_TLB_CUR = 492; // u32 base of the soft TLB of the current regime (state.ts tlbCur), for the JIT
export const S_JIT_INSTRET = 496; // i64 instructions retired by translated code (part of S_INSTRET)
export const S_V = 512; // V0..V31, 16 bytes each, little-endian lane order
export const S_SYSREG = 1024; // u64 array indexed by SR_* below

export const IRQ_LINE_IRQ = 1;
export const IRQ_LINE_FIQ = 2;
export const IRQ_LINE_SERROR = 4;

// ---- exit reasons (value of S_EXIT) ----
export const EXIT_BUDGET = 0; // budget spent
export const EXIT_HVC = 1; // HVC from EL1; PC is the next instruction, S_EXIT_IMM = imm16
export const EXIT_SMC = 2; // SMC from EL1; PC is the next instruction, S_EXIT_IMM = imm16
export const EXIT_WFI = 3; // WFI with no interrupt pending; PC is the next instruction
export const EXIT_WFE = 4; // WFE; PC is the next instruction
export const EXIT_REQUEST = 5; // S_EXIT_REQ was set
export const EXIT_UNDEF_LOG = 6; // reserved: an unimplemented encoding (the exception was already taken)
export const EXIT_HALT = 7; // the engine stopped this vCPU: a recursive fault it cannot deliver

// ---- system register slots: S_SYSREG + 8*SR_x ----
export const SR_SCTLR_EL1 = 0;
export const SR_TTBR0_EL1 = 1;
export const SR_TTBR1_EL1 = 2;
export const SR_TCR_EL1 = 3;
export const SR_MAIR_EL1 = 4;
export const SR_AMAIR_EL1 = 5;
export const SR_VBAR_EL1 = 6;
export const SR_ESR_EL1 = 7;
export const SR_FAR_EL1 = 8;
export const SR_ELR_EL1 = 9;
export const SR_SPSR_EL1 = 10;
export const SR_CONTEXTIDR_EL1 = 11;
export const SR_TPIDR_EL0 = 12;
export const SR_TPIDRRO_EL0 = 13;
export const SR_TPIDR_EL1 = 14;
export const SR_CPACR_EL1 = 15;
export const SR_PAR_EL1 = 16;
export const SR_AFSR0_EL1 = 17;
export const SR_AFSR1_EL1 = 18;
export const SR_CNTKCTL_EL1 = 19;
export const SR_CNTV_CTL_EL0 = 20;
export const SR_CNTV_CVAL_EL0 = 21;
export const SR_CNTP_CTL_EL0 = 22;
export const SR_CNTP_CVAL_EL0 = 23;
export const SR_CNTVOFF_EL2 = 24; // virtual offset, set by the hypervisor
export const SR_MDSCR_EL1 = 25;
export const SR_ACTLR_EL1 = 26;
export const SR_CSSELR_EL1 = 27;
export const SR_MPIDR_EL1 = 28; // set by the machine
export const SR_MIDR_EL1 = 29; // set by the machine (default Cortex-A57 r1p0)
export const SR_SP_EL1_SAVE = 30; // unused, kept for layout stability
export const SR_OSLSR_EL1 = 31;
export const SR_OSDLR_EL1 = 32;
export const SR_DISR_EL1 = 33;
export const SR_PMUSERENR_EL0 = 34;
export const SR_CNTHCTL_EL2 = 35; // hypervisor-side timer access control
// Debug registers (Arm ARM D17.3): two breakpoints and two watchpoints, as ID_AA64DFR0_EL1 advertises
export const SR_DBGBVR0_EL1 = 52; // DBGBVR1_EL1 = 53
export const SR_DBGBCR0_EL1 = 54; // DBGBCR1_EL1 = 55
export const SR_DBGWVR0_EL1 = 56; // DBGWVR1_EL1 = 57
export const SR_DBGWCR0_EL1 = 58; // DBGWCR1_EL1 = 59
export const SR_MDCCINT_EL1 = 60;
export const SR_DBGPRCR_EL1 = 61;
export const SR_DBGCLAIM_EL1 = 62; // the claim tag bits DBGCLAIMSET/CLR_EL1 set and clear
export const SR_COUNT = 64;
