// machine/usermode/usermode.ts - runs a static user-mode AArch64 Linux program on the engine, at EL0 with the
// MMU on, the way Linux would start it: identity-mapped stage-1 tables (Arm ARM D8 "The AArch64 Virtual Memory
// System Architecture"), SCTLR_EL1 as Linux sets it for user space, and a tiny EL1 vector table whose
// "lower EL, AArch64, synchronous" entry is `hvc #0; eret`. Every SVC (and every fault) of the program thus
// reaches the host as an HVC exit; the host emulates the system call (syscalls.ts) and lets `eret` return.
//
// Guest physical layout (RAM at RAM_BASE_PA):
//   RAM_BASE_PA ..            the program's PT_LOAD segments (link at 0x40080000 or above)
//   .. stackTop               the initial stack (argc, argv, envp, auxv as Linux lays them out)
//   kernelPa = top - 64 KiB   vector table (+0), TTBR0 level-1 table (+0x1000), TTBR1 level-1 table (+0x2000)
// The vector table is reached through a TTBR1 alias (VA = PA | KERNEL_VA_BASE, EL1-only, executable at EL1),
// because the identity map is EL0 read-write and hence never executable at EL1 (Arm ARM D8.4.2).

import { Engine, ExitReason, type EngineHooks } from '../../cpu/engine.js';
import * as L from '../../cpu/layout.js';
import { parseElf, symbolize, type ElfImage } from './elf.js';
import { linuxSyscall, newSyscallStats, type SyscallHost, type SyscallStats } from './syscalls.js';

const GiB = 1n << 30n;
const KERNEL_AREA = 0x10000;
/** Base of the TTBR1 half with T1SZ = 25 (39-bit VA): 0xffff_ff80_0000_0000. */
export const KERNEL_VA_BASE = 0xffffff8000000000n;

// Stage-1 descriptor bits (Arm ARM D8.3, block descriptor for the 4 KiB granule)
const DESC_BLOCK = 1n, ATTR_IDX0 = 0n << 2n, AP_EL0_RW = 1n << 6n, AP_EL1_RW = 0n << 6n;
const SH_INNER = 3n << 8n, AF = 1n << 10n, PXN = 1n << 53n, UXN = 1n << 54n;

// TCR_EL1 (Arm ARM D17.2.131): T0SZ = T1SZ = 25 (39-bit VA), walks Inner/Outer WB-WA, Inner Shareable,
// TG0 = 4 KiB (0b00), TG1 = 4 KiB (0b10), IPS = 40 bits (0b010), TBI0 as Linux sets it for tagged user pointers
const TCR_EL1 = 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (0n << 14n) |
  (25n << 16n) | (1n << 24n) | (1n << 26n) | (3n << 28n) | (2n << 30n) | (2n << 32n) | (1n << 37n);
// MAIR_EL1: attribute 0 = 0xff (Normal, Inner/Outer Write-Back Non-transient, Read/Write-Allocate)
const MAIR_EL1 = 0xffn;
// SCTLR_EL1 (Arm ARM D17.2.118) as Linux runs user space (arch/arm64/include/asm/sysreg.h, INIT_SCTLR_EL1_MMU_ON):
// M, C, SA, SA0, I, DZE, UCT, nTWI, nTWE, UCI, plus the ARMv8.0 RES1 bits 29, 28, 23, 22, 20, 11
const SCTLR_EL1 = (1n << 0n) | (1n << 2n) | (1n << 3n) | (1n << 4n) | (1n << 12n) | (1n << 14n) | (1n << 15n) |
  (1n << 16n) | (1n << 18n) | (1n << 26n) | 0x30d00800n;
const CPACR_FPEN_ALL = 3n << 20n;
// CNTKCTL_EL1.EL0VCTEN: EL0 may read CNTVCT_EL0 and CNTFRQ_EL0 (Linux enables it for the vDSO)
const CNTKCTL_EL0VCTEN = 1n << 1n;

