// cpu/int.test.ts - edge cases of the A64 integer data-processing and branch groups (as/dp_imm.ts,
// as/dp_reg.ts, as/branch.ts), run through the Engine with the MMU off. Each case is assembled with
// aarch64-linux-gnu-as/ld (or hand-encoded with `.inst`), placed in RAM at 0x40000000 and single-stepped until
// it reaches the `b .` appended after it or an exception vector. Register-only code: with the MMU off, data
// accesses are Device memory.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../host/engine-loader.js';
import type { Engine } from './engine.js';
import * as L from './layout.js';

const CODE = 0x4000_0000n;
const VBAR = 0x4008_0000n; // every vector entry is `b .`
const B_SELF = 0x14000000; // b .
const N = 8, Z = 4, C = 2, V = 1; // NZCV as a 4-bit number

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const INT64_MIN = 1n << 63n;
const ALL64 = (1n << 64n) - 1n;

let engine: Engine;
let logged = 0;
const workDir = mkdtempSync(join(tmpdir(), 'tsxen-int-'));

before(async () => {
  engine = await createEngine({
    ramSize: 0x10_0000,
    vcpus: 1,
    hooks: {
      mmioRead: () => 0n,
      mmioWrite: () => {},
      counter: () => 0n,
      sysregAccess: () => false,
      unimplemented: () => { logged++; },
    },
  });
});

after(() => rmSync(workDir, { recursive: true, force: true }));

/** Assemble and link `src` at CODE; returns the raw .text bytes. */
function asm(src: string): Uint8Array {
  const s = join(workDir, 't.s'), o = join(workDir, 't.o'), elf = join(workDir, 't.elf'), bin = join(workDir, 't.bin');
  writeFileSync(s, src + '\n');
  execFileSync('aarch64-linux-gnu-as', ['-o', o, s]);
  execFileSync('aarch64-linux-gnu-ld', ['-Ttext=0x40000000', '-e', '0x40000000', '-o', elf, o]);
  execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', elf, bin]);
  return new Uint8Array(readFileSync(bin));
}

interface Outcome {
  x: (n: number) => bigint;
  sp: bigint;
  pc: bigint;
  nzcv: number;
  /** Address of the `b .` after the code: where a run without exceptions stops. */
  end: bigint;
  esr: bigint;
  elr: bigint;
  logged: number;
}

/** Run `code` from CODE with registers `init` (x0..x30, sp) and flags `nzcv` (4 bits N Z C V). */
function exec(code: Uint8Array, init: Record<string, bigint> = {}, nzcv = 0, setup?: (e: Engine) => void): Outcome {
  engine.reset(0);
  const words = new Uint8Array(code.length + 4);
  words.set(code);
  new DataView(words.buffer).setUint32(code.length, B_SELF, true);
  engine.writePhys(CODE, words);
  const vectors = new Uint8Array(0x800);
  for (let i = 0; i < 0x800; i += 4) new DataView(vectors.buffer).setUint32(i, B_SELF, true);
  engine.writePhys(VBAR, vectors);
  engine.setSysreg(0, L.SR_VBAR_EL1, VBAR);
  for (const [name, value] of Object.entries(init)) {
    if (name === 'sp') engine.setSp(0, u64(value));
    else engine.setX(0, Number(name.slice(1)), u64(value));
  }
  engine.setU32(0, L.S_NZCV, (nzcv << 28) >>> 0);
  engine.setPc(0, CODE);
  setup?.(engine);
  const end = CODE + BigInt(code.length);
  const before = logged;
  for (let steps = 0; steps < 10_000; steps++) {
    const pc = engine.pc(0);
    if (pc === end || (pc >= VBAR && pc < VBAR + 0x800n)) break;
    engine.run(0, 1);
  }
  return {
    x: n => engine.x(0, n),
    sp: engine.sp(0),
    pc: engine.pc(0),
    nzcv: engine.u32(0, L.S_NZCV) >>> 28,
    end,
    esr: engine.sysreg(0, L.SR_ESR_EL1),
    elr: engine.sysreg(0, L.SR_ELR_EL1),
    logged: logged - before,
  };
}

function run(src: string, init: Record<string, bigint> = {}, nzcv = 0): Outcome {
  const r = exec(asm(src), init, nzcv);
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  assert.equal(r.pc, r.end, `ran to the end (stopped at ${hex(r.pc)}, ELR ${hex(r.elr)}, ESR ${hex(r.esr)})`);
  return r;
}

