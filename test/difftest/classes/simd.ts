// test/difftest/classes/simd.ts - AdvSIMD integer (Arm ARM C4.1.6, the Advanced SIMD groups): three same,
// three different (long/wide/narrow), two-register misc, shift by immediate, across lanes, permutes, EXT,
// TBL/TBX, copies (DUP/INS/UMOV/SMOV), modified immediates, by-element forms and the scalar forms. Operand
// lanes get edge values of their element size (0, 1, -1, MIN, MAX); saturating forms set FPSR.QC.

import { W, X, type CaseGen, type InsnClass, type Template } from '../gen.js';
import type { LaneKind } from '../values.js';

const t = (name: string, gen: (g: CaseGen) => string[]): Template => ({ name, gen });

export const ARR_ALL = ['8b', '16b', '4h', '8h', '2s', '4s', '2d'];
export const ARR_NOD = ['8b', '16b', '4h', '8h', '2s', '4s'];
const ARR_B = ['8b', '16b'];
const ARR_HS = ['4h', '8h', '2s', '4s'];

const ELEM_BITS: Record<string, number> = { b: 8, h: 16, s: 32, d: 64 };
export const elemOf = (arr: string) => arr[arr.length - 1];
export const esize = (arr: string) => ELEM_BITS[elemOf(arr)];
const LANE_KIND: Record<string, LaneKind> = { b: 'int8', h: 'int16', s: 'int32', d: 'int64' };

/** A V register whose lanes of element `e` (b/h/s/d) hold edge-biased integers. */
export function vin(g: CaseGen, e: string, not: number[] = []): number {
  const n = g.vr(not);
  g.setV(n, LANE_KIND[e]);
  return n;
}
const v = (n: number, arr: string) => `v${n}.${arr}`;

function sameOp(op: string, arrs: string[]): Template {
  return t(op, g => {
    const arr = g.pick(arrs), e = elemOf(arr);
    return [`${op} ${v(g.vr(), arr)}, ${v(vin(g, e), arr)}, ${v(vin(g, e), arr)}`];
  });
}

// Three different: the wide element is twice the narrow one; "2" forms use the upper half of the sources
const LONG: [string, string, string][] = [['8h', '8b', '16b'], ['4s', '4h', '8h'], ['2d', '2s', '4s']];
const LONG_HS = LONG.slice(1);

function longOp(op: string, shapes = LONG): Template {
  return t(op, g => {
    const [wide, lo, hi] = g.pick(shapes), two = g.chance(0.5);
    const src = two ? hi : lo, e = elemOf(src);
    return [`${op}${two ? '2' : ''} ${v(g.vr(), wide)}, ${v(vin(g, e), src)}, ${v(vin(g, e), src)}`];
  });
}

function wideOp(op: string): Template {
  return t(op, g => {
    const [wide, lo, hi] = g.pick(LONG), two = g.chance(0.5);
    const src = two ? hi : lo;
    return [`${op}${two ? '2' : ''} ${v(g.vr(), wide)}, ${v(vin(g, elemOf(wide)), wide)}, ${v(vin(g, elemOf(src)), src)}`];
  });
}

function narrowHigh(op: string): Template {
  return t(op, g => {
    const [wide, lo, hi] = g.pick(LONG), two = g.chance(0.5);
    const e = elemOf(wide);
    return [`${op}${two ? '2' : ''} ${v(g.vr(), two ? hi : lo)}, ${v(vin(g, e), wide)}, ${v(vin(g, e), wide)}`];
  });
}

function miscOp(op: string, arrs: string[]): Template {
  return t(op, g => {
    const arr = g.pick(arrs);
    return [`${op} ${v(g.vr(), arr)}, ${v(vin(g, elemOf(arr)), arr)}`];
  });
}

function compareZero(op: string): Template {
  return t(`${op} #0`, g => {
    const arr = g.pick(ARR_ALL);
    return [`${op} ${v(g.vr(), arr)}, ${v(vin(g, elemOf(arr)), arr)}, #0`];
  });
}

/** Pairwise long add (accumulate): the result has half as many lanes of twice the size. */
const PAIRWISE: [string, string][] = [['4h', '8b'], ['8h', '16b'], ['2s', '4h'], ['4s', '8h'], ['1d', '2s'], ['2d', '4s']];
function pairwiseLong(op: string): Template {
  return t(op, g => {
    const [d, s] = g.pick(PAIRWISE);
    return [`${op} ${v(g.vr(), d)}, ${v(vin(g, elemOf(s)), s)}`];
  });
}

