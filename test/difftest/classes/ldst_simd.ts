// test/difftest/classes/ldst_simd.ts - SIMD&FP register loads and stores (Arm ARM C4.1.4): LDR/STR of
// B/H/S/D/Q in every addressing mode, SIMD&FP pairs, literals, and the AdvSIMD structure loads/stores
// LD1-LD4/ST1-ST4 (multiple structures, single structure to one lane, LD1R-LD4R replicate) with post-index
// by immediate and by register. Register lists wrap from V31 to V0 as the architecture allows.

import { X, type CaseGen, type InsnClass, type Template } from '../gen.js';
import { address, MODE_NAMES, type AddrMode } from './addr.js';

const t = (name: string, gen: (g: CaseGen) => string[]): Template => ({ name, gen });

const FP_REGS: [string, number][] = [['b', 1], ['h', 2], ['s', 4], ['d', 8], ['q', 16]];

function single(reg: string, size: number, load: boolean, mode: AddrMode): Template {
  const op = mode === 'unscaled' ? (load ? 'ldur' : 'stur') : load ? 'ldr' : 'str';
  return t(`${op} ${reg.toUpperCase()} (${MODE_NAMES[mode]})`, g => {
    const a = address(g, mode, size, { scale: mode === 'offset' ? size : 1, regShift: Math.log2(size) });
    return [`${op} ${reg}${g.vr()}, ${a.operand}`];
  });
}

function pair(reg: string, size: number, op: string, mode: AddrMode): Template {
  const modeName = mode === 'unscaled' ? 'signed offset' : MODE_NAMES[mode];
  return t(`${op} ${reg.toUpperCase()} (${modeName})`, g => {
    const a = address(g, mode, 2 * size, { scale: size, immBits: 7 });
    const r1 = g.vr();
    const r2 = op.startsWith('ld') ? g.vr([r1]) : g.vr(); // LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE
    return [`${op} ${reg}${r1}, ${reg}${r2}, ${a.operand}`];
  });
}

function literal(reg: string, size: number): Template {
  return t(`ldr ${reg.toUpperCase()} (literal)`, g => [`ldr ${reg}${g.vr()}, ${g.literal(g.rng.bytes(size))}`]);
}

// ---- structures ----

const ARRANGEMENTS = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
const arrBytes = (a: string) => (a === '8b' || a === '4h' || a === '2s' || a === '1d' ? 8 : 16);

function regList(first: number, count: number, suffix: string): string {
  return '{' + Array.from({ length: count }, (_, i) => `v${(first + i) % 32}${suffix}`).join(', ') + '}';
}

/** [Xn], [Xn], #bytes or [Xn], Xm (Xm != XZR): the three structure addressing forms. */
function structAddr(g: CaseGen, bytes: number): string {
  const form = g.pick(['none', 'imm', 'reg']);
  const a = address(g, 'base', bytes);
  if (form === 'none') return a.operand;
  if (form === 'imm') return `${a.operand}, #${bytes}`;
  const m = g.reserve();
  return `${a.operand}, ${X(m)}`;
}

/** LDn/STn (multiple structures); LD1/ST1 take 1-4 registers, LDn/STn with n > 1 exactly n, no 1D. */
function multiple(op: string, regs: number): Template {
  const n = Number(op[2]);
  return t(`${op} (multiple, ${regs} reg${regs > 1 ? 's' : ''})`, g => {
    const arrs = n === 1 ? ARRANGEMENTS : ARRANGEMENTS.filter(a => a !== '1d');
    const arr = g.pick(arrs);
    const bytes = regs * arrBytes(arr);
    return [`${op} ${regList(g.vr(), regs, '.' + arr)}, ${structAddr(g, bytes)}`];
  });
}

const ELEM: [string, number, number][] = [['b', 1, 16], ['h', 2, 8], ['s', 4, 4], ['d', 8, 2]];

/** LDn/STn (single structure) to lane `index` of n consecutive registers. */
function singleLane(op: string): Template {
  const n = Number(op[2]);
  return t(`${op} (single structure)`, g => {
    const [e, size, lanes] = g.pick(ELEM);
    return [`${op} ${regList(g.vr(), n, '.' + e)}[${g.imm(0, lanes - 1)}], ${structAddr(g, n * size)}`];
  });
}

/** LDnR: load one structure and replicate it to all lanes. */
function replicate(op: string): Template {
  const n = Number(op[2]);
  return t(`${op}`, g => {
    const arr = g.pick(ARRANGEMENTS);
    const size = { b: 1, h: 2, s: 4, d: 8 }[arr[arr.length - 1]] as number;
    return [`${op} ${regList(g.vr(), n, '.' + arr)}, ${structAddr(g, n * size)}`];
  });
}

const MODES: AddrMode[] = ['offset', 'unscaled', 'pre', 'post', 'reg'];
const PAIR_MODES: AddrMode[] = ['unscaled', 'pre', 'post'];
const PAIR_REGS: [string, number][] = [['s', 4], ['d', 8], ['q', 16]];

export const ldstSimd: InsnClass = {
  name: 'ldst-simd',
  description: 'SIMD&FP loads/stores: LDR/STR B-Q all modes, pairs, literal, LD1-4/ST1-4 multiple and single, LD1R-LD4R',
  profile: {},
  templates: [
    ...FP_REGS.flatMap(([r, size]) => MODES.flatMap(m => [single(r, size, true, m), single(r, size, false, m)])),
    ...PAIR_REGS.flatMap(([r, size]) => [
      ...PAIR_MODES.flatMap(m => [pair(r, size, 'ldp', m), pair(r, size, 'stp', m)]),
      pair(r, size, 'ldnp', 'unscaled'), pair(r, size, 'stnp', 'unscaled'),
    ]),
    literal('s', 4), literal('d', 8), literal('q', 16),
    ...[1, 2, 3, 4].flatMap(r => [multiple('ld1', r), multiple('st1', r)]),
    ...['ld2', 'st2', 'ld3', 'st3', 'ld4', 'st4'].map(op => multiple(op, Number(op[2]))),
    ...['ld1', 'ld2', 'ld3', 'ld4', 'st1', 'st2', 'st3', 'st4'].map(singleLane),
    ...['ld1r', 'ld2r', 'ld3r', 'ld4r'].map(replicate),
  ],
};