/** Run one flag-setting instruction and return NZCV and X0. */
function flags(insn: string, init: Record<string, bigint>, nzcv = 0): [number, bigint] {
  const r = run(insn, init, nzcv);
  return [r.nzcv, r.x(0)];
}

/** ConditionHolds from the Arm ARM, as a reference for the conditional instructions. */
function conditionHolds(cond: number, f: number): boolean {
  const n = (f & N) !== 0, z = (f & Z) !== 0, c = (f & C) !== 0, v = (f & V) !== 0;
  const base = [z, c, n, v, c && !z, n === v, n === v && !z, true][cond >> 1]!;
  return (cond & 1) !== 0 && cond !== 15 ? !base : base;
}

const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

// ---------------------------------------------------------------- add/sub and flags

test('ADDS sets N, Z, C and V at the 64-bit overflow boundaries', () => {
  const adds = 'adds x0, x1, x2';
  assert.deepEqual(flags(adds, { x1: 0x7fff_ffff_ffff_ffffn, x2: 1n }), [N | V, INT64_MIN]);
  assert.deepEqual(flags(adds, { x1: ALL64, x2: 1n }), [Z | C, 0n]);
  assert.deepEqual(flags(adds, { x1: INT64_MIN, x2: INT64_MIN }), [Z | C | V, 0n]);
  assert.deepEqual(flags(adds, { x1: ALL64, x2: ALL64 }), [N | C, ALL64 - 1n]);
  assert.deepEqual(flags(adds, { x1: 1n, x2: 2n }), [0, 3n]);
});

test('ADDS (32-bit) takes flags from bit 31 and zeroes the upper half of Xd', () => {
  const adds = 'adds w0, w1, w2';
  assert.deepEqual(flags(adds, { x0: ALL64, x1: 0xdead_0000_7fff_ffffn, x2: 1n }), [N | V, 0x8000_0000n]);
  assert.deepEqual(flags(adds, { x1: 0xffff_ffffn, x2: 1n }), [Z | C, 0n]);
  assert.deepEqual(flags(adds, { x1: 0x8000_0000n, x2: 0x8000_0000n }), [Z | C | V, 0n]);
  assert.deepEqual(flags('adds w0, w1, #1', { x1: 0x1_ffff_fffen }), [N, 0xffff_ffffn]);
});

test('SUBS and CMP set C as NOT borrow and V on signed overflow', () => {
  const subs = 'subs x0, x1, x2';
  assert.deepEqual(flags(subs, { x1: 0n, x2: 1n }), [N, ALL64]);
  assert.deepEqual(flags(subs, { x1: 5n, x2: 5n }), [Z | C, 0n]);
  assert.deepEqual(flags(subs, { x1: INT64_MIN, x2: 1n }), [C | V, INT64_MIN - 1n]);
  assert.deepEqual(flags(subs, { x1: 0x7fff_ffff_ffff_ffffn, x2: ALL64 }), [N | V, INT64_MIN]);
  assert.deepEqual(flags(subs, { x1: 0n, x2: 0n }), [Z | C, 0n]);
  assert.deepEqual(flags('subs w0, w1, w2', { x1: 0x8000_0000n, x2: 1n }), [C | V, 0x7fff_ffffn]);
  assert.deepEqual(flags('cmp w1, #0', { x1: 0x1_0000_0000n }), [Z | C, 0n]);
  assert.deepEqual(flags('cmn x1, #1', { x1: ALL64 }), [Z | C, 0n]);
});

