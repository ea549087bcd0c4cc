// cpu/system.test.ts - System instructions and registers (as/system.ts, as/sysreg.ts, as/timer.ts) through the
// Engine: MRS/MSR with their EL0 traps, the Generic Timer with a fake counter, the host hook for ICC_*, the
// identification registers, PSTATE writes, hints, DC ZVA and TLB maintenance.
//
// Guest physical memory (RAM is 4 MiB at 0x4000_0000; the MMU is off unless a test maps it):
//   0x4000_0000 code, 0x4001_0000 vector table (every entry `hvc #0x1xx`), 0x4010_0000 page tables,
//   0x4020_0000 data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as L from './layout.js';
import type { Engine } from './engine.js';
import { createEngine } from '../host/engine-loader.js';
import { havePeer, AARCH64_AS } from '../host/peers.js';
import {
  A64, Reg, Sys, sysOp, sysKey, VEC, PageTables, enableMmu, enableFp, esr, SCTLR, PTE, DEFAULT_ATTRS, MEM,
  testMachine, runCode, runCodeEl0,
} from './testing.js';

const { CODE, TABLES, DATA } = MEM;
const EC_UNKNOWN = 0x00, EC_FP_ACCESS = 0x07, EC_SYSREG = 0x18, EC_DABT_CUR = 0x25;

const machine = (vcpus = 1) => testMachine(createEngine, vcpus);
const run = (e: Engine, words: number[]) => runCode(e, words);
const runEl0 = (e: Engine, words: number[]) => runCodeEl0(e, words);

function identityMap(e: Engine, sctlr = 0n, attrs = DEFAULT_ATTRS): void {
  const pt = new PageTables(e, TABLES, 39);
  pt.map(0x40000000n, 0x40000000n, 1n << 30n, { level: 1, attrs });
  enableMmu(e, 0, { ttbr0: pt, sctlr });
}

