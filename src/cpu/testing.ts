// cpu/testing.ts - helpers for tests of the CPU engine, used through the Engine API only: a fake machine
// (EngineHooks with a settable counter, MMIO and System-register logs), hand-encoded A64 instructions, stage-1
// page tables and vector tables built in guest RAM, and entry to EL0. Node-free (layer `cpu`): tests load the
// engine themselves with host/engine-loader.ts.

import type { Engine, EngineHooks, EngineOptions } from './engine.js';
import * as L from './layout.js';

// ---------------------------------------------------------------- a test machine

/**
 * Guest physical layout the helpers assume (RAM is TEST_RAM_SIZE bytes at 0x4000_0000): code, a vector table
 * of `hvc #0x1xx` entries (writeVectorTable), a pool for page tables, data, and stacks near the top.
 */
export const MEM = {
  CODE: 0x4000_0000n, VBAR: 0x4001_0000n, TABLES: 0x4010_0000n, DATA: 0x4020_0000n,
  STACK_EL0: 0x4037_0000n, STACK_EL1: 0x4038_0000n,
} as const;
export const TEST_RAM_SIZE = 4 << 20;

export interface TestMachine { e: Engine; m: FakeMachine }

/**
 * An engine with `vcpus` vCPUs at reset (EL1h, MMU off, interrupts masked) whose VBAR_EL1 points at the
 * reporting vector table. `create` is host/engine-loader.ts createEngine (this layer cannot import it).
 */
export async function testMachine(create: (opts: EngineOptions) => Promise<Engine>, vcpus = 1): Promise<TestMachine> {
  const m = new FakeMachine();
  const e = await create({ ramSize: TEST_RAM_SIZE, vcpus, hooks: m });
  writeVectorTable(e, MEM.VBAR);
  for (let v = 0; v < vcpus; v++) {
    e.setSysreg(v, L.SR_VBAR_EL1, MEM.VBAR);
    e.setSp(v, MEM.STACK_EL1);
  }
  return { e, m };
}

/** Run `words` followed by `hvc #0` on vCPU 0 from `at` at the current EL; returns the exit reason. */
export function runCode(e: Engine, words: readonly number[], at: bigint = MEM.CODE, budget = 1000): number {
  loadCode(e, at, [...words, A64.hvc(0)]);
  e.setPc(0, at);
  return e.run(0, budget);
}

/** Run `words` followed by `svc #0` on vCPU 0 at EL0 (EL0t, SP_EL0 = MEM.STACK_EL0) from `at`. */
export function runCodeEl0(e: Engine, words: readonly number[], at: bigint = MEM.CODE, budget = 1000): number {
  loadCode(e, at, [...words, A64.svc(0)]);
  enterEl0(e, 0, at, MEM.STACK_EL0);
  return e.run(0, budget);
}

// ---------------------------------------------------------------- fake machine

export interface SysregCall { vcpu: number; key: number; isRead: boolean; rt: number }
export interface MmioCall { pa: bigint; size: number; write: boolean; value: bigint }

/** EngineHooks for tests: a counter the test sets, RAM-less MMIO that logs, System-register calls logged. */
export class FakeMachine implements EngineHooks {
  /** CNTPCT_EL0 as the engine sees it. */
  count = 0n;
  readonly sysregCalls: SysregCall[] = [];
  readonly mmioCalls: MmioCall[] = [];
  readonly unimplementedCalls: { pc: bigint; insn: number }[] = [];
  /** Handles hostSysregAccess; default: unhandled (the access becomes UNDEFINED). */
  onSysreg: (call: SysregCall) => boolean = () => false;
  /** Value returned by MMIO reads. */
  mmioValue = 0n;