test('ADCS and SBCS consume the carry at the overflow boundaries', () => {
  assert.deepEqual(flags('adcs x0, x1, x2', { x1: ALL64, x2: 0n }, C), [Z | C, 0n]);
  assert.deepEqual(flags('adcs x0, x1, x2', { x1: ALL64, x2: ALL64 }, C), [N | C, ALL64]);
  assert.deepEqual(flags('adcs x0, x1, x2', { x1: 0x7fff_ffff_ffff_ffffn, x2: 0n }, C), [N | V, INT64_MIN]);
  assert.deepEqual(flags('adcs x0, x1, x2', { x1: 0x7fff_ffff_ffff_ffffn, x2: 0n }, 0), [0, 0x7fff_ffff_ffff_ffffn]);
  assert.deepEqual(flags('adcs w0, w1, w2', { x1: 0xffff_ffffn, x2: 0n }, C), [Z | C, 0n]);
  assert.deepEqual(flags('adcs w0, w1, w2', { x1: 0x7fff_ffffn, x2: 0n }, C), [N | V, 0x8000_0000n]);
  assert.deepEqual(flags('sbcs x0, x1, x2', { x1: 0n, x2: 0n }, 0), [N, ALL64]);
  assert.deepEqual(flags('sbcs x0, x1, x2', { x1: 7n, x2: 7n }, C), [Z | C, 0n]);
  assert.deepEqual(flags('sbcs x0, x1, x2', { x1: INT64_MIN, x2: 0n }, 0), [C | V, 0x7fff_ffff_ffff_ffffn]);
  assert.deepEqual(flags('sbcs w0, w1, w2', { x1: 0n, x2: 0xffff_ffffn }, 0), [Z, 0n]);
  assert.deepEqual(flags('adc x0, x1, x2', { x1: 1n, x2: 2n }, N | Z | C | V), [N | Z | C | V, 4n]);
  assert.deepEqual(flags('sbc w0, w1, w2', { x1: 1n, x2: 2n }, 0), [0, 0xffff_fffen]);
});

test('ADD/SUB (immediate) use SP for register 31 except as the destination of ADDS/SUBS', () => {
  const r = run(`
    add sp, sp, #16
    mov x0, sp
    sub sp, x0, #1, lsl #12
    add w1, wsp, #1
    cmp sp, #0xfff
    mov x3, sp
  `, { sp: 0x1_0000_1000n });
  assert.equal(r.x(0), 0x1_0000_1010n);
  assert.equal(r.x(3), 0x1_0000_0010n);
  assert.equal(r.sp, 0x1_0000_0010n);
  assert.equal(r.x(1), 0x11n);
  assert.equal(r.nzcv, C);
  const s = run('adds xzr, sp, #1\nsub wsp, w5, #2', { sp: 0x10n, x5: 0xffff_ffff_0000_0001n });
  assert.equal(s.sp, 0xffff_ffffn, 'a 32-bit write to WSP zero-extends');
  assert.equal(s.x(31), 0n);
});

test('ADD/SUB (extended register) apply UXTB..SXTX and a left shift of 0 to 4', () => {
  const r = run(`
    add x0, x1, w2, uxtb
    add x3, x1, w2, uxth #1
    add x4, x1, w2, uxtw #2
    add x5, x1, x2, uxtx #3
    add x6, x1, w2, sxtb #4
    sub x7, x1, w2, sxth
    add x8, x1, w2, sxtw #1
    add x9, sp, x2, sxtx
    add sp, x1, w2, uxtb
    adds w10, w1, w2, sxtb
  `, { x1: 0x1000n, x2: 0xffff_ffff_8000_8081n, sp: 0x100n });
  assert.equal(r.x(0), 0x1000n + 0x81n);
  assert.equal(r.x(3), 0x1000n + (0x8081n << 1n));
  assert.equal(r.x(4), 0x1000n + (0x8000_8081n << 2n));
  assert.equal(r.x(5), u64(0x1000n + (0xffff_ffff_8000_8081n << 3n)));
  assert.equal(r.x(6), u64(0x1000n - (0x7fn << 4n)));
  assert.equal(r.x(7), u64(0x1000n + 0x7f7fn));
  assert.equal(r.x(8), u64(0x1000n + (-0x7fff_7f7fn << 1n)));
  assert.equal(r.x(9), u64(0x100n + 0xffff_ffff_8000_8081n));
  assert.equal(r.sp, 0x1081n);
  assert.equal(r.x(10), 0xf81n);
  assert.equal(r.nzcv, C);
});

test('ADD/SUB (shifted register) shift by LSL, LSR and ASR; 32-bit forms zero the upper half', () => {
  const r = run(`
    add x0, x1, x2, lsl #63
    sub x3, x1, x2, lsr #60
    add x4, xzr, x2, asr #4
    add w5, w1, w2, lsl #31
    subs w6, w1, w2, asr #31
    neg x7, x1
  `, { x1: 3n, x2: 0xf000_0000_0000_0001n });
  assert.equal(r.x(0), INT64_MIN + 3n);
  assert.equal(r.x(3), u64(3n - 15n));
  assert.equal(r.x(4), 0xff00_0000_0000_0000n);
  assert.equal(r.x(5), 0x8000_0003n);
  assert.equal(r.x(6), 3n);
  assert.equal(r.x(7), u64(-3n));
});

// ---------------------------------------------------------------- logical

