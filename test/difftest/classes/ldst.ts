// test/difftest/classes/ldst.ts - general-register loads and stores (Arm ARM C4.1.4 "Loads and Stores"):
// every size and signedness in every addressing mode, pairs (LDP/STP/LDPSW/LDNP/STNP), literals,
// unprivileged LDTR/STTR (at EL0 they behave as the plain forms), and PRFM, which must never fault.
// CONSTRAINED UNPREDICTABLE register overlaps (writeback base = transfer register, LDP Rt = Rt2) are avoided.

import { R, X, type CaseGen, type InsnClass, type Template } from '../gen.js';
import { address, MODE_NAMES, type AddrMode } from './addr.js';

const t = (name: string, gen: (g: CaseGen) => string[]): Template => ({ name, gen });

interface SingleOp {
  op: string; // the scaled/indexed mnemonic (ldrsh)
  unscaled: string; // its LDUR-family mnemonic (ldursh)
  size: number;
  rt: 32 | 64;
  load: boolean;
}

const SINGLE: SingleOp[] = [
  { op: 'strb', unscaled: 'sturb', size: 1, rt: 32, load: false },
  { op: 'strh', unscaled: 'sturh', size: 2, rt: 32, load: false },
  { op: 'str', unscaled: 'stur', size: 4, rt: 32, load: false },
  { op: 'str', unscaled: 'stur', size: 8, rt: 64, load: false },
  { op: 'ldrb', unscaled: 'ldurb', size: 1, rt: 32, load: true },
  { op: 'ldrh', unscaled: 'ldurh', size: 2, rt: 32, load: true },
  { op: 'ldr', unscaled: 'ldur', size: 4, rt: 32, load: true },
  { op: 'ldr', unscaled: 'ldur', size: 8, rt: 64, load: true },
  { op: 'ldrsb', unscaled: 'ldursb', size: 1, rt: 32, load: true },
  { op: 'ldrsb', unscaled: 'ldursb', size: 1, rt: 64, load: true },
  { op: 'ldrsh', unscaled: 'ldursh', size: 2, rt: 32, load: true },
  { op: 'ldrsh', unscaled: 'ldursh', size: 2, rt: 64, load: true },
  { op: 'ldrsw', unscaled: 'ldursw', size: 4, rt: 64, load: true },
];

function single(s: SingleOp, mode: AddrMode): Template {
  const name = `${mode === 'unscaled' ? s.unscaled : s.op} ${s.rt === 64 ? 'X' : 'W'} (${MODE_NAMES[mode]})`;
  return t(name, g => {
    const a = address(g, mode, s.size, { scale: mode === 'offset' ? s.size : 1, regShift: Math.log2(s.size) });
    const wback = mode === 'pre' || mode === 'post';
    // Without writeback the transfer register may be the base itself (the address is formed first)
    const rt = !wback && a.base !== 31 && g.chance(0.1) ? a.base : g.r();
    return [`${mode === 'unscaled' ? s.unscaled : s.op} ${R(s.rt, rt)}, ${a.operand}`];
  });
}

interface PairOp {
  op: string;
  size: number;
  rt: 32 | 64;
  load: boolean;
  modes: AddrMode[];
}

const ALL_PAIR_MODES: AddrMode[] = ['unscaled', 'pre', 'post'];
const PAIRS: PairOp[] = [
  { op: 'stp', size: 4, rt: 32, load: false, modes: ALL_PAIR_MODES },
  { op: 'stp', size: 8, rt: 64, load: false, modes: ALL_PAIR_MODES },
  { op: 'ldp', size: 4, rt: 32, load: true, modes: ALL_PAIR_MODES },
  { op: 'ldp', size: 8, rt: 64, load: true, modes: ALL_PAIR_MODES },
  { op: 'ldpsw', size: 4, rt: 64, load: true, modes: ALL_PAIR_MODES },
  { op: 'stnp', size: 4, rt: 32, load: false, modes: ['unscaled'] },
  { op: 'stnp', size: 8, rt: 64, load: false, modes: ['unscaled'] },
  { op: 'ldnp', size: 4, rt: 32, load: true, modes: ['unscaled'] },
  { op: 'ldnp', size: 8, rt: 64, load: true, modes: ['unscaled'] },
];