/** XTN, SQXTN, UQXTN, SQXTUN (and their "2" forms writing the upper half). */
function narrow(op: string): Template {
  return t(op, g => {
    const [wide, lo, hi] = g.pick(LONG), two = g.chance(0.5);
    return [`${op}${two ? '2' : ''} ${v(g.vr(), two ? hi : lo)}, ${v(vin(g, elemOf(wide)), wide)}`];
  });
}

const shll = t('shll', g => {
  const [wide, lo, hi] = g.pick(LONG), two = g.chance(0.5);
  const src = two ? hi : lo;
  return [`shll${two ? '2' : ''} ${v(g.vr(), wide)}, ${v(vin(g, elemOf(src)), src)}, #${esize(src)}`];
});

// ---- shifts by immediate ----

/** Right shifts take 1..esize, left shifts 0..esize-1 (Arm ARM C4.1.6, AdvSIMD shift by immediate). */
function shiftImm(op: string, right: boolean, arrs = ARR_ALL): Template {
  return t(`${op} (immediate)`, g => {
    const arr = g.pick(arrs), es = esize(arr);
    const sh = right ? g.imm(1, es) : g.imm(0, es - 1);
    return [`${op} ${v(g.vr(), arr)}, ${v(vin(g, elemOf(arr)), arr)}, #${sh}`];
  });
}

function shiftNarrow(op: string): Template {
  return t(op, g => {
    const [wide, lo, hi] = g.pick(LONG), two = g.chance(0.5);
    const sh = g.imm(1, esize(lo));
    return [`${op}${two ? '2' : ''} ${v(g.vr(), two ? hi : lo)}, ${v(vin(g, elemOf(wide)), wide)}, #${sh}`];
  });
}

function shiftLong(op: string): Template {
  return t(op, g => {
    const [wide, lo, hi] = g.pick(LONG), two = g.chance(0.5);
    const src = two ? hi : lo;
    return [`${op}${two ? '2' : ''} ${v(g.vr(), wide)}, ${v(vin(g, elemOf(src)), src)}, #${g.imm(0, esize(src) - 1)}`];
  });
}

// ---- across lanes ----

const ACROSS = ['8b', '16b', '4h', '8h', '4s'];
function across(op: string, long: boolean): Template {
  return t(op, g => {
    const arr = g.pick(ACROSS), e = elemOf(arr);
    const d = long ? { b: 'h', h: 's', s: 'd' }[e] : e;
    return [`${op} ${d}${g.vr()}, ${v(vin(g, e), arr)}`];
  });
}

// ---- permutes, EXT, TBL/TBX ----

const ext = t('ext', g => {
  const arr = g.pick(ARR_B);
  return [`ext ${v(g.vr(), arr)}, ${v(vin(g, 'b'), arr)}, ${v(vin(g, 'b'), arr)}, #${g.imm(0, arr === '8b' ? 7 : 15)}`];
});

function table(op: 'tbl' | 'tbx', regs: number): Template {
  return t(`${op} (${regs} reg${regs > 1 ? 's' : ''})`, g => {
    const arr = g.pick(ARR_B);
    const first = g.vr();
    const list = Array.from({ length: regs }, (_, i) => `v${(first + i) % 32}.16b`).join(', ');
    // Indices mostly in range, some just past the table and some far out (both give 0 / keep for TBX)
    const m = g.vr();
    const idx = new Uint8Array(16).map(() => (g.chance(0.8) ? g.int(0, 16 * regs - 1) : g.int(16 * regs, 255)));
    g.state.v.set(idx, 16 * m);
    return [`${op} ${v(g.vr(), arr)}, {${list}}, ${v(m, arr)}`];
  });
}

// ---- copies ----

const LANES: Record<string, number> = { b: 16, h: 8, s: 4, d: 2 };