  mmioRead(_vcpu: number, pa: bigint, size: number): bigint {
    this.mmioCalls.push({ pa, size, write: false, value: 0n });
    return this.mmioValue;
  }
  mmioWrite(_vcpu: number, pa: bigint, size: number, value: bigint): void {
    this.mmioCalls.push({ pa, size, write: true, value });
  }
  counter(_vcpu: number): bigint {
    return this.count;
  }
  sysregAccess(vcpu: number, key: number, isRead: boolean, rt: number): boolean {
    const call = { vcpu, key, isRead, rt };
    this.sysregCalls.push(call);
    return this.onSysreg(call);
  }
  unimplemented(_vcpu: number, pc: bigint, insn: number): void {
    this.unimplementedCalls.push({ pc, insn });
  }
}

// ---------------------------------------------------------------- A64 encodings (Arm ARM C6.2)

/** System register key op0:op1:CRn:CRm:op2, as in MRS/MSR bits 20:5 and the hostSysregAccess `key`. */
export function sysKey(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

export const Reg = {
  NZCV: sysKey(3, 3, 4, 2, 0), DAIF: sysKey(3, 3, 4, 2, 1), FPCR: sysKey(3, 3, 4, 4, 0), FPSR: sysKey(3, 3, 4, 4, 1),
  SPSel: sysKey(3, 0, 4, 2, 0), CurrentEL: sysKey(3, 0, 4, 2, 2), PAN: sysKey(3, 0, 4, 2, 3),
  SP_EL0: sysKey(3, 0, 4, 1, 0), SPSR_EL1: sysKey(3, 0, 4, 0, 0), ELR_EL1: sysKey(3, 0, 4, 0, 1),
  MIDR_EL1: sysKey(3, 0, 0, 0, 0), MPIDR_EL1: sysKey(3, 0, 0, 0, 5), REVIDR_EL1: sysKey(3, 0, 0, 0, 6),
  ID_PFR0_EL1: sysKey(3, 0, 0, 1, 0), MVFR0_EL1: sysKey(3, 0, 0, 3, 0),
  ID_AA64PFR0_EL1: sysKey(3, 0, 0, 4, 0), ID_AA64PFR1_EL1: sysKey(3, 0, 0, 4, 1),
  ID_AA64DFR0_EL1: sysKey(3, 0, 0, 5, 0), ID_AA64ISAR0_EL1: sysKey(3, 0, 0, 6, 0),
  ID_AA64ISAR1_EL1: sysKey(3, 0, 0, 6, 1), ID_AA64MMFR0_EL1: sysKey(3, 0, 0, 7, 0),
  ID_AA64MMFR1_EL1: sysKey(3, 0, 0, 7, 1), ID_AA64MMFR2_EL1: sysKey(3, 0, 0, 7, 2),
  CCSIDR_EL1: sysKey(3, 1, 0, 0, 0), CLIDR_EL1: sysKey(3, 1, 0, 0, 1), CSSELR_EL1: sysKey(3, 2, 0, 0, 0),
  CTR_EL0: sysKey(3, 3, 0, 0, 1), DCZID_EL0: sysKey(3, 3, 0, 0, 7),
  SCTLR_EL1: sysKey(3, 0, 1, 0, 0), CPACR_EL1: sysKey(3, 0, 1, 0, 2),
  TTBR0_EL1: sysKey(3, 0, 2, 0, 0), TTBR1_EL1: sysKey(3, 0, 2, 0, 1), TCR_EL1: sysKey(3, 0, 2, 0, 2),
  ESR_EL1: sysKey(3, 0, 5, 2, 0), FAR_EL1: sysKey(3, 0, 6, 0, 0), PAR_EL1: sysKey(3, 0, 7, 4, 0),
  MAIR_EL1: sysKey(3, 0, 10, 2, 0), VBAR_EL1: sysKey(3, 0, 12, 0, 0), ISR_EL1: sysKey(3, 0, 12, 1, 0),
  TPIDR_EL0: sysKey(3, 3, 13, 0, 2), TPIDRRO_EL0: sysKey(3, 3, 13, 0, 3), TPIDR_EL1: sysKey(3, 0, 13, 0, 4),
  CNTKCTL_EL1: sysKey(3, 0, 14, 1, 0), CNTFRQ_EL0: sysKey(3, 3, 14, 0, 0), CNTPCT_EL0: sysKey(3, 3, 14, 0, 1),
  CNTVCT_EL0: sysKey(3, 3, 14, 0, 2), CNTP_TVAL_EL0: sysKey(3, 3, 14, 2, 0), CNTP_CTL_EL0: sysKey(3, 3, 14, 2, 1),
  CNTP_CVAL_EL0: sysKey(3, 3, 14, 2, 2), CNTV_TVAL_EL0: sysKey(3, 3, 14, 3, 0),
  CNTV_CTL_EL0: sysKey(3, 3, 14, 3, 1), CNTV_CVAL_EL0: sysKey(3, 3, 14, 3, 2),
  ICC_PMR_EL1: sysKey(3, 0, 4, 6, 0), ICC_IAR1_EL1: sysKey(3, 0, 12, 12, 0), ICC_EOIR1_EL1: sysKey(3, 0, 12, 12, 1),
  ICC_SRE_EL1: sysKey(3, 0, 12, 12, 5), ICC_SGI1R_EL1: sysKey(3, 0, 12, 11, 5),
  MDSCR_EL1: sysKey(2, 0, 0, 2, 2), OSLAR_EL1: sysKey(2, 0, 1, 0, 4), OSLSR_EL1: sysKey(2, 0, 1, 1, 4),
  DBGBVR0_EL1: sysKey(2, 0, 0, 0, 4), DBGBCR1_EL1: sysKey(2, 0, 0, 1, 5), DBGWCR2_EL1: sysKey(2, 0, 0, 2, 7),
  MDCCSR_EL0: sysKey(2, 3, 0, 1, 0),
  PMCR_EL0: sysKey(3, 3, 9, 12, 0), ZCR_EL1: sysKey(3, 0, 1, 2, 0), SP_EL1: sysKey(3, 4, 4, 1, 0),
} as const;

export const A64 = {
  nop: 0xd503201f, wfe: 0xd503205f, wfi: 0xd503207f, sev: 0xd503209f, sevl: 0xd50320bf, yield: 0xd503203f,
  isb: 0xd5033fdf, dsbSy: 0xd5033f9f, dmbIsh: 0xd5033bbf, clrex: 0xd5033f5f, sb: 0xd50330ff,
  paciasp: 0xd503233f, autiasp: 0xd50323bf, bti: 0xd503241f, csdb: 0xd503229f, esb: 0xd503221f,
  eret: 0xd69f03e0, drps: 0xd6bf03e0,
  svc: (imm: number) => (0xd4000001 | (imm << 5)) >>> 0,
  hvc: (imm: number) => (0xd4000002 | (imm << 5)) >>> 0,
  smc: (imm: number) => (0xd4000003 | (imm << 5)) >>> 0,
  brk: (imm: number) => (0xd4200000 | (imm << 5)) >>> 0,
  hlt: (imm: number) => (0xd4400000 | (imm << 5)) >>> 0,
  mrs: (rt: number, key: number) => (0xd5200000 | (key << 5) | rt) >>> 0,
  msr: (key: number, rt: number) => (0xd5000000 | (key << 5) | rt) >>> 0,
  /** MSR <pstatefield>, #imm: op1, op2 select the field, CRm holds the immediate. */
  msrImm: (op1: number, op2: number, crm: number) => (0xd500401f | (op1 << 16) | (crm << 8) | (op2 << 5)) >>> 0,
  daifSet: (imm: number) => A64.msrImm(3, 6, imm),
  daifClr: (imm: number) => A64.msrImm(3, 7, imm),
  spsel: (imm: number) => A64.msrImm(0, 5, imm),
  pan: (imm: number) => A64.msrImm(0, 4, imm),
  /** SYS #op1, Cn, Cm, #op2, Xt (AT, DC, IC, TLBI). */
  sys: (op1: number, crn: number, crm: number, op2: number, rt: number) =>
    (0xd5080000 | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0,
  movz: (rd: number, imm16: number, hw = 0) => (0xd2800000 | (hw << 21) | (imm16 << 5) | rd) >>> 0,
  movk: (rd: number, imm16: number, hw = 0) => (0xf2800000 | (hw << 21) | (imm16 << 5) | rd) >>> 0,
  ldrX: (rt: number, rn: number, off = 0) => (0xf9400000 | ((off / 8) << 10) | (rn << 5) | rt) >>> 0,
  strX: (rt: number, rn: number, off = 0) => (0xf9000000 | ((off / 8) << 10) | (rn << 5) | rt) >>> 0,
  ldrW: (rt: number, rn: number, off = 0) => (0xb9400000 | ((off / 4) << 10) | (rn << 5) | rt) >>> 0,
  /** B to a byte offset from this instruction. */
  b: (offset: number) => (0x14000000 | ((offset >> 2) & 0x3ffffff)) >>> 0,
} as const;

// The SYS operations by name (op1, CRn, CRm, op2)
export const Sys = {
  atS1e1r: [0, 7, 8, 0], atS1e1w: [0, 7, 8, 1], atS1e0r: [0, 7, 8, 2], atS1e0w: [0, 7, 8, 3],
  dcZva: [3, 7, 4, 1], dcCvac: [3, 7, 10, 1], dcCvau: [3, 7, 11, 1], dcCivac: [3, 7, 14, 1], dcIvac: [0, 7, 6, 1],
  icIvau: [3, 7, 5, 1], icIallu: [0, 7, 5, 0],
  tlbiVmalle1: [0, 8, 7, 0], tlbiVmalle1is: [0, 8, 3, 0], tlbiVae1: [0, 8, 7, 1], tlbiVaae1is: [0, 8, 3, 3],
  tlbiAside1: [0, 8, 7, 2],
} as const satisfies Record<string, readonly [number, number, number, number]>;

export function sysOp(op: readonly [number, number, number, number], rt: number): number {
  return A64.sys(op[0], op[1], op[2], op[3], rt);
}

// ---------------------------------------------------------------- guest memory

/** Write instruction words at guest physical `pa`. */
export function loadCode(engine: Engine, pa: bigint, words: readonly number[]): void {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  engine.writePhys(pa, bytes);
}

export function writeU64(engine: Engine, pa: bigint, v: bigint): void {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  engine.writePhys(pa, bytes);
}

export function readU64(engine: Engine, pa: bigint): bigint {
  return new DataView(engine.readPhys(pa, 8).buffer).getBigUint64(0, true);
}

/**
 * A vector table at `pa` (2 KiB aligned) whose 16 entries are `hvc #(0x100 + entry)`: taking an exception makes
 * run() return EXIT_HVC with exitImm = VEC.* of the entry, and ESR/ELR/SPSR/FAR hold what the test checks.
 */
export function writeVectorTable(engine: Engine, pa: bigint): void {
  for (let i = 0; i < 16; i++) loadCode(engine, pa + BigInt(i * 0x80), [A64.hvc(0x100 + i)]);
}

/** exitImm values of writeVectorTable's entries. */
export const VEC = {
  curSp0Sync: 0x100, curSp0Irq: 0x101, curSpxSync: 0x104, curSpxIrq: 0x105, curSpxFiq: 0x106,
  curSpxSerror: 0x107, lowerSync: 0x108, lowerIrq: 0x109, lowerFiq: 0x10a, lowerSerror: 0x10b,
} as const;

// ---------------------------------------------------------------- stage-1 page tables (4 KiB granule)

/** Descriptor bits (Arm ARM D8.3). */
export const PTE = {
  VALID: 1n, TABLE: 2n, PAGE: 2n, AF: 1n << 10n, nG: 1n << 11n,
  /** AP[2:1]: EL1 RW / EL0 none, EL1 RW / EL0 RW, EL1 RO / EL0 none, EL1 RO / EL0 RO. */
  AP_RW_EL1: 0n << 6n, AP_RW_ALL: 1n << 6n, AP_RO_EL1: 2n << 6n, AP_RO_ALL: 3n << 6n,
  SH_INNER: 3n << 8n, PXN: 1n << 53n, UXN: 1n << 54n,
  attr: (index: number) => BigInt(index) << 2n,
} as const;

/** MAIR_EL1 used by the helpers: attr0 Normal WB, attr1 Device-nGnRnE, attr2 Normal Non-cacheable. */
export const MAIR = 0x44_00_ffn;
export const ATTR_NORMAL = 0, ATTR_DEVICE = 1, ATTR_NC = 2;

export interface MapOptions {
  /** Leaf level: 3 = 4 KiB page (default), 2 = 2 MiB block, 1 = 1 GiB block. */
  level?: 1 | 2 | 3;
  /** Descriptor attributes besides the output address; default Normal, inner shareable, AF, EL1 RW. */
  attrs?: bigint;
}

/** Default leaf attributes: Normal memory, inner shareable, accessed, EL1 read/write, no EL0 access. */
export const DEFAULT_ATTRS = PTE.AF | PTE.SH_INNER | PTE.attr(ATTR_NORMAL) | PTE.AP_RW_EL1;

/** One translation table tree in guest RAM (one TTBR), tables taken from a bump allocator. */
export class PageTables {
  readonly root: bigint;
  private next: bigint;

  /** `vaBits` = 64 - TxSZ; tables are allocated from `poolPa` upwards (4 KiB each). */
  constructor(private readonly engine: Engine, poolPa: bigint, readonly vaBits: number) {
    this.next = poolPa;
    this.root = this.alloc();
  }

  private alloc(): bigint {
    const pa = this.next;
    this.next += 0x1000n;
    this.engine.writePhys(pa, new Uint8Array(0x1000));
    return pa;
  }

  /** Level of the root table: 9 bits per level above the 12-bit page offset. */
  get startLevel(): number {
    return this.vaBits > 39 ? 0 : this.vaBits > 30 ? 1 : this.vaBits > 21 ? 2 : 3;
  }

  /** Physical address of the descriptor for `va` at `level`, creating the tables above it. */
  slot(va: bigint, level: number): bigint {
    let table = this.root;
    for (let l = this.startLevel; ; l++) {
      const shift = BigInt(12 + 9 * (3 - l));
      const bits = l === this.startLevel ? BigInt(this.vaBits) - shift : 9n;
      const index = (va >> shift) & ((1n << bits) - 1n);
      const addr = table + index * 8n;
      if (l === level) return addr;
      let desc = readU64(this.engine, addr);
      if ((desc & 3n) !== 3n) {
        const t = this.alloc();
        desc = t | PTE.TABLE | PTE.VALID;
        writeU64(this.engine, addr, desc);
      }
      table = desc & 0x0000_ffff_ffff_f000n;
    }
  }

  /** Map [va, va + size) to [pa, ...) with leaves of `opts.level`. */
  map(va: bigint, pa: bigint, size: bigint, opts: MapOptions = {}): void {
    const level = opts.level ?? 3;
    const step = 1n << BigInt(12 + 9 * (3 - level));
    const attrs = opts.attrs ?? DEFAULT_ATTRS;
    for (let off = 0n; off < size; off += step) {
      const type = level === 3 ? PTE.PAGE : 0n;
      writeU64(this.engine, this.slot(va + off, level), (pa + off) | attrs | type | PTE.VALID);
    }
  }

  /** Replace the descriptor for `va` at `level` (e.g. 0n to unmap). */
  setDescriptor(va: bigint, level: number, desc: bigint): void {
    writeU64(this.engine, this.slot(va, level), desc);
  }
}

/**
 * TCR_EL1 for 4 KiB granules on both halves: T0SZ/T1SZ = 64 - vaBits, inner-shareable write-back walks,
 * IPS = 40 bits. `epd1` disables TTBR1 walks.
 */
export function tcr(vaBits0: number, vaBits1 = vaBits0, epd1 = false): bigint {
  const half = (tsz: number) => BigInt(tsz) | (1n << 8n) | (1n << 10n) | (3n << 12n);
  const t0 = half(64 - vaBits0); // TG0 = 0b00 (4 KiB)
  const t1 = (half(64 - vaBits1) << 16n) | (2n << 30n); // TG1 = 0b10 (4 KiB)
  return t0 | t1 | (epd1 ? 1n << 23n : 0n) | (2n << 32n);
}

export const SCTLR = { M: 1n, A: 2n, SA: 8n, SA0: 16n, UMA: 1n << 9n, DZE: 1n << 14n, UCT: 1n << 15n,
  nTWI: 1n << 16n, nTWE: 1n << 18n, WXN: 1n << 19n, SPAN: 1n << 23n, UCI: 1n << 26n, RES1: 0x30d00800n } as const;

/** Turn the MMU on for `vcpu` with the given tables (writes the registers directly, then flushes the TLB). */
export function enableMmu(engine: Engine, vcpu: number, opts: {
  ttbr0: PageTables; ttbr1?: PageTables; sctlr?: bigint;
}): void {
  const bits1 = opts.ttbr1?.vaBits ?? opts.ttbr0.vaBits;
  engine.setSysreg(vcpu, L.SR_MAIR_EL1, MAIR);
  engine.setSysreg(vcpu, L.SR_TCR_EL1, tcr(opts.ttbr0.vaBits, bits1, !opts.ttbr1));
  engine.setSysreg(vcpu, L.SR_TTBR0_EL1, opts.ttbr0.root);
  engine.setSysreg(vcpu, L.SR_TTBR1_EL1, opts.ttbr1?.root ?? 0n);
  engine.setSysreg(vcpu, L.SR_SCTLR_EL1, SCTLR.RES1 | SCTLR.M | SCTLR.SPAN | (opts.sctlr ?? 0n));
  engine.flushTlb(vcpu);
}

/** Allow FP/SIMD at EL0 and EL1 (CPACR_EL1.FPEN = 0b11). */
export function enableFp(engine: Engine, vcpu: number): void {
  engine.setSysreg(vcpu, L.SR_CPACR_EL1, 3n << 20n);
}

// ---------------------------------------------------------------- exception levels

/** Put `vcpu` at EL0 (PSTATE.SP = 0) at `pc` with SP_EL0 = `sp`, interrupts unmasked. */
export function enterEl0(engine: Engine, vcpu: number, pc: bigint, sp = 0n): void {
  const b = engine.base(vcpu);
  // Bank the EL1 stack pointer the way setMode() would before switching.
  engine.view.setBigUint64(b + L.S_SP_EL1, engine.sp(vcpu), true);
  engine.setU32(vcpu, L.S_EL, 0);
  engine.setU32(vcpu, L.S_SPSEL, 0);
  engine.setU32(vcpu, L.S_DAIF, 0);
  engine.setSp(vcpu, sp);
  engine.setPc(vcpu, pc);
}

/** SP_EL1 while it is not the selected stack pointer. */
export function spEl1(engine: Engine, vcpu: number): bigint {
  return engine.view.getBigUint64(engine.base(vcpu) + L.S_SP_EL1, true);
}

/** SP_EL0 while it is not the selected stack pointer. */
export function spEl0(engine: Engine, vcpu: number): bigint {
  return engine.view.getBigUint64(engine.base(vcpu) + L.S_SP_EL0, true);
}

/** ESR_EL1.EC and ISS of `vcpu`. */
export function esr(engine: Engine, vcpu = 0): { ec: number; il: number; iss: number } {
  const v = Number(engine.sysreg(vcpu, L.SR_ESR_EL1));
  return { ec: v >>> 26, il: (v >>> 25) & 1, iss: v & 0x1ffffff };
}