// Vector table words (A64 encodings, Arm ARM C6.2): HVC #imm16 = 0xd4000002 | imm16 << 5; ERET = 0xd69f03e0
const HVC0 = 0xd4000002, HVC1 = 0xd4000022, ERET = 0xd69f03e0;
const VEC_LOWER_A64_SYNC = 0x400;

// Linux auxiliary vector keys (include/uapi/linux/auxvec.h) and arm64 hwcaps (asm/hwcap.h)
const AT_NULL = 0n, AT_PAGESZ = 6n, AT_ENTRY = 9n, AT_HWCAP = 16n;
const HWCAP_FP = 1n, HWCAP_ASIMD = 2n;

export class UserModeError extends Error {}

export type UserSignal = 'SIGILL' | 'SIGSEGV' | 'SIGBUS' | 'SIGTRAP' | 'SIGFPE' | 'SIGKILL';

/** Why the program stopped being able to run, or an exception the onFault handler redirected. */
export interface UserFault {
  /** `exception`: the program took a synchronous exception at EL0 (what Linux turns into a signal);
   *  `kernel`: something went wrong at EL1 in the runner's own vector code; `limit`: instruction limit;
   *  `halt`: the engine stopped the vCPU. */
  kind: 'exception' | 'kernel' | 'limit' | 'halt';
  signal: UserSignal;
  esr: bigint;
  far: bigint;
  elr: bigint;
  pc: bigint;
  /** The instruction word at the faulting address, when readable. */
  insn?: number;
  /** The engine reported the encoding as not implemented (rather than architecturally UNDEFINED). */
  unimplemented: boolean;
  message: string;
}

export interface UserModeResult {
  /** exit status, or null when the program did not exit (fault or instruction limit). */
  exitCode: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Instructions retired (engine instret), including the runner's two vector instructions per SVC. */
  instructions: bigint;
  /** Host seconds spent inside engine.run(). */
  runSeconds: number;
  faults: UserFault[];
  syscalls: SyscallStats;
}

export interface UserRunOptions {
  /** argv[0..] placed on the initial stack (default ['program']). */
  argv?: string[];
  /** Stop with a `limit` fault after this many instructions (default 2^40). */
  maxInstructions?: number;
  /** Instructions per engine.run() call; V8 tiers up Wasm only between calls (default 2^18, ~1 ms). */
  sliceBudget?: number;
  /** Also called with each write() as it happens (the result collects them as well). */
  onOutput?: (fd: number, data: Uint8Array) => void;
  /** Called for an EL0 exception: return an address to resume there (like a signal handler that longjmps),
   *  or undefined to end the program. */
  onFault?: (fault: UserFault) => bigint | undefined;
}

export interface UserModeOptions {
  /** Guest RAM bytes (multiple of 64 KiB, default 64 MiB). */
  ramSize?: number;
  /** Engine JIT threshold (EngineOptions.jitThreshold; default 0, the interpreter alone). */
  jitThreshold?: number;
  /** Compile each translation at once (EngineOptions.jitSync): with jitThreshold 1 a block runs translated from
   *  its first entry through a branch (differential tests of the JIT). */
  jitSync?: boolean;
}

/** One user-mode process on one vCPU of its own engine instance. */
export class UserModeMachine {
  readonly engine: Engine;
  /** Encodings the engine reported as unimplemented, by address (filled by the engine hook). */
  private readonly unimplemented: Map<bigint, number>;
  private image: ElfImage | undefined;

  private constructor(engine: Engine, unimplemented: Map<bigint, number>) {
    this.engine = engine;
    this.unimplemented = unimplemented;
  }