const dupElement = t('dup (element)', g => {
  const arr = g.pick(ARR_ALL), e = elemOf(arr);
  return [`dup ${v(g.vr(), arr)}, v${vin(g, e)}.${e}[${g.imm(0, LANES[e] - 1)}]`];
});
const dupGeneral = t('dup (general)', g => {
  const arr = g.pick(ARR_ALL);
  return [`dup ${v(g.vr(), arr)}, ${arr === '2d' ? X(g.r()) : W(g.r())}`];
});
const insElement = t('ins (element)', g => {
  const e = g.pick(['b', 'h', 's', 'd']);
  return [`ins v${g.vr()}.${e}[${g.imm(0, LANES[e] - 1)}], v${vin(g, e)}.${e}[${g.imm(0, LANES[e] - 1)}]`];
});
const insGeneral = t('ins (general)', g => {
  const e = g.pick(['b', 'h', 's', 'd']);
  return [`ins v${g.vr()}.${e}[${g.imm(0, LANES[e] - 1)}], ${e === 'd' ? X(g.r()) : W(g.r())}`];
});
const umov = t('umov', g => {
  const e = g.pick(['b', 'h', 's', 'd']);
  return [`umov ${e === 'd' ? X(g.r()) : W(g.r())}, v${vin(g, e)}.${e}[${g.imm(0, LANES[e] - 1)}]`];
});
const smov = t('smov', g => {
  const e = g.pick(['b', 'h', 's']);
  const rd = e === 's' || g.chance(0.5) ? X(g.r()) : W(g.r());
  return [`smov ${rd}, v${vin(g, e)}.${e}[${g.imm(0, LANES[e] - 1)}]`];
});

// ---- modified immediate (Arm ARM C4.1.6 AdvSIMD modified immediate, every cmode) ----

/** MOV (vector) is ORR Vd, Vn, Vn; MVN is NOT: the aliases compilers emit most. */
const movVector = t('mov (vector)', g => {
  const arr = g.pick(ARR_B);
  return [`mov ${v(g.vr(), arr)}, ${v(vin(g, 'b'), arr)}`];
});

const hexByte = (g: CaseGen) => `#0x${g.imm(0, 255).toString(16)}`;
const movi = t('movi', g => {
  switch (g.int(0, 5)) {
    case 0: return [`movi ${v(g.vr(), g.pick(ARR_B))}, ${hexByte(g)}`];
    case 1: return [`movi ${v(g.vr(), g.pick(['4h', '8h']))}, ${hexByte(g)}, lsl #${g.pick([0, 8])}`];
    case 2: return [`movi ${v(g.vr(), g.pick(['2s', '4s']))}, ${hexByte(g)}, lsl #${g.pick([0, 8, 16, 24])}`];
    case 3: return [`movi ${v(g.vr(), g.pick(['2s', '4s']))}, ${hexByte(g)}, msl #${g.pick([8, 16])}`];
    case 4: return [`movi d${g.vr()}, #${byteMask(g)}`];
    default: return [`movi ${v(g.vr(), '2d')}, #${byteMask(g)}`];
  }
});
/** The 64-bit MOVI immediate: each byte 0x00 or 0xff. */
function byteMask(g: CaseGen): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += g.chance(0.5) ? 'ff' : '00';
  return '0x' + s;
}
function shiftedImm(op: 'mvni' | 'orr' | 'bic', msl: boolean): Template {
  return t(`${op} (vector, immediate)`, g => {
    if (msl && g.chance(0.3)) return [`${op} ${v(g.vr(), g.pick(['2s', '4s']))}, ${hexByte(g)}, msl #${g.pick([8, 16])}`];
    if (g.chance(0.5)) return [`${op} ${v(g.vr(), g.pick(['4h', '8h']))}, ${hexByte(g)}, lsl #${g.pick([0, 8])}`];
    return [`${op} ${v(g.vr(), g.pick(['2s', '4s']))}, ${hexByte(g)}, lsl #${g.pick([0, 8, 16, 24])}`];
  });
}

// ---- by element: Vm is V0-V15 for 16-bit elements (the M bit is the index) ----

function elementReg(g: CaseGen, e: string): string {
  const m = e === 'h' ? g.int(0, 15) : g.vr();
  g.setV(m, LANE_KIND[e]);
  return `v${m}.${e}[${g.imm(0, e === 'h' ? 7 : 3)}]`;
}

function byElement(op: string, arrs = ARR_HS): Template {
  return t(`${op} (by element)`, g => {
    const arr = g.pick(arrs), e = elemOf(arr);
    return [`${op} ${v(g.vr(), arr)}, ${v(vin(g, e), arr)}, ${elementReg(g, e)}`];
  });
}

function byElementLong(op: string): Template {
  return t(`${op} (by element)`, g => {
    const [wide, lo, hi] = g.pick(LONG_HS), two = g.chance(0.5);
    const src = two ? hi : lo, e = elemOf(src);
    return [`${op}${two ? '2' : ''} ${v(g.vr(), wide)}, ${v(vin(g, e), src)}, ${elementReg(g, e)}`];
  });
}

// ---- scalar forms ----

