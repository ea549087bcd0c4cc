// cpu/exception.test.ts - exception entry and return (as/exception.ts with the instructions of as/system.ts):
// vector selection, ESR/ELR/SPSR, stack-pointer banking, interrupts and their masks, illegal exception return,
// and the exits to the host (HVC, SMC, WFI). The vector table's entries are `hvc #0x1xx` (testing.ts VEC), so
// run() returns at the first instruction of the vector taken.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './layout.js';
import type { Engine } from './engine.js';
import { createEngine } from '../host/engine-loader.js';
import { A64, Reg, VEC, MEM, esr, spEl0, spEl1, testMachine, runCode, runCodeEl0, loadCode, SCTLR } from './testing.js';

const { CODE, STACK_EL0, STACK_EL1 } = MEM;
const EL0_CODE = CODE + 0x100n;
const EC_UNKNOWN = 0x00, EC_ILLEGAL_STATE = 0x0e, EC_SVC64 = 0x15, EC_SP_ALIGN = 0x26, EC_SERROR = 0x2f;
const EC_BRK64 = 0x3c;
const SPSR_EL0T = 0n, SPSR_EL1T = 4n, SPSR_EL1H = 5n, SPSR_IL = 1n << 20n, SPSR_DAIF = 0xfn << 6n;

const machine = (vcpus = 1) => testMachine(createEngine, vcpus);

/** Enter EL0 at EL0_CODE through ERET from EL1 with SP_EL0 = STACK_EL0; `el0` runs there. */
function eretToEl0(e: Engine, el0: number[], spsr = SPSR_EL0T): number {
  loadCode(e, EL0_CODE, el0);
  e.setX(0, 1, STACK_EL0);
  e.setX(0, 2, spsr);
  e.setX(0, 3, EL0_CODE);
  return runCode(e, [A64.msr(Reg.SP_EL0, 1), A64.msr(Reg.SPSR_EL1, 2), A64.msr(Reg.ELR_EL1, 3), A64.eret]);
}