test('logical immediates of every element size decode to the right masks', () => {
  const masks = [
    0x5555_5555_5555_5555n, 0xaaaa_aaaa_aaaa_aaaan, // esize 2
    0x7777_7777_7777_7777n, 0x1111_1111_1111_1111n, // esize 4
    0x0f0f_0f0f_0f0f_0f0fn, 0x8181_8181_8181_8181n, // esize 8
    0x00ff_00ff_00ff_00ffn, 0xfffe_fffe_fffe_fffen, // esize 16
    0x0000_ffff_0000_ffffn, 0x8000_0001_8000_0001n, // esize 32
    0x0000_0000_0000_fff0n, 0x8000_0000_0000_0001n, 0xffff_ffff_ffff_fffen, 0x7fff_ffff_ffff_ffffn, // esize 64
  ];
  const src = masks.map((m, i) => `orr x${i}, xzr, #0x${m.toString(16)}`).join('\n');
  const r = run(src);
  masks.forEach((m, i) => assert.equal(r.x(i), m, `mask 0x${m.toString(16)}`));
  const w = run('orr w0, wzr, #0xff00ff00\norr w1, wzr, #0x55555555\norr w2, wzr, #0x7ffffffe\nand w3, w4, #0xf',
    { x0: ALL64, x4: ALL64 });
  assert.deepEqual([w.x(0), w.x(1), w.x(2), w.x(3)], [0xff00_ff00n, 0x5555_5555n, 0x7fff_fffen, 0xfn]);
});

test('AND/ORR/EOR (immediate) may write SP; ANDS writes flags and XZR', () => {
  const r = run('orr sp, xzr, #0xff0\neor x1, x2, #0xffff0000ffff0000\nands x3, x2, #0x8000000000000000\ntst w2, #1',
    { x2: 0x8000_0000_0000_0000n });
  assert.equal(r.sp, 0xff0n);
  assert.equal(r.x(1), 0x7fff_0000_ffff_0000n);
  assert.equal(r.x(3), INT64_MIN);
  assert.equal(r.nzcv, Z, 'TST w2, #1: Z set, C and V cleared');
  const s = run('ands x0, x1, #1', { x1: 3n }, N | Z | C | V);
  assert.equal(s.nzcv, 0);
});

test('reserved logical immediate and bitfield encodings are UNDEFINED and logged', () => {
  const undefinedWords = [
    0x92000000 | (0x3f << 10) | (1 << 22), // AND x0, x0: N=1 imms=111111 (all-ones element)
    0x92000000 | (0x3f << 10), // N=0 imms=111111: len < 1
    0x92000000 | (0x3d << 10), // N=0 imms=111101: esize 2 all ones
    0x12400000, // 32-bit with N=1
    0x13000000 | (1 << 22), // SBFM w: N=1
    0x93000000, // SBFM x: N=0
    0x53000000 | (32 << 16), // UBFM w: immr<5> = 1
    0x72c00000, // MOVK w, hw=2
    0x32800000, // move wide opc=01
    0x93c00000 | (1 << 21), // EXTR with o0=1
    0x13800000 | (32 << 10), // EXTR w, lsb=32
  ];
  for (const word of undefinedWords) {
    const r = exec(asm(`.inst 0x${(word >>> 0).toString(16)}`));
    assert.equal(r.pc, VBAR + 0x200n, `0x${(word >>> 0).toString(16)} took an exception`);
    assert.equal(r.esr, 0x0200_0000n, 'EC = Unknown, IL = 1');
    assert.equal(r.elr, CODE);
    assert.equal(r.logged, 1);
  }
});

test('logical (shifted register): BIC/ORN/EON/BICS and ROR', () => {
  const r = run(`
    bic x0, x1, x2, ror #4
    orn x3, xzr, x2
    eon w4, w1, w2, lsl #4
    bics x5, x1, x1
    and w6, w1, w2, asr #1
    orr x7, xzr, x2, lsr #63
  `, { x1: 0xffff_ffff_ffff_ffffn, x2: 0x8000_0000_0000_00ffn });
  assert.equal(r.x(0), 0x07ff_ffff_ffff_fff0n);
  assert.equal(r.x(3), u64(~0x8000_0000_0000_00ffn));
  assert.equal(r.x(4), 0xff0n);
  assert.equal(r.x(5), 0n);
  assert.equal(r.x(6), 0x7fn);
  assert.equal(r.x(7), 1n);
  assert.equal(r.nzcv, Z);
});

