// test/difftest/classes/simd_fp.ts - AdvSIMD floating point (Arm ARM C4.1.6): vector three same, two-register
// misc (FRINT*, conversions, estimates, compares with zero, FCVTL/FCVTN/FCVTXN), by element, across lanes,
// fixed-point conversions by immediate, and the scalar AdvSIMD FP forms (FABD, FMULX, FRECPS, FRECPE, FRECPX,
// compares, pairwise, by element). FPCR is random per case, as in the scalar FP class.

import { type CaseGen, type InsnClass, type Template } from '../gen.js';
import type { LaneKind } from '../values.js';
import { maybeNear } from './fp.js';

const t = (name: string, gen: (g: CaseGen) => string[]): Template => ({ name, gen });

const ARR = ['2s', '4s', '2d'];
const KIND: Record<string, LaneKind> = { h: 'f16', s: 'f32', d: 'f64' };

function fin(g: CaseGen, e: string, not: number[] = []): number {
  const n = g.vr(not);
  g.setV(n, KIND[e]);
  return n;
}
const el = (arr: string) => arr[arr.length - 1];
const v = (n: number, arr: string) => `v${n}.${arr}`;

function same(op: string): Template {
  return t(op, g => {
    const arr = g.pick(ARR), e = el(arr);
    const n = fin(g, e), m = fin(g, e);
    maybeNear(g, n, m, e === 's' ? 32 : 64);
    return [`${op} ${v(g.vr(), arr)}, ${v(n, arr)}, ${v(m, arr)}`];
  });
}

function misc(op: string, suffix = ''): Template {
  return t(`${op}${suffix}`, g => {
    const arr = g.pick(ARR);
    return [`${op} ${v(g.vr(), arr)}, ${v(fin(g, el(arr)), arr)}${suffix}`];
  });
}

/** Integer to FP vector conversions read integer lanes. */
function fromInt(op: string): Template {
  return t(op, g => {
    const arr = g.pick(ARR);
    const n = g.vr();
    g.setV(n, el(arr) === 's' ? 'int32' : 'int64');
    return [`${op} ${v(g.vr(), arr)}, ${v(n, arr)}`];
  });
}

const fcvtl = t('fcvtl', g => {
  const [d, s, s2] = g.pick([['4s', '4h', '8h'], ['2d', '2s', '4s']]), two = g.chance(0.5);
  return [`fcvtl${two ? '2' : ''} ${v(g.vr(), d)}, ${v(fin(g, el(s)), two ? s2 : s)}`];
});
function fcvtNarrow(op: 'fcvtn' | 'fcvtxn'): Template {
  return t(op, g => {
    const shapes = op === 'fcvtn' ? [['4h', '8h', '4s'], ['2s', '4s', '2d']] : [['2s', '4s', '2d']];
    const [d, d2, s] = g.pick(shapes), two = g.chance(0.5);
    return [`${op}${two ? '2' : ''} ${v(g.vr(), two ? d2 : d)}, ${v(fin(g, el(s)), s)}`];
  });
}

function byElement(op: string): Template {
  return t(`${op} (by element)`, g => {
    const arr = g.pick(ARR), e = el(arr);
    return [`${op} ${v(g.vr(), arr)}, ${v(fin(g, e), arr)}, v${fin(g, e)}.${e}[${g.imm(0, e === 's' ? 3 : 1)}]`];
  });
}

function across(op: string): Template {
  return t(op, g => [`${op} s${g.vr()}, ${v(fin(g, 's'), '4s')}`]);
}

function fixedVec(op: string): Template {
  return t(`${op} (vector, fixed-point)`, g => {
    const arr = g.pick(ARR), e = el(arr);
    const n = g.vr();
    g.setV(n, op.endsWith('cvtf') ? (e === 's' ? 'int32' : 'int64') : KIND[e]);
    return [`${op} ${v(g.vr(), arr)}, ${v(n, arr)}, #${g.imm(1, e === 's' ? 32 : 64)}`];
  });
}

// ---- scalar AdvSIMD FP ----

const prec = (g: CaseGen) => (g.chance(0.5) ? 's' : 'd');