function scalarSame(op: string, elems: string[]): Template {
  return t(`${op} (scalar)`, g => {
    const e = g.pick(elems);
    return [`${op} ${e}${g.vr()}, ${e}${vin(g, e)}, ${e}${vin(g, e)}`];
  });
}
function scalarMisc(op: string, elems: string[], suffix = ''): Template {
  return t(`${op}${suffix} (scalar)`, g => {
    const e = g.pick(elems);
    return [`${op} ${e}${g.vr()}, ${e}${vin(g, e)}${suffix}`];
  });
}
const NARROW_SCALAR: [string, string][] = [['b', 'h'], ['h', 's'], ['s', 'd']];
function scalarNarrow(op: string): Template {
  return t(`${op} (scalar)`, g => {
    const [d, s] = g.pick(NARROW_SCALAR);
    return [`${op} ${d}${g.vr()}, ${s}${vin(g, s)}`];
  });
}
function scalarShift(op: string, right: boolean, elems = ['d']): Template {
  return t(`${op} (scalar, immediate)`, g => {
    const e = g.pick(elems), es = ELEM_BITS[e];
    return [`${op} ${e}${g.vr()}, ${e}${vin(g, e)}, #${right ? g.imm(1, es) : g.imm(0, es - 1)}`];
  });
}
function scalarShiftNarrow(op: string): Template {
  return t(`${op} (scalar)`, g => {
    const [d, s] = g.pick(NARROW_SCALAR);
    return [`${op} ${d}${g.vr()}, ${s}${vin(g, s)}, #${g.imm(1, ELEM_BITS[d])}`];
  });
}
function scalarLong(op: string): Template {
  return t(`${op} (scalar)`, g => {
    const [d, s] = g.pick([['s', 'h'], ['d', 's']]);
    return [`${op} ${d}${g.vr()}, ${s}${vin(g, s)}, ${s}${vin(g, s)}`];
  });
}
function scalarByElement(op: string, long: boolean): Template {
  return t(`${op} (scalar, by element)`, g => {
    const s = g.pick(['h', 's']);
    const d = long ? (s === 'h' ? 's' : 'd') : s;
    return [`${op} ${d}${g.vr()}, ${s}${vin(g, s)}, ${elementReg(g, s)}`];
  });
}
const addpScalar = t('addp (scalar)', g => [`addp d${g.vr()}, v${vin(g, 'd')}.2d`]);
const dupScalar = t('dup (scalar element)', g => {
  const e = g.pick(['b', 'h', 's', 'd']);
  return [`dup ${e}${g.vr()}, v${vin(g, e)}.${e}[${g.imm(0, LANES[e] - 1)}]`];
});

const BHSD = ['b', 'h', 's', 'd'];