  /** Create the machine on the compiled engine module (src/host/engine-loader.ts loads it on Node). */
  static async create(module: WebAssembly.Module, opts: UserModeOptions = {}): Promise<UserModeMachine> {
    const unimplemented = new Map<bigint, number>();
    const hooks: EngineHooks = {
      // No devices: every access outside RAM is an external abort, i.e. SIGBUS/SIGSEGV for the program
      mmioRead: vcpu => (machine.engine.abortMmio(vcpu), 0n),
      mmioWrite: vcpu => machine.engine.abortMmio(vcpu),
      counter: () => BigInt(Math.floor(performance.now() * 62500)), // CNTFRQ 62.5 MHz (resetVcpu)
      sysregAccess: () => false,
      unimplemented: (_vcpu, pc, insn) => void unimplemented.set(pc, insn),
    };
    const engine = await Engine.create(module, {
      ramSize: opts.ramSize ?? 64 << 20, vcpus: 1, hooks, jitThreshold: opts.jitThreshold, jitSync: opts.jitSync,
    });
    const machine = new UserModeMachine(engine, unimplemented);
    return machine; // the hooks above reach `machine` only once the engine runs
  }

  get ramEnd(): bigint {
    return BigInt(L.RAM_BASE_PA) + BigInt(this.engine.ramSize);
  }
  private get kernelPa(): bigint {
    return this.ramEnd - BigInt(KERNEL_AREA);
  }
  /** The vector table's address (VBAR_EL1), in the EL1-only TTBR1 alias. */
  get kernelVa(): bigint {
    return this.kernelPa | KERNEL_VA_BASE;
  }
  /** Initial stack pointer region ends here (16-byte aligned, below the runner's page tables). */
  get stackTop(): bigint {
    return this.kernelPa - 0x1000n;
  }

  /** Reset the vCPU and RAM, load the program, build the address space and enter EL0 at its entry point. */
  load(elf: Uint8Array | ElfImage, argv: string[] = ['program']): ElfImage {
    const image = elf instanceof Uint8Array ? parseElf(elf, argv[0]) : elf;
    const e = this.engine;
    e.bytes.fill(0, L.RAM_OFF, L.RAM_OFF + e.ramSize);
    e.invalidateCode();
    e.reset(0);
    this.unimplemented.clear();
    for (const s of image.segments) {
      const end = s.vaddr + BigInt(s.memsz);
      if (s.vaddr < BigInt(L.RAM_BASE_PA) || end > this.stackTop - 0x10000n)
        throw new UserModeError(
          `segment 0x${s.vaddr.toString(16)}-0x${end.toString(16)} is outside guest RAM 0x${L.RAM_BASE_PA.toString(16)}-` +
          `0x${(this.stackTop - 0x10000n).toString(16)} (link with -Ttext=0x40080000, or give more RAM)`);
      e.writePhys(s.vaddr, s.data);
    }
    this.buildKernel();
    const sp = this.buildStack(argv, image.entry);
    e.setU32(0, L.S_EL, 0);
    e.setU32(0, L.S_SPSEL, 0);
    e.setU32(0, L.S_DAIF, 0);
    e.setSp(0, sp);
    e.view.setBigUint64(e.base(0) + L.S_SP_EL1, this.kernelVa, true); // never used: the vector code has no stack
    e.setPc(0, image.entry);
    e.flushTlb(0);
    this.image = image;
    return image;
  }