function pair(p: PairOp, mode: AddrMode): Template {
  const modeName = mode === 'unscaled' ? 'signed offset' : MODE_NAMES[mode];
  return t(`${p.op} ${p.rt === 64 ? 'X' : 'W'} (${modeName})`, g => {
    // imm7 scaled by the element size; 'unscaled' here means the plain signed-offset form [Xn, #imm]
    const a = address(g, mode, 2 * p.size, { scale: p.size, immBits: 7 });
    const rt = g.r();
    const rt2 = p.load ? g.r({ not: [rt] }) : g.r();
    return [`${p.op} ${R(p.rt, rt)}, ${R(p.rt, rt2)}, ${a.operand}`];
  });
}

function literal(op: 'ldr W' | 'ldr X' | 'ldrsw' | 'prfm'): Template {
  return t(`${op} (literal)`, g => {
    const size = op === 'ldr X' ? 8 : 4;
    const label = g.literal(g.rng.bytes(size));
    if (op === 'prfm') return [`prfm ${g.pick(PRFOPS)}, ${label}`];
    const reg = op === 'ldr W' ? R(32, g.r()) : X(g.r());
    return [`${op.split(' ')[0]} ${reg}, ${label}`];
  });
}

const PRFOPS = ['pldl1keep', 'pldl1strm', 'pldl2keep', 'pldl3strm', 'plil1keep', 'plil2strm', 'pstl1keep',
  'pstl2strm', 'pstl3keep', '#6', '#7', '#15', '#31'];

/** PRFM: a hint; even an address that does not translate must not fault (Arm ARM C6.2.213). */
function prfm(mode: 'offset' | 'unscaled' | 'reg'): Template {
  return t(`${mode === 'unscaled' ? 'prfum' : 'prfm'} (${MODE_NAMES[mode]})`, g => {
    const a = address(g, mode, 8, { scale: mode === 'offset' ? 8 : 1, regShift: 3 });
    // Half the time the base is arbitrary: the prefetched address may be unmapped
    if (g.chance(0.5) && a.base !== 31) g.setX(a.base, g.rng.u64());
    return [`${mode === 'unscaled' ? 'prfum' : 'prfm'} ${g.pick(PRFOPS)}, ${a.operand}`];
  });
}

const UNPRIV: [string, number, 32 | 64][] = [
  ['ldtrb', 1, 32], ['ldtrh', 2, 32], ['ldtr', 4, 32], ['ldtr', 8, 64], ['ldtrsb', 1, 32], ['ldtrsb', 1, 64],
  ['ldtrsh', 2, 32], ['ldtrsh', 2, 64], ['ldtrsw', 4, 64], ['sttrb', 1, 32], ['sttrh', 2, 32], ['sttr', 4, 32],
  ['sttr', 8, 64],
];

function unprivileged([op, size, rt]: [string, number, 32 | 64]): Template {
  return t(`${op} ${rt === 64 ? 'X' : 'W'}`, g => {
    const a = address(g, 'unscaled', size);
    return [`${op} ${R(rt, g.r())}, ${a.operand}`];
  });
}

/** SP as the base of a load/store (kept 16-byte aligned), in each immediate addressing mode. */
const spBase = t('ldr/str [sp]', g => {
  const mode = g.pick<AddrMode>(['offset', 'unscaled', 'pre', 'post']);
  const a = address(g, mode, 8, { scale: mode === 'offset' ? 8 : 1, sp: 'always' });
  return [`${g.pick(['ldr', 'str'])} ${X(g.r())}, ${a.operand}`];
});

const MODES: AddrMode[] = ['offset', 'unscaled', 'pre', 'post', 'reg'];

export const ldst: InsnClass = {
  name: 'ldst',
  description: 'general-register loads/stores: all sizes, sign extension, addressing modes, pairs, literal, LDTR/STTR, PRFM',
  profile: {},
  templates: [
    ...SINGLE.flatMap(s => MODES.map(m => single(s, m))),
    ...PAIRS.flatMap(p => p.modes.map(m => pair(p, m))),
    literal('ldr W'), literal('ldr X'), literal('ldrsw'), literal('prfm'),
    prfm('offset'), prfm('unscaled'), prfm('reg'),
    ...UNPRIV.map(unprivileged),
    spBase,
  ],
};
