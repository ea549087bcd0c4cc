// cpu/jit/translate.ts - translation of one guest block (A64 instructions from a branch target up to the next
// branch, an instruction it does not translate, or the end of the 4 KiB page) into a WebAssembly function
// (ENGINE.md: registers in Wasm locals, native Wasm loops for guest loops, budget check on back-edges, inline
// soft TLB). The semantics are those of the interpreter (cpu/as/*.ts) instruction for instruction; the
// differential tests run both on the same code (src/cpu/jit/jit.test.ts).
//
// The function's type is (pc: i64, budget: i32, cpu: i32) -> i64: `pc` is the guest address of the first
// instruction, `cpu` the vCPU state block. It loads the guest registers it uses into locals, runs, stores those
// it wrote and the number of instructions retired (S_JIT_RETIRED), and returns the next PC. It never takes an
// exception: where the interpreter would need to (a soft-TLB miss, which also covers MMIO, faults and unaligned
// page crossings; an SP that is not 16-byte aligned; a branch to an address with a tag) it stops before that
// instruction and the interpreter executes it.

import * as L from '../layout.js';
import { Code, I32, I64, Op, VOID, type WasmFunction } from './wasm.js';

// ---- locals: parameters 0-2, guest registers, scratch
const P_PC = 0, P_BUDGET = 1, P_CPU = 2, P_ENTRY = 3;
const REG_SP = 31; // index of SP in the register locals (X31 is XZR or SP depending on the operand)
const xl = (r: number) => 4 + r; // X0..X30 in 4..34, SP in 35
const L_NZCV = 36, L_BASE = 37, L_TLB = 38, L_RET = 39, L_ID = 40;
const T32 = [41, 42, 43, 44];
const T64 = [45, 46, 47, 48, 49, 50, 51, 52];
const L_NEXT = 53, L_PAGE = 54;
const L_FPOK = 55; // SIMD&FP accesses are enabled at the current EL (CPACR_EL1.FPEN), computed on entry
const LOCALS: ReadonlyArray<readonly [number, number]> = [[32, I64], [9, I32], [10, I64], [1, I32]];

/**
 * Most instructions in one region, and most basic blocks. Why these: V8 compiles (and tiers up) bigger functions
 * at a cost that grows faster than their size; a Debian boot was fastest with regions of this size (64 blocks /
 * 512 instructions were ~40% slower, single blocks ~5%).
 */
export const MAX_REGION = 128;
const MAX_BLOCKS = 16;

const PAGE_MASK = ~0xfffn;

/** A64 condition (Arm ARM C1.2.4) of `cond` from the packed NZCV (bits 31:28) in L_NZCV, as an i32 on the stack. */
function condition(c: Code, cond: number): void {
  const base = cond >> 1;
  const f = () => c.get(L_NZCV);
  switch (base) {
    case 0: f().i32(30).op(Op.i32ShrU).i32(1).op(Op.i32And); break; // EQ: Z
    case 1: f().i32(29).op(Op.i32ShrU).i32(1).op(Op.i32And); break; // CS: C
    case 2: f().i32(31).op(Op.i32ShrU); break; // MI: N
    case 3: f().i32(28).op(Op.i32ShrU).i32(1).op(Op.i32And); break; // VS: V
    case 4: f().i32(29).op(Op.i32ShrU).i32(3).op(Op.i32And).i32(1).op(Op.i32Eq); break; // HI: C and not Z
    case 5: f().i32(31).op(Op.i32ShrU).get(L_NZCV).i32(28).op(Op.i32ShrU).op(Op.i32Xor).i32(1).op(Op.i32And).op(Op.i32Eqz); break; // GE: N = V
    case 6: // GT: not Z and N = V
      f().i32(31).op(Op.i32ShrU).get(L_NZCV).i32(28).op(Op.i32ShrU).op(Op.i32Xor)
        .get(L_NZCV).i32(30).op(Op.i32ShrU).op(Op.i32Or).i32(1).op(Op.i32And).op(Op.i32Eqz);
      break;
    default: c.i32(1); return; // AL, NV
  }
  if ((cond & 1) !== 0) c.op(Op.i32Eqz);
}

/** DecodeBitMasks (Arm ARM shared/functions/bitmasks) for a logical immediate; null if reserved. */
export function decodeBitMasks(n: number, imms: number, immr: number, immediate: boolean, datasize: number): { wmask: bigint; tmask: bigint } | null {
  const combined = (n << 6) | (~imms & 0x3f);
  let len = -1;
  for (let i = 6; i >= 0; i--) if ((combined >> i) & 1) { len = i; break; }
  if (len < 1) return null;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return null;
  const s = imms & levels, r = immr & levels, diff = (s - r) & levels;
  const esize = 1 << len;
  if (esize > datasize) return null;
  const ones = (k: number) => (k >= 64 ? (1n << 64n) - 1n : (1n << BigInt(k)) - 1n);
  const emask = ones(esize);
  let welem = ones(s + 1);
  const telem = ones(diff + 1);
  // ROR(welem, r) within esize bits
  if (r !== 0) welem = ((welem >> BigInt(r)) | (welem << BigInt(esize - r))) & emask;
  let wmask = 0n, tmask = 0n;
  for (let i = 0; i < datasize; i += esize) {
    wmask |= welem << BigInt(i);
    tmask |= telem << BigInt(i);
  }
  return { wmask, tmask };
}

/** Whether the hint-space word is executed as a NOP by the interpreter (cpu/as/system.ts isNop). */
function isNop(insn: number): boolean {
  const m = (insn & 0xfffff01f) >>> 0;
  if (m === 0xd503201f) return ((((insn >>> 5) & 0x7f) - 2) >>> 0) > 3;
  return m === 0xd503301f && ((((insn >>> 5) & 7) - 4) >>> 0) <= 2;
}

const KEY_PRFM = 0xe;
/** size:opc keys of SIMD&FP loads and stores: B, H, S, D (opc 0x) and Q (size 00, opc 1x) (ldst_fp.ts FP_KEYS). */
const fpKeyValid = (key: number) => ((0x333f >> key) & 1) !== 0;
/** log2 of the access size: size, or 4 for Q. */
const fpScale = (key: number) => ((key & 2) !== 0 ? 4 : key >> 2);
const sx = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);

/** The translation of one block. */
class Block {
  readonly c = new Code();
  /** Registers read or written (0-30, REG_SP), and those written. */
  private readonly used = new Set<number>();
  private readonly written = new Set<number>();
  private flagsUsed = false;
  private flagsWritten = false;
  private memory = false;
  /** Blocks open inside the exit block (br depth of the exit). */
  private depth = 0;
  /** Index of the instruction being translated, and the first of its basic block. */
  private i = 0;
  private blockStart = 0;
  /** Basic blocks of the region: first instruction -> block id (0 is the entry), and their ends. */
  private readonly ids = new Map<number, number>();
  private starts: number[] = [];

  /** `words` is the code page (or its tail), `entry` the index of the region's first instruction in it. */
  constructor(private readonly words: Uint32Array, private readonly entry = 0) {}

  // ---- guest registers
  private x(r: number, sp = false): void {
    if (r === 31 && !sp) {
      this.c.i64(0n);
      return;
    }
    const k = r === 31 ? REG_SP : r;
    this.used.add(k);
    this.c.get(xl(k));
  }
  private w(r: number, sp = false): void {
    this.x(r, sp);
    this.c.op(Op.i32WrapI64);
  }
  /** Pop an i64 into Xr (dropped for XZR unless `sp`). */
  private setX(r: number, sp = false): void {
    if (r === 31 && !sp) {
      this.c.op(Op.drop);
      return;
    }
    const k = r === 31 ? REG_SP : r;
    this.used.add(k);
    this.written.add(k);
    this.c.set(xl(k));
  }
  /** Pop an i32 into Wr (zero-extended). */
  private setW(r: number, sp = false): void {
    this.c.op(Op.i64ExtendI32U);
    this.setX(r, sp);
  }
  private readFlags(): void {
    this.flagsUsed = true;
  }
  private writeFlags(): void {
    this.flagsUsed = true;
    this.flagsWritten = true;
  }

  /** PC of the instruction at index `k` of the page (L_PAGE is the page's address: blocks never leave it). */
  private pcOf(k: number): void {
    this.c.get(L_PAGE);
    if (k !== 0) this.c.i64(k * 4).op(Op.i64Add);
  }

  /** Leave the region: next PC (pushed by `next`), instructions retired = base + `count`. */
  private exit(next: () => void, count: number, flags = 0): void {
    next();
    this.c.set(L_NEXT);
    this.c.get(L_BASE);
    if (count !== 0) this.c.i32(count).op(Op.i32Add);
    if (flags !== 0) this.c.i32(flags).op(Op.i32Or);
    this.c.set(L_RET);
    this.c.op(Op.br).u32(this.depth);
  }
  /** Stop before instruction `k`: the interpreter executes it. */
  private bail(k = this.i): void {
    this.exit(() => this.pcOf(k), k - this.blockStart);
  }

  /**
   * Go on at instruction `k` after `count` instructions of this basic block: inside the region if a block starts
   * there (counting them and leaving when the budget is spent), else leave for it.
   */
  private goTo(k: number, count: number): void {
    const id = this.ids.get(k);
    if (id === undefined) {
      this.exit(() => this.pcOf(k), count);
      return;
    }
    const c = this.c;
    c.get(L_BASE).i32(count).op(Op.i32Add).set(L_BASE);
    if (k === this.blockStart && this.selfLoop >= 0) {
      c.op(Op.br).u32(this.depth - this.selfLoop); // a block that loops to itself: straight to its start
      return;
    }
    c.i32(id).set(L_ID);
    c.op(Op.br).u32(this.depth - 1); // the dispatch loop is just outside the exit block's br depth
  }
  private ifThen(body: () => void): void {
    this.c.op(Op.if).byte(VOID);
    this.depth++;
    body();
    this.depth--;
    this.c.op(Op.end);
  }

