// test/difftest/classes/int.ts - integer data processing (Arm ARM C4.1.2 "Data Processing -- Immediate" and
// C4.1.5 "Data Processing -- Register"): every form in 32- and 64-bit widths, register 31 as ZR or SP where
// the encoding allows it, immediates at their edges, all 16 conditions.

import { R, RSP, W, X, type CaseGen, type InsnClass, type Template } from '../gen.js';

const t = (name: string, gen: (g: CaseGen) => string[]): Template => ({ name, gen });
const sf = (g: CaseGen): 32 | 64 => (g.chance(0.5) ? 64 : 32);

// ---------------------------------------------------------------- immediate

function addSubImm(op: string, setsFlags: boolean): Template {
  return t(`${op} (immediate)`, g => {
    const s = sf(g);
    const rd = setsFlags ? R(s, g.r()) : RSP(s, g.r());
    const sh = g.chance(0.3) ? ', lsl #12' : '';
    return [`${op} ${rd}, ${RSP(s, g.r())}, #${g.imm(0, 4095)}${sh}`];
  });
}

function logicalImm(op: string): Template {
  return t(`${op} (immediate)`, g => {
    const s = sf(g);
    const rd = op === 'ands' ? R(s, g.r()) : RSP(s, g.r());
    return [`${op} ${rd}, ${R(s, g.r())}, #${g.bitmask(s)}`];
  });
}

function moveWide(op: string): Template {
  return t(op, g => {
    const s = sf(g);
    const hw = g.int(0, s === 64 ? 3 : 1);
    return [`${op} ${R(s, g.r())}, #0x${g.imm(0, 0xffff).toString(16)}, lsl #${hw * 16}`];
  });
}

function bitfield(op: string): Template {
  return t(op, g => {
    const s = sf(g);
    return [`${op} ${R(s, g.r())}, ${R(s, g.r())}, #${g.imm(0, s - 1)}, #${g.imm(0, s - 1)}`];
  });
}

/** The bitfield aliases, written as programmers do (the assembler picks SBFM/BFM/UBFM). */
function bitfieldAlias(op: string): Template {
  return t(op, g => {
    const s = sf(g), rd = R(s, g.r()), rn = R(s, g.r());
    switch (op) {
      case 'asr': case 'lsr': case 'lsl':
        return [`${op} ${rd}, ${rn}, #${g.imm(0, s - 1)}`];
      case 'sxtb': case 'sxth':
        return [`${op} ${rd}, ${W(g.r())}`];
      case 'sxtw':
        return [`sxtw ${X(g.r())}, ${W(g.r())}`];
      case 'uxtb': case 'uxth':
        return [`${op} ${W(g.r())}, ${W(g.r())}`];
      default: {
        // sbfx/ubfx/bfxil take lsb + width <= size; sbfiz/ubfiz/bfi take width <= size - lsb
        const lsb = g.imm(0, s - 1), width = g.imm(1, s - lsb);
        return [`${op} ${rd}, ${rn}, #${lsb}, #${width}`];
      }
    }
  });
}

const adr = t('adr', g => [`adr ${X(g.r())}, . ${g.chance(0.5) ? '+' : '-'} ${g.imm(0, 1048575)}`]);
const adrp = t('adrp', g => [`adrp ${X(g.r())}, . ${g.chance(0.5) ? '+' : '-'} 0x${(g.imm(0, 0x3ffff) * 4096).toString(16)}`]);
const extr = t('extr', g => {
  const s = sf(g);
  return [`extr ${R(s, g.r())}, ${R(s, g.r())}, ${R(s, g.r())}, #${g.imm(0, s - 1)}`];
});
const rorImm = t('ror (immediate)', g => {
  const s = sf(g);
  return [`ror ${R(s, g.r())}, ${R(s, g.r())}, #${g.imm(0, s - 1)}`];
});

export const dpImm: InsnClass = {
  name: 'dp-imm',
  description: 'data processing, immediate: add/sub, logical, move wide, PC-relative, bitfield, extract',
  profile: {},
  templates: [
    addSubImm('add', false), addSubImm('adds', true), addSubImm('sub', false), addSubImm('subs', true),
    logicalImm('and'), logicalImm('orr'), logicalImm('eor'), logicalImm('ands'),
    moveWide('movz'), moveWide('movn'), moveWide('movk'),
    adr, adrp,
    bitfield('sbfm'), bitfield('bfm'), bitfield('ubfm'),
    ...['asr', 'lsr', 'lsl', 'sxtb', 'sxth', 'sxtw', 'uxtb', 'uxth', 'sbfx', 'ubfx', 'bfxil', 'sbfiz', 'ubfiz', 'bfi']
      .map(bitfieldAlias),
    extr, rorImm,
  ],
};

// ---------------------------------------------------------------- register

function addSubShifted(op: string): Template {
  return t(`${op} (shifted register)`, g => {
    const s = sf(g);
    const sh = g.pick(['lsl', 'lsr', 'asr']);
    return [`${op} ${R(s, g.r())}, ${R(s, g.r())}, ${R(s, g.r())}, ${sh} #${g.imm(0, s - 1)}`];
  });
}