// ---------------------------------------------------------------- move wide, bitfield, extract

test('MOVZ, MOVN and MOVK at every halfword position; 32-bit MOVN zeroes bits 63:32', () => {
  const r = run(`
    movz x0, #0x1234, lsl #48
    movn x1, #0x1234, lsl #16
    movk x1, #0xbeef, lsl #32
    movn w2, #0
    movz w3, #0xffff, lsl #16
    movk w4, #0x5678, lsl #16
    movk x5, #0x5678
  `, { x4: ALL64, x5: ALL64 });
  assert.equal(r.x(0), 0x1234_0000_0000_0000n);
  assert.equal(r.x(1), 0xffff_beef_edcb_ffffn);
  assert.equal(r.x(2), 0xffff_ffffn);
  assert.equal(r.x(3), 0xffff_0000n);
  assert.equal(r.x(4), 0x5678_ffffn);
  assert.equal(r.x(5), 0xffff_ffff_ffff_5678n);
});

test('UBFM aliases LSL, LSR, UBFX, UBFIZ, UXTB and UXTH', () => {
  const v = 0x8123_4567_89ab_cdefn;
  const r = run(`
    lsl x0, x9, #4
    lsr x1, x9, #63
    ubfx x2, x9, #60, #4
    ubfiz x3, x9, #60, #4
    uxtb w4, w9
    uxth w5, w9
    lsl w6, w9, #31
    lsr w7, w9, #28
    ubfx w8, w9, #4, #8
    lsl x10, x9, #0
  `, { x9: v });
  assert.equal(r.x(0), u64(v << 4n));
  assert.equal(r.x(1), 1n);
  assert.equal(r.x(2), 8n);
  assert.equal(r.x(3), 0xf000_0000_0000_0000n);
  assert.equal(r.x(4), 0xefn);
  assert.equal(r.x(5), 0xcdefn);
  assert.equal(r.x(6), 0x8000_0000n);
  assert.equal(r.x(7), 0x8n);
  assert.equal(r.x(8), 0xden);
  assert.equal(r.x(10), v);
});

test('SBFM aliases ASR, SBFX, SBFIZ, SXTB, SXTH and SXTW', () => {
  const v = 0x8123_4567_89ab_cdefn;
  const r = run(`
    asr x0, x9, #63
    asr x1, x9, #4
    sbfx x2, x9, #4, #8
    sbfiz x3, x9, #60, #4
    sxtb x4, w9
    sxth w5, w9
    sxtw x6, w9
    asr w7, w9, #31
    sbfx w8, w9, #12, #4
    sbfiz w10, w9, #31, #1
  `, { x9: v });
  assert.equal(r.x(0), ALL64);
  assert.equal(r.x(1), 0xf812_3456_789a_bcden);
  assert.equal(r.x(2), u64(-0x22n)); // 0xde
  assert.equal(r.x(3), 0xf000_0000_0000_0000n);
  assert.equal(r.x(4), u64(-0x11n)); // 0xef
  assert.equal(r.x(5), 0xffff_cdefn);
  assert.equal(r.x(6), u64(0xffff_ffff_89ab_cdefn));
  assert.equal(r.x(7), 0xffff_ffffn);
  assert.equal(r.x(8), 0xffff_fffcn); // 0xc
  assert.equal(r.x(10), 0x8000_0000n);
});

test('BFM aliases BFI, BFXIL and BFC keep the other destination bits', () => {
  const r = run(`
    bfi x0, x9, #8, #16
    bfxil x1, x9, #60, #4
    .arch armv8.2-a
    bfc x2, #0, #64
    bfi w3, w9, #28, #4
    bfxil w4, w9, #0, #32
    bfi x5, x9, #0, #64
  `, { x0: ALL64, x1: 0n, x2: ALL64, x3: ALL64, x4: ALL64, x9: 0x8123_4567_89ab_cdefn });
  assert.equal(r.x(0), 0xffff_ffff_ffcd_efffn);
  assert.equal(r.x(1), 0x8n);
  assert.equal(r.x(2), 0n);
  assert.equal(r.x(3), 0xffff_ffffn);
  assert.equal(r.x(4), 0x89ab_cdefn);
  assert.equal(r.x(5), 0x8123_4567_89ab_cdefn);
});

