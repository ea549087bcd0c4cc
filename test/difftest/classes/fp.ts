// test/difftest/classes/fp.ts - scalar floating point (Arm ARM C4.1.6 "Data Processing -- Scalar
// Floating-Point and Advanced SIMD", the Floating-point groups): arithmetic, fused multiply-add, conversions
// (precision, integer, fixed-point), compares setting NZCV, FCCMP, FCSEL, FRINT*, FMOV in all its forms.
// The class draws FPCR at random (RMode, FZ, DN, AHP), and FP operands from values.ts (NaNs, infinities,
// denormals, ties), so every form runs under each rounding mode and with flush-to-zero and default NaN.

import { W, X, type CaseGen, type InsnClass, type Template } from '../gen.js';
import { floatFormat, nearFloat, type LaneKind } from '../values.js';

const t = (name: string, gen: (g: CaseGen) => string[]): Template => ({ name, gen });

type Prec = 'h' | 's' | 'd';
const LANE: Record<Prec, LaneKind> = { h: 'f16', s: 'f32', d: 'f64' };

/** A V register holding an FP value of precision `p` in its low lanes (upper bits random too). */
function fpReg(g: CaseGen, p: Prec, not: number[] = []): number {
  const n = g.vr(not);
  g.setV(n, LANE[p]);
  return n;
}
const prec = (g: CaseGen): Prec => (g.chance(0.5) ? 's' : 'd');
const BITS: Record<Prec, number> = { h: 16, s: 32, d: 64 };

/** Lane `i` of V register `n` as a bit pattern of `bits` width. */
export function lane(g: CaseGen, n: number, bits: number, i = 0): bigint {
  const dv = new DataView(g.state.v.buffer, 16 * n + (bits / 8) * i, bits / 8);
  return bits === 64 ? dv.getBigUint64(0, true) : BigInt(bits === 32 ? dv.getUint32(0, true) : dv.getUint16(0, true));
}
export function setLane(g: CaseGen, n: number, bits: number, i: number, x: bigint): void {
  const dv = new DataView(g.state.v.buffer, 16 * n + (bits / 8) * i, bits / 8);
  if (bits === 64) dv.setBigUint64(0, x, true);
  else if (bits === 32) dv.setUint32(0, Number(x), true);
  else dv.setUint16(0, Number(x), true);
}

/** Make every lane of `m` close to the same lane of `n` (a quarter of the time): cancellation cases. */
export function maybeNear(g: CaseGen, n: number, m: number, bits: number): void {
  if (n === m || !g.chance(0.25)) return;
  for (let i = 0; i < 128 / bits; i++) setLane(g, m, bits, i, nearFloat(g.rng, lane(g, n, bits, i), floatFormat(bits)));
}

/** For FMADD and friends: an addend of +-round(a*b), so the fused result is the product's rounding error. */
function maybeCancelProduct(g: CaseGen, p: Prec, a: number, b: number, c: number): void {
  if (new Set([a, b, c]).size < 3 || !g.chance(0.3)) return;
  const dv = new DataView(new ArrayBuffer(8));
  const val = (n: number) => {
    if (p === 'd') return (dv.setBigUint64(0, lane(g, n, 64), true), dv.getFloat64(0, true));
    return (dv.setUint32(0, Number(lane(g, n, 32)), true), dv.getFloat32(0, true));
  };
  const prod = val(a) * val(b); // exact for single precision operands, rounded to nearest for double
  if (!Number.isFinite(prod) || prod === 0) return;
  const c0 = g.chance(0.5) ? -prod : prod;
  if (p === 'd') dv.setFloat64(0, c0, true);
  else dv.setFloat32(0, c0, true);
  setLane(g, c, BITS[p], 0, p === 'd' ? dv.getBigUint64(0, true) : BigInt(dv.getUint32(0, true)));
}

function arith2(op: string): Template {
  return t(op, g => {
    const p = prec(g);
    const n = fpReg(g, p), m = fpReg(g, p);
    maybeNear(g, n, m, BITS[p]);
    return [`${op} ${p}${g.vr()}, ${p}${n}, ${p}${m}`];
  });
}

function arith3(op: string): Template {
  return t(op, g => {
    const p = prec(g);
    const n = fpReg(g, p), m = fpReg(g, p), a = fpReg(g, p);
    maybeCancelProduct(g, p, n, m, a);
    return [`${op} ${p}${g.vr()}, ${p}${n}, ${p}${m}, ${p}${a}`];
  });
}

function arith1(op: string): Template {
  return t(op, g => {
    const p = prec(g);
    return [`${op} ${p}${g.vr()}, ${p}${fpReg(g, p)}`];
  });
}

/** FCVT between each pair of half, single and double precision. */
function fcvt(to: Prec, from: Prec): Template {
  return t(`fcvt ${to}<-${from}`, g => [`fcvt ${to}${g.vr()}, ${from}${fpReg(g, from)}`]);
}

