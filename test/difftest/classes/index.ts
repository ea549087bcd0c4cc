// test/difftest/classes/index.ts - every instruction class of the differential tester, in report order.

import type { InsnClass } from '../gen.js';
import { branch } from './branch.js';
import { exclusive } from './exclusive.js';
import { fpScalar } from './fp.js';
import { dpImm, dpReg } from './int.js';
import { ldst } from './ldst.js';
import { ldstSimd } from './ldst_simd.js';
import { simdInt } from './simd.js';
import { simdFp } from './simd_fp.js';
import { mixed, sysEl0 } from './sys.js';

/** Empty bodies: the prologue/epilogue round trip alone (must pass before any other class means anything). */
export const baseline: InsnClass = {
  name: 'baseline',
  description: 'no instruction: the harness prologue and epilogue must round-trip the whole state',
  profile: { randomFpcr: true },
  templates: [{ name: 'nop', gen: () => ['nop'] }, { name: '(empty)', gen: () => [] }],
};

export const CLASSES: InsnClass[] = [
  baseline, dpImm, dpReg, branch, mixed, ldst, ldstSimd, exclusive, fpScalar, simdInt, simdFp, sysEl0,
];

export function findClass(name: string): InsnClass | undefined {
  return CLASSES.find(c => c.name === name);
}