  /** Vector table, page tables and the EL1 system registers (see the file comment). */
  private buildKernel(): void {
    const e = this.engine, k = this.kernelPa;
    const vectors = new DataView(new ArrayBuffer(0x800));
    for (let off = 0; off < 0x800; off += 0x80) vectors.setUint32(off, HVC1, true);
    vectors.setUint32(VEC_LOWER_A64_SYNC, HVC0, true);
    vectors.setUint32(VEC_LOWER_A64_SYNC + 4, ERET, true);
    e.writePhys(k, new Uint8Array(vectors.buffer));
    const ttbr0 = k + 0x1000n, ttbr1 = k + 0x2000n;
    const table0 = new DataView(new ArrayBuffer(4096)), table1 = new DataView(new ArrayBuffer(4096));
    // Level-1 blocks of 1 GiB cover RAM; index = PA[38:30] in both halves
    for (let pa = BigInt(L.RAM_BASE_PA); pa < this.ramEnd; pa += GiB) {
      const idx = Number(pa >> 30n) * 8;
      table0.setBigUint64(idx, pa | DESC_BLOCK | ATTR_IDX0 | AP_EL0_RW | SH_INNER | AF | PXN, true);
      table1.setBigUint64(idx, pa | DESC_BLOCK | ATTR_IDX0 | AP_EL1_RW | SH_INNER | AF | UXN, true);
    }
    e.writePhys(ttbr0, new Uint8Array(table0.buffer));
    e.writePhys(ttbr1, new Uint8Array(table1.buffer));
    e.setSysreg(0, L.SR_TTBR0_EL1, ttbr0);
    e.setSysreg(0, L.SR_TTBR1_EL1, ttbr1);
    e.setSysreg(0, L.SR_TCR_EL1, TCR_EL1);
    e.setSysreg(0, L.SR_MAIR_EL1, MAIR_EL1);
    e.setSysreg(0, L.SR_VBAR_EL1, this.kernelVa);
    e.setSysreg(0, L.SR_CPACR_EL1, CPACR_FPEN_ALL);
    e.setSysreg(0, L.SR_CNTKCTL_EL1, CNTKCTL_EL0VCTEN);
    e.setSysreg(0, L.SR_SCTLR_EL1, SCTLR_EL1);
  }

  /** The initial process stack (Linux fs/binfmt_elf.c create_elf_tables): argc, argv[], NULL, envp NULL, auxv. */
  private buildStack(argv: string[], entry: bigint): bigint {
    const enc = new TextEncoder();
    let strTop = this.stackTop;
    const argvPtrs: bigint[] = [];
    for (const a of argv) {
      const s = enc.encode(a + '\0');
      strTop -= BigInt(s.length);
      this.engine.writePhys(strTop, s);
      argvPtrs.push(strTop);
    }
    const auxv = [AT_PAGESZ, 4096n, AT_ENTRY, entry, AT_HWCAP, HWCAP_FP | HWCAP_ASIMD, AT_NULL, 0n];
    const words = [BigInt(argv.length), ...argvPtrs, 0n, 0n, ...auxv];
    const sp = (strTop - BigInt(words.length * 8)) & ~15n;
    const block = new DataView(new ArrayBuffer(words.length * 8));
    words.forEach((w, i) => block.setBigUint64(i * 8, w, true));
    this.engine.writePhys(sp, new Uint8Array(block.buffer));
    return sp;
  }

  /** Run the loaded program until it exits, faults (without an onFault resume) or hits the limit. */
  run(opts: UserRunOptions = {}): UserModeResult {
    if (!this.image) throw new UserModeError('load() a program before run()');
    const run = new UserRun(this, this.image, opts, this.unimplemented);
    return run.execute();
  }
}

/** Load and run `elf` on a fresh machine. */
export async function runElf(module: WebAssembly.Module, elf: Uint8Array,
  opts: UserRunOptions & UserModeOptions = {}): Promise<UserModeResult> {
  const m = await UserModeMachine.create(module, opts);
  m.load(elf, opts.argv);
  return m.run(opts);
}

/** The state of one run() (output buffers, exit status, faults). */
class UserRun implements SyscallHost {
  private readonly e: Engine;
  private readonly out: Uint8Array[][] = [[], [], []];
  private exitCode: number | null = null;
  private done = false;
  private readonly faults: UserFault[] = [];
  private readonly stats = newSyscallStats();

  constructor(private readonly m: UserModeMachine, private readonly image: ElfImage,
    private readonly opts: UserRunOptions, private readonly unimplemented: Map<bigint, number>) {
    this.e = m.engine;
  }

