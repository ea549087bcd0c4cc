// cpu/jit/translate.ts - translation of one guest region (basic blocks from a branch target, see README.md) into a
// WebAssembly function: the Block class (register locals, flags, exits, soft-TLB lookups, region discovery and
// the function's layout) and the top-level decode; the instruction groups are in dp.ts, mem.ts and sys.ts
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
import {
  P_PC, P_BUDGET, P_CPU, P_ENTRY, REG_SP, xl, L_NZCV, L_BASE, L_TLB, L_RET, L_ID, T32, T64, L_NEXT, L_PAGE, L_FPOK,
  LOCALS, PAGE_MASK, condition, isNop, sx, isDaifWrite,
} from './common.js';
import {
  pcRel, addSubImm, logicalImm, moveWide, bitfield, extract, logicalShifted, addSubShifted, addSubExtended,
  addSubCarry, condCompare, condSelect, dataProc2, dataProc1, dataProc3,
} from './dp.js';
import { ldstUimm, ldstImm9, ldstReg, ldstPair, ldrLiteral, ldstOrdered } from './mem.js';
import { dcZva, daifWrite, mrs } from './sys.js';

export { decodeBitMasks } from './common.js';

/**
 * Most instructions in one region, and most basic blocks. Why these: V8 compiles (and tiers up) bigger functions
 * at a cost that grows faster than their size; a Debian boot was fastest with regions of this size (64 blocks /
 * 512 instructions were ~40% slower, single blocks ~5%).
 */
export const MAX_REGION = 128;
const MAX_BLOCKS = 16;

/** The translation of one block. */
export class Block {
  readonly c = new Code();
  /** Registers read or written (0-30, REG_SP), and those written. */
  private readonly used = new Set<number>();
  private readonly written = new Set<number>();
  private flagsUsed = false;
  private flagsWritten = false;
  private memory = false;
  /** Blocks open inside the exit block (br depth of the exit). */
  depth = 0;
  /** Index of the instruction being translated, and the first of its basic block. */
  i = 0;
  blockStart = 0;
  /** Basic blocks of the region: first instruction -> block id (0 is the entry), and their ends. */
  private readonly ids = new Map<number, number>();
  private starts: number[] = [];

  /** `words` is the code page (or its tail), `entry` the index of the region's first instruction in it. */
  constructor(private readonly words: Uint32Array, private readonly entry = 0) {}