  // ---- flags (cpu/as/alu.ts addsX/addsW/logicFlags)
  /** NZCV of a + b + carry for 64 bits; a, b in T64[0], T64[1], result left in T64[2]. carry: 0, 1 or -1 = C. */
  private adds64(carry: number): void {
    const c = this.c, a = T64[0], b = T64[1], r = T64[2];
    c.get(a).get(b).op(Op.i64Add);
    if (carry === 1) c.i64(1n).op(Op.i64Add);
    else if (carry === -1) c.get(L_NZCV).i32(29).op(Op.i32ShrU).i32(1).op(Op.i32And).op(Op.i64ExtendI32U).op(Op.i64Add);
    c.set(r);
    // N
    c.get(r).i64(32n).op(Op.i64ShrU).op(Op.i32WrapI64).i32(0x80000000 | 0).op(Op.i32And);
    // Z
    c.get(r).op(Op.i64Eqz).i32(30).op(Op.i32Shl).op(Op.i32Or);
    // C: r < a without carry in, r <= a with it
    if (carry === 0) c.get(r).get(a).op(Op.i64LtU);
    else if (carry === 1) c.get(r).get(a).op(Op.i64LeU);
    else {
      c.get(r).get(a).op(Op.i64LeU).get(r).get(a).op(Op.i64LtU);
      c.get(L_NZCV).i32(29).op(Op.i32ShrU).i32(1).op(Op.i32And).op(Op.select);
    }
    c.i32(29).op(Op.i32Shl).op(Op.i32Or);
    // V
    c.get(a).get(r).op(Op.i64Xor).get(b).get(r).op(Op.i64Xor).op(Op.i64And).i64(63n).op(Op.i64ShrU)
      .op(Op.i32WrapI64).i32(28).op(Op.i32Shl).op(Op.i32Or);
    c.set(L_NZCV);
    this.writeFlags();
  }
  /** 32-bit AddWithCarry; a, b (i32) in T32[0], T32[1], result (i32) left in T32[2]. */
  private adds32(carry: number): void {
    const c = this.c, a = T32[0], b = T32[1], r = T32[2], wide = T64[7];
    c.get(a).op(Op.i64ExtendI32U).get(b).op(Op.i64ExtendI32U).op(Op.i64Add);
    if (carry === 1) c.i64(1n).op(Op.i64Add);
    else if (carry === -1) c.get(L_NZCV).i32(29).op(Op.i32ShrU).i32(1).op(Op.i32And).op(Op.i64ExtendI32U).op(Op.i64Add);
    c.tee(wide).op(Op.i32WrapI64).set(r);
    c.get(r).i32(0x80000000 | 0).op(Op.i32And);
    c.get(r).op(Op.i32Eqz).i32(30).op(Op.i32Shl).op(Op.i32Or);
    c.get(wide).i64(32n).op(Op.i64ShrU).op(Op.i32WrapI64).i32(29).op(Op.i32Shl).op(Op.i32Or);
    c.get(a).get(r).op(Op.i32Xor).get(b).get(r).op(Op.i32Xor).op(Op.i32And).i32(31).op(Op.i32ShrU)
      .i32(28).op(Op.i32Shl).op(Op.i32Or);
    c.set(L_NZCV);
    this.writeFlags();
  }
  /** N and Z of a logical result in T64[2] (64-bit) or T32[2] (32-bit); C = V = 0. */
  private logicFlags(sf: boolean): void {
    const c = this.c;
    if (sf) {
      c.get(T64[2]).i64(32n).op(Op.i64ShrU).op(Op.i32WrapI64).i32(0x80000000 | 0).op(Op.i32And);
      c.get(T64[2]).op(Op.i64Eqz).i32(30).op(Op.i32Shl).op(Op.i32Or);
    } else {
      c.get(T32[2]).i32(0x80000000 | 0).op(Op.i32And);
      c.get(T32[2]).op(Op.i32Eqz).i32(30).op(Op.i32Shl).op(Op.i32Or);
    }
    c.set(L_NZCV);
    this.writeFlags();
  }

  // ---- operand shaping
  /** ShiftReg of the value on the stack (i64 when sf, else i32). */
  private shift(sf: boolean, type: number, amount: number): void {
    if (amount === 0) return;
    const c = this.c;
    if (sf) {
      c.i64(amount);
      c.op([Op.i64Shl, Op.i64ShrU, Op.i64ShrS, Op.i64Rotr][type]);
    } else {
      c.i32(amount);
      c.op([Op.i32Shl, Op.i32ShrU, Op.i32ShrS, Op.i32Rotr][type]);
    }
  }
  /** ExtendReg(Xm, option, shift) as an i64 on the stack. */
  private extendReg(rm: number, option: number, shift: number): void {
    const c = this.c;
    this.x(rm);
    switch (option) {
      case 0: c.i64(0xffn).op(Op.i64And); break;
      case 1: c.i64(0xffffn).op(Op.i64And); break;
      case 2: c.i64(0xffffffffn).op(Op.i64And); break;
      case 3: break;
      case 4: c.i64(56n).op(Op.i64Shl).i64(56n).op(Op.i64ShrS); break;
      case 5: c.i64(48n).op(Op.i64Shl).i64(48n).op(Op.i64ShrS); break;
      case 6: c.op(Op.i32WrapI64).op(Op.i64ExtendI32S); break;
      default: break;
    }
    if (shift !== 0) c.i64(shift).op(Op.i64Shl);
  }

  // ---- memory: inline soft-TLB lookup (cpu/as/memory.ts read64/write64 and friends)
  /**
   * Address in T64[3] (i64): look it up for an access of `size` bytes; on a hit leave the host address (i32)
   * in T32[3], on a miss stop before this instruction.
   */
  private tlb(size: number, write: boolean): void {
    const c = this.c, va = T64[3], e = T32[3];
    this.memory = true;
    // entry = tlb + ((va >> 12) & 511) * 32
    c.get(L_TLB).get(va).i64(12n).op(Op.i64ShrU).op(Op.i32WrapI64).i32(L.TLB_ENTRIES - 1).op(Op.i32And)
      .i32(5).op(Op.i32Shl).op(Op.i32Add).set(e);
    // tag of the last byte's page
    c.get(e).mem(Op.i64Load, 3, write ? 8 : 0);
    c.get(va);
    if (size > 1) c.i64(size - 1).op(Op.i64Add);
    c.i64(PAGE_MASK).op(Op.i64And).op(Op.i64Ne);
    this.ifThen(() => this.bail());
    c.get(va).get(e).mem(Op.i64Load, 3, 24).op(Op.i64Add).op(Op.i32WrapI64).set(e);
  }
  /** Stop before this instruction if SP (the base register) is not 16-byte aligned (SCTLR_ELx.SA check). */
  private spAlign(n: number): void {
    if (n !== 31) return;
    this.x(31, true);
    this.c.i64(15n).op(Op.i64And).op(Op.i64Eqz).op(Op.i32Eqz);
    this.ifThen(() => this.bail());
  }
  /** Load `size` bytes at host T32[3] + `off` into Rt with the extension of opc (01 zero, 10 to 64 signed, 11 to 32 signed). */
  private loadInto(t: number, size: number, opc: number, off: number): void {
    const c = this.c;
    c.get(T32[3]);
    const signed = opc >= 2;
    const ops64 = signed ? [Op.i64Load8S, Op.i64Load16S, Op.i64Load32S, Op.i64Load] : [Op.i64Load8U, Op.i64Load16U, Op.i64Load32U, Op.i64Load];
    c.mem(ops64[size], 0, off);
    if (opc === 3) c.i64(0xffffffffn).op(Op.i64And); // sign-extended to 32 bits, then zero-extended to 64
    this.setX(t);
  }
  private storeFrom(t: number, size: number, off: number): void {
    const c = this.c;
    c.get(T32[3]);
    this.x(t);
    c.mem([Op.i64Store8, Op.i64Store16, Op.i64Store32, Op.i64Store][size], 0, off);
  }

  // ---- translation
  /** Translate instruction i; false if it is not translated (the block ends before it). */
  private insn(insn: number, i: number): boolean | 'end' {
    const top = insn >>> 24;
    if ((insn & 0x1f000000) === 0x10000000) return this.pcRel(insn, i);
    if ((insn & 0x1f800000) === 0x11000000) return this.addSubImm(insn);
    if ((insn & 0x1f800000) === 0x12000000) return this.logicalImm(insn);
    if ((insn & 0x1f800000) === 0x12800000) return this.moveWide(insn);
    if ((insn & 0x1f800000) === 0x13000000) return this.bitfield(insn);
    if ((insn & 0x1f800000) === 0x13800000) return this.extract(insn);
    if ((insn & 0x1f000000) === 0x0a000000) return this.logicalShifted(insn);
    if ((insn & 0x1f200000) === 0x0b000000) return this.addSubShifted(insn);
    if ((insn & 0x1f200000) === 0x0b200000) return this.addSubExtended(insn);
    if ((insn & 0x1fe0fc00) === 0x1a000000) return this.addSubCarry(insn);
    if ((insn & 0x1fe00410) === 0x1a400000 && (insn & (1 << 29)) !== 0) return this.condCompare(insn);
    if ((insn & 0x1fe00000) === 0x1a800000 && (insn & (1 << 29)) === 0) return this.condSelect(insn);
    if ((insn & 0x5fe00000) === 0x1ac00000 && (insn & (1 << 29)) === 0) return this.dataProc2(insn);
    if ((insn & 0x5fe00000) === 0x5ac00000 && (insn & (1 << 29)) === 0) return this.dataProc1(insn);
    if ((insn & 0x1f000000) === 0x1b000000) return this.dataProc3(insn);
    if ((insn & 0x3b000000) === 0x39000000) return this.ldstUimm(insn);
    if ((insn & 0x3b200000) === 0x38000000) return this.ldstImm9(insn);
    if ((insn & 0x3b200c00) === 0x38200800) return this.ldstReg(insn);
    if ((insn & 0x3a000000) === 0x28000000) return this.ldstPair(insn);
    if ((insn & 0x3f000000) === 0x08000000) return this.ldstOrdered(insn);
    if ((insn & 0x3b000000) === 0x18000000) return this.ldrLiteral(insn, i);
    if (isNop(insn)) return true;
    if ((insn & 0xfff00000) >>> 0 === 0xd5300000) return this.mrs(insn);
    if ((insn & 0xffffffe0) >>> 0 === 0xd50b7420) return this.dcZva(insn);
    if (isDaifWrite(insn)) return this.daifWrite(insn, i);
    if ((top === 0x54 && (insn & 0x10) === 0) || (insn & 0x7c000000) === 0x14000000 ||
      (insn & 0x7e000000) === 0x34000000 || (insn & 0x7e000000) === 0x36000000 ||
      ((insn & 0xff9ffc1f) >>> 0 === 0xd61f0000 && ((insn >>> 21) & 3) !== 3)) return this.branch(insn, i);
    return false;
  }

