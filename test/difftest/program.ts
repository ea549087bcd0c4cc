// test/difftest/program.ts - turns a batch of generated cases into one assembly program. Per case k:
//   case_k:  prologue  - copy the case's scratch memory into the window, load V0-V31, FPCR, FPSR, NZCV, SP,
//                        then X0-X30 from the case's input block (in_k); nothing after touches flags; ends
//                        with `b body_k`, so the body starts at a branch target, where the engine's JIT enters
//                        translated blocks (cpu/as/jit.ts): with the JIT on, the body runs translated up to its
//                        first branch or first untranslated instruction. The prologue itself is reached by ERET
//                        or a fall-through, never by a branch, and the epilogue starts with an MSR (never
//                        translated), so the translated instructions of a run are those of the bodies.
//   body_k:  the generated instructions
//   epi_k:   epilogue  - park X0 in TPIDR_EL0, store X0-X30, SP, NZCV, FPCR, FPSR, V0-V31 and the window
//                        into `outbuf` behind a header (magic, k), then write(1, outbuf, RECORD_SIZE)
// then exit(0). Every register is both input and output: no register is reserved for the harness.

import type { Literal } from './gen.js';
import {
  encodeState, OFF_FPCR, OFF_FPSR, OFF_MEM, OFF_NZCV, OFF_SP, OFF_V, RECORD_HEADER, RECORD_MAGIC, RECORD_SIZE,
  MEM_SIZE, type CaseState,
} from './state.js';

export interface GeneratedCase {
  cls: string;
  /** Index of the case within its class's run (the per-case seed derives from it). */
  index: number;
  template: string;
  body: string[];
  input: CaseState;
  literals: Literal[];
}

const SYS_WRITE = 64, SYS_EXIT = 93;

function prologue(k: number): string[] {
  const a = [`case_${k}:`, `  adrp x0, in_${k}`, `  add x0, x0, :lo12:in_${k}`,
    '  adrp x1, scratch_win', '  add x1, x1, :lo12:scratch_win', `  add x4, x0, #${OFF_MEM}`];
  for (let off = 0; off < MEM_SIZE; off += 16) a.push(`  ldp x2, x3, [x4, #${off}]`, `  stp x2, x3, [x1, #${off}]`);
  a.push(`  add x4, x0, #${OFF_V}`);
  for (let n = 0; n < 32; n += 2) a.push(`  ldp q${n}, q${n + 1}, [x4, #${n * 16}]`);
  a.push(`  ldr x2, [x0, #${OFF_FPCR}]`, '  msr fpcr, x2', `  ldr x2, [x0, #${OFF_FPSR}]`, '  msr fpsr, x2',
    `  ldr x2, [x0, #${OFF_NZCV}]`, '  msr nzcv, x2', `  ldr x2, [x0, #${OFF_SP}]`, '  mov sp, x2');
  for (let n = 2; n < 30; n += 2) a.push(`  ldp x${n}, x${n + 1}, [x0, #${n * 8}]`);
  a.push('  ldr x30, [x0, #240]', '  ldp x0, x1, [x0]', `  b body_${k}`);
  return a;
}

function epilogue(k: number): string[] {
  const h = RECORD_HEADER;
  const a = [`epi_${k}:`, '  msr tpidr_el0, x0', '  adrp x0, outbuf', '  add x0, x0, :lo12:outbuf'];
  // NZCV and FPSR are read before any instruction that could change them (none of these do)
  a.push(`  str x1, [x0, #${h + 8}]`);
  for (let n = 2; n < 30; n += 2) a.push(`  stp x${n}, x${n + 1}, [x0, #${h + n * 8}]`);
  a.push(`  str x30, [x0, #${h + 240}]`, '  mrs x1, tpidr_el0', `  str x1, [x0, #${h}]`,
    '  mov x1, sp', `  str x1, [x0, #${h + OFF_SP}]`, '  mrs x1, nzcv', `  str x1, [x0, #${h + OFF_NZCV}]`,
    '  mrs x1, fpcr', `  str x1, [x0, #${h + OFF_FPCR}]`, '  mrs x1, fpsr', `  str x1, [x0, #${h + OFF_FPSR}]`,
    `  add x1, x0, #${h + OFF_V}`);
  for (let n = 0; n < 32; n += 2) a.push(`  stp q${n}, q${n + 1}, [x1, #${n * 16}]`);
  a.push('  adrp x1, scratch_win', '  add x1, x1, :lo12:scratch_win', `  add x4, x0, #${h + OFF_MEM}`);
  for (let off = 0; off < MEM_SIZE; off += 16) a.push(`  ldp x2, x3, [x1, #${off}]`, `  stp x2, x3, [x4, #${off}]`);
  a.push(`  movz w1, #0x${(RECORD_MAGIC & 0xffff).toString(16)}`,
    `  movk w1, #0x${(RECORD_MAGIC >>> 16).toString(16)}, lsl #16`, '  str w1, [x0]',
    `  movz w1, #${k}`, '  str w1, [x0, #4]',
    '  mov x1, x0', '  mov x0, #1', `  mov x2, #${RECORD_SIZE}`, `  mov x8, #${SYS_WRITE}`, '  svc #0');
  return a;
}

function dataBlock(label: string, bytes: Uint8Array, align: number): string[] {
  const out = [`  .balign ${align}`, `${label}:`];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  for (; i + 8 <= bytes.length; i += 8) out.push(`  .quad 0x${dv.getBigUint64(i, true).toString(16)}`);
  if (i < bytes.length) out.push(`  .byte ${Array.from(bytes.subarray(i), b => '0x' + b.toString(16)).join(', ')}`);
  return out;
}

/** The complete assembly source for `cases` (k = position in the array). */
export function buildProgram(cases: readonly GeneratedCase[]): string {
  const text: string[] = ['  .text', '  .global _start', '_start:'];
  const rodata: string[] = ['  .section .rodata'];
  const data: string[] = ['  .data', '  .balign 4096', 'scratch:', '  .space 0xf80', 'scratch_win:', '  .space 0x1080'];
  cases.forEach((c, k) => {
    text.push(...prologue(k), `body_${k}:`, ...c.body.map(l => (l.endsWith(':') ? l : `  ${l}`)), ...epilogue(k));
    for (const lit of c.literals) rodata.push(...dataBlock(lit.label, lit.bytes, 16));
    data.push(...dataBlock(`in_${k}`, encodeState(c.input), 16));
  });
  text.push('done:', '  mov x0, #0', `  mov x8, #${SYS_EXIT}`, '  svc #0');
  data.push('  .balign 16', 'outbuf:', `  .space ${RECORD_SIZE}`);
  return [...text, ...rodata, ...data, ''].join('\n');
}