test('EXTR and ROR (immediate) take bits from the register pair', () => {
  const r = run(`
    extr x0, x1, x2, #4
    extr x3, x1, x2, #0
    extr x4, x1, x2, #63
    ror x5, x1, #8
    extr w6, w1, w2, #16
    ror w7, w2, #31
  `, { x1: 0x0123_4567_89ab_cdefn, x2: 0xfedc_ba98_7654_3210n });
  assert.equal(r.x(0), 0xffed_cba9_8765_4321n);
  assert.equal(r.x(3), 0xfedc_ba98_7654_3210n);
  assert.equal(r.x(4), u64((0x0123_4567_89ab_cdefn << 1n) | 1n));
  assert.equal(r.x(5), 0xef01_2345_6789_abcdn);
  assert.equal(r.x(6), 0xcdef_7654n);
  assert.equal(r.x(7), 0xeca8_6420n);
});

test('ADR and ADRP compute from the address of the instruction', () => {
  const r = run('mov x9, x9\nadr x0, .+0x10\nadr x1, .-4\nadrp x2, .+0x3000\nadrp x3, .-0x100000');
  assert.equal(r.x(0), CODE + 0x14n);
  assert.equal(r.x(1), CODE + 4n);
  assert.equal(r.x(2), CODE + 0x3000n);
  assert.equal(r.x(3), CODE - 0x100000n);
});

// ---------------------------------------------------------------- 1, 2 and 3 source

test('CLZ and CLS of 0, -1, 1 and the minimum integer', () => {
  const r = run(`
    clz x0, x9
    clz x1, x10
    cls x2, x9
    cls x3, x10
    clz w4, w9
    clz w5, w10
    cls w6, w9
    cls w7, w10
    cls x8, x11
    cls w12, w11
    clz x13, x11
    cls x14, x15
  `, { x9: 0n, x10: ALL64, x11: INT64_MIN | 0x8000_0000n, x15: 1n });
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(i => r.x(i)), [64n, 0n, 63n, 63n, 32n, 0n, 31n, 31n]);
  assert.equal(r.x(8), 0n);
  assert.equal(r.x(12), 0n);
  assert.equal(r.x(13), 0n);
  assert.equal(r.x(14), 62n);
});

test('RBIT, REV16, REV32 and REV reverse bits and bytes', () => {
  const r = run(`
    rbit x0, x9
    rbit w1, w9
    rev16 x2, x9
    rev32 x3, x9
    rev x4, x9
    rev w5, w9
    rev16 w6, w9
  `, { x9: 0x0123_4567_89ab_cdefn });
  assert.equal(r.x(0), 0xf7b3_d591_e6a2_c480n);
  assert.equal(r.x(1), 0xf7b3_d591n);
  assert.equal(r.x(2), 0x2301_6745_ab89_efcdn);
  assert.equal(r.x(3), 0x6745_2301_efcd_ab89n);
  assert.equal(r.x(4), 0xefcd_ab89_6745_2301n);
  assert.equal(r.x(5), 0xefcd_ab89n);
  assert.equal(r.x(6), 0xab89_efcdn);
});

test('UDIV and SDIV: divide by zero gives 0, the minimum integer divided by -1 gives itself', () => {
  const r = run(`
    sdiv x0, x9, x10
    sdiv x1, x9, xzr
    udiv x2, x9, xzr
    udiv x3, x10, x11
    sdiv w4, w12, w10
    sdiv w5, w13, w11
    udiv w6, w10, w11
    sdiv x7, x13, x11
    sdiv x8, x11, x13
  `, { x9: INT64_MIN, x10: ALL64, x11: 7n, x12: 0x8000_0000n, x13: u64(-100n) });
  assert.equal(r.x(0), INT64_MIN);
  assert.equal(r.x(1), 0n);
  assert.equal(r.x(2), 0n);
  assert.equal(r.x(3), ALL64 / 7n);
  assert.equal(r.x(4), 0x8000_0000n);
  assert.equal(r.x(5), u64(-14n) & 0xffff_ffffn, 'rounds toward zero');
  assert.equal(r.x(6), 0xffff_ffffn / 7n);
  assert.equal(r.x(7), u64(-14n));
  assert.equal(r.x(8), 0n);
});