  private pcRel(insn: number, i: number): boolean {
    const rd = insn & 31;
    const imm = BigInt(sx((((insn >>> 5) & 0x7ffff) << 2) | ((insn >>> 29) & 3), 21));
    this.pcOf(i);
    if ((insn >>> 31) !== 0) this.c.i64(PAGE_MASK).op(Op.i64And).i64(imm << 12n).op(Op.i64Add); // ADRP
    else this.c.i64(imm).op(Op.i64Add);
    this.setX(rd);
    return true;
  }

  private addSubImm(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, s = (insn & (1 << 29)) !== 0;
    const imm = ((insn >>> 10) & 0xfff) << (((insn >>> 22) & 1) * 12);
    const rn = (insn >>> 5) & 31, rd = insn & 31;
    const c = this.c;
    if (!s) {
      if (sf) {
        this.x(rn, true);
        c.i64(imm).op(sub ? Op.i64Sub : Op.i64Add);
        this.setX(rd, true);
      } else {
        this.w(rn, true);
        c.i32(imm).op(sub ? Op.i32Sub : Op.i32Add);
        this.setW(rd, true);
      }
      return true;
    }
    if (sf) {
      this.x(rn, true); c.set(T64[0]);
      c.i64(sub ? -(imm + 1) : imm).set(T64[1]); // ~imm as a 64-bit value
      this.adds64(sub ? 1 : 0);
      c.get(T64[2]); this.setX(rd);
    } else {
      this.w(rn, true); c.set(T32[0]);
      c.i32(sub ? ~imm : imm).set(T32[1]);
      this.adds32(sub ? 1 : 0);
      c.get(T32[2]); this.setW(rd);
    }
    return true;
  }

  private logicalImm(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, opc = (insn >>> 29) & 3, nbit = (insn >>> 22) & 1;
    if (!sf && nbit) return false;
    const m = decodeBitMasks(nbit, (insn >>> 10) & 63, (insn >>> 16) & 63, true, sf ? 64 : 32);
    if (!m) return false;
    const rn = (insn >>> 5) & 31, rd = insn & 31, c = this.c;
    const op = [Op.i64And, Op.i64Or, Op.i64Xor, Op.i64And][opc];
    this.x(rn);
    c.i64(BigInt.asIntN(64, m.wmask)).op(op);
    if (!sf) c.i64(0xffffffffn).op(Op.i64And);
    if (opc === 3) {
      c.set(T64[2]);
      if (sf) this.logicFlags(true);
      else {
        c.get(T64[2]).op(Op.i32WrapI64).set(T32[2]);
        this.logicFlags(false);
      }
      c.get(T64[2]);
      this.setX(rd);
    } else this.setX(rd, true); // AND/ORR/EOR (immediate) may write SP
    return true;
  }

  private moveWide(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, opc = (insn >>> 29) & 3, hw = (insn >>> 21) & 3;
    if (opc === 1 || (!sf && hw >= 2)) return false;
    const rd = insn & 31, c = this.c;
    const imm = BigInt((insn >>> 5) & 0xffff) << BigInt(hw * 16);
    const mask = sf ? (1n << 64n) - 1n : 0xffffffffn;
    if (opc === 0) c.i64(BigInt.asIntN(64, ~imm & mask));
    else if (opc === 2) c.i64(imm);
    else {
      this.x(rd);
      c.i64(BigInt.asIntN(64, ~(0xffffn << BigInt(hw * 16)) & mask)).op(Op.i64And).i64(imm).op(Op.i64Or);
    }
    this.setX(rd);
    return true;
  }

  /** SBFM, BFM, UBFM (Arm ARM C6.2, "BFM"): the generic form with DecodeBitMasks(immediate = false). */
  private bitfield(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, opc = (insn >>> 29) & 3, nbit = (insn >>> 22) & 1;
    const immr = (insn >>> 16) & 63, imms = (insn >>> 10) & 63;
    if (opc === 3 || nbit !== (sf ? 1 : 0) || (!sf && (immr >= 32 || imms >= 32))) return false;
    const m = decodeBitMasks(nbit, imms, immr, false, sf ? 64 : 32);
    if (!m) return false;
    const rn = (insn >>> 5) & 31, rd = insn & 31, c = this.c;
    const size = sf ? 64 : 32, all = sf ? (1n << 64n) - 1n : 0xffffffffn;
    const k = (v: bigint) => c.i64(BigInt.asIntN(64, v));
    // bot = ROR(src, immr) & wmask (BFM: merged into dst)
    this.x(rn);
    if (!sf) c.i64(0xffffffffn).op(Op.i64And);
    if (immr !== 0) {
      if (sf) c.i64(immr).op(Op.i64Rotr);
      else c.op(Op.i32WrapI64).i32(immr).op(Op.i32Rotr).op(Op.i64ExtendI32U);
    }
    k(m.wmask).op(Op.i64And);
    if (opc === 1) {
      this.x(rd);
      k(~m.wmask & all).op(Op.i64And).op(Op.i64Or);
    }
    c.set(T64[0]);
    // top: SBFM replicates src<imms>, BFM keeps dst, UBFM zero
    if (opc === 0) {
      this.x(rn);
      c.i64(63 - imms).op(Op.i64Shl).i64(63n).op(Op.i64ShrS);
    } else if (opc === 1) this.x(rd);
    else c.i64(0n);
    k(~m.tmask & all).op(Op.i64And);
    c.get(T64[0]);
    k(m.tmask).op(Op.i64And).op(Op.i64Or);
    if (!sf) c.i64(0xffffffffn).op(Op.i64And);
    this.setX(rd);
    void size;
    return true;
  }

  private extract(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, nbit = (insn >>> 22) & 1, imms = (insn >>> 10) & 63;
    if (((insn >>> 29) & 3) !== 0 || (insn & (1 << 21)) !== 0 || nbit !== (sf ? 1 : 0) || (!sf && imms >= 32)) return false;
    const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = this.c;
    if (sf) {
      if (imms === 0) this.x(rm);
      else {
        this.x(rm); c.i64(imms).op(Op.i64ShrU);
        this.x(rn); c.i64(64 - imms).op(Op.i64Shl).op(Op.i64Or);
      }
      this.setX(rd);
    } else {
      if (imms === 0) this.w(rm);
      else {
        this.w(rm); c.i32(imms).op(Op.i32ShrU);
        this.w(rn); c.i32(32 - imms).op(Op.i32Shl).op(Op.i32Or);
      }
      this.setW(rd);
    }
    return true;
  }

  private logicalShifted(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, opc = (insn >>> 29) & 3, type = (insn >>> 22) & 3;
    const invert = (insn & (1 << 21)) !== 0, amount = (insn >>> 10) & 63;
    if (!sf && amount >= 32) return false;
    const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = this.c;
    if (sf) {
      this.x(rn);
      this.x(rm); this.shift(true, type, amount);
      if (invert) c.i64(-1n).op(Op.i64Xor);
      c.op([Op.i64And, Op.i64Or, Op.i64Xor, Op.i64And][opc]);
      if (opc === 3) { c.set(T64[2]); this.logicFlags(true); c.get(T64[2]); }
      this.setX(rd);
    } else {
      this.w(rn);
      this.w(rm); this.shift(false, type, amount);
      if (invert) c.i32(-1).op(Op.i32Xor);
      c.op([Op.i32And, Op.i32Or, Op.i32Xor, Op.i32And][opc]);
      if (opc === 3) { c.set(T32[2]); this.logicFlags(false); c.get(T32[2]); }
      this.setW(rd);
    }
    return true;
  }

  private addSubShifted(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, s = (insn & (1 << 29)) !== 0;
    const type = (insn >>> 22) & 3, amount = (insn >>> 10) & 63;
    if (type === 3 || (!sf && amount >= 32)) return false;
    const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = this.c;
    if (sf) {
      if (!s) {
        this.x(rn); this.x(rm); this.shift(true, type, amount); c.op(sub ? Op.i64Sub : Op.i64Add);
        this.setX(rd);
        return true;
      }
      this.x(rn); c.set(T64[0]);
      this.x(rm); this.shift(true, type, amount);
      if (sub) c.i64(-1n).op(Op.i64Xor);
      c.set(T64[1]);
      this.adds64(sub ? 1 : 0);
      c.get(T64[2]); this.setX(rd);
    } else {
      if (!s) {
        this.w(rn); this.w(rm); this.shift(false, type, amount); c.op(sub ? Op.i32Sub : Op.i32Add);
        this.setW(rd);
        return true;
      }
      this.w(rn); c.set(T32[0]);
      this.w(rm); this.shift(false, type, amount);
      if (sub) c.i32(-1).op(Op.i32Xor);
      c.set(T32[1]);
      this.adds32(sub ? 1 : 0);
      c.get(T32[2]); this.setW(rd);
    }
    return true;
  }

