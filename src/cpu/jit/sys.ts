// cpu/jit/sys.ts - the system instructions the translator handles at EL1 (cpu/as/system.ts, sysreg.ts): MRS of the
// registers Linux reads on hot paths, MSR of PSTATE.DAIF and DC ZVA. Anything else in the system space is left
// to the interpreter.

import * as L from '../layout.js';
import type { Block } from './translate.js';
import { Op } from './wasm.js';
import { P_CPU, L_NZCV, T32, T64, RETIRED_CHECK_IRQ } from './common.js';

/** DC ZVA at EL1: zero the 64-byte block (DCZID_EL0.BS = 4) through the write TLB (cpu/as/system.ts dcZva). */
export function dcZva(b: Block, insn: number): boolean {
  const c = b.c;
  requireEl1(b, false); // at EL0 it depends on SCTLR_EL1.DZE: left to the interpreter
  b.x(insn & 31);
  c.i64(-64).op(Op.i64And).set(T64[3]);
  b.tlb(64, true);
  c.get(T32[3]).i32(0).i32(64).op(0xfc).u32(11).byte(0); // memory.fill
  return true;
}

/**
 * Masking goes on in translated code; unmasking ends the region with bit 31 of the retired count set, so that
 * jitEnter has the run loop check for a now deliverable interrupt before the next instruction (as the
 * interpreter's requestIrqCheck). At EL0 these depend on SCTLR_EL1.UMA: left to the interpreter.
 */
export function daifWrite(b: Block, insn: number, i: number): boolean | 'end' {
  const c = b.c, daif = () => c.get(P_CPU).mem(Op.i32Load, 2, L.S_DAIF);
  requireEl1(b, false);
  c.get(P_CPU);
  if ((insn & 0xffffffe0) >>> 0 === 0xd51b4220) { // MSR DAIF, Xt
    b.w(insn & 31);
    c.i32(0xf << 6).op(Op.i32And);
  } else {
    const bits = ((insn >>> 8) & 15) << 6;
    if ((insn & (1 << 5)) === 0) { // DAIFSet: nothing can become deliverable
      daif(); c.i32(bits).op(Op.i32Or).mem(Op.i32Store, 2, L.S_DAIF);
      return true;
    }
    daif(); c.i32(~bits).op(Op.i32And);
  }
  c.mem(Op.i32Store, 2, L.S_DAIF);
  b.exit(() => b.pcOf(i + 1), i + 1 - b.blockStart, RETIRED_CHECK_IRQ);
  return 'end';
}

/** Stop before this instruction unless the vCPU is at EL1 (and, for SP_EL0, has SPSel = 1). */
export function requireEl1(b: Block, spsel: boolean): void {
  const c = b.c;
  c.get(P_CPU).mem(Op.i32Load, 2, L.S_EL).i32(1).op(Op.i32Ne);
  if (spsel) c.get(P_CPU).mem(Op.i32Load, 2, L.S_SPSEL).op(Op.i32Eqz).op(Op.i32Or);
  b.ifThen(() => b.bail());
}

export function mrs(b: Block, insn: number): boolean {
  const t = insn & 31, c = b.c;
  const slot = (sr: number) => c.get(P_CPU).mem(Op.i64Load, 3, L.S_SYSREG + sr * 8);
  switch ((insn & 0xffffffe0) >>> 0) {
    case 0xd5384100: // SP_EL0 (`current`): the banked copy while SPSel = 1
      requireEl1(b, true);
      c.get(P_CPU).mem(Op.i64Load, 3, L.S_SP_EL0);
      break;
    case 0xd538d080: // TPIDR_EL1 (per-CPU offset)
      requireEl1(b, false);
      slot(L.SR_TPIDR_EL1);
      break;
    case 0xd53b4220: // DAIF (local_irq_save); EL0 reads depend on SCTLR_EL1.UMA: left to the interpreter
      requireEl1(b, false);
      c.get(P_CPU).mem(Op.i32Load, 2, L.S_DAIF).op(Op.i64ExtendI32U);
      break;
    case 0xd53bd040: slot(L.SR_TPIDR_EL0); break; // TPIDR_EL0
    case 0xd53bd060: slot(L.SR_TPIDRRO_EL0); break; // TPIDRRO_EL0
    case 0xd53b4200: // NZCV
      b.readFlags();
      c.get(L_NZCV).op(Op.i64ExtendI32U);
      break;
    default: return false;
  }
  b.setX(t);
  return true;
}