  execute(): UserModeResult {
    const e = this.e;
    const max = BigInt(this.opts.maxInstructions ?? 2 ** 40);
    const slice = this.opts.sliceBudget ?? 1 << 18;
    const start = e.instret(0);
    let runMs = 0;
    while (!this.done) {
      const left = max - (e.instret(0) - start);
      if (left <= 0n) {
        this.stop(this.fault('limit', 0n, `instruction limit of ${max} reached`));
        break;
      }
      const budget = left < BigInt(slice) ? Number(left) : slice;
      const t0 = performance.now();
      const exit = e.run(0, budget);
      runMs += performance.now() - t0;
      this.onExit(exit);
    }
    return {
      exitCode: this.exitCode,
      stdout: concat(this.out[1]),
      stderr: concat(this.out[2]),
      instructions: e.instret(0) - start,
      runSeconds: runMs / 1000,
      faults: this.faults,
      syscalls: this.stats,
    };
  }

  private onExit(exit: ExitReason): void {
    const e = this.e;
    switch (exit) {
      case ExitReason.Budget:
      case ExitReason.Request:
      case ExitReason.Wfi: // no interrupts can arrive: WFI/WFE at EL0 (nTWI/nTWE set) simply continue
      case ExitReason.Wfe:
        return;
      case ExitReason.Hvc:
        if (e.exitImm(0) === 0) this.lowerSync();
        else this.stop(this.fault('kernel', e.sysreg(0, L.SR_ESR_EL1), 'exception at EL1 in the runner'));
        return;
      case ExitReason.Halt:
        this.stop(this.fault('halt', e.sysreg(0, L.SR_ESR_EL1), 'the engine halted the vCPU (an exception it could not deliver)'));
        return;
      default:
        this.stop(this.fault('kernel', 0n, `unexpected engine exit ${exit}`));
    }
  }

  /** The `hvc #0` of the lower-EL synchronous vector: an SVC or a fault of the program. */
  private lowerSync(): void {
    const e = this.e;
    const esr = e.sysreg(0, L.SR_ESR_EL1);
    if (Number((esr >> 26n) & 0x3fn) === EC_SVC64) {
      const args = [0, 1, 2, 3, 4, 5].map(i => e.x(0, i));
      const r = linuxSyscall(this, this.stats, e.x(0, 8), args);
      if (!this.done) e.setX(0, 0, r);
      return;
    }
    const f = this.fault('exception', esr, 'the program took an exception');
    const resume = this.opts.onFault?.(f);
    this.faults.push(f);
    if (resume === undefined) this.stop(null);
    else e.setSysreg(0, L.SR_ELR_EL1, resume);
  }

  private stop(f: UserFault | null): void {
    if (f) this.faults.push(f);
    this.done = true;
  }

  private fault(kind: UserFault['kind'], esr: bigint, what: string): UserFault {
    const e = this.e;
    const elr = e.sysreg(0, L.SR_ELR_EL1), far = e.sysreg(0, L.SR_FAR_EL1), pc = e.pc(0);
    const at = kind === 'exception' || kind === 'kernel' ? elr : pc;
    const insn = this.readWord(at, kind === 'kernel' ? 1 : 0);
    const unimplemented = kind === 'exception' && this.unimplemented.has(at);
    const sym = (a: bigint) => a >= KERNEL_VA_BASE
      ? `0x${a.toString(16)} <runner vectors+0x${(a - (this.m.kernelVa)).toString(16)}>`
      : symbolize(this.image.symbols, a);
    let message: string;
    if (kind === 'exception' || kind === 'kernel') {
      message = `${what} at ${sym(at)}: ESR_EL1 0x${esr.toString(16)} (${describeEsr(esr, unimplemented)})`;
      if (insn !== undefined) message += `, instruction 0x${insn.toString(16).padStart(8, '0')}`;
      message += `, FAR_EL1 0x${far.toString(16)}`;
      if (kind === 'kernel') message += `, PC ${sym(pc)} (the runner's vector code failed: HVC/ERET not working?)`;
    } else message = `${what} at PC ${sym(pc)}`;
    return { kind, signal: signalFor(kind, esr), esr, far, elr, pc, insn, unimplemented, message };
  }

