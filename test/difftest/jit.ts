// test/difftest/jit.ts - the differential tester in JIT mode (scripts/difftest.ts --jit): the engine runs with
// jitThreshold 1 and jitSync, so each case's body, which starts at a branch target (program.ts), is translated
// the first time it is entered and runs as translated code (src/cpu/jit). This file says how much of each body
// the JIT should take (the translator's own blockExtent on the linked words, up to the end of the 4 KiB page a
// block never crosses) and counts how much it did (engine.jitInstret between the case's records).

import type { ElfImage } from '../../src/machine/usermode/elf.js';
import type { UserModeOptions } from '../../src/machine/usermode/usermode.js';
import { blockExtent } from '../../src/cpu/jit/translate.js';

/** Engine options of a JIT-mode run: translate a block on its first entry, compile it at once. */
export const JIT_MODE: UserModeOptions = { jitThreshold: 1, jitSync: true };

export interface CaseJit {
  /** Instructions of the case that ran as translated code (engine.jitInstret). */
  ran: number;
  /** Instructions the block at body_k covers (0: the JIT leaves its first instruction to the interpreter). */
  block: number;
  /** The word the block stops before when it is not translated (null: it ends with a branch or the page). */
  stoppedAt: number | null;
  /**
   * The translated code may rightly hand even the first instruction back to the interpreter: it is a load or
   * store (a soft-TLB miss, an access that crosses a page, an unaligned SP base), a system instruction translated
   * for EL1 only (these programs run at EL0), or the body starts a code
   * page whose first fetch the interpreter makes (cpu/as/jit.ts enters only pages in the fetch TLB).
   */
  mayBail: boolean;
}

/** A64 top-level decode (Arm ARM C4.1, op0 = bits 28:25): x1x0 is "Loads and Stores". */
function isLoadStore(insn: number): boolean {
  return ((insn >>> 25) & 0b0101) === 0b0100;
}

/**
 * System instructions the translator handles at EL1 only and hands back at EL0, where these programs run:
 * DC ZVA (SCTLR_EL1.DZE decides at EL0) and the MRS of EL1 registers (translate.ts `requireEl1`).
 */
function isEl1Only(insn: number): boolean {
  const w = (insn & 0xffffffe0) >>> 0;
  return w === 0xd50b7420 || w === 0xd5384100 || w === 0xd538d080 || w === 0xd53b4220;
}

/** The block the translator makes at guest address `va` of the program (0 when `va` is not in a segment). */
export function blockAt(image: ElfImage, va: bigint): Omit<CaseJit, 'ran'> {
  for (const seg of image.segments) {
    const off = Number(va - seg.vaddr);
    if (va < seg.vaddr || off >= seg.data.length) continue;
    const pageEnd = Number((va | 0xfffn) + 1n - seg.vaddr);
    const end = Math.min(pageEnd, seg.data.length) & ~3;
    const words = new Uint32Array(new Uint8Array(seg.data.subarray(off, end)).buffer);
    const { length, stoppedAt } = blockExtent(words);
    const first = words.length > 0 ? words[0] : 0;
    return { block: length, stoppedAt, mayBail: (va & 0xfffn) === 0n || (words.length > 0 && (isLoadStore(first) || isEl1Only(first))) };
  }
  return { block: 0, stoppedAt: null, mayBail: true };
}

/** Per class: how much translated code ran. */
export interface JitSummary {
  /** Cases whose body starts with an instruction the JIT translates. */
  translatable: number;
  /** Of those, cases that ran some of it translated. */
  entered: number;
  /** Indices of translatable cases that ran nothing translated although they could not bail (!mayBail): the
   *  JIT was not exercised where it should have been. */
  missed: number[];
  /** Case instructions that ran translated, and all instructions the engine retired (prologues included). */
  jitInstret: number;
  instret: number;
}

export function summarizeJit(
  outcomes: readonly { c: { index: number }; jit?: CaseJit }[], instret: number,
): JitSummary {
  const s: JitSummary = { translatable: 0, entered: 0, missed: [], jitInstret: 0, instret };
  for (const { c, jit: j } of outcomes) {
    if (!j) continue;
    s.jitInstret += j.ran;
    if (j.block === 0) continue;
    s.translatable++;
    if (j.ran > 0) s.entered++;
    else if (!j.mayBail) s.missed.push(c.index);
  }
  return s;
}

/** One line for a failing case's report: what ran translated. */
export function describeJit(j: CaseJit): string {
  const stop = j.stoppedAt === null ? '' : `, stops before ${j.stoppedAt.toString(16).padStart(8, '0')}`;
  return `jit: ${j.ran} instructions ran translated (block at body: ${j.block} instructions${stop})`;
}