test('SVC from EL0 enters VBAR_EL1 + 0x400 with ESR, ELR and SPSR of the caller', async () => {
  const { e } = await machine();
  e.setX(0, 5, 0x60000000n); // Z and C
  assert.equal(runCodeEl0(e, [A64.msr(Reg.NZCV, 5), A64.svc(0x1234)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.lowerSync);
  assert.equal(e.pc(0), MEM.VBAR + 0x400n + 4n);
  assert.deepEqual(esr(e), { ec: EC_SVC64, il: 1, iss: 0x1234 });
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE + 8n); // the instruction after the SVC
  assert.equal(e.sysreg(0, L.SR_SPSR_EL1), 0x60000000n | SPSR_EL0T);
  assert.equal(e.u32(0, L.S_EL), 1);
  assert.equal(e.u32(0, L.S_DAIF), 0x3c0); // all masked on entry
});

test('SVC from EL1 uses the SP_ELx vector (+0x200) with SPSel = 1 and the SP_EL0 vector (+0x000) with 0', async () => {
  const { e } = await machine();
  e.setU32(0, L.S_DAIF, 0x140); // D and I masked: saved in SPSR
  assert.equal(runCode(e, [A64.svc(7)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(e.sysreg(0, L.SR_SPSR_EL1), 0x140n | SPSR_EL1H);
  assert.equal(esr(e).iss, 7);
  assert.equal(runCode(e, [A64.spsel(0), A64.svc(8)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSp0Sync);
  assert.equal(e.sysreg(0, L.SR_SPSR_EL1), SPSR_DAIF | SPSR_EL1T);
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE + 8n);
  assert.equal(e.u32(0, L.S_SPSEL), 1); // exception entry selects SP_EL1
});

test('ERET to EL0 restores PSTATE from SPSR and banks SP_EL0 and SP_EL1', async () => {
  const { e } = await machine();
  const movXSp = (rd: number) => (0x910003e0 | rd) >>> 0; // ADD Xd, SP, #0
  assert.equal(eretToEl0(e, [movXSp(4), A64.mrs(5, Reg.NZCV), A64.svc(1)], 0x80000000n), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.lowerSync);
  assert.equal(e.x(0, 4), STACK_EL0); // EL0 ran on SP_EL0
  assert.equal(e.x(0, 5), 0x80000000n); // N restored by ERET
  assert.equal(e.sp(0), STACK_EL1); // back at EL1 on SP_EL1
  assert.equal(spEl0(e, 0), STACK_EL0);
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), EL0_CODE + 12n);
  assert.equal(e.sysreg(0, L.SR_SPSR_EL1), 0x80000000n | SPSR_EL0T);
});

test('ERET to EL1 with SPSel = 0 (EL1t) runs on SP_EL0 and keeps SP_EL1 banked', async () => {
  const { e } = await machine();
  loadCode(e, EL0_CODE, [A64.mrs(6, Reg.CurrentEL), A64.mrs(7, Reg.SPSel), A64.hvc(2)]);
  e.setX(0, 1, STACK_EL0);
  e.setX(0, 2, SPSR_EL1T);
  e.setX(0, 3, EL0_CODE);
  assert.equal(runCode(e, [A64.msr(Reg.SP_EL0, 1), A64.msr(Reg.SPSR_EL1, 2), A64.msr(Reg.ELR_EL1, 3), A64.eret]),
    L.EXIT_HVC);
  assert.equal(e.exitImm(0), 2);
  assert.deepEqual([e.x(0, 6), e.x(0, 7)], [4n, 0n]);
  assert.equal(e.sp(0), STACK_EL0);
  assert.equal(spEl1(e, 0), STACK_EL1);
});

test('ERET sets the event register, so a following WFE does not wait', async () => {
  const { e } = await machine();
  loadCode(e, EL0_CODE, [A64.wfe, A64.hvc(3)]);
  e.setX(0, 2, SPSR_EL1H);
  e.setX(0, 3, EL0_CODE);
  assert.equal(runCode(e, [A64.msr(Reg.SPSR_EL1, 2), A64.msr(Reg.ELR_EL1, 3), A64.eret]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 3);
});

test('ERET applies top-byte-ignore to ELR_EL1 like a branch: a tagged return address runs untagged', async () => {
  const { e } = await machine();
  loadCode(e, EL0_CODE, [A64.hvc(3)]);
  e.setSysreg(0, L.SR_TCR_EL1, 1n << 37n); // TBI0
  e.setX(0, 2, SPSR_EL1H);
  e.setX(0, 3, EL0_CODE | (0x5an << 56n));
  assert.equal(runCode(e, [A64.msr(Reg.SPSR_EL1, 2), A64.msr(Reg.ELR_EL1, 3), A64.eret]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 3);
  assert.equal(e.pc(0), EL0_CODE + 4n);
});

test('an illegal exception return (SPSR.M = EL2h) sets PSTATE.IL and the next instruction takes EC 0x0E', async () => {
  const { e } = await machine();
  e.setX(0, 2, 0x9n | 0x20000000n); // EL2h, C
  e.setX(0, 3, EL0_CODE);
  loadCode(e, EL0_CODE, [A64.nop]);
  assert.equal(runCode(e, [A64.msr(Reg.SPSR_EL1, 2), A64.msr(Reg.ELR_EL1, 3), A64.eret]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync); // still at EL1 with SP_EL1
  assert.deepEqual(esr(e), { ec: EC_ILLEGAL_STATE, il: 1, iss: 0 });
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), EL0_CODE); // nothing executed at the target
  assert.equal(e.sysreg(0, L.SR_SPSR_EL1), 0x20000000n | SPSR_IL | SPSR_EL1H);
  assert.equal(e.u32(0, L.S_IL), 0); // cleared by the exception entry
});

test('an undefined instruction takes EC 0 with ELR at the instruction', async () => {
  const { e } = await machine();
  assert.equal(runCode(e, [A64.nop, 0x00000000]), L.EXIT_HVC); // UDF #0
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.deepEqual(esr(e), { ec: EC_UNKNOWN, il: 1, iss: 0 });
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE + 4n);
});

test('BRK takes EC 0x3C with the immediate, returning to the BRK itself', async () => {
  const { e } = await machine();
  assert.equal(runCode(e, [A64.nop, A64.brk(0x3e8)]), L.EXIT_HVC);
  assert.deepEqual(esr(e), { ec: EC_BRK64, il: 1, iss: 0x3e8 });
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE + 4n);
  assert.equal(runCodeEl0(e, [A64.brk(1)]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.lowerSync);
  assert.equal(esr(e).ec, EC_BRK64);
});

test('HVC and SMC at EL1 exit to the host with the immediate and PC after them', async () => {
  const { e } = await machine();
  loadCode(e, CODE, [A64.nop, A64.hvc(0xbeef), A64.smc(0x42)]);
  e.setPc(0, CODE);
  assert.equal(e.run(0, 100), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0xbeef);
  assert.equal(e.pc(0), CODE + 8n);
  assert.equal(e.instret(0), 2n);
  assert.equal(e.run(0, 100), L.EXIT_SMC);
  assert.equal(e.exitImm(0), 0x42);
  assert.equal(e.pc(0), CODE + 12n);
});

test('HVC, SMC and ERET at EL0 are UNDEFINED', async () => {
  const { e } = await machine();
  for (const word of [A64.hvc(1), A64.smc(1), A64.eret, A64.hlt(0), A64.drps]) {
    assert.equal(runCodeEl0(e, [word]), L.EXIT_HVC);
    assert.equal(e.exitImm(0), VEC.lowerSync, `0x${word.toString(16)}`);
    assert.equal(esr(e).ec, EC_UNKNOWN);
    assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE);
  }
});

test('an IRQ with PSTATE.I clear is taken at VBAR + 0x280 from EL1 and + 0x480 from EL0', async () => {
  const { e } = await machine();
  e.setIrqLines(0, L.IRQ_LINE_IRQ);
  e.setU32(0, L.S_DAIF, 0);
  assert.equal(runCode(e, [A64.nop]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxIrq);
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE); // nothing executed: the interrupt came first
  assert.equal(e.sysreg(0, L.SR_SPSR_EL1), SPSR_EL1H);
  assert.equal(runCodeEl0(e, [A64.nop, A64.nop]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.lowerIrq);
  assert.equal(e.sysreg(0, L.SR_SPSR_EL1), SPSR_EL0T);
});

test('a masked IRQ waits, and WFI with it pending is a NOP; with no interrupt WFI exits', async () => {
  const { e } = await machine();
  e.setIrqLines(0, L.IRQ_LINE_IRQ);
  e.setU32(0, L.S_DAIF, 0x80); // I masked
  assert.equal(runCode(e, [A64.nop, A64.wfi, A64.nop]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0);
  assert.equal(e.pc(0), CODE + 16n);
  e.setIrqLines(0, 0);
  assert.equal(runCode(e, [A64.nop, A64.wfi, A64.nop]), L.EXIT_WFI);
  assert.equal(e.pc(0), CODE + 8n);
  // The machine raises the line while the vCPU waits; unmasked, it is taken on resume
  e.setIrqLines(0, L.IRQ_LINE_IRQ);
  e.setU32(0, L.S_DAIF, 0);
  assert.equal(e.run(0, 100), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxIrq);
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE + 8n);
});

test('FIQ and SError go to their own vectors; SError writes ESR', async () => {
  const { e } = await machine();
  e.setU32(0, L.S_DAIF, 0);
  e.setIrqLines(0, L.IRQ_LINE_FIQ);
  assert.equal(runCode(e, [A64.nop]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxFiq);
  e.setU32(0, L.S_DAIF, 0);
  e.setIrqLines(0, L.IRQ_LINE_SERROR);
  assert.equal(runCode(e, [A64.nop]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSerror);
  assert.equal(esr(e).ec, EC_SERROR);
});

test('exception entry sets PSTATE.PAN when SCTLR_EL1.SPAN is 0', async () => {
  const { e } = await machine();
  e.setSysreg(0, L.SR_SCTLR_EL1, SCTLR.RES1 & ~SCTLR.SPAN);
  assert.equal(runCodeEl0(e, [A64.svc(0)]), L.EXIT_HVC);
  assert.equal(e.u32(0, L.S_PAN), 1);
  e.setSysreg(0, L.SR_SCTLR_EL1, SCTLR.RES1);
  e.setU32(0, L.S_PAN, 0);
  assert.equal(runCodeEl0(e, [A64.svc(0)]), L.EXIT_HVC);
  assert.equal(e.u32(0, L.S_PAN), 0);
});

test('a load through a misaligned SP takes an SP alignment fault when SCTLR_EL1.SA is set', async () => {
  const { e } = await machine();
  const ldrXSp = A64.ldrX(0, 31);
  e.setSp(0, STACK_EL1 + 8n); // 8-byte aligned (the MMU is off: data is Device memory), not 16
  assert.equal(runCode(e, [ldrXSp]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0); // SA clear: no check
  e.setSysreg(0, L.SR_SCTLR_EL1, SCTLR.RES1 | SCTLR.SA);
  assert.equal(runCode(e, [A64.nop, ldrXSp]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.deepEqual(esr(e), { ec: EC_SP_ALIGN, il: 1, iss: 0 });
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE + 4n);
});