test('the A64 encoders used by the tests match the GNU assembler', { skip: !havePeer(AARCH64_AS) }, () => {
  const cases: [string, number][] = [
    ['mrs x3, id_aa64mmfr0_el1', A64.mrs(3, Reg.ID_AA64MMFR0_EL1)],
    ['msr cntv_cval_el0, x7', A64.msr(Reg.CNTV_CVAL_EL0, 7)],
    ['mrs x1, s3_0_c12_c12_0', A64.mrs(1, Reg.ICC_IAR1_EL1)],
    ['msr daifset, #2', A64.daifSet(2)], ['msr daifclr, #15', A64.daifClr(15)],
    ['msr spsel, #0', A64.spsel(0)], ['msr pan, #1', A64.pan(1)],
    ['dc zva, x0', sysOp(Sys.dcZva, 0)], ['at s1e0r, x2', sysOp(Sys.atS1e0r, 2)],
    ['tlbi vaae1is, x4', sysOp(Sys.tlbiVaae1is, 4)], ['tlbi vmalle1', sysOp(Sys.tlbiVmalle1, 31)],
    ['ic ivau, x5', sysOp(Sys.icIvau, 5)], ['dc civac, x6', sysOp(Sys.dcCivac, 6)],
    ['svc #0x12', A64.svc(0x12)], ['hvc #0x4567', A64.hvc(0x4567)], ['smc #1', A64.smc(1)],
    ['brk #0x3e8', A64.brk(0x3e8)], ['eret', A64.eret], ['wfi', A64.wfi], ['sevl', A64.sevl],
    ['movz x2, #0x1234, lsl #16', A64.movz(2, 0x1234, 1)], ['ldr x1, [x2, #8]', A64.ldrX(1, 2, 8)],
    ['str x3, [x4]', A64.strX(3, 4)], ['mrs x9, mdscr_el1', A64.mrs(9, Reg.MDSCR_EL1)],
    ['msr oslar_el1, x0', A64.msr(Reg.OSLAR_EL1, 0)],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'tsxen-sys-'));
  try {
    const src = '.arch armv8.1-a\n' + cases.map(([s]) => s).join('\n') + '\n';
    writeFileSync(join(dir, 'a.s'), src);
    execFileSync('aarch64-linux-gnu-as', ['-o', join(dir, 'a.o'), join(dir, 'a.s')]);
    execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
    const bin = readFileSync(join(dir, 'a.bin'));
    cases.forEach(([s, word], i) => assert.equal(word >>> 0, bin.readUInt32LE(i * 4), s));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- identification registers

test('ID registers describe exactly the implemented features', async () => {
  const { e } = await machine();
  const regs = [Reg.ID_AA64PFR0_EL1, Reg.ID_AA64PFR1_EL1, Reg.ID_AA64ISAR0_EL1, Reg.ID_AA64ISAR1_EL1,
    Reg.ID_AA64MMFR0_EL1, Reg.ID_AA64MMFR1_EL1, Reg.ID_AA64MMFR2_EL1, Reg.ID_AA64DFR0_EL1, Reg.ID_PFR0_EL1,
    Reg.MVFR0_EL1, Reg.REVIDR_EL1, Reg.CTR_EL0, Reg.CLIDR_EL1];
  for (let i = 0; i < regs.length; i++) e.setX(0, i, 0xdeadn);
  assert.equal(run(e, regs.map((k, i) => A64.mrs(i, k))), L.EXIT_HVC);
  const got = regs.map((_, i) => e.x(0, i));
  assert.deepEqual(got, [0x01000011n, 0n, 0n, 0n, 0x0f000022n, 0x00100000n, 0n, 0x00101006n, 0n, 0n, 0n,
    0x8444c004n, 0x0a200023n]);
});

test('an unallocated register in the ID space reads as zero', async () => {
  const { e, m } = await machine();
  e.setX(0, 0, 5n);
  assert.equal(run(e, [A64.mrs(0, 0xc000 | (7 << 3) | 7)]), L.EXIT_HVC); // S3_0_C0_C7_7
  assert.equal(e.x(0, 0), 0n);
  assert.equal(m.unimplementedCalls.length, 0);
});

test('MIDR_EL1 and MPIDR_EL1 come from the slots the machine sets', async () => {
  const { e } = await machine(2);
  e.setSysreg(0, L.SR_MPIDR_EL1, 0x80000102n);
  assert.equal(run(e, [A64.mrs(1, Reg.MIDR_EL1), A64.mrs(2, Reg.MPIDR_EL1)]), L.EXIT_HVC);
  assert.equal(e.x(0, 1), 0x411fd070n);
  assert.equal(e.x(0, 2), 0x80000102n);
});

test('CCSIDR_EL1 follows CSSELR_EL1 through L1D, L1I and L2', async () => {
  const { e } = await machine();
  e.setX(0, 9, 1n);
  e.setX(0, 10, 2n);
  assert.equal(run(e, [A64.mrs(0, Reg.CCSIDR_EL1), A64.msr(Reg.CSSELR_EL1, 9), A64.mrs(1, Reg.CCSIDR_EL1),
    A64.msr(Reg.CSSELR_EL1, 10), A64.mrs(2, Reg.CCSIDR_EL1)]), L.EXIT_HVC);
  assert.deepEqual([e.x(0, 0), e.x(0, 1), e.x(0, 2)], [0x701fe00an, 0x201fe012n, 0x70ffe07an]);
});

test('writing an ID register is UNDEFINED and not logged', async () => {
  const { e, m } = await machine();
  assert.equal(run(e, [A64.msr(Reg.ID_AA64PFR0_EL1, 0)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(esr(e).ec, EC_UNKNOWN);
  assert.equal(m.unimplementedCalls.length, 0);
});

test('registers of absent features are UNDEFINED and reported to the host once each', async () => {
  const { e, m } = await machine();
  for (const key of [Reg.PMCR_EL0, Reg.ZCR_EL1, Reg.SP_EL1]) {
    assert.equal(run(e, [A64.mrs(0, key)]), L.EXIT_HVC);
    assert.equal(e.exitImm(0), VEC.curSpxSync);
    assert.equal(esr(e).ec, EC_UNKNOWN);
  }
  assert.deepEqual(m.unimplementedCalls.map(c => c.insn),
    [A64.mrs(0, Reg.PMCR_EL0), A64.mrs(0, Reg.ZCR_EL1), A64.mrs(0, Reg.SP_EL1)]);
});

test('an EL1 register read at EL0 is UNDEFINED (EC 0) without a log entry', async () => {
  const { e, m } = await machine();
  assert.equal(runEl0(e, [A64.mrs(0, Reg.SCTLR_EL1)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.lowerSync);
  assert.equal(esr(e).ec, EC_UNKNOWN);
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE);
  assert.equal(m.unimplementedCalls.length, 0);
});

test('CTR_EL0 at EL0 traps with EC 0x18 unless SCTLR_EL1.UCT', async () => {
  const { e } = await machine();
  e.setSysreg(0, L.SR_SCTLR_EL1, SCTLR.RES1);
  assert.equal(runEl0(e, [A64.mrs(3, Reg.CTR_EL0)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.lowerSync);
  const { ec, il, iss } = esr(e);
  assert.equal(ec, EC_SYSREG);
  assert.equal(il, 1);
  // ISS: Op0 = 3, Op2 = 1, Op1 = 3, CRn = 0, Rt = 3, CRm = 0, Direction = 1 (read)
  assert.equal(iss, (3 << 20) | (1 << 17) | (3 << 14) | (0 << 10) | (3 << 5) | (0 << 1) | 1);
  e.setSysreg(0, L.SR_SCTLR_EL1, SCTLR.RES1 | SCTLR.UCT);
  assert.equal(runEl0(e, [A64.mrs(3, Reg.CTR_EL0)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, 0x15); // reached the final SVC
  assert.equal(e.x(0, 3), 0x8444c004n);
});

test('DCZID_EL0 reports 64-byte blocks, and DZP at EL0 unless SCTLR_EL1.DZE', async () => {
  const { e } = await machine();
  assert.equal(run(e, [A64.mrs(0, Reg.DCZID_EL0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 0), 4n);
  assert.equal(runEl0(e, [A64.mrs(0, Reg.DCZID_EL0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 0), 0x14n);
  e.setSysreg(0, L.SR_SCTLR_EL1, SCTLR.RES1 | SCTLR.DZE);
  assert.equal(runEl0(e, [A64.mrs(0, Reg.DCZID_EL0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 0), 4n);
});

// ---------------------------------------------------------------- control registers

test('SCTLR_EL1 keeps its RES1 bits set and its RES0 bits clear', async () => {
  const { e } = await machine();
  e.setX(0, 1, 0n);
  e.setX(0, 2, ~1n); // everything but M: the code keeps running with the MMU off
  assert.equal(run(e, [A64.msr(Reg.SCTLR_EL1, 1), A64.mrs(3, Reg.SCTLR_EL1), A64.msr(Reg.SCTLR_EL1, 2),
    A64.mrs(4, Reg.SCTLR_EL1), A64.msr(Reg.SCTLR_EL1, 1)]), L.EXIT_HVC);
  assert.equal(e.x(0, 3), 0x30500980n);
  assert.equal(e.x(0, 4), 0x30500980n | 0x048dd21en);
});

test('TCR_EL1, VBAR_EL1 and ESR_EL1 drop their RES0 bits', async () => {
  const { e } = await machine();
  e.setX(0, 1, -1n);
  assert.equal(run(e, [A64.msr(Reg.TCR_EL1, 1), A64.mrs(2, Reg.TCR_EL1), A64.msr(Reg.ESR_EL1, 1),
    A64.mrs(3, Reg.ESR_EL1), A64.msr(Reg.VBAR_EL1, 1), A64.mrs(4, Reg.VBAR_EL1)]), L.EXIT_HVC);
  assert.equal(e.x(0, 2), 0x77ffffffbfn);
  assert.equal(e.x(0, 3), 0xffffffffn);
  assert.equal(e.x(0, 4), 0xfffffffffffff800n);
});

test('CurrentEL, SPSel and SP_EL0 at EL1', async () => {
  const { e } = await machine();
  e.setSp(0, 0x40380000n);
  e.setX(0, 5, 0x40370000n);
  assert.equal(run(e, [A64.mrs(0, Reg.CurrentEL), A64.mrs(1, Reg.SPSel), A64.msr(Reg.SP_EL0, 5),
    A64.spsel(0), A64.mrs(2, Reg.SPSel)]), L.EXIT_HVC);
  assert.deepEqual([e.x(0, 0), e.x(0, 1), e.x(0, 2)], [4n, 1n, 0n]);
  assert.equal(e.sp(0), 0x40370000n); // SP_EL0 is now the stack pointer
  // With PSTATE.SP = 0, SP_EL0 is not accessible by name
  assert.equal(run(e, [A64.mrs(3, Reg.SP_EL0)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSp0Sync);
  assert.equal(esr(e).ec, EC_UNKNOWN);
});

test('FPCR and FPSR keep their defined bits and trap while CPACR_EL1.FPEN disables FP', async () => {
  const { e } = await machine();
  e.setX(0, 1, 0xffffffffn);
  assert.equal(run(e, [A64.msr(Reg.FPCR, 1)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(esr(e).ec, EC_FP_ACCESS);
  enableFp(e, 0);
  assert.equal(run(e, [A64.msr(Reg.FPCR, 1), A64.msr(Reg.FPSR, 1), A64.mrs(2, Reg.FPCR), A64.mrs(3, Reg.FPSR)]),
    L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0);
  assert.equal(e.x(0, 2), 0x07c00000n);
  assert.equal(e.x(0, 3), 0x0800009fn);
});

test('TPIDRRO_EL0 is writable at EL1 and read-only at EL0', async () => {
  const { e } = await machine();
  e.setX(0, 1, 0x1234n);
  assert.equal(run(e, [A64.msr(Reg.TPIDRRO_EL0, 1)]), L.EXIT_HVC);
  assert.equal(runEl0(e, [A64.mrs(2, Reg.TPIDRRO_EL0), A64.msr(Reg.TPIDR_EL0, 1), A64.msr(Reg.TPIDRRO_EL0, 1)]),
    L.EXIT_HVC);
  assert.equal(e.x(0, 2), 0x1234n);
  assert.equal(e.sysreg(0, L.SR_TPIDR_EL0), 0x1234n);
  assert.equal(esr(e).ec, EC_UNKNOWN);
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE + 8n);
});

test('OSLSR_EL1.OSLK is set after a cold reset', async () => {
  const { e } = await machine();
  assert.equal(run(e, [A64.mrs(2, Reg.OSLSR_EL1)]), L.EXIT_HVC);
  assert.equal(e.x(0, 2), 0xan); // OSLM = 0b10, OSLK = 1
});

test('OSLAR_EL1 sets and clears OSLSR_EL1.OSLK; OSLAR_EL1 is write-only', async () => {
  const { e } = await machine();
  e.setX(0, 1, 1n);
  assert.equal(run(e, [A64.msr(Reg.OSLAR_EL1, 1), A64.mrs(2, Reg.OSLSR_EL1), A64.msr(Reg.OSLAR_EL1, 31),
    A64.mrs(3, Reg.OSLSR_EL1), A64.mrs(4, Reg.OSLAR_EL1)]), L.EXIT_HVC);
  assert.equal(e.x(0, 2), 0xan);
  assert.equal(e.x(0, 3), 0x8n);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(esr(e).ec, EC_UNKNOWN);
});

test('debug breakpoint registers exist for the two breakpoints and watchpoints advertised', async () => {
  const { e, m } = await machine();
  e.setX(0, 1, -1n);
  assert.equal(run(e, [A64.msr(Reg.DBGBVR0_EL1, 1), A64.msr(Reg.DBGBCR1_EL1, 1), A64.mrs(2, Reg.DBGBVR0_EL1),
    A64.mrs(3, Reg.DBGBCR1_EL1), A64.msr(Reg.MDSCR_EL1, 1), A64.mrs(4, Reg.MDSCR_EL1),
    A64.mrs(5, Reg.DBGWCR2_EL1)]), L.EXIT_HVC);
  assert.equal(e.x(0, 2), 0xfffffffffffffffcn);
  assert.equal(e.x(0, 3), 0x00ffe1e7n);
  assert.equal(e.x(0, 4), 0x0ce0f041n);
  assert.equal(e.exitImm(0), VEC.curSpxSync); // watchpoint 2 does not exist
  assert.deepEqual(m.unimplementedCalls.map(c => c.insn), [A64.mrs(5, Reg.DBGWCR2_EL1)]);
});

test('breakpoint and watchpoint registers live in the SR_DBG* slots of the vCPU state', async () => {
  const { e } = await machine();
  const DBGBVR1_EL1 = sysKey(2, 0, 0, 1, 4), DBGWVR1_EL1 = sysKey(2, 0, 0, 1, 6);
  const DBGWCR0_EL1 = sysKey(2, 0, 0, 0, 7);
  e.setX(0, 1, 0x1234_5678n);
  assert.equal(run(e, [A64.msr(DBGBVR1_EL1, 1), A64.msr(DBGWVR1_EL1, 1), A64.msr(DBGWCR0_EL1, 1)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0);
  assert.equal(e.sysreg(0, L.SR_DBGBVR0_EL1 + 1), 0x1234_5678n);
  assert.equal(e.sysreg(0, L.SR_DBGWVR0_EL1 + 1), 0x1234_5678n);
  assert.equal(e.sysreg(0, L.SR_DBGWCR0_EL1), 0x1234_5678n & 0x1f1fffffn);
});

test('MDCCSR_EL0 reads zero at EL0 unless MDSCR_EL1.TDCC traps it', async () => {
  const { e } = await machine();
  e.setX(0, 0, 7n);
  assert.equal(runEl0(e, [A64.mrs(0, Reg.MDCCSR_EL0)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, 0x15);
  assert.equal(e.x(0, 0), 0n);
  e.setSysreg(0, L.SR_MDSCR_EL1, 1n << 12n);
  assert.equal(runEl0(e, [A64.mrs(0, Reg.MDCCSR_EL0)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_SYSREG);
});

// ---------------------------------------------------------------- PSTATE

test('MSR DAIFSet and DAIFClr change the masks and MRS DAIF reads them', async () => {
  const { e } = await machine();
  e.setU32(0, L.S_DAIF, 0);
  assert.equal(run(e, [A64.daifSet(0b0110), A64.mrs(0, Reg.DAIF), A64.daifClr(0b0100), A64.mrs(1, Reg.DAIF),
    A64.daifSet(0b1001), A64.mrs(2, Reg.DAIF)]), L.EXIT_HVC);
  assert.deepEqual([e.x(0, 0), e.x(0, 1), e.x(0, 2)], [0x180n, 0x80n, 0x2c0n]);
});

test('DAIFClr lets a pending IRQ in before the next instruction', async () => {
  const { e } = await machine();
  e.setIrqLines(0, L.IRQ_LINE_IRQ);
  assert.equal(run(e, [A64.nop, A64.daifClr(2), A64.nop]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxIrq);
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE + 8n);
});

test('DAIF at EL0 traps with EC 0x18 unless SCTLR_EL1.UMA', async () => {
  const { e } = await machine();
  assert.equal(runEl0(e, [A64.daifSet(2)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_SYSREG);
  assert.equal(esr(e).iss, (0 << 20) | (6 << 17) | (3 << 14) | (4 << 10) | (31 << 5) | (2 << 1) | 0);
  e.setSysreg(0, L.SR_SCTLR_EL1, SCTLR.RES1 | SCTLR.UMA);
  assert.equal(runEl0(e, [A64.daifSet(2), A64.mrs(4, Reg.DAIF)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, 0x15);
  assert.equal(e.x(0, 4), 0x80n);
});

test('MSR PAN sets PSTATE.PAN, visible through MRS PAN and in SPSR on exception entry', async () => {
  const { e } = await machine();
  assert.equal(run(e, [A64.pan(1), A64.mrs(0, Reg.PAN), A64.svc(0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 0), 1n << 22n);
  assert.equal(e.u32(0, L.S_PAN), 1);
  assert.equal((e.sysreg(0, L.SR_SPSR_EL1) >> 22n) & 1n, 1n);
  assert.equal(run(e, [A64.pan(0), A64.mrs(0, Reg.PAN)]), L.EXIT_HVC);
  assert.equal(e.x(0, 0), 0n);
});

test('MSR NZCV and MRS NZCV', async () => {
  const { e } = await machine();
  e.setX(0, 1, 0xffffffffn);
  assert.equal(run(e, [A64.msr(Reg.NZCV, 1), A64.mrs(2, Reg.NZCV)]), L.EXIT_HVC);
  assert.equal(e.x(0, 2), 0xf0000000n);
});

test('unsupported PSTATE fields (UAO, DIT, SSBS) are UNDEFINED', async () => {
  const { e } = await machine();
  for (const word of [A64.msrImm(0, 3, 1), A64.msrImm(3, 2, 1), A64.msrImm(3, 1, 1)]) {
    assert.equal(run(e, [word]), L.EXIT_HVC);
    assert.equal(e.exitImm(0), VEC.curSpxSync);
    assert.equal(esr(e).ec, EC_UNKNOWN);
  }
});

// ---------------------------------------------------------------- hints

test('PAuth, BTI, CSDB, ESB and YIELD hints execute as NOP; SB is UNDEFINED', async () => {
  const { e } = await machine();
  assert.equal(run(e, [A64.paciasp, A64.autiasp, A64.bti, A64.csdb, A64.esb, A64.yield, A64.nop, 0xd50327ff]),
    L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0);
  assert.equal(run(e, [A64.sb]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
});

test('WFE consumes the event SEVL set, then exits to the host', async () => {
  const { e } = await machine();
  assert.equal(run(e, [A64.sevl, A64.wfe, A64.wfe]), L.EXIT_WFE);
  assert.equal(e.pc(0), CODE + 12n);
  assert.equal(e.u32(0, L.S_EVENT), 0);
});

test('SEV sets the event register of every vCPU', async () => {
  const { e } = await machine(2);
  assert.equal(run(e, [A64.sev]), L.EXIT_HVC);
  assert.equal(e.u32(0, L.S_EVENT), 1);
  assert.equal(e.u32(1, L.S_EVENT), 1);
});

test('WFI at EL0 traps with EC 0x01 unless SCTLR_EL1.nTWI', async () => {
  const { e } = await machine();
  assert.equal(runEl0(e, [A64.wfi]), L.EXIT_HVC);
  assert.equal(esr(e).ec, 0x01);
  assert.equal(esr(e).iss, (1 << 24) | (0xe << 20));
  e.setSysreg(0, L.SR_SCTLR_EL1, SCTLR.RES1 | SCTLR.nTWI);
  assert.equal(runEl0(e, [A64.wfi]), L.EXIT_WFI);
  assert.equal(e.pc(0), CODE + 4n);
});

// ---------------------------------------------------------------- Generic Timer

test('CNTVCT is CNTPCT minus CNTVOFF_EL2, and CNTFRQ comes from the machine', async () => {
  const { e, m } = await machine();
  m.count = 1_000_000n;
  e.setSysreg(0, L.SR_CNTVOFF_EL2, 250_000n);
  assert.equal(run(e, [A64.mrs(0, Reg.CNTPCT_EL0), A64.mrs(1, Reg.CNTVCT_EL0), A64.mrs(2, Reg.CNTFRQ_EL0)]),
    L.EXIT_HVC);
  assert.deepEqual([e.x(0, 0), e.x(0, 1), e.x(0, 2)], [1_000_000n, 750_000n, 62_500_000n]);
});

test('CNTV TVAL, CVAL and CTL.ISTATUS follow the virtual count', async () => {
  const { e, m } = await machine();
  m.count = 1000n;
  e.setSysreg(0, L.SR_CNTVOFF_EL2, 100n); // CNTVCT = 900
  e.setX(0, 1, 950n);
  e.setX(0, 2, 1n); // ENABLE
  assert.equal(run(e, [A64.msr(Reg.CNTV_CVAL_EL0, 1), A64.msr(Reg.CNTV_CTL_EL0, 2), A64.mrs(3, Reg.CNTV_CTL_EL0),
    A64.mrs(4, Reg.CNTV_TVAL_EL0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 3), 1n); // 900 < 950: not met
  assert.equal(e.x(0, 4), 50n);
  m.count = 1100n; // CNTVCT = 1000
  assert.equal(run(e, [A64.mrs(3, Reg.CNTV_CTL_EL0), A64.mrs(4, Reg.CNTV_TVAL_EL0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 3), 5n); // ISTATUS | ENABLE
  assert.equal(e.x(0, 4), 0xffffffcen); // -50 as a 32-bit value
  e.setX(0, 5, 0xfffffff6n); // TVAL = -10
  e.setX(0, 6, 3n); // ENABLE | IMASK
  assert.equal(run(e, [A64.msr(Reg.CNTV_TVAL_EL0, 5), A64.mrs(7, Reg.CNTV_CVAL_EL0), A64.msr(Reg.CNTV_CTL_EL0, 6),
    A64.mrs(8, Reg.CNTV_CTL_EL0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 7), 990n);
  assert.equal(e.sysreg(0, L.SR_CNTV_CVAL_EL0), 990n);
  assert.equal(e.x(0, 8), 7n);
  e.setX(0, 9, 0n);
  assert.equal(run(e, [A64.msr(Reg.CNTV_CTL_EL0, 9), A64.mrs(8, Reg.CNTV_CTL_EL0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 8), 0n); // disabled: ISTATUS clear
});

test('CNTP timer uses the physical count; TVAL writes sign-extend', async () => {
  const { e, m } = await machine();
  m.count = 5000n;
  e.setSysreg(0, L.SR_CNTVOFF_EL2, 4000n);
  e.setX(0, 1, 0x80000000n); // TVAL = -2^31
  assert.equal(run(e, [A64.msr(Reg.CNTP_TVAL_EL0, 1), A64.mrs(2, Reg.CNTP_CVAL_EL0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 2), BigInt.asUintN(64, 5000n - 0x80000000n));
  e.setX(0, 1, 6000n);
  e.setX(0, 3, 1n);
  assert.equal(run(e, [A64.msr(Reg.CNTP_CVAL_EL0, 1), A64.msr(Reg.CNTP_CTL_EL0, 3), A64.mrs(4, Reg.CNTP_CTL_EL0),
    A64.mrs(5, Reg.CNTP_TVAL_EL0)]), L.EXIT_HVC);
  assert.equal(e.x(0, 4), 1n);
  assert.equal(e.x(0, 5), 1000n);
});

test('CNTFRQ_EL0, CNTPCT_EL0 and CNTVCT_EL0 are read-only at EL1', async () => {
  const { e } = await machine();
  for (const key of [Reg.CNTFRQ_EL0, Reg.CNTPCT_EL0, Reg.CNTVCT_EL0]) {
    assert.equal(run(e, [A64.msr(key, 0)]), L.EXIT_HVC);
    assert.equal(e.exitImm(0), VEC.curSpxSync);
    assert.equal(esr(e).ec, EC_UNKNOWN);
  }
});

test('CNTKCTL_EL1 gates each EL0 timer access; trapped accesses take EC 0x18', async () => {
  const { e, m } = await machine();
  m.count = 77n;
  const cases: [number, bigint][] = [
    [Reg.CNTPCT_EL0, 1n << 0n], [Reg.CNTVCT_EL0, 1n << 1n], [Reg.CNTV_CTL_EL0, 1n << 8n],
    [Reg.CNTP_CVAL_EL0, 1n << 9n], [Reg.CNTFRQ_EL0, 1n << 1n],
  ];
  for (const [key, enable] of cases) {
    e.setSysreg(0, L.SR_CNTKCTL_EL1, 0x3ffn & ~enable & ~(key === Reg.CNTFRQ_EL0 ? 1n : 0n));
    assert.equal(runEl0(e, [A64.mrs(0, key)]), L.EXIT_HVC);
    assert.equal(esr(e).ec, EC_SYSREG, `trapped 0x${key.toString(16)}`);
    assert.equal(esr(e).iss & 1, 1);
    assert.equal((esr(e).iss >> 10) & 15, 14);
    e.setSysreg(0, L.SR_CNTKCTL_EL1, enable);
    assert.equal(runEl0(e, [A64.mrs(0, key)]), L.EXIT_HVC);
    assert.equal(esr(e).ec, 0x15, `allowed 0x${key.toString(16)}`);
  }
  assert.equal(e.x(0, 0), 62_500_000n);
});

test('CNTKCTL_EL1 keeps bits 9:0 only and is UNDEFINED at EL0', async () => {
  const { e } = await machine();
  e.setX(0, 1, -1n);
  assert.equal(run(e, [A64.msr(Reg.CNTKCTL_EL1, 1), A64.mrs(2, Reg.CNTKCTL_EL1)]), L.EXIT_HVC);
  assert.equal(e.x(0, 2), 0x3ffn);
  assert.equal(runEl0(e, [A64.mrs(2, Reg.CNTKCTL_EL1)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_UNKNOWN);
});

// ---------------------------------------------------------------- GIC CPU interface: the machine's

test('ICC_* registers go to the host hook, which reads and writes X[rt]', async () => {
  const { e, m } = await machine();
  m.onSysreg = call => {
    if (call.key === Reg.ICC_IAR1_EL1 && call.isRead) e.setX(call.vcpu, call.rt, 27n);
    return true;
  };
  e.setX(0, 4, 0x1_0001n);
  assert.equal(run(e, [A64.mrs(3, Reg.ICC_IAR1_EL1), A64.msr(Reg.ICC_EOIR1_EL1, 3), A64.msr(Reg.ICC_SGI1R_EL1, 4),
    A64.mrs(5, Reg.ICC_SRE_EL1), A64.msr(Reg.ICC_PMR_EL1, 4)]), L.EXIT_HVC);
  assert.equal(e.x(0, 3), 27n);
  assert.deepEqual(m.sysregCalls.map(c => [c.key, c.isRead, c.rt]), [
    [Reg.ICC_IAR1_EL1, true, 3], [Reg.ICC_EOIR1_EL1, false, 3], [Reg.ICC_SGI1R_EL1, false, 4],
    [Reg.ICC_SRE_EL1, true, 5], [Reg.ICC_PMR_EL1, false, 4],
  ]);
});

test('an ICC_* access the host refuses is UNDEFINED; at EL0 it never reaches the host', async () => {
  const { e, m } = await machine();
  assert.equal(run(e, [A64.mrs(0, Reg.ICC_IAR1_EL1)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(esr(e).ec, EC_UNKNOWN);
  assert.equal(m.sysregCalls.length, 1);
  assert.equal(runEl0(e, [A64.mrs(0, Reg.ICC_IAR1_EL1)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_UNKNOWN);
  assert.equal(m.sysregCalls.length, 1);
});

test('IMPLEMENTATION DEFINED registers (CRn = 15) go to the host hook', async () => {
  const { e, m } = await machine();
  m.onSysreg = () => true;
  const cpuectlr = (3 << 14) | (1 << 11) | (15 << 7) | (2 << 3) | 1; // S3_1_C15_C2_1
  assert.equal(run(e, [A64.mrs(2, cpuectlr)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0);
  assert.deepEqual(m.sysregCalls.map(c => c.key), [cpuectlr]);
});

// ---------------------------------------------------------------- DC ZVA

test('DC ZVA zeroes exactly the aligned 64-byte block holding the address', async () => {
  const { e } = await machine();
  identityMap(e);
  e.writePhys(DATA, new Uint8Array(192).fill(0xff));
  e.setX(0, 0, DATA + 0x47n);
  assert.equal(run(e, [sysOp(Sys.dcZva, 0), sysOp(Sys.dcZva, 0)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0);
  const bytes = e.readPhys(DATA, 192);
  assert.ok(bytes.subarray(0, 64).every(b => b === 0xff));
  assert.ok(bytes.subarray(64, 128).every(b => b === 0));
  assert.ok(bytes.subarray(128).every(b => b === 0xff));
});

test('DC ZVA with the MMU off is an Alignment fault (data accesses are Device memory)', async () => {
  const { e } = await machine();
  e.writePhys(DATA, new Uint8Array(64).fill(0xff));
  e.setX(0, 0, DATA + 8n);
  assert.equal(run(e, [sysOp(Sys.dcZva, 0)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(esr(e).ec, EC_DABT_CUR);
  assert.equal(esr(e).iss, 0x21 | (1 << 6)); // alignment fault, WnR
  assert.equal(e.sysreg(0, L.SR_FAR_EL1), DATA + 8n);
  assert.ok(e.readPhys(DATA, 64).every(b => b === 0xff));
});

test('DC ZVA faults like a store on a read-only page', async () => {
  const { e } = await machine();
  const pt = new PageTables(e, TABLES, 39);
  pt.map(CODE, CODE, 0x20000n, {});
  pt.map(DATA, DATA, 0x1000n, { attrs: DEFAULT_ATTRS | PTE.AP_RO_EL1 });
  enableMmu(e, 0, { ttbr0: pt });
  e.setX(0, 0, DATA + 0x80n);
  assert.equal(run(e, [sysOp(Sys.dcZva, 0)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_DABT_CUR);
  assert.equal(esr(e).iss, 0x0f | (1 << 6)); // permission fault level 3, WnR, CM = 0
  assert.equal(e.sysreg(0, L.SR_FAR_EL1), DATA + 0x80n);
});

test('DC ZVA at EL0 traps with EC 0x18 unless SCTLR_EL1.DZE', async () => {
  const { e } = await machine();
  const pt = new PageTables(e, TABLES, 39);
  pt.map(CODE, CODE, 0x20000n, { attrs: DEFAULT_ATTRS | PTE.AP_RO_ALL }); // code and vectors: EL0 and EL1 execute
  pt.map(DATA, DATA, 0x1000n, { attrs: DEFAULT_ATTRS | PTE.AP_RW_ALL | PTE.UXN });
  enableMmu(e, 0, { ttbr0: pt });
  e.writePhys(DATA, new Uint8Array(64).fill(0xff));
  e.setX(0, 0, DATA);
  assert.equal(runEl0(e, [sysOp(Sys.dcZva, 0)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_SYSREG);
  e.setSysreg(0, L.SR_SCTLR_EL1, e.sysreg(0, L.SR_SCTLR_EL1) | SCTLR.DZE);
  assert.equal(runEl0(e, [sysOp(Sys.dcZva, 0)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, 0x15);
  assert.ok(e.readPhys(DATA, 64).every(b => b === 0));
});

test('DC CIVAC on an unmapped address is a Data Abort with CM and WnR set', async () => {
  const { e } = await machine();
  const pt = new PageTables(e, TABLES, 39);
  pt.map(CODE, CODE, 0x20000n, {});
  enableMmu(e, 0, { ttbr0: pt });
  e.setX(0, 6, 0x40030010n);
  assert.equal(run(e, [sysOp(Sys.dcCivac, 6)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_DABT_CUR);
  assert.equal(esr(e).iss, 0x07 | (1 << 6) | (1 << 8)); // translation fault level 3, WnR, CM
  assert.equal(e.sysreg(0, L.SR_FAR_EL1), 0x40030010n);
});

// ---------------------------------------------------------------- TLB maintenance

test('TLBI inner-shareable forms bump the domain TLB generation; local forms do not', async () => {
  const { e } = await machine(2);
  const gen = () => e.view.getUint32(L.DOM_TLB_GEN, true);
  const g0 = gen();
  assert.equal(run(e, [sysOp(Sys.tlbiVmalle1, 31), sysOp(Sys.tlbiVae1, 1), sysOp(Sys.tlbiAside1, 1)]), L.EXIT_HVC);
  assert.equal(gen(), g0);
  assert.equal(run(e, [sysOp(Sys.tlbiVmalle1is, 31), sysOp(Sys.tlbiVaae1is, 1)]), L.EXIT_HVC);
  assert.equal(gen(), g0 + 2);
  assert.equal(e.u32(0, L.S_TLB_GEN), g0 + 2); // the issuing vCPU flushed itself
  assert.equal(e.u32(1, L.S_TLB_GEN), g0); // the other flushes when it next runs
});

test('TLBI and AT are UNDEFINED at EL0; EL2 forms are logged', async () => {
  const { e, m } = await machine();
  assert.equal(runEl0(e, [sysOp(Sys.tlbiVmalle1, 31)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_UNKNOWN);
  assert.equal(runEl0(e, [sysOp(Sys.atS1e1r, 0)]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_UNKNOWN);
  assert.equal(m.unimplementedCalls.length, 0);
  const tlbiAlle2 = A64.sys(4, 8, 7, 0, 31);
  assert.equal(run(e, [tlbiAlle2]), L.EXIT_HVC);
  assert.equal(esr(e).ec, EC_UNKNOWN);
  assert.deepEqual(m.unimplementedCalls.map(c => c.insn), [tlbiAlle2]);
});

test('a CLREX clears the exclusive monitor', async () => {
  const { e } = await machine();
  e.view.setBigInt64(e.base(0) + L.S_EXCL_ADDR, 0x40200000n, true);
  assert.equal(run(e, [A64.clrex, A64.dsbSy, A64.dmbIsh, A64.isb]), L.EXIT_HVC);
  assert.equal(e.view.getBigInt64(e.base(0) + L.S_EXCL_ADDR, true), -1n);
});

test('ISR_EL1 shows pending interrupts whatever the masks', async () => {
  const { e } = await machine();
  e.setIrqLines(0, L.IRQ_LINE_IRQ | L.IRQ_LINE_FIQ);
  assert.equal(run(e, [A64.mrs(0, Reg.ISR_EL1)]), L.EXIT_HVC);
  assert.equal(e.x(0, 0), 0xc0n);
});