  private addSubExtended(insn: number): boolean {
    const shift = (insn >>> 10) & 7;
    if ((insn & (3 << 22)) !== 0 || shift > 4) return false;
    const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, s = (insn & (1 << 29)) !== 0;
    const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, option = (insn >>> 13) & 7, c = this.c;
    if (sf) {
      this.x(rn, true); c.set(T64[0]);
      this.extendReg(rm, option, shift);
      if (!s) {
        c.set(T64[1]); c.get(T64[0]).get(T64[1]).op(sub ? Op.i64Sub : Op.i64Add);
        this.setX(rd, true);
        return true;
      }
      if (sub) c.i64(-1n).op(Op.i64Xor);
      c.set(T64[1]);
      this.adds64(sub ? 1 : 0);
      c.get(T64[2]); this.setX(rd);
    } else {
      this.w(rn, true); c.set(T32[0]);
      this.extendReg(rm, option, shift); c.op(Op.i32WrapI64);
      if (!s) {
        c.set(T32[1]); c.get(T32[0]).get(T32[1]).op(sub ? Op.i32Sub : Op.i32Add);
        this.setW(rd, true);
        return true;
      }
      if (sub) c.i32(-1).op(Op.i32Xor);
      c.set(T32[1]);
      this.adds32(sub ? 1 : 0);
      c.get(T32[2]); this.setW(rd);
    }
    return true;
  }

  /** ADC, ADCS, SBC, SBCS. */
  private addSubCarry(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, s = (insn & (1 << 29)) !== 0;
    const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = this.c;
    this.readFlags();
    if (sf) {
      this.x(rn); c.set(T64[0]);
      this.x(rm); if (sub) c.i64(-1n).op(Op.i64Xor); c.set(T64[1]);
      if (s) { this.adds64(-1); c.get(T64[2]); } else {
        c.get(T64[0]).get(T64[1]).op(Op.i64Add)
          .get(L_NZCV).i32(29).op(Op.i32ShrU).i32(1).op(Op.i32And).op(Op.i64ExtendI32U).op(Op.i64Add);
      }
      this.setX(rd);
    } else {
      this.w(rn); c.set(T32[0]);
      this.w(rm); if (sub) c.i32(-1).op(Op.i32Xor); c.set(T32[1]);
      if (s) { this.adds32(-1); c.get(T32[2]); } else {
        c.get(T32[0]).get(T32[1]).op(Op.i32Add).get(L_NZCV).i32(29).op(Op.i32ShrU).i32(1).op(Op.i32And).op(Op.i32Add);
      }
      this.setW(rd);
    }
    return true;
  }

  /** CCMN, CCMP (register and immediate). */
  private condCompare(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, sub = (insn & (1 << 30)) !== 0, imm = (insn & (1 << 11)) !== 0;
    const rn = (insn >>> 5) & 31, m = (insn >>> 16) & 31, cond = (insn >>> 12) & 15, nzcv = insn & 15, c = this.c;
    this.readFlags();
    condition(c, cond);
    c.op(Op.if).byte(VOID);
    this.depth++;
    if (sf) {
      this.x(rn); c.set(T64[0]);
      if (imm) c.i64(m); else this.x(m);
      if (sub) c.i64(-1n).op(Op.i64Xor);
      c.set(T64[1]);
      this.adds64(sub ? 1 : 0);
    } else {
      this.w(rn); c.set(T32[0]);
      if (imm) c.i32(m); else this.w(m);
      if (sub) c.i32(-1).op(Op.i32Xor);
      c.set(T32[1]);
      this.adds32(sub ? 1 : 0);
    }
    c.op(Op.else);
    c.i32((nzcv << 28) | 0).set(L_NZCV);
    this.depth--;
    c.op(Op.end);
    this.writeFlags();
    return true;
  }

  /** CSEL, CSINC, CSINV, CSNEG. */
  private condSelect(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, inv = (insn & (1 << 30)) !== 0, op2 = (insn >>> 10) & 3;
    if (op2 >= 2) return false;
    const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, cond = (insn >>> 12) & 15, c = this.c;
    this.readFlags();
    this.x(rn);
    this.x(rm);
    if (inv && op2 === 0) c.i64(-1n).op(Op.i64Xor); // CSINV
    else if (inv) c.set(T64[0]).i64(0n).get(T64[0]).op(Op.i64Sub); // CSNEG
    else if (op2 === 1) c.i64(1n).op(Op.i64Add); // CSINC
    condition(c, cond);
    c.op(Op.select);
    if (!sf) c.i64(0xffffffffn).op(Op.i64And);
    this.setX(rd);
    return true;
  }

  /** UDIV, SDIV, LSLV, LSRV, ASRV, RORV (CRC32 and PACGA are not translated). */
  private dataProc2(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, opcode = (insn >>> 10) & 63;
    const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, rd = insn & 31, c = this.c;
    if (opcode === 2 || opcode === 3) {
      // division by zero gives 0; INT_MIN / -1 gives INT_MIN (Arm ARM C6.2 SDIV)
      const signed = opcode === 3;
      if (sf) {
        this.x(rn); c.set(T64[0]); this.x(rm); c.set(T64[1]);
        c.get(T64[1]).op(Op.i64Eqz);
        c.op(Op.if).byte(I64).i64(0n).op(Op.else);
        if (signed) {
          c.get(T64[1]).i64(-1n).op(Op.i64Eq);
          c.op(Op.if).byte(I64).i64(0n).get(T64[0]).op(Op.i64Sub).op(Op.else).get(T64[0]).get(T64[1]).op(Op.i64DivS).op(Op.end);
        } else c.get(T64[0]).get(T64[1]).op(Op.i64DivU);
        c.op(Op.end);
        this.setX(rd);
      } else {
        this.w(rn); c.set(T32[0]); this.w(rm); c.set(T32[1]);
        c.get(T32[1]).op(Op.i32Eqz);
        c.op(Op.if).byte(I32).i32(0).op(Op.else);
        if (signed) {
          c.get(T32[1]).i32(-1).op(Op.i32Eq);
          c.op(Op.if).byte(I32).i32(0).get(T32[0]).op(Op.i32Sub).op(Op.else).get(T32[0]).get(T32[1]).op(Op.i32DivS).op(Op.end);
        } else c.get(T32[0]).get(T32[1]).op(Op.i32DivU);
        c.op(Op.end);
        this.setW(rd);
      }
      return true;
    }
    if (opcode >= 8 && opcode <= 11) {
      const t = opcode - 8;
      if (sf) {
        this.x(rn); this.x(rm); // Wasm shifts count modulo 64, as the architecture's shift by Xm MOD 64
        c.op([Op.i64Shl, Op.i64ShrU, Op.i64ShrS, Op.i64Rotr][t]);
        this.setX(rd);
      } else {
        this.w(rn); this.w(rm);
        c.op([Op.i32Shl, Op.i32ShrU, Op.i32ShrS, Op.i32Rotr][t]);
        this.setW(rd);
      }
      return true;
    }
    return false;
  }

  /** CLZ, CLS, RBIT, REV16, REV32, REV. */
  private dataProc1(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, opcode = (insn >>> 10) & 63;
    if (((insn >>> 16) & 31) !== 0) return false;
    const rn = (insn >>> 5) & 31, rd = insn & 31, c = this.c;
    if (opcode === 4) {
      if (sf) { this.x(rn); c.op(Op.i64Clz); this.setX(rd); } else { this.w(rn); c.op(Op.i32Clz); this.setW(rd); }
      return true;
    }
    if (opcode === 5) { // CLS: CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>) = clz((x ^ (x << 1)) >> 1) - 1
      if (sf) {
        this.x(rn); c.set(T64[0]);
        c.get(T64[0]).get(T64[0]).i64(1).op(Op.i64Shl).op(Op.i64Xor).i64(1).op(Op.i64ShrU).op(Op.i64Clz).i64(1).op(Op.i64Sub);
        this.setX(rd);
      } else {
        this.w(rn); c.set(T32[0]);
        c.get(T32[0]).get(T32[0]).i32(1).op(Op.i32Shl).op(Op.i32Xor).i32(1).op(Op.i32ShrU).op(Op.i32Clz).i32(1).op(Op.i32Sub);
        this.setW(rd);
      }
      return true;
    }
    // RBIT reverses the bits (swaps of 1, 2, 4 bits, then of bytes), REV16 swaps the bytes of each halfword,
    // REV32 (and 32-bit REV) of each word, REV of the doubleword
    if (opcode === 0) {
      this.x(rn);
      if (!sf) c.i64(0xffffffffn).op(Op.i64And);
      const swapBits = (mask: bigint, shift: number) => {
        c.set(T64[0]);
        c.get(T64[0]).i64(shift).op(Op.i64ShrU).i64(BigInt.asIntN(64, mask)).op(Op.i64And);
        c.get(T64[0]).i64(BigInt.asIntN(64, mask)).op(Op.i64And).i64(shift).op(Op.i64Shl).op(Op.i64Or);
      };
      swapBits(0x5555555555555555n, 1);
      swapBits(0x3333333333333333n, 2);
      swapBits(0x0f0f0f0f0f0f0f0fn, 4);
      swapBits(0x00ff00ff00ff00ffn, 8);
      swapBits(0x0000ffff0000ffffn, 16);
      if (sf) c.i64(32).op(Op.i64Rotr);
      else c.i64(0xffffffffn).op(Op.i64And);
      this.setX(rd);
      return true;
    }
    if (opcode > 3 || (opcode === 3 && !sf)) return false;
    const steps = opcode === 1 ? 1 : opcode === 2 ? 2 : 3;
    this.x(rn);
    if (!sf) c.i64(0xffffffffn).op(Op.i64And);
    const swap = (mask: bigint, shift: number) => {
      c.set(T64[0]);
      c.get(T64[0]).i64(shift).op(Op.i64ShrU).i64(mask).op(Op.i64And);
      c.get(T64[0]).i64(mask).op(Op.i64And).i64(shift).op(Op.i64Shl).op(Op.i64Or);
    };
    swap(0x00ff00ff00ff00ffn, 8);
    if (steps >= 2) swap(0x0000ffff0000ffffn, 16);
    if (steps === 3) c.i64(32).op(Op.i64Rotr);
    if (!sf) c.i64(0xffffffffn).op(Op.i64And);
    this.setX(rd);
    return true;
  }