test('LSLV, LSRV, ASRV and RORV take the shift amount modulo the register size', () => {
  const r = run(`
    lsl x0, x9, x10
    lsr x1, x9, x10
    asr x2, x9, x10
    ror x3, x9, x10
    lsl w4, w9, w11
    asr w5, w9, w11
    ror w6, w9, w11
  `, { x9: 0x8000_0000_8000_0001n, x10: 64n + 4n, x11: 32n + 31n });
  assert.equal(r.x(0), 0x0000_0008_0000_0010n);
  assert.equal(r.x(1), 0x0800_0000_0800_0000n);
  assert.equal(r.x(2), 0xf800_0000_0800_0000n);
  assert.equal(r.x(3), 0x1800_0000_0800_0000n);
  assert.equal(r.x(4), 0x8000_0000n);
  assert.equal(r.x(5), 0xffff_ffffn);
  assert.equal(r.x(6), 3n);
});

test('UMULH and SMULH of extreme operands', () => {
  const r = run(`
    umulh x0, x9, x9
    smulh x1, x9, x9
    smulh x2, x10, x10
    smulh x3, x10, x9
    smulh x4, x10, x11
    umulh x5, x10, x12
    umulh x6, x9, x11
    smulh x7, x10, x12
  `, { x9: ALL64, x10: INT64_MIN, x11: 1n, x12: 2n });
  assert.equal(r.x(0), ALL64 - 1n);
  assert.equal(r.x(1), 0n);
  assert.equal(r.x(2), 0x4000_0000_0000_0000n);
  assert.equal(r.x(3), 0n);
  assert.equal(r.x(4), ALL64);
  assert.equal(r.x(5), 1n);
  assert.equal(r.x(6), 0n);
  assert.equal(r.x(7), ALL64);
});

test('MADD, MSUB and the long multiplies sign- or zero-extend their W operands', () => {
  const r = run(`
    madd x0, x9, x10, x11
    msub x1, x9, x10, x11
    smaddl x2, w9, w10, x11
    smsubl x3, w9, w10, x11
    umaddl x4, w9, w10, x11
    umsubl x5, w9, w10, x11
    mul w6, w9, w10
    mneg w7, w9, w10
  `, { x9: 0x1_ffff_ffffn, x10: 0x1_0000_0003n, x11: 10n });
  const a = 0x1_ffff_ffffn, b = 0x1_0000_0003n;
  assert.equal(r.x(0), u64(a * b + 10n));
  assert.equal(r.x(1), u64(10n - a * b));
  assert.equal(r.x(2), u64(10n + (-1n * 3n)));
  assert.equal(r.x(3), 13n);
  assert.equal(r.x(4), 10n + 0xffff_ffffn * 3n);
  assert.equal(r.x(5), u64(10n - 0xffff_ffffn * 3n));
  assert.equal(r.x(6), 0xffff_fffdn);
  assert.equal(r.x(7), 3n);
});

// ---------------------------------------------------------------- conditional

test('CSEL, CSINC, CSINV and CSNEG follow all 16 conditions under every NZCV value', () => {
  const ops = ['csel', 'csinc', 'csinv', 'csneg'] as const;
  const programs = ops.map(op => asm(CONDS.map((c, i) => `${op} x${i}, x20, x21, ${c}`).join('\n')));
  const w = asm(CONDS.map((c, i) => `csneg w${i}, w20, w21, ${c}`).join('\n'));
  const x20 = 0x1111n, x21 = 0x8000_0000_0000_0005n;
  const alt = [x21, u64(x21 + 1n), u64(~x21), u64(-x21)];
  for (let f = 0; f < 16; f++) {
    programs.forEach((code, k) => {
      const r = exec(code, { x20, x21 }, f);
      for (let c = 0; c < 16; c++) {
        assert.equal(r.x(c), conditionHolds(c, f) ? x20 : alt[k], `${ops[k]} ${CONDS[c]} with NZCV=${f}`);
      }
      assert.equal(r.nzcv, f, 'flags unchanged');
    });
    const r = exec(w, { x20: ALL64, x21: 0xffff_ffff_0000_0005n }, f);
    for (let c = 0; c < 16; c++) assert.equal(r.x(c), conditionHolds(c, f) ? 0xffff_ffffn : 0xffff_fffbn);
  }
});

