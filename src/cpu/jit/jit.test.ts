// cpu/jit/jit.test.ts - directed tests of the JIT tier (cpu/as/jit.ts, jit/translate.ts, jit/jit.ts) through the
// Engine API. Each program runs on an engine that translates every block on its second entry
// (jitThreshold 1, jitSync) and on an interpreter-only engine; the guest-visible state must be the same, and
// engine.jitInstret shows that the code in question really ran translated.
//
// Programs are written in assembly (aarch64-linux-gnu-as, Debian binutils-aarch64-linux-gnu; under CI=true a
// missing assembler fails the tests, elsewhere they are skipped) and loaded at MEM.CODE; they end in `hvc #0`.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as L from '../layout.js';
import type { Engine, EngineOptions } from '../engine.js';
import { createEngine } from '../../host/engine-loader.js';
import { AARCH64_AS, skipUnlessPeer } from '../../host/peers.js';
import {
  MEM, PageTables, SCTLR, VEC, enableMmu, esr, loadCode, tcr, testMachine, type TestMachine,
} from '../testing.js';

const skip = skipUnlessPeer(AARCH64_AS);
const dir = mkdtempSync(join(tmpdir(), 'tsxen-jit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const { CODE, DATA, TABLES } = MEM;
/** ESR_ELx.EC (Arm ARM, ESR_EL1): data abort from the current EL, SP alignment fault. */
const EC_DABT_CUR = 0x25, EC_SP_ALIGN = 0x26;
const ESR_WNR = 1 << 6;
/** ESR_ELx.ISS DFSC (Arm ARM, ISS encoding for a Data Abort): translation fault, level 3. */
const FSC_TRANSLATION_L3 = 0x07;
/** TCR_EL1.TBI0 (Arm ARM, TCR_EL1): top byte ignored for TTBR0 addresses, also for branch targets. */
const TCR_TBI0 = 1n << 37n;
/** A device address outside RAM: with the MMU off every access there goes to the mmio hooks. */
const MMIO = 0x0900_0000n;

// ---------------------------------------------------------------- assembler

const assembled = new Map<string, number[]>();

/** Instruction words of `source` (position-independent: PC-relative branches and ADR only). */
function asm(source: string): number[] {
  const hit = assembled.get(source);
  if (hit) return hit;
  const s = join(dir, 'p.s'), o = join(dir, 'p.o'), bin = join(dir, 'p.bin');
  writeFileSync(s, `  .text\n${source}\n`);
  execFileSync(AARCH64_AS.command, ['-o', o, s]);
  execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', o, bin]);
  const b = readFileSync(bin);
  const words = Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(i * 4));
  assembled.set(source, words);
  return words;
}

/** The words of `source`, or none when the assembler is missing (its tests are skipped). */
function asmOrEmpty(source: string): number[] {
  return skip ? [] : asm(source);
}

// ---------------------------------------------------------------- the two engines

const JIT: Partial<EngineOptions> = { jitThreshold: 1, jitSync: true };

interface Pair { jit: TestMachine; ref: TestMachine }

async function pair(vcpus = 1, jitOpts: Partial<EngineOptions> = JIT): Promise<Pair> {
  const jit = await testMachine(o => createEngine({ ...o, ...jitOpts }), vcpus);
  const ref = await testMachine(createEngine, vcpus);
  return { jit, ref };
}

/** Apply `f` to both engines. */
function both(p: Pair, f: (e: Engine, t: TestMachine) => void): void {
  f(p.jit.e, p.jit);
  f(p.ref.e, p.ref);
}

/** What the guest and the host can observe of `vcpu`, for comparing the two engines. */
function state(e: Engine, vcpu = 0) {
  return {
    x: Array.from({ length: 31 }, (_, i) => e.x(vcpu, i)),
    sp: e.sp(vcpu), pc: e.pc(vcpu), nzcv: e.u32(vcpu, L.S_NZCV), el: e.u32(vcpu, L.S_EL),
    instret: e.instret(vcpu), exitImm: e.exitImm(vcpu),
    esr: e.sysreg(vcpu, L.SR_ESR_EL1), far: e.sysreg(vcpu, L.SR_FAR_EL1),
    elr: e.sysreg(vcpu, L.SR_ELR_EL1), spsr: e.sysreg(vcpu, L.SR_SPSR_EL1),
  };
}

/** Run both from their current PC with `budget`; the exit reasons and states must agree. Returns the exit. */
function step(p: Pair, budget: number, vcpu = 0): number {
  const a = p.jit.e.run(vcpu, budget), b = p.ref.e.run(vcpu, budget);
  assert.equal(p.jit.e.jitStats.failures, 0, 'no translation failed');
  assert.equal(a, b, 'exit reason');
  assert.deepEqual(state(p.jit.e, vcpu), state(p.ref.e, vcpu));
  return a;
}

/** Load `words` at CODE on both, point vCPU 0 at them and run to the end (`budget`). */
function start(p: Pair, words: number[], budget = 100_000): number {
  both(p, e => {
    loadCode(e, CODE, words);
    e.setPc(0, CODE);
  });
  return step(p, budget);
}

function sameMemory(p: Pair, pa: bigint, length: number): void {
  assert.deepEqual(p.jit.e.readPhys(pa, length), p.ref.e.readPhys(pa, length), `memory at 0x${pa.toString(16)}`);
}

/** Byte offset of the first instruction `word` in the program (for expected PCs). */
function offsetOf(words: number[], word: number): bigint {
  const i = words.indexOf(word);
  assert.ok(i >= 0, `0x${word.toString(16)} is in the program`);
  return BigInt(i * 4);
}

/**
 * Stage 1 on for `vcpus` with 39-bit VAs, RAM identity mapped as one 1 GiB block (Normal memory). With stage 1
 * off every data access is Device-nGnRnE (Arm ARM D8, "The effects of disabling stage 1 translation"), which the
 * soft TLB never caches, so translated code would stop at each load and store.
 */
function identityMap(e: Engine, vcpus = 1): PageTables {
  const pt = new PageTables(e, TABLES, 39);
  pt.map(0x4000_0000n, 0x4000_0000n, 1n << 30n, { level: 1 });
  for (let v = 0; v < vcpus; v++) enableMmu(e, v, { ttbr0: pt });
  return pt;
}

// ---------------------------------------------------------------- 1. budget inside a self-loop

// a counted loop of seven instructions, one block that branches to its own start (a Wasm loop)
const COUNTED_LOOP = asmOrEmpty(`
  mov x0, #1000
  mov x1, #0
  mov x2, #3
  movz x3, #0x4020, lsl #16   // MEM.DATA
loop:
  add x1, x1, x0
  mul x4, x1, x2
  str x4, [x3, #8]
  ldr x5, [x3, #8]
  eor x1, x1, x5, lsr #3
  subs x0, x0, #1
  b.ne loop
  hvc #0`);
const COUNTED_LOOP_INSNS = 4 + 7 * 1000 + 1;

test('a self-loop stops on the exact budget, wherever in the loop the budget ends', { skip }, async () => {
  const p = await pair();
  both(p, e => identityMap(e));
  assert.equal(start(p, COUNTED_LOOP, 3001), L.EXIT_BUDGET);
  assert.equal(p.jit.e.instret(0), 3001n);
  assert.ok(p.jit.e.jitInstret(0) > 2000n, `ran translated: ${p.jit.e.jitInstret(0)}`);
  // budgets that end inside an iteration, at its start and after one instruction
  for (const budget of [1, 2, 7, 13, 97]) assert.equal(step(p, budget), L.EXIT_BUDGET);
});

test('a self-loop run in slices of budget ends in the interpreter\'s state', { skip }, async () => {
  const p = await pair();
  both(p, e => {
    identityMap(e);
    loadCode(e, CODE, COUNTED_LOOP);
    e.setPc(0, CODE);
  });
  const slices = (e: Engine, budget: number) => {
    let exit: number;
    do exit = e.run(0, budget); while (exit === L.EXIT_BUDGET);
    return exit;
  };
  assert.equal(slices(p.jit.e, 211), L.EXIT_HVC);
  assert.equal(slices(p.ref.e, 10_000), L.EXIT_HVC);
  assert.deepEqual(state(p.jit.e), state(p.ref.e));
  assert.equal(p.jit.e.instret(0), BigInt(COUNTED_LOOP_INSNS));
  assert.ok(p.jit.e.jitInstret(0) > 6000n, `ran translated: ${p.jit.e.jitInstret(0)}`);
  sameMemory(p, DATA, 16);
});

// ---------------------------------------------------------------- 2. loads and stores through the MMU

const DATA_VA = 0x10_0000_0000n; // two pages mapped to MEM.DATA; the page after them is unmapped

/** 39-bit VAs, code and vectors identity mapped, DATA_VA -> MEM.DATA for two pages. */
function mapData(e: Engine, sctlr = 0n): PageTables {
  const pt = new PageTables(e, TABLES, 39);
  pt.map(CODE, CODE, 0x20000n);
  pt.map(DATA_VA, DATA, 0x2000n);
  enableMmu(e, 0, { ttbr0: pt, sctlr });
  return pt;
}

test('translated loads and stores use the soft TLB and a data abort inside a block is taken exactly', { skip }, async () => {
  // each iteration's first instruction is a store: if the translated block stopped at every access (no TLB hits)
  // no instruction would run translated
  const words = asm(`
  movz x1, #0x10, lsl #32     // DATA_VA
  mov x0, #0
loop:
  str x0, [x1], #8
  ldr x2, [x1, #-8]
  add x0, x0, x2
  add x0, x0, #1
  b loop
  hvc #0`);
  const p = await pair();
  both(p, e => mapData(e));
  assert.equal(start(p, words), L.EXIT_HVC);
  assert.equal(p.jit.e.exitImm(0), VEC.curSpxSync);
  const { ec, iss } = esr(p.jit.e);
  assert.equal(ec, EC_DABT_CUR);
  assert.equal(iss & ESR_WNR, ESR_WNR, 'the store faulted');
  assert.equal(iss & 0x3f, FSC_TRANSLATION_L3);
  assert.equal(p.jit.e.sysreg(0, L.SR_FAR_EL1), DATA_VA + 0x2000n);
  assert.equal(p.jit.e.sysreg(0, L.SR_ELR_EL1), CODE + 8n);
  assert.equal(p.jit.e.x(0, 1), DATA_VA + 0x2000n, 'the faulting post-index store did not write back');
  // 1024 iterations of 5: all but the first entries of the loop and the two page misses ran translated
  const jitted = p.jit.e.jitInstret(0);
  assert.ok(jitted > 1024n * 5n - 20n, `ran translated: ${jitted} of ${p.jit.e.instret(0)}`);
  sameMemory(p, DATA, 0x2000);
});

// ---------------------------------------------------------------- 3. MMIO inside a hot block

test('an MMIO access in a hot block reaches the hooks once per execution with the right value', { skip }, async () => {
  const words = asm(`
  mov x0, #50
  movz x1, #0x900, lsl #16    // MMIO
  mov x3, #0
loop:
  add x4, x4, #1
  ldr w2, [x1, #4]
  add x3, x3, x2
  str w0, [x1, #8]
  subs x0, x0, #1
  b.ne loop
  hvc #0`);
  const p = await pair();
  both(p, (_e, t) => { t.m.mmioValue = 7n; });
  assert.equal(start(p, words), L.EXIT_HVC);
  assert.equal(p.jit.e.x(0, 3), 350n);
  assert.ok(p.jit.e.jitInstret(0) > 0n);
  const expected = [];
  for (let i = 50n; i > 0n; i--) {
    expected.push({ pa: MMIO + 4n, size: 4, write: false, value: 0n }, { pa: MMIO + 8n, size: 4, write: true, value: i });
  }
  assert.deepEqual(p.ref.m.mmioCalls, expected);
  assert.deepEqual(p.jit.m.mmioCalls, expected);
});

// ---------------------------------------------------------------- 4. SP alignment

test('a misaligned SP as the base of a translated access takes the SP alignment fault', { skip }, async () => {
  // SP is moved off 16-byte alignment in iteration x0 == 5 (cset/sub are translated), then used as a base
  const words = asm(`
  mov x0, #20
loop:
  sub x4, x0, #5
  cmp x4, #0
  cset x5, eq
  sub sp, sp, x5, uxtx #3
  str x0, [sp, #-16]!
  ldr x1, [sp], #16
  subs x0, x0, #1
  b.ne loop
  hvc #0`);
  const p = await pair();
  both(p, e => {
    identityMap(e);
    e.setSysreg(0, L.SR_SCTLR_EL1, e.sysreg(0, L.SR_SCTLR_EL1) | SCTLR.SA);
  });
  assert.equal(start(p, words), L.EXIT_HVC);
  assert.equal(p.jit.e.exitImm(0), VEC.curSpxSync);
  assert.equal(esr(p.jit.e).ec, EC_SP_ALIGN);
  assert.equal(p.jit.e.sysreg(0, L.SR_ELR_EL1), CODE + 4n + 16n);
  assert.equal(p.jit.e.sp(0), MEM.STACK_EL1 - 8n);
  assert.equal(p.jit.e.x(0, 0), 5n);
  assert.ok(p.jit.e.jitInstret(0) > 8n * 10n);
});

// ---------------------------------------------------------------- 5. self-modifying code

/**
 * Calls `hot` ten times (it adds 1 to x1), rewrites its first instruction to `add x1, x1, #100` with `sync`
 * between the store and the next call, and calls it five more times: x1 = 10 + 5 * 100 with the new code.
 */
function patchProgram(sync: string): number[] {
  return asm(`
  mov x0, #0
  mov x1, #0
  adr x6, hot
  ldr w7, patch
outer:
  bl hot
  add x0, x0, #1
  cmp x0, #10
  b.ne outer
  str w7, [x6]
${sync}
again:
  bl hot
  sub x0, x0, #2
  cbnz x0, again
  hvc #0
hot:
  add x1, x1, #1
  ret
patch:
  add x1, x1, #100`);
}

const IC_IVAU = `
  dc cvau, x6
  dsb ish
  ic ivau, x6
  dsb ish
  isb`;
const IC_IALLU = `
  dsb ish
  ic iallu
  dsb ish
  isb`;

for (const [name, sync] of [['IC IVAU', IC_IVAU], ['IC IALLU', IC_IALLU]]) for (const mmu of [false, true]) {
  test(`code the guest rewrites and follows with ${name} runs in its new form (MMU ${mmu ? 'on' : 'off'})`, { skip }, async () => {
    const p = await pair();
    if (mmu) both(p, e => identityMap(e));
    assert.equal(start(p, patchProgram(sync)), L.EXIT_HVC);
    assert.equal(p.jit.e.x(0, 1), 510n);
    assert.ok(p.jit.e.jitInstret(0) > 0n);
  });
}

test('code rewritten without instruction-cache maintenance runs in the old or the new form', { skip }, async () => {
  const p = await pair();
  both(p, e => {
    identityMap(e);
    loadCode(e, CODE, patchProgram(''));
    e.setPc(0, CODE);
    assert.equal(e.run(0, 10_000), L.EXIT_HVC);
  });
  // Arm ARM B2.2.5: without IC maintenance either version may execute (each call adds 1 or 100)
  const added = p.jit.e.x(0, 1) - 10n;
  assert.ok(added >= 5n && added <= 500n && added % 99n === 5n % 99n, `x1 = ${p.jit.e.x(0, 1)}`);
});

// ---------------------------------------------------------------- 6. branches with link and register branches

test('BL, BLR, RET and BR link and branch as in the interpreter, and a tagged BR target honours TBI0', { skip }, async () => {
  const words = asm(`
  mov x19, #0
  adr x20, f2
  adr x21, cont
  movk x21, #0x5a00, lsl #48          // a tag in the top byte
  mov x22, #8
loop:
  bl f1
  blr x20
  adr x9, plain
  br x9
  hvc #0xbad
plain:
  br x21
  hvc #0xbad
cont:
  subs x22, x22, #1
  b.ne loop
  hvc #0
f1:
  add x19, x19, #1
  mov x10, x30
  ret
f2:
  add x19, x19, #0x100
  mov x11, x30
  ret`);
  const p = await pair();
  both(p, e => {
    identityMap(e);
    e.setSysreg(0, L.SR_TCR_EL1, tcr(39, 39, true) | TCR_TBI0);
  });
  assert.equal(start(p, words), L.EXIT_HVC);
  const { e } = p.jit;
  assert.equal(e.exitImm(0), 0);
  assert.equal(e.x(0, 19), 8n * 0x101n);
  assert.equal(e.x(0, 10), CODE + 6n * 4n, 'BL links the next instruction');
  assert.equal(e.x(0, 11), CODE + 7n * 4n, 'BLR links the next instruction');
  assert.ok(e.jitInstret(0) > 0n);
});

// ---------------------------------------------------------------- 7. code written by the host

test('code the host rewrites with writePhys runs in its new form', { skip }, async () => {
  const words = asm(`
  mov x0, #100
  mov x1, #0
loop:
  add x1, x1, #1
  subs x0, x0, #1
  b.ne loop
  hvc #0`);
  const p = await pair();
  assert.equal(start(p, words), L.EXIT_HVC);
  const add1 = words[2], add3 = asm('add x1, x1, #3')[0];
  assert.ok(p.jit.e.jitInstret(0) > 0n);
  const before = p.jit.e.jitInstret(0);
  both(p, e => {
    loadCode(e, CODE + offsetOf(words, add1), [add3]);
    e.setPc(0, CODE);
  });
  assert.equal(step(p, 10_000), L.EXIT_HVC);
  assert.equal(p.jit.e.x(0, 1), 300n);
  assert.ok(p.jit.e.jitInstret(0) > before, 'the new code ran translated');
});

// ---------------------------------------------------------------- 8. translations shared by vCPUs

test('a second vCPU runs the blocks the first one translated without translating again', { skip }, async () => {
  const p = await pair(2);
  both(p, e => identityMap(e, 2));
  assert.equal(start(p, COUNTED_LOOP), L.EXIT_HVC);
  const { e } = p.jit;
  const translated = e.jitStats.translated;
  assert.ok(translated > 0);
  both(p, x => x.setPc(1, CODE));
  assert.equal(step(p, 100_000, 1), L.EXIT_HVC);
  assert.equal(e.jitStats.translated, translated);
  assert.ok(e.jitInstret(1) > 6000n, `vCPU 1 ran translated: ${e.jitInstret(1)}`);
  assert.deepEqual(e.x(1, 1), e.x(0, 1));
});

// ---------------------------------------------------------------- 9. background compiles

test('in background mode a block runs translated after jitSettle', { skip }, async () => {
  const p = await pair(1, { jitThreshold: 1 });
  const { e } = p.jit;
  both(p, x => identityMap(x));
  assert.equal(start(p, COUNTED_LOOP), L.EXIT_HVC);
  // run() is synchronous and compiles finish on the event loop: nothing ran translated yet
  assert.equal(e.jitInstret(0), 0n);
  await e.jitSettle();
  assert.ok(e.jitStats.translated > 0 && e.jitStats.modules > 0);
  both(p, x => x.setPc(0, CODE));
  assert.equal(step(p, 100_000), L.EXIT_HVC);
  assert.ok(e.jitInstret(0) > 6000n, `ran translated: ${e.jitInstret(0)}`);
  sameMemory(p, DATA, 16);
});

// ---------------------------------------------------------------- MRS of SP_EL0, TPIDR_EL1, DAIF, NZCV, TPIDR*_EL0

const MRS_LOOP = asmOrEmpty(`
  mov x9, #200
loop:
  mrs x0, sp_el0
  mrs x1, tpidr_el1
  mrs x2, daif
  mrs x3, nzcv
  mrs x4, tpidr_el0
  mrs x5, tpidrro_el0
  add x6, x6, x0
  add x6, x6, x1
  add x6, x6, x2
  add x6, x6, x3
  eor x6, x6, x4
  eor x6, x6, x5
  subs x9, x9, #1
  b.ne loop
  hvc #0`);

test('MRS of SP_EL0, TPIDR_EL1, DAIF, NZCV and the EL0 thread registers reads what the interpreter reads', { skip }, async () => {
  const p = await pair();
  both(p, e => {
    e.setU32(0, L.S_SPSEL, 1);
    e.view.setBigUint64(e.base(0) + L.S_SP_EL0, 0xffff_0000_1234_5670n, true);
    e.setSysreg(0, L.SR_TPIDR_EL1, 0x0000_7fff_dead_b000n);
    e.setSysreg(0, L.SR_TPIDR_EL0, 0x1111_2222_3333_4444n);
    e.setSysreg(0, L.SR_TPIDRRO_EL0, 0x5555_6666_7777_8888n);
    e.setU32(0, L.S_DAIF, 0x3c0);
  });
  assert.equal(start(p, MRS_LOOP), L.EXIT_HVC);
  assert.equal(p.jit.e.x(0, 0), 0xffff_0000_1234_5670n);
  assert.equal(p.jit.e.x(0, 2), 0x3c0n);
  assert.ok(p.jit.e.jitInstret(0) > 2000n, `ran translated: ${p.jit.e.jitInstret(0)}`);
});

test('MRS SP_EL0 with SPSel = 0 is UNDEFINED in translated code as in the interpreter', { skip }, async () => {
  const p = await pair();
  both(p, e => e.setU32(0, L.S_SPSEL, 1));
  assert.equal(start(p, MRS_LOOP, 600), L.EXIT_BUDGET); // the loop is hot and translated
  assert.ok(p.jit.e.jitInstret(0) > 300n, `ran translated: ${p.jit.e.jitInstret(0)}`);
  both(p, e => {
    e.setU32(0, L.S_SPSEL, 0);
    e.setPc(0, CODE + 4n); // the loop's first instruction, MRS SP_EL0
  });
  assert.equal(step(p, 1000), L.EXIT_HVC);
  assert.equal(p.jit.e.exitImm(0), VEC.curSp0Sync);
  assert.equal(esr(p.jit.e).ec, 0x00, 'an Unknown-reason exception (UNDEFINED)');
  assert.equal(p.jit.e.sysreg(0, L.SR_ELR_EL1), CODE + 4n);
});

// ---------------------------------------------------------------- DC ZVA at EL1

const ZVA_LOOP = asmOrEmpty(`
  movz x0, #0x4020, lsl #16   // MEM.DATA
  add x0, x0, #0x1000
  mov x1, #64
loop:
  dc zva, x0
  add x0, x0, #64
  subs x1, x1, #1
  b.ne loop
  add x2, x0, #13
  dc zva, x2                   // an unaligned address zeroes its aligned block
  hvc #0`);

test('DC ZVA in translated code zeroes the same 64-byte blocks as the interpreter', { skip }, async () => {
  const p = await pair();
  both(p, e => {
    identityMap(e);
    e.writePhys(DATA + 0x1000n, new Uint8Array(0x1100).fill(0xa5));
  });
  assert.equal(start(p, ZVA_LOOP), L.EXIT_HVC);
  sameMemory(p, DATA + 0x1000n, 0x1100);
  assert.deepEqual([...p.jit.e.readPhys(DATA + 0x2000n, 64)], new Array(64).fill(0));
  assert.equal(p.jit.e.readPhys(DATA + 0x2040n, 1)[0], 0xa5);
  assert.ok(p.jit.e.jitInstret(0) > 100n, `ran translated: ${p.jit.e.jitInstret(0)}`);
});

// ---------------------------------------------------------------- exclusives and acquire/release

const ATOMIC_LOOP = asmOrEmpty(`
  movz x0, #0x4020, lsl #16   // MEM.DATA: a counter
  mov x9, #300
loop:
  ldaxr x1, [x0]
  add x1, x1, #3
  stlxr w2, x1, [x0]
  cbnz w2, loop
  ldxr w3, [x0]
  str wzr, [x0]               // a plain store changes the value: the store-exclusive below must fail
  stxr w4, w3, [x0]
  add x5, x5, x4
  ldarh w6, [x0]
  stlrb w9, [x0, #0]
  subs x9, x9, #1
  b.ne loop
  hvc #0`);

test('load/store exclusive and acquire/release in translated code behave as in the interpreter', { skip }, async () => {
  const p = await pair();
  both(p, e => identityMap(e));
  assert.equal(start(p, ATOMIC_LOOP), L.EXIT_HVC);
  sameMemory(p, DATA, 16);
  assert.equal(p.jit.e.x(0, 5), 300n, 'every store-exclusive after a changed value failed');
  assert.ok(p.jit.e.jitInstret(0) > 2000n, `ran translated: ${p.jit.e.jitInstret(0)}`);
});

// ---------------------------------------------------------------- more regions than table slots

// ten loops on pages of their own: a region never leaves its page, so each is a translation of its own
const MANY_LOOPS = asmOrEmpty(`
  mov x9, #4
outer:
  b p1
  .balign 4096
p1:
  mov x0, #5
l1:
  add x1, x1, #1
  eor x2, x2, x1, lsl #1
  subs x0, x0, #1
  b.ne l1
  b p2
  .balign 4096
p2:
  mov x0, #5
l2:
  add x1, x1, #2
  eor x2, x2, x1, lsl #2
  subs x0, x0, #1
  b.ne l2
  b p3
  .balign 4096
p3:
  mov x0, #5
l3:
  add x1, x1, #3
  eor x2, x2, x1, lsl #3
  subs x0, x0, #1
  b.ne l3
  b p4
  .balign 4096
p4:
  mov x0, #5
l4:
  add x1, x1, #4
  eor x2, x2, x1, lsl #4
  subs x0, x0, #1
  b.ne l4
  b p5
  .balign 4096
p5:
  mov x0, #5
l5:
  add x1, x1, #5
  eor x2, x2, x1, lsl #5
  subs x0, x0, #1
  b.ne l5
  b p6
  .balign 4096
p6:
  mov x0, #5
l6:
  add x1, x1, #6
  eor x2, x2, x1, lsl #6
  subs x0, x0, #1
  b.ne l6
  b p7
  .balign 4096
p7:
  mov x0, #5
l7:
  add x1, x1, #7
  eor x2, x2, x1, lsl #7
  subs x0, x0, #1
  b.ne l7
  b p8
  .balign 4096
p8:
  mov x0, #5
l8:
  add x1, x1, #8
  eor x2, x2, x1, lsl #8
  subs x0, x0, #1
  b.ne l8
  b p9
  .balign 4096
p9:
  mov x0, #5
l9:
  add x1, x1, #9
  eor x2, x2, x1, lsl #9
  subs x0, x0, #1
  b.ne l9
  b p10
  .balign 4096
p10:
  mov x0, #5
l10:
  add x1, x1, #10
  eor x2, x2, x1, lsl #10
  subs x0, x0, #1
  b.ne l10
  subs x9, x9, #1
  b.ne back
  hvc #0
back:
  adr x10, outer
  br x10`);

test('when the translations outgrow their limit all are dropped and translation starts again, with the same results', { skip }, async () => {
  const p = await pair(1, { ...JIT, jitMaxTranslations: 4 });
  assert.equal(start(p, MANY_LOOPS), L.EXIT_HVC);
  assert.ok(p.jit.e.jitStats.resets > 0, `resets: ${p.jit.e.jitStats.resets}`);
  assert.ok(p.jit.e.jitInstret(0) > 500n, `ran translated: ${p.jit.e.jitInstret(0)}`);
});

// ---------------------------------------------------------------- straight-line code after a hand-back

// An MMIO load in the middle of a long loop body: translated code stops before it every time; the interpreter
// executes that one load and translated code takes over again right after it (not only at the next branch).
const RESUME_LOOP = asmOrEmpty(`
  mov x0, #200
  movz x1, #0x900, lsl #16    // MMIO
loop:
  .rept 40
  add x4, x4, #1
  .endr
  ldr w2, [x1, #4]
  .rept 40
  add x5, x5, x4
  .endr
  subs x0, x0, #1
  b.ne loop
  hvc #0`);

test('after translated code hands one instruction back, translated code resumes right after it', { skip }, async () => {
  const p = await pair();
  assert.equal(start(p, RESUME_LOOP, 1_000_000), L.EXIT_HVC);
  const insns = 2 + 200 * 83 + 1;
  assert.equal(p.jit.e.instret(0), BigInt(insns));
  // all but the MMIO loads and the first iterations run translated
  assert.ok(p.jit.e.jitInstret(0) > BigInt(Math.floor(insns * 0.9)), `ran translated: ${p.jit.e.jitInstret(0)} of ${insns}`);
});

// ---------------------------------------------------------------- DAIF writes

const DAIF_LOOP = asmOrEmpty(`
  msr daifset, #2
  mov x0, #100
loop:
  add x1, x1, #1
  mrs x4, daif
  msr daifset, #2
  msr daif, x4
  subs x0, x0, #1
  b.ne loop
  mov x2, #7
  msr daifclr, #2        // the pending IRQ is taken before the next instruction
  mov x3, #9
  hvc #0`);

test('MSR DAIFSet/DAIFClr/DAIF in translated code: an IRQ pending while masked is taken right after the unmask', { skip }, async () => {
  const p = await pair();
  both(p, e => e.setIrqLines(0, L.IRQ_LINE_IRQ));
  assert.equal(start(p, DAIF_LOOP), L.EXIT_HVC);
  assert.equal(p.jit.e.exitImm(0), VEC.curSpxIrq);
  assert.equal(p.jit.e.sysreg(0, L.SR_ELR_EL1), CODE + offsetOf(DAIF_LOOP, DAIF_LOOP[DAIF_LOOP.length - 2]));
  assert.equal(p.jit.e.x(0, 3), 0n);
  assert.equal(p.jit.e.x(0, 1), 100n);
  assert.ok(p.jit.e.jitInstret(0) > 300n, `ran translated: ${p.jit.e.jitInstret(0)}`);
});