  /** DC ZVA at EL1: zero the 64-byte block (DCZID_EL0.BS = 4) through the write TLB (cpu/as/system.ts dcZva). */
  private dcZva(insn: number): boolean {
    const c = this.c;
    this.requireEl1(false); // at EL0 it depends on SCTLR_EL1.DZE: left to the interpreter
    this.x(insn & 31);
    c.i64(-64).op(Op.i64And).set(T64[3]);
    this.tlb(64, true);
    c.get(T32[3]).i32(0).i32(64).op(0xfc).u32(11).byte(0); // memory.fill
    return true;
  }

  /** High 64 bits of the unsigned product of T64[0] and T64[1] (cpu/as/alu.ts umulh), on the stack. */
  private umulh(): void {
    const c = this.c, a = T64[0], b = T64[1], lo = T64[4], mid1 = T64[5], mid2 = T64[6];
    const M = 0xffffffffn;
    c.get(a).i64(M).op(Op.i64And).get(b).i64(M).op(Op.i64And).op(Op.i64Mul).set(lo); // al*bl
    c.get(a).i64(M).op(Op.i64And).get(b).i64(32n).op(Op.i64ShrU).op(Op.i64Mul).set(mid1); // al*bh
    c.get(a).i64(32n).op(Op.i64ShrU).get(b).i64(M).op(Op.i64And).op(Op.i64Mul).set(mid2); // ah*bl
    // carry word = (lo >> 32) + (mid1 & M) + (mid2 & M)
    c.get(lo).i64(32n).op(Op.i64ShrU).get(mid1).i64(M).op(Op.i64And).op(Op.i64Add)
      .get(mid2).i64(M).op(Op.i64And).op(Op.i64Add).set(lo);
    c.get(a).i64(32n).op(Op.i64ShrU).get(b).i64(32n).op(Op.i64ShrU).op(Op.i64Mul)
      .get(mid1).i64(32n).op(Op.i64ShrU).op(Op.i64Add)
      .get(mid2).i64(32n).op(Op.i64ShrU).op(Op.i64Add)
      .get(lo).i64(32n).op(Op.i64ShrU).op(Op.i64Add);
  }

  /** MADD, MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH. */
  private dataProc3(insn: number): boolean {
    const sf = (insn >>> 31) !== 0, op31 = (insn >>> 21) & 7, o0 = (insn & (1 << 15)) !== 0;
    if (((insn >>> 29) & 3) !== 0) return false;
    const rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31, ra = (insn >>> 10) & 31, rd = insn & 31, c = this.c;
    if (op31 === 0) {
      if (sf) {
        this.x(ra); this.x(rn); this.x(rm); c.op(Op.i64Mul).op(o0 ? Op.i64Sub : Op.i64Add);
        this.setX(rd);
      } else {
        this.w(ra); this.w(rn); this.w(rm); c.op(Op.i32Mul).op(o0 ? Op.i32Sub : Op.i32Add);
        this.setW(rd);
      }
      return true;
    }
    if (!sf) return false;
    if (op31 === 1 || op31 === 5) {
      const ext = op31 === 1 ? Op.i64ExtendI32S : Op.i64ExtendI32U;
      this.x(ra);
      this.w(rn); c.op(ext);
      this.w(rm); c.op(ext);
      c.op(Op.i64Mul).op(o0 ? Op.i64Sub : Op.i64Add);
      this.setX(rd);
      return true;
    }
    if ((op31 === 2 || op31 === 6) && !o0) {
      this.x(rn); c.set(T64[0]); this.x(rm); c.set(T64[1]);
      this.umulh();
      if (op31 === 2) {
        // SMULH = UMULH - (a < 0 ? b : 0) - (b < 0 ? a : 0)
        c.get(T64[1]).i64(0n).get(T64[0]).i64(0n).op(Op.i64LtS).op(Op.select).op(Op.i64Sub);
        c.get(T64[0]).i64(0n).get(T64[1]).i64(0n).op(Op.i64LtS).op(Op.select).op(Op.i64Sub);
      }
      this.setX(rd);
      return true;
    }
    return false;
  }

  // ---- PSTATE.DAIF (local_irq_save/restore): MSR DAIFSet, DAIFClr and MSR DAIF, Xt at EL1 (cpu/as/system.ts)
  /**
   * Masking goes on in translated code; unmasking ends the region with bit 31 of the retired count set, so that
   * jitEnter has the run loop check for a now deliverable interrupt before the next instruction (as the
   * interpreter's requestIrqCheck). At EL0 these depend on SCTLR_EL1.UMA: left to the interpreter.
   */
  private daifWrite(insn: number, i: number): boolean | 'end' {
    const c = this.c, daif = () => c.get(P_CPU).mem(Op.i32Load, 2, L.S_DAIF);
    this.requireEl1(false);
    c.get(P_CPU);
    if ((insn & 0xffffffe0) >>> 0 === 0xd51b4220) { // MSR DAIF, Xt
      this.w(insn & 31);
      c.i32(0xf << 6).op(Op.i32And);
    } else {
      const bits = ((insn >>> 8) & 15) << 6;
      if ((insn & (1 << 5)) === 0) { // DAIFSet: nothing can become deliverable
        daif(); c.i32(bits).op(Op.i32Or).mem(Op.i32Store, 2, L.S_DAIF);
        return true;
      }
      daif(); c.i32(~bits).op(Op.i32And);
    }
    c.mem(Op.i32Store, 2, L.S_DAIF);
    this.exit(() => this.pcOf(i + 1), i + 1 - this.blockStart, RETIRED_CHECK_IRQ);
    return 'end';
  }

  // ---- MRS of the registers Linux reads on hot paths (cpu/as/sysreg.ts sysregRead)
  /** Stop before this instruction unless the vCPU is at EL1 (and, for SP_EL0, has SPSel = 1). */
  private requireEl1(spsel: boolean): void {
    const c = this.c;
    c.get(P_CPU).mem(Op.i32Load, 2, L.S_EL).i32(1).op(Op.i32Ne);
    if (spsel) c.get(P_CPU).mem(Op.i32Load, 2, L.S_SPSEL).op(Op.i32Eqz).op(Op.i32Or);
    this.ifThen(() => this.bail());
  }

  private mrs(insn: number): boolean {
    const t = insn & 31, c = this.c;
    const slot = (sr: number) => c.get(P_CPU).mem(Op.i64Load, 3, L.S_SYSREG + sr * 8);
    switch ((insn & 0xffffffe0) >>> 0) {
      case 0xd5384100: // SP_EL0 (`current`): the banked copy while SPSel = 1
        this.requireEl1(true);
        c.get(P_CPU).mem(Op.i64Load, 3, L.S_SP_EL0);
        break;
      case 0xd538d080: // TPIDR_EL1 (per-CPU offset)
        this.requireEl1(false);
        slot(L.SR_TPIDR_EL1);
        break;
      case 0xd53b4220: // DAIF (local_irq_save); EL0 reads depend on SCTLR_EL1.UMA: left to the interpreter
        this.requireEl1(false);
        c.get(P_CPU).mem(Op.i32Load, 2, L.S_DAIF).op(Op.i64ExtendI32U);
        break;
      case 0xd53bd040: slot(L.SR_TPIDR_EL0); break; // TPIDR_EL0
      case 0xd53bd060: slot(L.SR_TPIDRRO_EL0); break; // TPIDRRO_EL0
      case 0xd53b4200: // NZCV
        this.readFlags();
        c.get(L_NZCV).op(Op.i64ExtendI32U);
        break;
      default: return false;
    }
    this.setX(t);
    return true;
  }

  // ---- loads and stores of general registers (cpu/as/ldst.ts); PRFM is the size:opc key 1110
  /** size:opc keys the interpreter allocates for general registers (ldst.ts GPR_KEYS, PRFM excluded). */
  private static gprKey(size: number, opc: number): boolean {
    return ((0x37ff >> ((size << 2) | opc)) & 1) !== 0;
  }

  private transfer(size: number, opc: number, t: number, off = 0): void {
    if (opc === 0) this.storeFrom(t, size, off);
    else this.loadInto(t, size, opc, off);
  }

  private ldstUimm(insn: number): boolean {
    const size = insn >>> 30, opc = (insn >>> 22) & 3;
    if ((insn & (1 << 26)) !== 0) { // SIMD&FP
      const key = (size << 2) | opc;
      if (!fpKeyValid(key)) return false;
      const n = (insn >>> 5) & 31;
      this.fpCheck();
      this.spAlign(n);
      this.x(n, true);
      this.c.i64(((insn >>> 10) & 0xfff) << fpScale(key)).op(Op.i64Add).set(T64[3]);
      this.tlb(1 << fpScale(key), (opc & 1) === 0);
      this.fpTransfer(key, insn & 31, 0);
      return true;
    }
    if (((size << 2) | opc) === KEY_PRFM) return true; // a hint: no access, no fault (ldst.ts)
    if (!Block.gprKey(size, opc)) return false;
    const n = (insn >>> 5) & 31, t = insn & 31, c = this.c;
    this.spAlign(n);
    this.x(n, true);
    c.i64(((insn >>> 10) & 0xfff) << size).op(Op.i64Add).set(T64[3]);
    this.tlb(1 << size, opc === 0);
    this.transfer(size, opc, t);
    return true;
  }