function compare(op: 'fcmp' | 'fcmpe', zero: boolean): Template {
  return t(`${op}${zero ? ' #0.0' : ''}`, g => {
    const p = prec(g);
    const b = zero ? '#0.0' : `${p}${fpReg(g, p)}`;
    return [`${op} ${p}${fpReg(g, p)}, ${b}`];
  });
}

function condCompare(op: 'fccmp' | 'fccmpe'): Template {
  return t(op, g => {
    const p = prec(g);
    return [`${op} ${p}${fpReg(g, p)}, ${p}${fpReg(g, p)}, #${g.imm(0, 15)}, ${g.cond()}`];
  });
}

const fcsel = t('fcsel', g => {
  const p = prec(g);
  return [`fcsel ${p}${g.vr()}, ${p}${fpReg(g, p)}, ${p}${fpReg(g, p)}, ${g.cond()}`];
});

const fmovImm = t('fmov (immediate)', g => [`fmov ${prec(g)}${g.vr()}, #${g.fpimm()}`]);
const fmovReg = t('fmov (register)', g => {
  const p = prec(g);
  return [`fmov ${p}${g.vr()}, ${p}${fpReg(g, p)}`];
});

/** FMOV between general and SIMD&FP registers, including the upper 64 bits of a V register. */
const FMOV_GENERAL: [string, (g: CaseGen) => string][] = [
  ['fmov W<-S', g => `fmov ${W(g.r())}, s${fpReg(g, 's')}`],
  ['fmov S<-W', g => `fmov s${g.vr()}, ${W(g.r())}`],
  ['fmov X<-D', g => `fmov ${X(g.r())}, d${fpReg(g, 'd')}`],
  ['fmov D<-X', g => `fmov d${g.vr()}, ${X(g.r())}`],
  ['fmov X<-V.D[1]', g => `fmov ${X(g.r())}, v${g.vr()}.d[1]`],
  ['fmov V.D[1]<-X', g => `fmov v${g.vr()}.d[1], ${X(g.r())}`],
];

/** FCVT{N,P,M,Z,A}{S,U}: FP to integer with an explicit rounding mode, to W or X. */
function toInt(op: string): Template {
  return t(op, g => {
    const p = prec(g);
    const rd = g.chance(0.5) ? X(g.r()) : W(g.r());
    return [`${op} ${rd}, ${p}${fpReg(g, p)}`];
  });
}

function fromInt(op: 'scvtf' | 'ucvtf'): Template {
  return t(op, g => {
    const rn = g.chance(0.5) ? X(g.r()) : W(g.r());
    return [`${op} ${prec(g)}${g.vr()}, ${rn}`];
  });
}

/** Fixed-point conversions: #fbits is 1..32 for W and 1..64 for X. */
function fixed(op: 'fcvtzs' | 'fcvtzu' | 'scvtf' | 'ucvtf'): Template {
  return t(`${op} (fixed-point)`, g => {
    const p = prec(g);
    const wide = g.chance(0.5);
    const fbits = g.imm(1, wide ? 64 : 32);
    const r = wide ? X(g.r()) : W(g.r());
    if (op.startsWith('fcvt')) return [`${op} ${r}, ${p}${fpReg(g, p)}, #${fbits}`];
    return [`${op} ${p}${g.vr()}, ${r}, #${fbits}`];
  });
}

export const fpScalar: InsnClass = {
  name: 'fp-scalar',
  description: 'scalar FP: arithmetic, FMA, FRINT*, conversions (precision/integer/fixed), FCMP/FCCMP, FCSEL, FMOV',
  profile: { randomFpcr: true },
  templates: [
    ...['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fnmul'].map(arith2),
    ...['fmadd', 'fmsub', 'fnmadd', 'fnmsub'].map(arith3),
    ...['fabs', 'fneg', 'fsqrt', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti'].map(arith1),
    fcvt('d', 's'), fcvt('s', 'd'), fcvt('h', 's'), fcvt('h', 'd'), fcvt('s', 'h'), fcvt('d', 'h'),
    compare('fcmp', false), compare('fcmp', true), compare('fcmpe', false), compare('fcmpe', true),
    condCompare('fccmp'), condCompare('fccmpe'), fcsel, fmovImm, fmovReg,
    ...FMOV_GENERAL.map(([name, f]) => t(name, g => [f(g)])),
    ...['fcvtns', 'fcvtnu', 'fcvtps', 'fcvtpu', 'fcvtms', 'fcvtmu', 'fcvtzs', 'fcvtzu', 'fcvtas', 'fcvtau'].map(toInt),
    fromInt('scvtf'), fromInt('ucvtf'),
    fixed('fcvtzs'), fixed('fcvtzu'), fixed('scvtf'), fixed('ucvtf'),
  ],
};
