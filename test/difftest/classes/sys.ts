// test/difftest/classes/sys.ts - the system instructions a Linux user program executes at EL0 (Arm ARM
// C5 "The A64 System Instruction Class"): NZCV/FPCR/FPSR/TPIDR_EL0 moves (FPCR/FPSR with random values, so
// their RAZ/WI masks are compared), the EL0-readable ID registers Linux enables (CTR_EL0 with SCTLR.UCT,
// DCZID_EL0), DC ZVA (SCTLR.DZE) and cache maintenance by VA (SCTLR.UCI), hints and barriers.
// Also a `mixed` class: short random sequences of integer and branch forms, so flags and registers flow
// between instructions (what a block-level JIT with lazy flags must get right).

import { X, type CaseGen, type InsnClass, type Template } from '../gen.js';
import { address } from './addr.js';
import { branch } from './branch.js';
import { dpImm, dpReg } from './int.js';
import { ldst } from './ldst.js';

const t = (name: string, gen: (g: CaseGen) => string[]): Template => ({ name, gen });

/**
 * Bits qemu's Cortex-A57 keeps only because that CPU also runs AArch32 (FPCR.Len/Stride, FPSR.NZCV: "included
 * only for context saving and restoration of AArch32 FPSCR"); the engine implements AArch64 only
 * (ID_AA64PFR0_EL1.EL0 = 1), where they are RES0. An IMPLEMENTATION DEFINED difference, so not generated.
 */
const AARCH32_ONLY: Record<string, bigint> = { fpcr: 0x370000n, fpsr: 0xf0000000n, nzcv: 0n };

function msr(reg: string): Template {
  return t(`msr ${reg}`, g => {
    const r = g.r({ r31: false });
    if (g.chance(0.7)) g.setX(r, g.rng.u64() & ~AARCH32_ONLY[reg]);
    else g.setX(r, g.state.x[r] & ~AARCH32_ONLY[reg]);
    return [`msr ${reg}, ${X(r)}`];
  });
}

function mrs(reg: string): Template {
  return t(`mrs ${reg}`, g => [`mrs ${X(g.r())}, ${reg}`]);
}

/** TPIDR_EL0 is clobbered by the epilogue, so its write is observed through a read. */
const tpidr = t('msr/mrs tpidr_el0', g => {
  const s = g.r();
  return [`msr tpidr_el0, ${X(s)}`, `mrs ${X(g.r())}, tpidr_el0`];
});

/** DC ZVA zeroes the naturally aligned DCZID_EL0-sized block (64 bytes) holding the address. */
const dcZva = t('dc zva', g => {
  const a = address(g, 'base', 64, { align: 64, sp: false });
  // Any address inside the block works: the instruction aligns it down itself
  g.setX(a.base, g.state.x[a.base] + BigInt(g.int(0, 63)));
  return [`dc zva, ${X(a.base)}`];
});

function cacheOp(op: string): Template {
  return t(op, g => {
    const a = address(g, 'base', 1, { sp: false });
    return [`${op}, ${X(a.base)}`];
  });
}

/** HINT space: NOP, YIELD, WFE, WFI, SEV, SEVL and the unallocated (or later-architecture) hints, all NOPs. */
const hint = t('hint', g => [`hint #${g.imm(0, 127)}`]);
const barrier = t('barriers', g => {
  const opt = g.pick(['sy', 'st', 'ld', 'ish', 'ishst', 'ishld', 'nsh', 'nshst', 'nshld', 'osh', 'oshst', 'oshld']);
  return [g.pick([`dmb ${opt}`, `dsb ${opt}`, 'isb'])];
});
const clrex = t('clrex', g => [`clrex #${g.imm(0, 15)}`]);

export const sysEl0: InsnClass = {
  name: 'sys-el0',
  description: 'EL0 system instructions: MSR/MRS NZCV/FPCR/FPSR/TPIDR_EL0, CTR_EL0, DCZID_EL0, DC ZVA, DC/IC by VA, hints, barriers',
  profile: { randomFpcr: true },
  templates: [
    msr('nzcv'), msr('fpcr'), msr('fpsr'), mrs('nzcv'), mrs('fpcr'), mrs('fpsr'), tpidr, mrs('tpidrro_el0'),
    mrs('ctr_el0'), mrs('dczid_el0'), mrs('cntfrq_el0'), dcZva,
    cacheOp('dc civac'), cacheOp('dc cvac'), cacheOp('dc cvau'), cacheOp('ic ivau'), hint, barrier, clrex,
  ],
};

/** 3 to 8 register-only instructions from the integer and branch classes, one after another. */
const sequence = t('sequence', g => {
  const pool = [...dpImm.templates, ...dpReg.templates, ...branch.templates];
  const n = g.int(3, 8);
  const body: string[] = [];
  for (let i = 0; i < n; i++) body.push(...g.pick(pool).gen(g));
  return body;
});

/**
 * The same with loads and stores mixed in. Memory templates are generated before the others, so their base
 * and index registers are reserved before the other templates pick registers, and they execute in the reverse
 * of their generation order: a load generated earlier may pick a later-generated access's base as its
 * destination, but then it runs after that access. SP is never a base here (an ADD to SP earlier in the
 * sequence would move it out of the window), nor X30 (BL/BLR write it).
 */
const sequenceMem = t('sequence with loads/stores', g => {
  g.spBase = false;
  g.reserveReg(30); // BL and BLR write X30 behind the register picks' back: never a base or index
  const memForms = ldst.templates.filter(x => !x.name.startsWith('prf') && !x.name.includes('[sp]'));
  const pool = [...dpImm.templates, ...dpReg.templates, ...branch.templates];
  const mem: string[][] = [];
  for (let i = g.int(1, 3); i > 0; i--) mem.push(g.pick(memForms).gen(g));
  const parts = mem.reverse();
  for (let i = g.int(2, 5); i > 0; i--) parts.splice(g.int(0, parts.length), 0, g.pick(pool).gen(g));
  return parts.flat();
});

export const mixed: InsnClass = {
  name: 'mixed',
  description: 'random sequences of integer, branch and load/store instructions (flags and registers flowing between them)',
  profile: {},
  templates: [sequence, sequenceMem],
};
