// cpu/engine.ts - the host side of the CPU engine: one shared WebAssembly.Memory per domain (layout.ts), the
// compiled AssemblyScript interpreter instantiated on it, and typed access to vCPU state for the layers above.
// Knows nothing of Xen or devices: device memory and implementation-defined registers go to EngineHooks.

import * as L from './layout.js';
import { Jit, type JitStats } from './jit/jit.js';

export const ExitReason = {
  Budget: L.EXIT_BUDGET,
  Hvc: L.EXIT_HVC,
  Smc: L.EXIT_SMC,
  Wfi: L.EXIT_WFI,
  Wfe: L.EXIT_WFE,
  Request: L.EXIT_REQUEST,
  Halt: L.EXIT_HALT,
} as const;
export type ExitReason = (typeof ExitReason)[keyof typeof ExitReason];

/** What the machine supplies to the engine. Called synchronously from inside an instruction. */
export interface EngineHooks {
  /** Device read; call `engine.abortMmio(vcpu)` inside to make the access a guest data abort. */
  mmioRead(vcpu: number, pa: bigint, size: number): bigint;
  mmioWrite(vcpu: number, pa: bigint, size: number, value: bigint): void;
  /** CNTPCT_EL0 now, in ticks of CNTFRQ. */
  counter(vcpu: number): bigint;
  /** ICC_* and other registers the engine leaves to the machine; return false for UNDEFINED. */
  sysregAccess(vcpu: number, key: number, isRead: boolean, rt: number): boolean;
  /** An unimplemented encoding was executed (the guest got an Undefined Instruction exception). */
  unimplemented(vcpu: number, pc: bigint, insn: number): void;
}

interface EngineExports {
  run(vcpu: number, budget: number): number;
  runJit(vcpu: number, budget: number): number;
  resetVcpu(vcpu: number): void;
  flushTlb(vcpu: number): void;
  guestToHost(vcpu: number, va: bigint, acc: number, regime: number): bigint;
  physToHost(pa: bigint): bigint;
  injectSync(vcpu: number, ec: number, iss: number, ret: bigint): void;
}

export interface EngineOptions {
  /** Bytes of guest RAM at RAM_BASE_PA (multiple of 64 KiB). */
  ramSize: number;
  vcpus: number;
  hooks: EngineHooks;
  /**
   * Translate a guest block to WebAssembly once the interpreter has run this many instructions from its start
   * (the JIT tier, src/cpu/jit; 1 translates a block the first time a branch reaches it); 0 or absent:
   * interpreter only.
   */
  jitThreshold?: number;
  /** Compile each translation at once instead of in the background (tests: code runs translated on its next entry). */
  jitSync?: boolean;
  /** Live translations before all are dropped and table slots reused (default MAX_TRANSLATIONS; tests lower it). */
  jitMaxTranslations?: number;
}

/**
 * Instructions the interpreter runs from a block start before the block is translated, when the JIT is on
 * (tsxen's default). Why this many: a translation costs tens of microseconds of the vCPU's thread plus V8's
 * compile and tier-up work, and most of a kernel boot runs a few hundred times at most, while the hot loops that
 * dominate it run millions of times. A Debian boot took ~3.0 s with 100000 and with 30000 (about 10000 entries of
 * a typical block), 6.2 s with 500 entries.
 */
export const DEFAULT_JIT_THRESHOLD = 100_000;

/** Largest RAM a domain can have: a wasm32 Memory is 4 GiB, of which RAM_OFF holds engine state. */
export const MAX_RAM_BYTES = 0x1_0000_0000 - L.RAM_OFF;

export class EngineError extends Error {}

export class Engine {
  readonly memory: WebAssembly.Memory;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly ramSize: number;
  readonly vcpus: number;
  private readonly exports: EngineExports;
  private readonly jit: Jit;

  private constructor(memory: WebAssembly.Memory, instance: WebAssembly.Instance, opts: EngineOptions, jit: Jit) {
    this.memory = memory;
    this.bytes = new Uint8Array(memory.buffer);
    this.view = new DataView(memory.buffer);
    this.ramSize = opts.ramSize;
    this.vcpus = opts.vcpus;
    this.exports = instance.exports as unknown as EngineExports;
    this.jit = jit;
    this.jitOn = (opts.jitThreshold ?? 0) > 0;
  }
  private readonly jitOn: boolean;