  /** LDUR/STUR, post-index, pre-index (LDTR/STTR are left to the interpreter). */
  private ldstImm9(insn: number): boolean {
    const size = insn >>> 30, opc = (insn >>> 22) & 3, mode = (insn >>> 10) & 3;
    if ((insn & (1 << 26)) !== 0) { // SIMD&FP: LDUR/STUR, post- and pre-index (no unprivileged forms)
      const key = (size << 2) | opc;
      if (mode === 2 || !fpKeyValid(key)) return false;
      const n = (insn >>> 5) & 31, c = this.c, off = sx((insn >>> 12) & 0x1ff, 9);
      this.fpCheck();
      this.spAlign(n);
      this.x(n, true);
      if (mode !== 1) c.i64(off).op(Op.i64Add);
      c.set(T64[3]);
      this.tlb(1 << fpScale(key), (opc & 1) === 0);
      this.fpTransfer(key, insn & 31, 0);
      if (mode !== 0) { this.x(n, true); c.i64(off).op(Op.i64Add); this.setX(n, true); }
      return true;
    }
    if (mode === 0 && ((size << 2) | opc) === KEY_PRFM) return true; // PRFUM
    if (mode === 2 || !Block.gprKey(size, opc)) return false;
    const n = (insn >>> 5) & 31, t = insn & 31, c = this.c;
    const off = sx((insn >>> 12) & 0x1ff, 9);
    const wback = mode !== 0;
    if (wback && n === t && n !== 31) return false; // CONSTRAINED UNPREDICTABLE: the interpreter decides
    this.spAlign(n);
    this.x(n, true);
    if (mode !== 1) c.i64(off).op(Op.i64Add);
    c.set(T64[3]);
    this.tlb(1 << size, opc === 0);
    this.transfer(size, opc, t);
    if (wback) {
      this.x(n, true);
      c.i64(off).op(Op.i64Add);
      this.setX(n, true);
    }
    return true;
  }

  /** Register offset: option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX; S scales by the size. */
  private ldstReg(insn: number): boolean {
    const size = insn >>> 30, opc = (insn >>> 22) & 3, option = (insn >>> 13) & 7;
    if ((option & 2) === 0) return false;
    if ((insn & (1 << 26)) !== 0) { // SIMD&FP
      const key = (size << 2) | opc;
      if (!fpKeyValid(key)) return false;
      const n = (insn >>> 5) & 31, m = (insn >>> 16) & 31;
      this.fpCheck();
      this.spAlign(n);
      this.x(n, true);
      this.extendReg(m, option, (insn & (1 << 12)) !== 0 ? fpScale(key) : 0);
      this.c.op(Op.i64Add).set(T64[3]);
      this.tlb(1 << fpScale(key), (opc & 1) === 0);
      this.fpTransfer(key, insn & 31, 0);
      return true;
    }
    if (((size << 2) | opc) === KEY_PRFM) return true; // PRFM (register)
    if (!Block.gprKey(size, opc)) return false;
    const n = (insn >>> 5) & 31, t = insn & 31, m = (insn >>> 16) & 31, c = this.c;
    const s = (insn & (1 << 12)) !== 0 ? size : 0;
    this.spAlign(n);
    this.x(n, true);
    this.extendReg(m, option, s);
    c.op(Op.i64Add).set(T64[3]);
    this.tlb(1 << size, opc === 0);
    this.transfer(size, opc, t);
    return true;
  }

  /** STP/LDP/LDPSW/STNP/LDNP of general registers: offset, pre- and post-index. */
  private ldstPair(insn: number): boolean {
    if ((insn & (1 << 26)) !== 0) return this.fpPair(insn);
    const opc = insn >>> 30, mode = (insn >>> 23) & 3, load = (insn & (1 << 22)) !== 0;
    if (opc === 3 || (opc === 1 && !load)) return false; // unallocated, STGP
    const n = (insn >>> 5) & 31, t = insn & 31, t2 = (insn >>> 10) & 31, c = this.c;
    const size = opc === 2 ? 3 : 2;
    const off = sx((insn >>> 15) & 0x7f, 7) * (1 << size);
    const wback = mode === 1 || mode === 3;
    if (load && t === t2) return false; // CONSTRAINED UNPREDICTABLE
    if (wback && (n === t || n === t2) && n !== 31) return false;
    if (mode === 0 && opc === 1) return false; // LDNP with opc 01 is unallocated
    this.spAlign(n);
    this.x(n, true);
    if (mode !== 1) c.i64(off).op(Op.i64Add);
    c.set(T64[3]);
    this.tlb(2 << size, !load);
    const bytes = 1 << size;
    if (load) {
      const ext = opc === 1 ? 2 : 1; // LDPSW sign-extends words to 64 bits
      this.transfer(size, ext, t, 0);
      this.transfer(size, ext, t2, bytes);
    } else {
      this.storeFrom(t, size, 0);
      this.storeFrom(t2, size, bytes);
    }
    if (wback) {
      this.x(n, true);
      c.i64(off).op(Op.i64Add);
      this.setX(n, true);
    }
    return true;
  }

  /** LDR (literal) W/X, LDRSW (literal), PRFM (literal), and the SIMD&FP S/D/Q forms: PC + imm19 * 4. */
  private ldrLiteral(insn: number, i: number): boolean {
    const opc = insn >>> 30, t = insn & 31, c = this.c, fp = (insn & (1 << 26)) !== 0;
    if (fp && opc === 3) return false; // unallocated
    if (!fp && opc === 3) return true; // PRFM (literal): a hint
    if (fp) this.fpCheck();
    this.pcOf(i);
    c.i64(sx((insn >>> 5) & 0x7ffff, 19) * 4).op(Op.i64Add).set(T64[3]);
    if (fp) {
      const key = opc === 2 ? 3 : opc === 1 ? 0xd : 0x9; // Q, D, S loads
      this.tlb(opc === 2 ? 16 : opc === 1 ? 8 : 4, false);
      this.fpTransfer(key, t, 0);
      return true;
    }
    this.tlb(opc === 1 ? 8 : 4, false);
    this.loadInto(t, opc === 1 ? 3 : 2, opc === 2 ? 2 : 1, 0); // LDRSW sign-extends to 64 bits
    return true;
  }

  // ---- SIMD&FP registers (cpu/as/ldst_fp.ts): V[t] lives in the vCPU state block, not in a local
  /** Stop before this instruction unless SIMD&FP is enabled at the current EL (checked once per entry). */
  private fpCheck(): void {
    this.fpUsed = true;
    this.c.get(L_FPOK).op(Op.i32Eqz);
    this.ifThen(() => this.bail());
  }
  private fpUsed = false;

  /**
   * One SIMD&FP register transfer for key = size:opc at host T32[3] + `off`: B, H, S, D loads zero the rest of
   * the 128-bit register, Q moves 16 bytes. Q needs no alignment check here: with SCTLR_EL1.A set the soft TLB
   * is never filled, so the access has already stopped before this instruction.
   */
  private fpTransfer(key: number, t: number, off: number): void {
    const c = this.c, v = L.S_V + t * 16;
    const load = (key & 1) !== 0;
    if ((key & 2) !== 0) { // Q
      if (load) {
        c.get(P_CPU).get(T32[3]).mem(Op.i64Load, 0, off).mem(Op.i64Store, 3, v);
        c.get(P_CPU).get(T32[3]).mem(Op.i64Load, 0, off + 8).mem(Op.i64Store, 3, v + 8);
      } else {
        c.get(T32[3]).get(P_CPU).mem(Op.i64Load, 3, v).mem(Op.i64Store, 0, off);
        c.get(T32[3]).get(P_CPU).mem(Op.i64Load, 3, v + 8).mem(Op.i64Store, 0, off + 8);
      }
      return;
    }
    const size = key >> 2;
    if (load) {
      c.get(P_CPU).get(T32[3]).mem([Op.i64Load8U, Op.i64Load16U, Op.i64Load32U, Op.i64Load][size], 0, off).mem(Op.i64Store, 3, v);
      c.get(P_CPU).i64(0).mem(Op.i64Store, 3, v + 8);
    } else {
      c.get(T32[3]).get(P_CPU).mem(Op.i64Load, 3, v).mem([Op.i64Store8, Op.i64Store16, Op.i64Store32, Op.i64Store][size], 0, off);
    }
  }

  /** LDP/STP/LDNP/STNP (SIMD&FP): opc 00 S, 01 D, 10 Q; both elements are read before either register is written. */
  private fpPair(insn: number): boolean {
    const opc = insn >>> 30, mode = (insn >>> 23) & 3, load = (insn & (1 << 22)) !== 0;
    if (opc === 3) return false;
    const t = insn & 31, t2 = (insn >>> 10) & 31, n = (insn >>> 5) & 31, c = this.c;
    const scale = 2 + opc, bytes = 1 << scale;
    const off = sx((insn >>> 15) & 0x7f, 7) * bytes;
    this.fpCheck();
    this.spAlign(n);
    this.x(n, true);
    if (mode !== 1) c.i64(off).op(Op.i64Add);
    c.set(T64[3]);
    this.tlb(2 * bytes, !load);
    const key = opc === 2 ? (load ? 3 : 2) : ((scale << 2) | (load ? 1 : 0));
    if (load && opc !== 2) {
      // both read first: Rt == Rt2 leaves the value from the higher address, as the interpreter
      const op = opc === 0 ? Op.i64Load32U : Op.i64Load;
      c.get(T32[3]).mem(op, 0, 0).set(T64[0]);
      c.get(T32[3]).mem(op, 0, bytes).set(T64[1]);
      c.get(P_CPU).get(T64[0]).mem(Op.i64Store, 3, L.S_V + t * 16);
      c.get(P_CPU).i64(0).mem(Op.i64Store, 3, L.S_V + t * 16 + 8);
      c.get(P_CPU).get(T64[1]).mem(Op.i64Store, 3, L.S_V + t2 * 16);
      c.get(P_CPU).i64(0).mem(Op.i64Store, 3, L.S_V + t2 * 16 + 8);
    } else {
      // Q loads copy through memory in order (t, then t2): with Rt == Rt2 the higher address wins too
      this.fpTransfer(key, t, 0);
      this.fpTransfer(key, t2, bytes);
    }
    if (mode === 1 || mode === 3) { this.x(n, true); c.i64(off).op(Op.i64Add); this.setX(n, true); }
    return true;
  }

