// test/difftest/gen.ts - what a template uses to write one test case: operand pickers (registers with the
// zero register / SP mixed in, immediates biased to their edges, all 16 conditions, logical bitmask
// immediates, FP immediates, shifts, extends, arrangements) and the case's initial state, which it may
// override (base registers that must point into the scratch window, lane layouts of V registers, FPCR).

import { Rng } from './rng.js';
import { MEM_BASE, MEM_SIZE, type CaseState } from './state.js';
import { randomInt, randomVector, randomVectorAny, type LaneKind } from './values.js';

export const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

/** How a class wants the initial state drawn. */
export interface StateProfile {
  /** Random FPCR rounding mode, FZ, DN and AHP (FP classes); otherwise FPCR = 0. */
  randomFpcr?: boolean;
}

export interface Literal {
  label: string;
  bytes: Uint8Array;
}

/** The template interface: a named instruction form that writes the body of one case. */
export interface Template {
  /** Mnemonic (and form) reported in coverage, e.g. "adds (shifted)". */
  name: string;
  gen(g: CaseGen): string[];
}

export interface InsnClass {
  name: string;
  description: string;
  profile: StateProfile;
  templates: Template[];
}

export class CaseGen {
  readonly state: CaseState;
  readonly literals: Literal[] = [];
  /** May load/store templates use SP as their base? (Not when earlier instructions may move SP.) */
  spBase = true;
  private readonly reserved = new Set<number>();

  constructor(readonly rng: Rng, readonly tag: string, profile: StateProfile) {
    const x: bigint[] = [];
    for (let i = 0; i < 31; i++) x.push(randomInt(rng));
    const v = new Uint8Array(512);
    for (let i = 0; i < 32; i++) v.set(randomVectorAny(rng), 16 * i);
    let fpcr = 0;
    if (profile.randomFpcr && rng.chance(0.6)) fpcr = (rng.int(0, 15) << 22) | (rng.chance(0.2) ? 1 << 26 : 0);
    this.state = {
      x,
      // SP stays 16-byte aligned (SCTLR_EL1.SA0: an SP-based access with a misaligned SP faults on Linux)
      sp: MEM_BASE + BigInt(rng.int(0, MEM_SIZE / 16 - 1) * 16),
      nzcv: (rng.int(0, 15) << 28) >>> 0,
      fpcr,
      fpsr: rng.chance(0.5) ? 0 : rng.u32() & 0x0800009f,
      v,
      mem: rng.bytes(MEM_SIZE),
    };
  }

  // ---- registers ----

  /** A general register number 0-30, or 31 (XZR/WZR or SP, per `r31`) with probability 8%. */
  r(opts: { r31?: boolean; not?: number[] } = {}): number {
    const { r31 = true, not = [] } = opts;
    for (;;) {
      const n = r31 && this.rng.chance(0.08) ? 31 : this.rng.int(0, 30);
      if (!not.includes(n) && !this.reserved.has(n)) return n;
    }
  }
  /** A register 0-30 the rest of this case's operand picks will avoid (bases, status registers). */
  reserve(opts: { not?: number[] } = {}): number {
    const n = this.r({ r31: false, not: opts.not });
    this.reserved.add(n);
    return n;
  }
  /** Keep register `n` out of all later picks (e.g. X30 where BL/BLR write it implicitly). */
  reserveReg(n: number): void {
    this.reserved.add(n);
  }
  /** A V register number 0-31. */
  vr(not: number[] = []): number {
    for (;;) {
      const n = this.rng.int(0, 31);
      if (!not.includes(n)) return n;
    }
  }

  setX(n: number, v: bigint): void {
    if (n < 31) this.state.x[n] = BigInt.asUintN(64, v);
  }
  setV(n: number, kind: LaneKind): void {
    this.state.v.set(randomVector(this.rng, kind), 16 * n);
  }

  // ---- immediates ----

  /** An integer in [lo, hi]: 30% one of the edges lo, hi, lo+1, hi-1, 0; otherwise uniform. */
  imm(lo: number, hi: number): number {
    if (this.rng.chance(0.3)) {
      const edges = [lo, hi, Math.min(lo + 1, hi), Math.max(hi - 1, lo)];
      if (lo <= 0 && hi >= 0) edges.push(0);
      return this.rng.pick(edges);
    }
    return this.rng.int(lo, hi);
  }
  /** Uniform in [lo, hi]. */
  int(lo: number, hi: number): number {
    return this.rng.int(lo, hi);
  }
  cond(): string {
    return this.rng.pick(CONDS);
  }
  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }
  chance(p: number): boolean {
    return this.rng.chance(p);
  }

  /**
   * A logical immediate (Arm ARM DecodeBitMasks): an element of size 2..`width` holding a run of 1..e-1 ones,
   * rotated, replicated across the register. Returned as a hex literal for the assembler to encode.
   */
  bitmask(width: 32 | 64): string {
    const e = this.rng.pick([2, 4, 8, 16, 32, 64].filter(s => s <= width));
    const ones = this.imm(1, e - 1);
    const rot = this.rng.int(0, e - 1);
    const em = (1n << BigInt(e)) - 1n;
    let elem = (1n << BigInt(ones)) - 1n;
    elem = ((elem >> BigInt(rot)) | (elem << BigInt(e - rot))) & em;
    let v = 0n;
    for (let i = 0; i < width; i += e) v |= elem << BigInt(i);
    return '0x' + v.toString(16);
  }

  /** An FP immediate of VFPExpandImm's range: +-(16..31)/16 * 2^(-3..4), in exact decimal. */
  fpimm(): string {
    const m = this.rng.int(16, 31), e = this.rng.int(-3, 4);
    const v = (m / 16) * 2 ** e * (this.rng.chance(0.5) ? -1 : 1);
    return v.toString().includes('.') || v.toString().includes('e') ? v.toString() : v.toFixed(1);
  }

  // ---- memory ----

  /**
   * An address inside the scratch window for an access of `size` bytes, aligned to `align` (1 = any; an
   * unaligned address may straddle the window's page boundary).
   */
  memAddr(size: number, align = 1): bigint {
    // A fifth of the unaligned-capable accesses straddle the window's page boundary at MEM_BASE + 0x80
    if (align < size && this.rng.chance(0.2)) {
      const back = Math.ceil(this.rng.int(1, size - 1) / align) * align;
      if (back < size) return MEM_BASE + 0x80n - BigInt(back);
    }
    const slots = Math.floor((MEM_SIZE - size) / align);
    return MEM_BASE + BigInt(this.rng.int(0, slots) * align);
  }

  /** Put `bytes` in this case's literal pool (.rodata, 16-byte aligned); returns the label. */
  literal(bytes: Uint8Array): string {
    const label = `lit_${this.tag}_${this.literals.length}`;
    this.literals.push({ label, bytes });
    return label;
  }
}

// ---- operand spelling ----

export const X = (n: number) => (n === 31 ? 'xzr' : `x${n}`);
export const W = (n: number) => (n === 31 ? 'wzr' : `w${n}`);
export const XSP = (n: number) => (n === 31 ? 'sp' : `x${n}`);
export const WSP = (n: number) => (n === 31 ? 'wsp' : `w${n}`);
/** General register of width 32 or 64, XZR/WZR at 31. */
export const R = (sf: 32 | 64, n: number) => (sf === 64 ? X(n) : W(n));
/** General register of width 32 or 64, SP/WSP at 31. */
export const RSP = (sf: 32 | 64, n: number) => (sf === 64 ? XSP(n) : WSP(n));