export const simdInt: InsnClass = {
  name: 'simd',
  description: 'AdvSIMD integer: three same/different, misc, shifts, across lanes, permutes, TBL/TBX, copies, MOVI, by element, scalar',
  profile: {},
  templates: [
    ...['add', 'sub', 'cmeq', 'cmge', 'cmgt', 'cmhi', 'cmhs', 'cmtst', 'sqadd', 'uqadd', 'sqsub', 'uqsub', 'sshl',
      'ushl', 'srshl', 'urshl', 'sqshl', 'uqshl', 'sqrshl', 'uqrshl', 'addp'].map(op => sameOp(op, ARR_ALL)),
    ...['mul', 'mla', 'mls', 'shadd', 'uhadd', 'srhadd', 'urhadd', 'shsub', 'uhsub', 'smax', 'umax', 'smin', 'umin',
      'smaxp', 'umaxp', 'sminp', 'uminp', 'sabd', 'uabd', 'saba', 'uaba'].map(op => sameOp(op, ARR_NOD)),
    ...['and', 'bic', 'orr', 'orn', 'eor', 'bsl', 'bit', 'bif', 'pmul'].map(op => sameOp(op, ARR_B)),
    ...['sqdmulh', 'sqrdmulh'].map(op => sameOp(op, ARR_HS)),
    ...['saddl', 'uaddl', 'ssubl', 'usubl', 'sabal', 'uabal', 'sabdl', 'uabdl', 'smlal', 'umlal', 'smlsl', 'umlsl',
      'smull', 'umull'].map(op => longOp(op)),
    ...['sqdmull', 'sqdmlal', 'sqdmlsl'].map(op => longOp(op, LONG_HS)), longOp('pmull', LONG.slice(0, 1)),
    ...['saddw', 'uaddw', 'ssubw', 'usubw'].map(wideOp),
    ...['addhn', 'raddhn', 'subhn', 'rsubhn'].map(narrowHigh),
    miscOp('rev64', ARR_NOD), miscOp('rev32', ['8b', '16b', '4h', '8h']), miscOp('rev16', ARR_B),
    ...['saddlp', 'uaddlp', 'sadalp', 'uadalp'].map(pairwiseLong),
    ...['suqadd', 'usqadd', 'sqabs', 'sqneg', 'abs', 'neg'].map(op => miscOp(op, ARR_ALL)),
    miscOp('cls', ARR_NOD), miscOp('clz', ARR_NOD), miscOp('cnt', ARR_B), miscOp('not', ARR_B), miscOp('rbit', ARR_B),
    ...['cmgt', 'cmge', 'cmeq', 'cmle', 'cmlt'].map(compareZero),
    ...['xtn', 'sqxtn', 'uqxtn', 'sqxtun'].map(narrow), shll,
    miscOp('urecpe', ['2s', '4s']), miscOp('ursqrte', ['2s', '4s']),
    shiftImm('shl', false), shiftImm('sli', false), shiftImm('sqshl', false), shiftImm('uqshl', false),
    shiftImm('sqshlu', false),
    ...['sshr', 'ushr', 'ssra', 'usra', 'srshr', 'urshr', 'srsra', 'ursra', 'sri'].map(op => shiftImm(op, true)),
    ...['shrn', 'rshrn', 'sqshrn', 'uqshrn', 'sqrshrn', 'uqrshrn', 'sqshrun', 'sqrshrun'].map(shiftNarrow),
    shiftLong('sshll'), shiftLong('ushll'),
    across('addv', false), across('smaxv', false), across('umaxv', false), across('sminv', false),
    across('uminv', false), across('saddlv', true), across('uaddlv', true),
    ...['zip1', 'zip2', 'uzp1', 'uzp2', 'trn1', 'trn2'].map(op => sameOp(op, ARR_ALL)), ext,
    ...[1, 2, 3, 4].flatMap(n => [table('tbl', n), table('tbx', n)]),
    dupElement, dupGeneral, insElement, insGeneral, umov, smov, movVector,
    movi, shiftedImm('mvni', true), shiftedImm('orr', false), shiftedImm('bic', false),
    ...['mul', 'mla', 'mls', 'sqdmulh', 'sqrdmulh'].map(op => byElement(op)),
    ...['smull', 'umull', 'smlal', 'umlal', 'smlsl', 'umlsl', 'sqdmull', 'sqdmlal', 'sqdmlsl'].map(byElementLong),
    ...['add', 'sub', 'cmeq', 'cmge', 'cmgt', 'cmhi', 'cmhs', 'cmtst', 'sshl', 'ushl', 'srshl', 'urshl']
      .map(op => scalarSame(op, ['d'])),
    ...['sqadd', 'uqadd', 'sqsub', 'uqsub', 'sqshl', 'uqshl', 'sqrshl', 'uqrshl'].map(op => scalarSame(op, BHSD)),
    scalarSame('sqdmulh', ['h', 's']), scalarSame('sqrdmulh', ['h', 's']),
    scalarMisc('abs', ['d']), scalarMisc('neg', ['d']),
    ...['sqabs', 'sqneg', 'suqadd', 'usqadd'].map(op => scalarMisc(op, BHSD)),
    ...['cmgt', 'cmge', 'cmeq', 'cmle', 'cmlt'].map(op => scalarMisc(op, ['d'], ', #0')),
    ...['sqxtn', 'uqxtn', 'sqxtun'].map(scalarNarrow),
    ...['shl', 'sli'].map(op => scalarShift(op, false)),
    ...['sqshl', 'uqshl', 'sqshlu'].map(op => scalarShift(op, false, BHSD)),
    ...['sshr', 'ushr', 'ssra', 'usra', 'srshr', 'urshr', 'srsra', 'ursra', 'sri'].map(op => scalarShift(op, true)),
    ...['sqshrn', 'uqshrn', 'sqrshrn', 'uqrshrn', 'sqshrun', 'sqrshrun'].map(scalarShiftNarrow),
    ...['sqdmull', 'sqdmlal', 'sqdmlsl'].map(scalarLong),
    scalarByElement('sqdmulh', false), scalarByElement('sqrdmulh', false),
    ...['sqdmull', 'sqdmlal', 'sqdmlsl'].map(op => scalarByElement(op, true)),
    addpScalar, dupScalar,
  ],
};