  // ---- exclusives and load-acquire/store-release of one register (cpu/as/ldst_excl.ts)
  /**
   * LDXR/LDAXR/STXR/STLXR and LDAR/STLR (all sizes); the pair exclusives are left to the interpreter. An unaligned
   * address (an Alignment fault whatever SCTLR_EL1.A says), a TLB miss and, for exclusives, a page that is not
   * guest RAM (the monitor keys on its physical address) stop before the instruction.
   */
  private ldstOrdered(insn: number): boolean {
    const size = insn >>> 30, load = (insn & (1 << 22)) !== 0, o0 = (insn & (1 << 15)) !== 0;
    const cls = ((insn >>> 22) & 2) | ((insn >>> 21) & 1);
    const s = (insn >>> 16) & 31, n = (insn >>> 5) & 31, t = insn & 31, c = this.c;
    const bytes = 1 << size;
    if (cls === 2 && !o0) return false; // LDLAR/STLLR (FEAT_LOR): UNDEFINED
    if (cls !== 0 && cls !== 2) return false;
    this.spAlign(n);
    if (!load && cls === 0) { this.x(t); c.set(T64[4]); } // the data, read before Ws is written
    this.x(n, true);
    c.set(T64[3]);
    if (bytes > 1) {
      c.get(T64[3]).op(Op.i32WrapI64).i32(bytes - 1).op(Op.i32And);
      this.ifThen(() => this.bail());
    }
    this.tlb(bytes, !load);
    if (cls === 2) { // LDAR, STLR: an ordinary access after the alignment check (Device memory allowed)
      this.transfer(size, load ? 1 : 0, t);
      return true;
    }
    // the exclusive monitor keys on the physical address: guest RAM only (atomicHost)
    c.get(T32[3]).i32(L.RAM_OFF).op(Op.i32Sub).op(Op.i64ExtendI32U).i32(L.DOM_RAM_SIZE).mem(Op.i64Load, 3, 0).op(Op.i64GeU);
    this.ifThen(() => this.bail());
    const pa = () => c.get(T32[3]).i32(L.RAM_OFF).op(Op.i32Sub).op(Op.i64ExtendI32U).i64(L.RAM_BASE_PA).op(Op.i64Add);
    const ATOMIC = 0xfe;
    if (load) {
      c.get(T32[3]).op(ATOMIC).u32([0x14, 0x15, 0x16, 0x11][size]).u32(size).u32(0).set(T64[0]);
      c.get(P_CPU); pa(); c.mem(Op.i64Store, 3, L.S_EXCL_ADDR);
      c.get(P_CPU).i32(bytes).mem(Op.i32Store, 2, L.S_EXCL_SIZE);
      c.get(P_CPU).get(T64[0]).mem(Op.i64Store, 3, L.S_EXCL_VALUE);
      c.get(P_CPU).i64(0).mem(Op.i64Store, 3, L.S_EXCL_VALUE_HI);
      c.get(T64[0]);
      this.setX(t);
      return true;
    }
    // the local monitor must hold this address and size; it is cleared either way
    c.get(P_CPU).mem(Op.i64Load, 3, L.S_EXCL_ADDR); pa(); c.op(Op.i64Eq);
    c.get(P_CPU).mem(Op.i32Load, 2, L.S_EXCL_SIZE).i32(bytes).op(Op.i32Eq).op(Op.i32And).set(T32[0]);
    c.get(P_CPU).i64(-1).mem(Op.i64Store, 3, L.S_EXCL_ADDR);
    const mask = size === 3 ? -1n : (1n << BigInt(8 << size)) - 1n;
    c.get(T32[0]);
    c.op(Op.if).byte(I32);
    // compare-and-swap against the value the load-exclusive read: a store by another vCPU since makes it fail
    c.get(P_CPU).mem(Op.i64Load, 3, L.S_EXCL_VALUE);
    if (size < 3) c.i64(mask).op(Op.i64And);
    c.set(T64[1]);
    c.get(T32[3]).get(T64[1]).get(T64[4]);
    if (size < 3) c.i64(mask).op(Op.i64And);
    c.op(ATOMIC).u32([0x4c, 0x4d, 0x4e, 0x49][size]).u32(size).u32(0);
    c.get(T64[1]).op(Op.i64Ne); // status 1: the store was not done
    c.op(Op.else).i32(1).op(Op.end);
    this.setW(s);
    return true;
  }

  // ---- branches: they end a basic block
  private branch(insn: number, i: number): 'end' {
    const c = this.c, next = i + 1, count = next - this.blockStart;
    if ((insn & 0xff9ffc1f) >>> 0 === 0xd61f0000) {
      // BR, BLR, RET: stop before it when the target is not canonical (BranchAddr with TBI, state.ts)
      const n = (insn >>> 5) & 31;
      this.x(n); c.set(T64[0]);
      c.get(T64[0]).i64(55n).op(Op.i64ShrU).i64(1n).op(Op.i64Add).i64(0x1ffn).op(Op.i64And).i64(1n).op(Op.i64GtU);
      this.ifThen(() => this.bail(i));
      if (((insn >>> 21) & 3) === 1) { this.pcOf(next); this.setX(30); } // BLR
      this.exit(() => c.get(T64[0]), count);
      return 'end';
    }
    const b = branchInfo(insn, i)!;
    if (b.kind === 'call') { // BL: the callee is another region
      this.pcOf(next); this.setX(30);
      this.exit(() => this.pcOf(b.target), count);
      return 'end';
    }
    if (b.kind === 'jump') {
      this.goTo(b.target, count);
      return 'end';
    }
    if ((insn >>> 24) === 0x54) {
      this.readFlags();
      condition(c, insn & 15);
    } else if ((insn & 0x7e000000) === 0x34000000) {
      const sf = (insn >>> 31) !== 0, nz = (insn & (1 << 24)) !== 0, t = insn & 31;
      if (sf) { this.x(t); c.op(Op.i64Eqz); } else { this.w(t); c.op(Op.i32Eqz); }
      if (nz) c.op(Op.i32Eqz);
    } else {
      const bit = ((insn >>> 31) << 5) | ((insn >>> 19) & 31), nz = (insn & (1 << 24)) !== 0, t = insn & 31;
      this.x(t); c.i64(bit).op(Op.i64ShrU).i64(1n).op(Op.i64And).op(Op.i32WrapI64);
      if (!nz) c.op(Op.i32Eqz);
    }
    c.op(Op.if).byte(VOID);
    this.depth++;
    this.goTo(b.target, count);
    c.op(Op.else);
    this.goTo(next, count);
    this.depth--;
    c.op(Op.end);
    return 'end';
  }

  /**
   * Whether the instruction at `k` is translated: a dry run on a scratch block, remembered per instruction word
   * (the answer depends on the word alone) for every later translation.
   */
  private translatable(k: number): boolean {
    const w = this.words[k];
    const known = supportedWords.get(w);
    if (known !== undefined) return known;
    const probe = this.probe ??= new Block(this.words, this.entry);
    probe.c.clear();
    probe.i = k;
    probe.blockStart = k;
    probe.depth = 1;
    const ok = probe.insn(w, k) !== false;
    if (supportedWords.size >= 1 << 18) supportedWords.clear();
    supportedWords.set(w, ok);
    return ok;
  }

  /**
   * The region: basic blocks reachable from the entry through direct branches that stay on the page, up to
   * MAX_REGION instructions and MAX_BLOCKS blocks. A block ends at a branch, before an instruction that is not
   * translated, at the page's end, or where another block starts.
   */
  private discover(): void {
    const n = this.words.length;
    const ok = new Map<number, boolean>();
    const can = (k: number) => {
      let v = ok.get(k);
      if (v === undefined) ok.set(k, v = this.translatable(k));
      return v;
    };
    if (!can(this.entry)) return;
    const leaders = new Set<number>([this.entry]);
    const queue = [this.entry];
    let size = 0;
    const add = (t: number) => {
      if (t < 0 || t >= n || leaders.has(t) || leaders.size >= MAX_BLOCKS || size >= MAX_REGION || !can(t)) return;
      leaders.add(t);
      queue.push(t);
    };
    while (queue.length > 0) {
      let k = queue.shift()!;
      for (;;) {
        size++;
        const b = branchInfo(this.words[k], k);
        if (b) {
          if (b.kind === 'jump' || b.kind === 'cond') add(b.target);
          if (b.kind === 'cond') add(k + 1);
          break;
        }
        if (endsBlock(this.words[k], k)) break;
        k++;
        if (k >= n || leaders.has(k) || !can(k) || size >= MAX_REGION) break;
      }
    }
    const rest = [...leaders].filter(k => k !== this.entry).sort((a, b) => a - b);
    this.starts = [this.entry, ...rest];
    this.starts.forEach((k, id) => this.ids.set(k, id));
    this.okCache = ok;
    // the most instructions each block can retire before it leaves or jumps
    this.lengths = this.starts.map(s => {
      let k = s;
      for (; k < n && k - s < MAX_REGION; k++) {
        if (k !== s && leaders.has(k)) break;
        if (!can(k)) break;
        if (endsBlock(this.words[k], k)) { k++; break; }
      }
      return k - s;
    });
  }
  private okCache = new Map<number, boolean>();
  private lengths: number[] = [];
  private probe?: Block;

