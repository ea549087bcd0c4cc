// test/difftest/classes/exclusive.ts - exclusives and acquire/release (Arm ARM B2.9 "Synchronization and
// semaphores", C4.1.4 "Load/store exclusive", "Load-acquire/store-release"), single-threaded: a load-
// exclusive followed by a store-exclusive to the same address succeeds (status 0) in both implementations;
// after CLREX a store-exclusive fails (status 1) and stores nothing. Sequences whose outcome the architecture
// leaves IMPLEMENTATION DEFINED (store-exclusive to another address) or UNPREDICTABLE (Rs = Rt or Rn, LDXP
// with Rt = Rt2) are not generated. Addresses are naturally aligned (pairs: to twice the element size).

import { R, W, type CaseGen, type InsnClass, type Template } from '../gen.js';
import { address } from './addr.js';

const t = (name: string, gen: (g: CaseGen) => string[]): Template => ({ name, gen });

const SIZES: [string, number, 32 | 64][] = [['b', 1, 32], ['h', 2, 32], ['', 4, 32], ['', 8, 64]];
const sizeName = (suffix: string, rt: 32 | 64) => suffix || (rt === 64 ? ' X' : ' W');

/** LD(A)XR{B,H} then ST(L)XR{B,H} to the same address: the success path. */
function exclusivePair([suffix, size, rt]: [string, number, 32 | 64]): Template {
  return t(`ldxr/stxr${sizeName(suffix, rt)}`, g => {
    const a = address(g, 'base', size, { align: size });
    const ld = `ld${g.chance(0.5) ? 'a' : ''}xr${suffix}`, st = `st${g.chance(0.5) ? 'l' : ''}xr${suffix}`;
    const rt1 = g.r(), rt2 = g.r();
    const rs = g.r({ r31: false, not: [rt2] });
    return [`${ld} ${R(rt, rt1)}, ${a.operand}`, `${st} ${W(rs)}, ${R(rt, rt2)}, ${a.operand}`];
  });
}

/** LD(A)XP then ST(L)XP: 2 x 32 or 2 x 64 bits, aligned to the pair size. */
function exclusivePairs(rt: 32 | 64): Template {
  return t(`ldxp/stxp ${rt === 64 ? 'X' : 'W'}`, g => {
    const size = rt / 8;
    const a = address(g, 'base', 2 * size, { align: 2 * size });
    const ld = `ld${g.chance(0.5) ? 'a' : ''}xp`, st = `st${g.chance(0.5) ? 'l' : ''}xp`;
    const t1 = g.r(), t2 = g.r({ not: [t1] }), s1 = g.r(), s2 = g.r();
    const rs = g.r({ r31: false, not: [s1, s2] });
    return [`${ld} ${R(rt, t1)}, ${R(rt, t2)}, ${a.operand}`, `${st} ${W(rs)}, ${R(rt, s1)}, ${R(rt, s2)}, ${a.operand}`];
  });
}

/** CLREX leaves the monitor open: the store-exclusive must fail and leave memory unchanged. */
const clrexFail = t('clrex + stxr (fails)', g => {
  const [suffix, size, rt] = g.pick(SIZES);
  const a = address(g, 'base', size, { align: size });
  const rv = g.r(), rs = g.r({ r31: false, not: [rv] });
  const lines = g.chance(0.5) ? [`ldxr${suffix} ${R(rt, g.r())}, ${a.operand}`] : [];
  return [...lines, `clrex #${g.imm(0, 15)}`, `stxr${suffix} ${W(rs)}, ${R(rt, rv)}, ${a.operand}`];
});

function acquire([suffix, size, rt]: [string, number, 32 | 64]): Template {
  return t(`ldar${sizeName(suffix, rt)}`, g => {
    const a = address(g, 'base', size, { align: size });
    return [`ldar${suffix} ${R(rt, g.r())}, ${a.operand}`];
  });
}

function release([suffix, size, rt]: [string, number, 32 | 64]): Template {
  return t(`stlr${sizeName(suffix, rt)}`, g => {
    const a = address(g, 'base', size, { align: size });
    return [`stlr${suffix} ${R(rt, g.r())}, ${a.operand}`];
  });
}

/** LDAXR alone (a plain acquire load that also arms the monitor; the next case's SVC/ERET clears it). */
function loadOnly([suffix, size, rt]: [string, number, 32 | 64]): Template {
  return t(`ldaxr${sizeName(suffix, rt)}`, g => {
    const a = address(g, 'base', size, { align: size });
    return [`ldaxr${suffix} ${R(rt, g.r())}, ${a.operand}`];
  });
}

export const exclusive: InsnClass = {
  name: 'exclusive',
  description: 'LDXR/STXR (all sizes, acquire/release variants), LDXP/STXP, CLREX failure path, LDAR/STLR',
  profile: {},
  templates: [
    ...SIZES.map(exclusivePair), exclusivePairs(32), exclusivePairs(64), clrexFail,
    ...SIZES.map(acquire), ...SIZES.map(release), ...SIZES.map(loadOnly),
  ],
};