const EXTENDS = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

function addSubExtended(op: string): Template {
  return t(`${op} (extended register)`, g => {
    const s = sf(g);
    const ext = g.pick(EXTENDS);
    const rm = s === 64 && ext.endsWith('x') ? X(g.r()) : W(g.r());
    const rd = op.endsWith('s') ? R(s, g.r()) : RSP(s, g.r());
    const amt = g.imm(0, 4);
    return [`${op} ${rd}, ${RSP(s, g.r())}, ${rm}, ${ext}${amt ? ` #${amt}` : ''}`];
  });
}

function logicalShifted(op: string): Template {
  return t(`${op} (shifted register)`, g => {
    const s = sf(g);
    const sh = g.pick(['lsl', 'lsr', 'asr', 'ror']);
    return [`${op} ${R(s, g.r())}, ${R(s, g.r())}, ${R(s, g.r())}, ${sh} #${g.imm(0, s - 1)}`];
  });
}

function carry(op: string): Template {
  return t(op, g => {
    const s = sf(g);
    return [`${op} ${R(s, g.r())}, ${R(s, g.r())}, ${R(s, g.r())}`];
  });
}

function condSelect(op: string): Template {
  return t(op, g => {
    const s = sf(g);
    return [`${op} ${R(s, g.r())}, ${R(s, g.r())}, ${R(s, g.r())}, ${g.cond()}`];
  });
}

/** CSET/CSETM/CINC/CINV/CNEG: aliases whose condition must not be AL/NV. */
function condAlias(op: string): Template {
  return t(op, g => {
    const s = sf(g);
    let cond = g.cond();
    while (cond === 'al' || cond === 'nv') cond = g.cond();
    if (op === 'cset' || op === 'csetm') return [`${op} ${R(s, g.r())}, ${cond}`];
    return [`${op} ${R(s, g.r())}, ${R(s, g.r())}, ${cond}`];
  });
}

function condCompare(op: string, imm: boolean): Template {
  return t(`${op} (${imm ? 'immediate' : 'register'})`, g => {
    const s = sf(g);
    const b = imm ? `#${g.imm(0, 31)}` : R(s, g.r());
    return [`${op} ${R(s, g.r())}, ${b}, #${g.imm(0, 15)}, ${g.cond()}`];
  });
}

function oneSource(op: string, only64 = false): Template {
  return t(op, g => {
    const s = only64 ? 64 : sf(g);
    return [`${op} ${R(s, g.r())}, ${R(s, g.r())}`];
  });
}

function twoSource(op: string): Template {
  return t(op, g => {
    const s = sf(g);
    const rm = g.r();
    // Divisors 0 and -1 (with INT_MIN dividends) are the architectural edge cases of UDIV/SDIV
    if (op.endsWith('div') && g.chance(0.3)) g.setX(rm, g.pick([0n, -1n, 1n]));
    return [`${op} ${R(s, g.r())}, ${R(s, g.r())}, ${R(s, rm)}`];
  });
}

function threeSource(op: string): Template {
  return t(op, g => {
    if (op === 'smulh' || op === 'umulh') return [`${op} ${X(g.r())}, ${X(g.r())}, ${X(g.r())}`];
    if (op.length === 6) return [`${op} ${X(g.r())}, ${W(g.r())}, ${W(g.r())}, ${X(g.r())}`]; // s/umaddl, s/umsubl
    const s = sf(g);
    return [`${op} ${R(s, g.r())}, ${R(s, g.r())}, ${R(s, g.r())}, ${R(s, g.r())}`];
  });
}

export const dpReg: InsnClass = {
  name: 'dp-reg',
  description: 'data processing, register: shifted/extended add-sub, logical, carry, conditional, 1-2-3 source',
  profile: {},
  templates: [
    ...['add', 'adds', 'sub', 'subs'].map(addSubShifted),
    ...['add', 'adds', 'sub', 'subs'].map(addSubExtended),
    ...['and', 'bic', 'orr', 'orn', 'eor', 'eon', 'ands', 'bics'].map(logicalShifted),
    ...['adc', 'adcs', 'sbc', 'sbcs'].map(carry),
    ...['csel', 'csinc', 'csinv', 'csneg'].map(condSelect),
    ...['cset', 'csetm', 'cinc', 'cinv', 'cneg'].map(condAlias),
    condCompare('ccmp', true), condCompare('ccmn', true), condCompare('ccmp', false), condCompare('ccmn', false),
    ...['rbit', 'rev16', 'rev', 'clz', 'cls'].map(op => oneSource(op)), oneSource('rev32', true),
    ...['udiv', 'sdiv', 'lslv', 'lsrv', 'asrv', 'rorv'].map(twoSource),
    ...['madd', 'msub', 'smaddl', 'smsubl', 'umaddl', 'umsubl', 'smulh', 'umulh'].map(threeSource),
  ],
};