test('CCMP and CCMN compare when the condition holds and load the nzcv field otherwise', () => {
  for (let c = 0; c < 16; c++) {
    const code = asm(`ccmp x1, #5, #0b1010, ${CONDS[c]}`);
    for (let f = 0; f < 16; f++) {
      assert.equal(exec(code, { x1: 5n }, f).nzcv, conditionHolds(c, f) ? Z | C : 0b1010, `${CONDS[c]} with NZCV=${f}`);
    }
  }
  assert.equal(exec(asm('ccmn w2, w3, #0b0101, al'), { x2: 0x7fff_ffffn, x3: 1n }).nzcv, N | V);
  assert.equal(exec(asm('ccmn x1, x2, #0, eq'), { x1: ALL64, x2: 1n }, Z).nzcv, Z | C);
  assert.equal(exec(asm('ccmp w1, w2, #0, eq'), { x1: 0n, x2: 1n }, Z).nzcv, N);
  assert.equal(exec(asm('ccmp x1, #31, #0, eq'), { x1: 31n }, Z).nzcv, Z | C);
});

// ---------------------------------------------------------------- branches

test('B.cond is taken exactly when the condition holds, for all 16 conditions', () => {
  for (let c = 0; c < 16; c++) {
    const code = asm(`b.${CONDS[c]} 1f\nmov x0, #1\nb 2f\n1: mov x0, #2\n2:`);
    for (let f = 0; f < 16; f++) {
      const r = exec(code, {}, f);
      assert.equal(r.pc, r.end);
      assert.equal(r.x(0), conditionHolds(c, f) ? 2n : 1n, `b.${CONDS[c]} with NZCV=${f}`);
    }
  }
});

test('TBZ and TBNZ test bit 63 and bit 0; CBZ and CBNZ on W registers ignore bits 63:32', () => {
  const r = run(`
    tbz x1, #63, 1f
    orr x0, x0, #1
  1:tbnz x1, #63, 2f
    orr x0, x0, #2
  2:tbnz w1, #0, 3f
    orr x0, x0, #4
  3:cbz w1, 4f
    orr x0, x0, #8
  4:cbnz x1, 5f
    orr x0, x0, #16
  5:tbz x1, #62, 6f
    orr x0, x0, #32
  6:
  `, { x1: INT64_MIN });
  assert.equal(r.x(0), 1n | 4n, 'TBZ #63 fell through, TBNZ #63 taken, TBNZ #0 fell through, CBZ w taken');
});

test('BL and RET round-trip, and BLR writes X30 after reading its target (BLR X30)', () => {
  const r = run(`
    bl 1f
    b 3f
  1:mov x2, x30
    adr x30, 2f
    blr x30
    br x2
  2:mov x1, x30
    ret
  3:
  `);
  assert.equal(r.x(2), CODE + 4n, 'BL wrote the return address');
  assert.equal(r.x(1), CODE + 0x14n, 'BLR X30 branched to the old X30 and wrote the address after it');
  const s = run('adr x2, 1f\nblr x2\nb 2f\n1: mov x3, x30\nbr x30\n2:');
  assert.equal(s.x(3), CODE + 8n);
  assert.equal(s.x(30), CODE + 8n);
});

test('BR to a tagged address ignores the top byte when TCR_EL1.TBI0 is set', () => {
  const code = asm('adr x0, 1f\nmovk x0, #0x5600, lsl #48\nbr x0\nmov x9, x9\n1: mov x9, x9');
  const r = exec(code, {}, 0, e => e.setSysreg(0, L.SR_TCR_EL1, 1n << 37n));
  assert.equal(r.pc, r.end);
});

test('CRC32, PAuth and FlagM encodings are UNDEFINED without a log entry; unallocated ones are logged', () => {
  const cases: [string, number][] = [
    ['crc32b w0, w1, w2', 0x1ac24020],
    ['crc32cx w0, w1, x2', 0x9ac25c20],
    ['pacia x0, x1', 0xdac10020],
    ['retaa', 0xd65f0bff],
    ['braa x0, x1', 0xd71f0801],
    ['setf8 w0', 0x3a00080d],
  ];
  for (const [name, word] of cases) {
    const r = exec(asm(`.inst 0x${word.toString(16)}`));
    assert.equal(r.pc, VBAR + 0x200n, name);
    assert.equal(r.esr, 0x0200_0000n, name);
    assert.equal(r.logged, 0, `${name} is not logged`);
  }
  // BC.cond (bit 4), B.cond with o1 = 1, ADD (shifted register) with ROR, BR with op4 != 0
  for (const word of [0x54000010, 0x55000000, 0x8bc00000, 0xd61f0001]) {
    const r = exec(asm(`.inst 0x${word.toString(16)}`));
    assert.equal(r.pc, VBAR + 0x200n);
    assert.equal(r.esr, 0x0200_0000n);
    assert.equal(r.logged, 1, `0x${word.toString(16)} is logged`);
  }
});