  // ---- guest registers
  x(r: number, sp = false): void {
    if (r === 31 && !sp) {
      this.c.i64(0n);
      return;
    }
    const k = r === 31 ? REG_SP : r;
    this.used.add(k);
    this.c.get(xl(k));
  }
  w(r: number, sp = false): void {
    this.x(r, sp);
    this.c.op(Op.i32WrapI64);
  }
  /** Pop an i64 into Xr (dropped for XZR unless `sp`). */
  setX(r: number, sp = false): void {
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
  setW(r: number, sp = false): void {
    this.c.op(Op.i64ExtendI32U);
    this.setX(r, sp);
  }
  readFlags(): void {
    this.flagsUsed = true;
  }
  writeFlags(): void {
    this.flagsUsed = true;
    this.flagsWritten = true;
  }

  /** PC of the instruction at index `k` of the page (L_PAGE is the page's address: blocks never leave it). */
  pcOf(k: number): void {
    this.c.get(L_PAGE);
    if (k !== 0) this.c.i64(k * 4).op(Op.i64Add);
  }

  /** Leave the region: next PC (pushed by `next`), instructions retired = base + `count`. */
  exit(next: () => void, count: number, flags = 0): void {
    next();
    this.c.set(L_NEXT);
    this.c.get(L_BASE);
    if (count !== 0) this.c.i32(count).op(Op.i32Add);
    if (flags !== 0) this.c.i32(flags).op(Op.i32Or);
    this.c.set(L_RET);
    this.c.op(Op.br).u32(this.depth);
  }
  /** Stop before instruction `k`: the interpreter executes it. */
  bail(k = this.i): void {
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
  ifThen(body: () => void): void {
    this.c.op(Op.if).byte(VOID);
    this.depth++;
    body();
    this.depth--;
    this.c.op(Op.end);
  }

  // ---- flags (cpu/as/alu.ts addsX/addsW/logicFlags)
  /** NZCV of a + b + carry for 64 bits; a, b in T64[0], T64[1], result left in T64[2]. carry: 0, 1 or -1 = C. */
  adds64(carry: number): void {
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
  adds32(carry: number): void {
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
  logicFlags(sf: boolean): void {
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
  shift(sf: boolean, type: number, amount: number): void {
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
  extendReg(rm: number, option: number, shift: number): void {
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
  tlb(size: number, write: boolean): void {
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
  spAlign(n: number): void {
    if (n !== 31) return;
    this.x(31, true);
    this.c.i64(15n).op(Op.i64And).op(Op.i64Eqz).op(Op.i32Eqz);
    this.ifThen(() => this.bail());
  }
  /** Load `size` bytes at host T32[3] + `off` into Rt with the extension of opc (01 zero, 10 to 64 signed, 11 to 32 signed). */
  loadInto(t: number, size: number, opc: number, off: number): void {
    const c = this.c;
    c.get(T32[3]);
    const signed = opc >= 2;
    const ops64 = signed ? [Op.i64Load8S, Op.i64Load16S, Op.i64Load32S, Op.i64Load] : [Op.i64Load8U, Op.i64Load16U, Op.i64Load32U, Op.i64Load];
    c.mem(ops64[size], 0, off);
    if (opc === 3) c.i64(0xffffffffn).op(Op.i64And); // sign-extended to 32 bits, then zero-extended to 64
    this.setX(t);
  }
  storeFrom(t: number, size: number, off: number): void {
    const c = this.c;
    c.get(T32[3]);
    this.x(t);
    c.mem([Op.i64Store8, Op.i64Store16, Op.i64Store32, Op.i64Store][size], 0, off);
  }

  // ---- translation
  /** Translate instruction i; false if it is not translated (the block ends before it). */
  private insn(insn: number, i: number): boolean | 'end' {
    const top = insn >>> 24;
    if ((insn & 0x1f000000) === 0x10000000) return pcRel(this, insn, i);
    if ((insn & 0x1f800000) === 0x11000000) return addSubImm(this, insn);
    if ((insn & 0x1f800000) === 0x12000000) return logicalImm(this, insn);
    if ((insn & 0x1f800000) === 0x12800000) return moveWide(this, insn);
    if ((insn & 0x1f800000) === 0x13000000) return bitfield(this, insn);
    if ((insn & 0x1f800000) === 0x13800000) return extract(this, insn);
    if ((insn & 0x1f000000) === 0x0a000000) return logicalShifted(this, insn);
    if ((insn & 0x1f200000) === 0x0b000000) return addSubShifted(this, insn);
    if ((insn & 0x1f200000) === 0x0b200000) return addSubExtended(this, insn);
    if ((insn & 0x1fe0fc00) === 0x1a000000) return addSubCarry(this, insn);
    if ((insn & 0x1fe00410) === 0x1a400000 && (insn & (1 << 29)) !== 0) return condCompare(this, insn);
    if ((insn & 0x1fe00000) === 0x1a800000 && (insn & (1 << 29)) === 0) return condSelect(this, insn);
    if ((insn & 0x5fe00000) === 0x1ac00000 && (insn & (1 << 29)) === 0) return dataProc2(this, insn);
    if ((insn & 0x5fe00000) === 0x5ac00000 && (insn & (1 << 29)) === 0) return dataProc1(this, insn);
    if ((insn & 0x1f000000) === 0x1b000000) return dataProc3(this, insn);
    if ((insn & 0x3b000000) === 0x39000000) return ldstUimm(this, insn);
    if ((insn & 0x3b200000) === 0x38000000) return ldstImm9(this, insn);
    if ((insn & 0x3b200c00) === 0x38200800) return ldstReg(this, insn);
    if ((insn & 0x3a000000) === 0x28000000) return ldstPair(this, insn);
    if ((insn & 0x3f000000) === 0x08000000) return ldstOrdered(this, insn);
    if ((insn & 0x3b000000) === 0x18000000) return ldrLiteral(this, insn, i);
    if (isNop(insn)) return true;
    if ((insn & 0xfff00000) >>> 0 === 0xd5300000) return mrs(this, insn);
    if ((insn & 0xffffffe0) >>> 0 === 0xd50b7420) return dcZva(this, insn);
    if (isDaifWrite(insn)) return daifWrite(this, insn, i);
    if ((top === 0x54 && (insn & 0x10) === 0) || (insn & 0x7c000000) === 0x14000000 ||
      (insn & 0x7e000000) === 0x34000000 || (insn & 0x7e000000) === 0x36000000 ||
      ((insn & 0xff9ffc1f) >>> 0 === 0xd61f0000 && ((insn >>> 21) & 3) !== 3)) return this.branch(insn, i);
    return false;
  }


















  // ---- PSTATE.DAIF (local_irq_save/restore): MSR DAIFSet, DAIFClr and MSR DAIF, Xt at EL1 (cpu/as/system.ts)

  // ---- MRS of the registers Linux reads on hot paths (cpu/as/sysreg.ts sysregRead)


  // ---- loads and stores of general registers (cpu/as/ldst.ts); PRFM is the size:opc key 1110







  // ---- SIMD&FP registers (cpu/as/ldst_fp.ts): V[t] lives in the vCPU state block, not in a local
  /** Stop before this instruction unless SIMD&FP is enabled at the current EL (checked once per entry). */
  fpCheck(): void {
    this.fpUsed = true;
    this.c.get(L_FPOK).op(Op.i32Eqz);
    this.ifThen(() => this.bail());
  }
  private fpUsed = false;



  // ---- exclusives and load-acquire/store-release of one register (cpu/as/ldst_excl.ts)

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