  private readWord(va: bigint, regime: number): number | undefined {
    const host = this.e.guestToHost(0, va, false, regime);
    return host < 0 || (va & 3n) !== 0n ? undefined : this.e.view.getUint32(host, true);
  }

  // ---- SyscallHost ----
  readUser(va: bigint, length: number): Uint8Array | null {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = BigInt.asUintN(64, va + BigInt(done));
      const host = this.e.guestToHost(0, a, false, 0);
      if (host < 0) return null;
      const n = Math.min(length - done, 4096 - Number(a & 0xfffn));
      out.set(this.e.bytes.subarray(host, host + n), done);
      done += n;
    }
    return out;
  }
  output(fd: number, data: Uint8Array): void {
    this.out[fd].push(data);
    this.opts.onOutput?.(fd, data);
  }
  exit(status: number): void {
    this.exitCode = status;
    this.done = true;
  }
}

// ESR_EL1.EC values (Arm ARM D17.2.37) the runner names in reports
const EC_SVC64 = 0x15;
const EC_NAMES: Record<number, string> = {
  0x00: 'unknown reason: UNDEFINED instruction',
  0x01: 'WFI/WFE trap',
  0x07: 'SIMD&FP access trap',
  0x0e: 'illegal execution state',
  0x15: 'SVC',
  0x18: 'MSR/MRS/system instruction trap',
  0x20: 'instruction abort from EL0',
  0x21: 'instruction abort at EL1',
  0x22: 'PC alignment fault',
  0x24: 'data abort from EL0',
  0x25: 'data abort at EL1',
  0x26: 'SP alignment fault',
  0x2c: 'floating-point exception',
  0x2f: 'SError',
  0x3c: 'BRK',
};

/** "EC 0x24 data abort from EL0, translation fault level 1, write" and similar. */
export function describeEsr(esr: bigint, unimplemented = false): string {
  const ec = Number((esr >> 26n) & 0x3fn);
  const iss = Number(esr & 0x1ffffffn);
  let s = `EC 0x${ec.toString(16).padStart(2, '0')} ${EC_NAMES[ec] ?? 'unexpected exception class'}`;
  if (ec === 0 && unimplemented) s += ' (encoding not implemented by the engine)';
  if (ec >= 0x20 && ec <= 0x25 && ec !== 0x22 && ec !== 0x23) {
    s += `, ${describeFsc(iss & 0x3f)}`;
    if ((ec === 0x24 || ec === 0x25) && (iss & (1 << 6)) !== 0) s += ', write';
  }
  return s;
}

function describeFsc(fsc: number): string {
  const level = fsc & 3;
  switch (fsc & 0x3c) {
    case 0x00: return `address size fault level ${level}`;
    case 0x04: return `translation fault level ${level}`;
    case 0x08: return `access flag fault level ${level}`;
    case 0x0c: return `permission fault level ${level}`;
  }
  if (fsc === 0x10) return 'synchronous external abort';
  if (fsc === 0x21) return 'alignment fault';
  if ((fsc & 0x3c) === 0x14) return `external abort on table walk level ${level}`;
  return `fault status 0x${fsc.toString(16)}`;
}

/** The signal Linux would deliver (arch/arm64/mm/fault.c fault_info[], traps.c). */
function signalFor(kind: UserFault['kind'], esr: bigint): UserSignal {
  if (kind === 'limit' || kind === 'halt' || kind === 'kernel') return 'SIGKILL';
  const ec = Number((esr >> 26n) & 0x3fn);
  switch (ec) {
    case 0x22: case 0x26: return 'SIGBUS';
    case 0x24: case 0x25: return (esr & 0x3fn) === 0x21n ? 'SIGBUS' : 'SIGSEGV';
    case 0x20: case 0x21: return 'SIGSEGV';
    case 0x2c: return 'SIGFPE';
    case 0x3c: return 'SIGTRAP';
    default: return 'SIGILL';
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