  /** Translate the basic block starting at `s` (its id is the position in `starts`). */
  private basicBlock(s: number): void {
    this.blockStart = s;
    // a block whose closing branch targets its own start gets a Wasm loop of its own (no dispatch per iteration)
    const last = s + this.lengths[this.ids.get(s)!] - 1;
    const b = branchInfo(this.words[last], last);
    this.selfLoop = -1;
    if (b !== null && b.kind !== 'call' && b.target === s) {
      this.c.op(Op.loop).byte(VOID);
      this.depth++;
      this.selfLoop = this.depth;
    }
    // the block could run to its end: leave before it if that would overrun the budget (Engine.run's "at most")
    this.c.get(L_BASE).i32(this.lengths[this.ids.get(s)!]).op(Op.i32Add).get(P_BUDGET).op(0x4a /* i32.gt_s */);
    this.ifThen(() => this.exit(() => this.pcOf(s), 0));
    this.blockBody(s);
    if (this.selfLoop >= 0) {
      this.c.op(Op.end);
      this.depth--;
      this.selfLoop = -1;
    }
  }
  /** br depth of the current block's own loop (its `depth` just inside it), -1 if it has none. */
  private selfLoop = -1;

  private blockBody(s: number): void {
    const n = this.words.length;
    for (let k = s; ; k++) {
      if (k >= n) { this.exit(() => this.pcOf(k), k - s); return; } // the page ends
      if (k !== s && this.ids.has(k)) { this.goTo(k, k - s); return; } // falls into the next block
      if (!(this.okCache.get(k) ?? this.translatable(k))) { this.bail(k); return; }
      this.i = k;
      if (this.insn(this.words[k], k) === 'end') return;
      if (k - s + 1 >= MAX_REGION && k + 1 < n) { // a straight run too long for one region: it goes on there
        this.cuts.push(k + 1);
        this.exit(() => this.pcOf(k + 1), k + 1 - s);
        return;
      }
    }
  }

  /** Instructions of the entry's basic block and the word that stopped it (null: a branch, page end or limit). */
  extent(): { length: number; loops: boolean; stoppedAt: number | null; blocks: number } {
    if (this.starts.length === 0) return { length: 0, loops: false, stoppedAt: this.words[this.entry] ?? null, blocks: 0 };
    let k = this.entry;
    let stoppedAt: number | null = null;
    for (; k < this.words.length; k++) {
      if (k !== this.entry && this.ids.has(k)) break;
      if (!this.okCache.get(k) && !this.translatable(k)) { stoppedAt = this.words[k]; break; }
      if (endsBlock(this.words[k], k)) { k++; break; }
    }
    const loops = [...this.starts].some(s => {
      const b = branchInfo(this.words[s], s);
      return b !== null && b.target === this.entry;
    }) || this.branchesTo(this.entry);
    return { length: k - this.entry, loops, stoppedAt, blocks: this.starts.length };
  }
  private branchesTo(t: number): boolean {
    for (const s of this.starts) {
      for (let k = s; k < this.words.length; k++) {
        const b = branchInfo(this.words[k], k);
        if (b) { if (b.target === t && b.kind !== 'call') return true; break; }
        if (isRegisterBranch(this.words[k]) || (k !== s && this.ids.has(k))) break;
      }
    }
    return false;
  }

  blockStarts(): number[] {
    return [...this.starts];
  }
  /** Page indices where a block was cut because the region was full (Region.continuations). */
  readonly cuts: number[] = [];

  /** The function, or null if not even the first instruction is translated. */
  build(): WasmFunction | null {
    this.discover();
    const blocks = this.starts.length;
    if (blocks === 0) return null;
    const c = this.c;
    c.op(Op.block).byte(VOID); // the exit
    c.op(Op.loop).byte(VOID); // dispatch
    for (let j = 0; j < blocks; j++) c.op(Op.block).byte(VOID);
    c.get(L_ID).op(Op.brTable).u32(blocks - 1);
    for (let j = 0; j < blocks; j++) c.u32(j);
    c.u32(0);
    for (let j = 0; j < blocks; j++) {
      c.op(Op.end);
      this.depth = blocks - j; // exit block: inside blocks j+1..K-1, the loop, then the exit
      this.basicBlock(this.starts[j]);
    }
    c.op(Op.end); // loop
    c.op(Op.end); // exit
    // prologue: load what the region uses; epilogue: store what it wrote, the count, the next PC
    const pro = new Code();
    pro.get(P_ENTRY).set(L_ID);
    pro.get(P_PC).i64(PAGE_MASK).op(Op.i64And).set(L_PAGE);
    if (this.memory) pro.get(P_CPU).mem(Op.i32Load, 2, L.S_TLB_CUR).set(L_TLB);
    if (this.fpUsed) {
      // CPACR_EL1.FPEN (bits 21:20): 11 enabled, 01 enabled at EL1 only (exception.ts checkFpEnabled)
      pro.get(P_CPU).mem(Op.i64Load, 3, L.S_SYSREG + L.SR_CPACR_EL1 * 8).i64(20).op(Op.i64ShrU).op(Op.i32WrapI64).i32(3).op(Op.i32And).set(L_FPOK);
      pro.get(L_FPOK).i32(3).op(Op.i32Eq);
      pro.get(L_FPOK).i32(1).op(Op.i32Eq).get(P_CPU).mem(Op.i32Load, 2, L.S_EL).i32(1).op(Op.i32Eq).op(Op.i32And);
      pro.op(Op.i32Or).set(L_FPOK);
    }
    for (const k of this.used) pro.get(P_CPU).mem(Op.i64Load, 3, k === REG_SP ? L.S_SP : L.S_X + k * 8).set(xl(k));
    if (this.flagsUsed) pro.get(P_CPU).mem(Op.i32Load, 2, L.S_NZCV).set(L_NZCV);
    const epi = new Code();
    for (const k of this.written) epi.get(P_CPU).get(xl(k)).mem(Op.i64Store, 3, k === REG_SP ? L.S_SP : L.S_X + k * 8);
    if (this.flagsWritten) epi.get(P_CPU).get(L_NZCV).mem(Op.i32Store, 2, L.S_NZCV);
    epi.get(P_CPU).get(L_RET).mem(Op.i32Store, 2, L.S_JIT_RETIRED);
    epi.get(L_NEXT);
    const body = new Code().append(pro).append(c).append(epi);
    return { locals: LOCALS, body };
  }
}

/** Bit 31 of S_JIT_RETIRED: the region unmasked interrupts (cpu/as/jit.ts). */
const RETIRED_CHECK_IRQ = 0x80000000 | 0;

/** MSR DAIFSet, MSR DAIFClr (immediate) and MSR DAIF, Xt. */
function isDaifWrite(insn: number): boolean {
  const m = (insn & 0xfffff0df) >>> 0;
  return m === 0xd50340df || (insn & 0xffffffe0) >>> 0 === 0xd51b4220;
}

/** Whether translation of a block stops after this instruction: branches, and writes that unmask interrupts. */
function endsBlock(insn: number, i: number): boolean {
  return branchInfo(insn, i) !== null || isRegisterBranch(insn) ||
    (isDaifWrite(insn) && ((insn & 0xffffffe0) >>> 0 === 0xd51b4220 || (insn & (1 << 5)) !== 0));
}

/** Instruction words known to be translated or not (Block.translatable). */
const supportedWords = new Map<number, boolean>();

/** BR, BLR, RET (not the unallocated opc 11). */
function isRegisterBranch(insn: number): boolean {
  return (insn & 0xff9ffc1f) >>> 0 === 0xd61f0000 && ((insn >>> 21) & 3) !== 3;
}

/**
 * Immediate branches: `jump` (B, B.AL/NV), `cond` (B.cond, CB(N)Z, TB(N)Z: target or fall through), `call` (BL),
 * with the target as an instruction index relative to `i`'s page index; null for anything else.
 */
function branchInfo(insn: number, i: number): { kind: 'jump' | 'cond' | 'call'; target: number } | null {
  if ((insn & 0x7c000000) === 0x14000000) return { kind: (insn >>> 31) !== 0 ? 'call' : 'jump', target: i + sx(insn & 0x3ffffff, 26) };
  if ((insn >>> 24) === 0x54 && (insn & 0x10) === 0)
    return { kind: (insn & 15) >= 14 ? 'jump' : 'cond', target: i + sx((insn >>> 5) & 0x7ffff, 19) };
  if ((insn & 0x7e000000) === 0x34000000) return { kind: 'cond', target: i + sx((insn >>> 5) & 0x7ffff, 19) };
  if ((insn & 0x7e000000) === 0x36000000) return { kind: 'cond', target: i + sx((insn >>> 5) & 0x3fff, 14) };
  return null;
}

/**
 * How much one translation from `words[entry]` covers: the length of its entry basic block in instructions,
 * whether control can come back to the entry inside the region, the word the entry block stopped before when that
 * is not translated (null when it ended with a branch, the page or a limit), and the region's basic blocks.
 */
export function blockExtent(words: Uint32Array, entry = 0): { length: number; loops: boolean; stoppedAt: number | null; blocks: number } {
  const b = new Block(words, entry);
  b.build();
  return b.extent();
}

/** A translated region: its function and the page index of each basic block it can be entered at (id order). */
export interface Region {
  fn: WasmFunction;
  /** blocks[id] = index in the page of the block's first instruction; blocks[0] is the requested entry. */
  blocks: number[];
  /**
   * Page indices where straight-line code goes on after the region ran out of room: as hot as the region, so
   * the host translates them with it instead of letting each warm up in the interpreter.
   */
  continuations: number[];
}

/**
 * The region entered at `words[entry]` (`words` is a whole code page, or a page's tail with entry 0), or null
 * when that instruction is not translated. Its function is (pc: i64, budget: i32, cpu: i32, block: i32) -> i64:
 * `pc` is the address of block `block`'s first instruction.
 */
export function translateRegion(words: Uint32Array, entry = 0): Region | null {
  const b = new Block(words, entry);
  const fn = b.build();
  return fn ? { fn, blocks: b.blockStarts(), continuations: [...new Set(b.cuts)] } : null;
}

/** translateRegion's function alone. */
export function translateBlock(words: Uint32Array, entry = 0): WasmFunction | null {
  return translateRegion(words, entry)?.fn ?? null;
}

export const BLOCK_PARAMS = [I64, I32, I32, I32] as const;
export const BLOCK_RESULTS = [I64] as const;