function scalarSame(op: string): Template {
  return t(`${op} (scalar)`, g => {
    const p = prec(g);
    return [`${op} ${p}${g.vr()}, ${p}${fin(g, p)}, ${p}${fin(g, p)}`];
  });
}
function scalarMisc(op: string, suffix = ''): Template {
  return t(`${op}${suffix} (scalar)`, g => {
    const p = prec(g);
    return [`${op} ${p}${g.vr()}, ${p}${fin(g, p)}${suffix}`];
  });
}
/** SCVTF/UCVTF with the integer in a SIMD&FP register. */
function scalarFromInt(op: string): Template {
  return t(`${op} (scalar, SIMD&FP register)`, g => {
    const p = prec(g);
    const n = g.vr();
    g.setV(n, p === 's' ? 'int32' : 'int64');
    return [`${op} ${p}${g.vr()}, ${p}${n}`];
  });
}
function scalarFixed(op: string): Template {
  return t(`${op} (scalar, fixed-point)`, g => {
    const p = prec(g);
    const n = g.vr();
    g.setV(n, op.endsWith('cvtf') ? (p === 's' ? 'int32' : 'int64') : KIND[p]);
    return [`${op} ${p}${g.vr()}, ${p}${n}, #${g.imm(1, p === 's' ? 32 : 64)}`];
  });
}
function scalarPairwise(op: string): Template {
  return t(`${op} (scalar)`, g => {
    const p = prec(g);
    return [`${op} ${p}${g.vr()}, ${v(fin(g, p), p === 's' ? '2s' : '2d')}`];
  });
}
function scalarByElement(op: string): Template {
  return t(`${op} (scalar, by element)`, g => {
    const p = prec(g);
    return [`${op} ${p}${g.vr()}, ${p}${fin(g, p)}, v${fin(g, p)}.${p}[${g.imm(0, p === 's' ? 3 : 1)}]`];
  });
}
const fmovVector = t('fmov (vector, immediate)', g => [`fmov ${v(g.vr(), g.pick(ARR))}, #${g.fpimm()}`]);

const fcvtxnScalar = t('fcvtxn (scalar)', g => [`fcvtxn s${g.vr()}, d${fin(g, 'd')}`]);

const FRINT = ['frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti'];
const TO_INT = ['fcvtns', 'fcvtnu', 'fcvtps', 'fcvtpu', 'fcvtms', 'fcvtmu', 'fcvtzs', 'fcvtzu', 'fcvtas', 'fcvtau'];
const CMP_ZERO = ['fcmgt', 'fcmge', 'fcmeq', 'fcmle', 'fcmlt'];

export const simdFp: InsnClass = {
  name: 'simd-fp',
  description: 'AdvSIMD FP: vector arithmetic/compare/misc/conversions, FCVTL/N/XN, by element, across lanes, scalar forms',
  profile: { randomFpcr: true },
  templates: [
    ...['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fmla', 'fmls', 'fabd', 'faddp', 'fmaxp',
      'fminp', 'fmaxnmp', 'fminnmp', 'fmulx', 'frecps', 'frsqrts', 'fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt'].map(same),
    ...['fabs', 'fneg', 'fsqrt', ...FRINT, ...TO_INT].map(op => misc(op)),
    misc('frecpe'), misc('frsqrte'), ...CMP_ZERO.map(op => misc(op, ', #0.0')),
    fromInt('scvtf'), fromInt('ucvtf'), fcvtl, fcvtNarrow('fcvtn'), fcvtNarrow('fcvtxn'),
    ...['fmla', 'fmls', 'fmul', 'fmulx'].map(byElement),
    ...['fmaxv', 'fminv', 'fmaxnmv', 'fminnmv'].map(across),
    ...['scvtf', 'ucvtf', 'fcvtzs', 'fcvtzu'].map(fixedVec),
    ...['fabd', 'fmulx', 'frecps', 'frsqrts', 'fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt'].map(scalarSame),
    ...['frecpe', 'frsqrte', 'frecpx', ...TO_INT].map(op => scalarMisc(op)),
    ...CMP_ZERO.map(op => scalarMisc(op, ', #0.0')),
    scalarFromInt('scvtf'), scalarFromInt('ucvtf'),
    ...['scvtf', 'ucvtf', 'fcvtzs', 'fcvtzu'].map(scalarFixed),
    ...['faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp'].map(scalarPairwise),
    ...['fmla', 'fmls', 'fmul', 'fmulx'].map(scalarByElement),
    fcvtxnScalar, fmovVector,
  ],
};