  /** Create a domain's Memory and engine instance from the compiled engine module. */
  static async create(module: WebAssembly.Module, opts: EngineOptions): Promise<Engine> {
    if (!Number.isInteger(opts.ramSize) || opts.ramSize <= 0 || opts.ramSize % 0x10000 !== 0)
      throw new EngineError(`RAM size ${opts.ramSize} must be a positive multiple of 64 KiB`);
    if (opts.ramSize > MAX_RAM_BYTES)
      throw new EngineError(`RAM size ${opts.ramSize >> 20} MiB exceeds the ${MAX_RAM_BYTES >> 20} MiB limit of a wasm32 domain`);
    if (!Number.isInteger(opts.vcpus) || opts.vcpus < 1 || opts.vcpus > L.MAX_VCPUS)
      throw new EngineError(`vCPU count ${opts.vcpus} must be between 1 and ${L.MAX_VCPUS}`);
    const pages = (L.RAM_OFF + opts.ramSize) / 0x10000;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    const threshold = opts.jitThreshold ?? 0;
    if (!Number.isInteger(threshold) || threshold < 0)
      throw new EngineError(`JIT threshold ${threshold} must be a non-negative integer`);
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: 256 });
    const jit = new Jit(memory, table, opts.jitSync === true, opts.jitMaxTranslations);
    let engine: Engine | undefined;
    const h = opts.hooks;
    const imports = {
      env: {
        abort(_msg: number, _file: number, line: number, col: number): void {
          throw new EngineError(`engine assertion failed at line ${line}:${col}`);
        },
      },
      host: {
        mmioRead: (vcpu: number, pa: bigint, size: number) => h.mmioRead(vcpu, pa, size),
        mmioWrite: (vcpu: number, pa: bigint, size: number, value: bigint) => h.mmioWrite(vcpu, pa, size, value),
        counter: (vcpu: number) => h.counter(vcpu),
        sysregAccess: (vcpu: number, key: number, isRead: number, rt: number) =>
          h.sysregAccess(vcpu, key, isRead !== 0, rt) ? 0 : 1,
        unimplemented: (vcpu: number, pc: bigint, insn: number) => h.unimplemented(vcpu, pc, insn >>> 0),
        jitTranslate: (pc: bigint, host: number, entry: number) => jit.translate(pc, host >>> 0, entry >>> 0),
      },
    };
    const instance = await WebAssembly.instantiate(module, { ...imports, env: { ...imports.env, memory, table } });
    engine = new Engine(memory, instance, opts, jit);
    engine.view.setBigUint64(L.DOM_RAM_SIZE, BigInt(opts.ramSize), true);
    engine.view.setUint32(L.DOM_JIT_THRESHOLD, threshold, true);
    for (let i = 0; i < opts.vcpus; i++) engine.exports.resetVcpu(i);
    return engine;
  }

  /** Run `vcpu` for at most `budget` instructions; returns why it stopped. */
  run(vcpu: number, budget: number): ExitReason {
    const exit = (this.jitOn ? this.exports.runJit(vcpu, budget) : this.exports.run(vcpu, budget)) as ExitReason;
    this.jit.flush();
    return exit;
  }

  /** Wait for the JIT's background compiles to be installed (tests that check translated execution). */
  jitSettle(): Promise<void> {
    return this.jit.settle();
  }

  /** What the JIT has translated so far (zeros when it is off). */
  get jitStats(): Readonly<JitStats> {
    return this.jit.stats;
  }

  reset(vcpu: number): void {
    this.exports.resetVcpu(vcpu);
  }

  flushTlb(vcpu: number): void {
    this.exports.flushTlb(vcpu);
  }

  /** Take a synchronous exception on `vcpu` as if caused by the instruction at `ret` (ESR class `ec`). */
  injectSync(vcpu: number, ec: number, iss: number, ret: bigint): void {
    this.exports.injectSync(vcpu, ec, iss, ret);
  }

  /** Tell every vCPU that the P2M changed (they flush their soft TLBs before running again). */
  p2mChanged(): void {
    const g = this.view.getUint32(L.DOM_TLB_GEN, true);
    this.view.setUint32(L.DOM_TLB_GEN, (g + 1) >>> 0, true);
  }

  // ---- vCPU state ----
  base(vcpu: number): number {
    return L.VCPU_BASE + vcpu * L.VCPU_STRIDE;
  }
  x(vcpu: number, n: number): bigint {
    return this.view.getBigUint64(this.base(vcpu) + L.S_X + n * 8, true);
  }
  setX(vcpu: number, n: number, v: bigint): void {
    if (n !== 31) this.view.setBigUint64(this.base(vcpu) + L.S_X + n * 8, BigInt.asUintN(64, v), true);
  }
  pc(vcpu: number): bigint {
    return this.view.getBigUint64(this.base(vcpu) + L.S_PC, true);
  }
  setPc(vcpu: number, v: bigint): void {
    this.view.setBigUint64(this.base(vcpu) + L.S_PC, v, true);
  }
  sp(vcpu: number): bigint {
    return this.view.getBigUint64(this.base(vcpu) + L.S_SP, true);
  }
  setSp(vcpu: number, v: bigint): void {
    this.view.setBigUint64(this.base(vcpu) + L.S_SP, v, true);
  }
  u32(vcpu: number, off: number): number {
    return this.view.getUint32(this.base(vcpu) + off, true);
  }
  setU32(vcpu: number, off: number, v: number): void {
    this.view.setUint32(this.base(vcpu) + off, v >>> 0, true);
  }
  sysreg(vcpu: number, sr: number): bigint {
    return this.view.getBigUint64(this.base(vcpu) + L.S_SYSREG + sr * 8, true);
  }
  setSysreg(vcpu: number, sr: number, v: bigint): void {
    this.view.setBigUint64(this.base(vcpu) + L.S_SYSREG + sr * 8, BigInt.asUintN(64, v), true);
  }
  /** V register `n` as 16 little-endian bytes (a view into the Memory). */
  vreg(vcpu: number, n: number): Uint8Array {
    return this.bytes.subarray(this.base(vcpu) + L.S_V + n * 16, this.base(vcpu) + L.S_V + n * 16 + 16);
  }
  instret(vcpu: number): bigint {
    return this.view.getBigInt64(this.base(vcpu) + L.S_INSTRET, true);
  }
  /** Instructions of instret(vcpu) that ran as translated code. */
  jitInstret(vcpu: number): bigint {
    return this.view.getBigInt64(this.base(vcpu) + L.S_JIT_INSTRET, true);
  }
  exitImm(vcpu: number): number {
    return this.u32(vcpu, L.S_EXIT_IMM);
  }
  /** Set the level-sensitive interrupt inputs of `vcpu` (IRQ_LINE_* bits). */
  setIrqLines(vcpu: number, lines: number): void {
    this.setU32(vcpu, L.S_IRQ_LINES, lines);
  }
  /** Ask `vcpu` to leave run() at the next instruction boundary. */
  requestExit(vcpu: number): void {
    this.setU32(vcpu, L.S_EXIT_REQ, 1);
  }
  /** Called from inside EngineHooks.mmioRead/mmioWrite: the access becomes a guest data abort. */
  abortMmio(vcpu: number): void {
    this.setU32(vcpu, L.S_MMIO_FAULT, 1);
  }
  /** Clear the exclusive monitor of `vcpu` (the hypervisor does this on context switch). */
  clearExclusive(vcpu: number): void {
    this.view.setBigInt64(this.base(vcpu) + L.S_EXCL_ADDR, -1n, true);
  }

  // ---- guest memory ----
  /** Host offset of guest physical `pa` or -1 if it is not RAM. */
  physToHost(pa: bigint): number {
    return Number(this.exports.physToHost(pa));
  }
  /** Copy bytes into guest RAM at physical `pa`; throws EngineError if the range is not RAM. */
  writePhys(pa: bigint, data: Uint8Array): void {
    this.bytes.set(data, this.ramRange(pa, data.length));
    this.invalidateCode();
  }

  /**
   * Drop every JIT translation: for writes of code that the guest does not follow with instruction-cache
   * maintenance (the host loading a kernel or a test program; guests themselves use IC IVAU / IC IALLU).
   */
  invalidateCode(): void {
    if (this.jitOn) this.jit.invalidate();
  }
  readPhys(pa: bigint, length: number): Uint8Array {
    const h = this.ramRange(pa, length);
    return this.bytes.slice(h, h + length);
  }
  private ramRange(pa: bigint, length: number): number {
    const off = pa - BigInt(L.RAM_BASE_PA);
    if (off < 0n || off + BigInt(length) > BigInt(this.ramSize))
      throw new EngineError(`guest physical range 0x${pa.toString(16)}+${length} is not RAM`);
    return L.RAM_OFF + Number(off);
  }
  /**
   * Host offset of guest virtual `va` as `vcpu` sees it at EL1 (regime 1) or EL0 (regime 0), or a negative
   * number when it does not translate to RAM (-1 - FSC for a stage-1 fault, -0x100 for device memory).
   */
  guestToHost(vcpu: number, va: bigint, write: boolean, regime = 1): number {
    return Number(this.exports.guestToHost(vcpu, BigInt.asUintN(64, va), write ? 1 : 0, regime));
  }
}
