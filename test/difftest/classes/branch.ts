// test/difftest/classes/branch.ts - branches (Arm ARM C4.1.3 "Branches, Exception Generating and System
// instructions"): each case branches forward over a marker instruction (MOVZ of a distinctive value into a
// register), so the final state shows whether the branch was taken; the link register forms leave their
// return address (a fixed address in the ELF) in the link register.

import { W, X, CONDS, type CaseGen, type InsnClass, type Template } from '../gen.js';

const t = (name: string, gen: (g: CaseGen) => string[]): Template => ({ name, gen });

/** The marker: executed only when the branch before it falls through. */
function marker(g: CaseGen): string {
  return `movz ${X(g.r({ r31: false }))}, #0x${g.int(1, 0xffff).toString(16)}`;
}

/** B.cond for condition `cond` (all 16, including AL and NV, which always branch). */
function bcond(cond: string): Template {
  return t(`b.${cond}`, g => [`b.${cond} 1f`, marker(g), '1:']);
}

const b = t('b', g => ['b 1f', marker(g), '1:']);
const bl = t('bl', g => ['bl 1f', marker(g), '1:']);
const bBackward = t('b (backward, loop)', g => {
  // A counted loop: SUBS + B.NE backward, and B.cond forms mixed in by the loop exit
  const r = g.r({ r31: false });
  return [`movz ${X(r)}, #${g.int(1, 5)}`, '1:', `subs ${X(r)}, ${X(r)}, #1`, 'b.ne 1b'];
});

function cbz(op: string): Template {
  return t(op, g => {
    const r = g.r();
    if (g.chance(0.4)) g.setX(r, g.pick([0n, 1n << 32n, 0xffffffffn, 1n << 63n]));
    const reg = g.chance(0.5) ? X(r) : W(r);
    return [`${op} ${reg}, 1f`, marker(g), '1:'];
  });
}

function tbz(op: string): Template {
  return t(op, g => {
    const r = g.r();
    const bit = g.imm(0, 63);
    const reg = bit < 32 && g.chance(0.5) ? W(r) : X(r);
    return [`${op} ${reg}, #${bit}, 1f`, marker(g), '1:'];
  });
}

/** BR/BLR/RET to a target computed with ADR (X30 for plain RET). */
function indirect(op: 'br' | 'blr' | 'ret'): Template {
  return t(op, g => {
    const r = op === 'ret' && g.chance(0.5) ? 30 : g.r({ r31: false });
    const m = marker(g);
    const call = op === 'ret' && r === 30 ? 'ret' : `${op} ${X(r)}`;
    return [`adr ${X(r)}, 1f`, call, m, '1:'];
  });
}

/** Conditional select after a compare: the flags from SUBS feed B.cond (the common compiled pattern). */
const cmpBranch = t('cmp + b.cond', g => {
  const cond = g.pick(CONDS.slice(0, 14));
  return [`cmp ${X(g.r())}, ${X(g.r())}`, `b.${cond} 1f`, marker(g), '1:'];
});

export const branch: InsnClass = {
  name: 'branch',
  description: 'B, BL, B.cond (all 16 conditions), CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET via ADR, loops',
  profile: {},
  templates: [
    b, bl, bBackward, ...CONDS.map(bcond), cbz('cbz'), cbz('cbnz'), tbz('tbz'), tbz('tbnz'),
    indirect('br'), indirect('blr'), indirect('ret'), cmpBranch,
  ],
};
