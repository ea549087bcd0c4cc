// cpu/mmu.test.ts - stage-1 translation as the guest sees it (as/mmu.ts, the soft TLB of as/memory.ts, and the
// AT/TLBI instructions of as/system.ts): table walks for 39- and 48-bit VAs and both TTBRs, the fault of each
// level with its ESR/FAR, access flag and permission faults (PAN, UXN/PXN, EL0-writable never executable at
// EL1), block mappings, TLB maintenance, Device memory alignment, and PAR_EL1 after AT.
//
// Every test maps the code and vector pages (MEM.CODE .. +128 KiB) identity, read-only at EL0 and EL1, so both
// execute them; data lives at MEM.DATA (PA), mapped at the VAs each test chooses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './layout.js';
import type { Engine } from './engine.js';
import { createEngine } from '../host/engine-loader.js';
import {
  A64, Reg, Sys, sysOp, VEC, MEM, PTE, DEFAULT_ATTRS, ATTR_DEVICE, PageTables, enableMmu, esr, testMachine,
  runCode, runCodeEl0, writeU64, readU64, enterEl0, type FakeMachine,
} from './testing.js';

const { CODE, TABLES, DATA } = MEM;
const EC_IABT_LOWER = 0x20, EC_IABT_CUR = 0x21, EC_DABT_LOWER = 0x24, EC_DABT_CUR = 0x25;
const WNR = 1 << 6;
const ldr = A64.ldrX(0, 1); // LDR X0, [X1]
const str = A64.strX(2, 1); // STR X2, [X1]
const ldxr = 0xc85f7c20; // LDXR X0, [X1]
const stxr = 0xc8057c22; // STXR W5, X2, [X1]

interface Mmu { e: Engine; m: FakeMachine; pt: PageTables; pt1?: PageTables }

/** Tables of `vaBits` for TTBR0 with the code identity-mapped; `ttbr1Bits` adds a TTBR1 tree. */
async function mmu(vaBits = 39, opts: { ttbr1Bits?: number; sctlr?: bigint } = {}): Promise<Mmu> {
  const { e, m } = await testMachine(createEngine);
  const pt = new PageTables(e, TABLES, vaBits);
  pt.map(CODE, CODE, 0x20000n, { attrs: DEFAULT_ATTRS | PTE.AP_RO_ALL });
  const pt1 = opts.ttbr1Bits ? new PageTables(e, TABLES + 0x80000n, opts.ttbr1Bits) : undefined;
  enableMmu(e, 0, { ttbr0: pt, ttbr1: pt1, sctlr: opts.sctlr });
  return { e, m, pt, pt1 };
}

/** LDR X0, [va] at EL1; returns X0 or throws if the load faulted. */
function load(e: Engine, va: bigint): bigint {
  e.setX(0, 1, va);
  assert.equal(runCode(e, [ldr]), L.EXIT_HVC);
  const esrValue = e.sysreg(0, L.SR_ESR_EL1).toString(16);
  assert.equal(e.exitImm(0), 0, `load from 0x${va.toString(16)} faulted: ESR 0x${esrValue}`);
  return e.x(0, 0);
}

/** Run `words` at EL1 expecting a synchronous exception at the current EL; returns ESR fields. */
function expectAbort(e: Engine, va: bigint, words: number[]): { ec: number; iss: number } {
  e.setX(0, 1, va);
  assert.equal(runCode(e, words), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(e.sysreg(0, L.SR_FAR_EL1), va);
  const { ec, iss } = esr(e);
  return { ec, iss };
}

function putData(e: Engine, pa: bigint, v: bigint): void {
  writeU64(e, pa, v);
}

test('a 39-bit VA walks three levels to a 4 KiB page', async () => {
  const { e, pt } = await mmu(39);
  pt.map(0x12_3456_7000n, DATA, 0x1000n);
  putData(e, DATA + 0x10n, 0x1122334455667788n);
  assert.equal(load(e, 0x12_3456_7010n), 0x1122334455667788n);
});

test('a 48-bit VA walks four levels from level 0', async () => {
  const { e, pt } = await mmu(48);
  assert.equal(pt.startLevel, 0);
  pt.map(0x1234_5678_9000n, DATA, 0x1000n);
  putData(e, DATA + 0x18n, 0xabcdn);
  assert.equal(load(e, 0x1234_5678_9018n), 0xabcdn);
});

test('TTBR1 translates the upper half of the address space, TTBR0 the lower', async () => {
  const { e, pt, pt1 } = await mmu(39, { ttbr1Bits: 39 });
  const high = 0xffff_ffc0_0000_0000n + 0x5000n;
  pt1!.map(high, DATA + 0x1000n, 0x1000n);
  pt.map(0x5000n, DATA, 0x1000n);
  putData(e, DATA, 1n);
  putData(e, DATA + 0x1000n, 2n);
  assert.equal(load(e, 0x5000n), 1n);
  assert.equal(load(e, high), 2n);
});

test('an address outside both VA ranges is a level-0 translation fault', async () => {
  const { e } = await mmu(39, { ttbr1Bits: 39 });
  const { ec, iss } = expectAbort(e, 0x0000_0080_0000_0000n, [ldr]);
  assert.equal(ec, EC_DABT_CUR);
  assert.equal(iss, 0x04);
});

test('translation faults report the level of the missing descriptor in DFSC and the address in FAR', async () => {
  const { e: e48 } = await mmu(48);
  assert.equal(expectAbort(e48, 0x0000_0080_0000_0000n, [ldr]).iss, 0x04); // level 0: no L1 table
  const { e } = await mmu(39);
  assert.equal(expectAbort(e, 0x8000_0000n, [ldr]).iss, 0x05); // level 1: no L2 table
  assert.equal(expectAbort(e, 0x4040_0000n, [ldr]).iss, 0x06); // level 2: no L3 table
  const r = expectAbort(e, 0x4003_0008n, [str]);
  assert.equal(r.ec, EC_DABT_CUR);
  assert.equal(r.iss, 0x07 | WNR); // level 3 on a store
});

test('a descriptor with AF = 0 gives an access flag fault', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n, { attrs: DEFAULT_ATTRS & ~PTE.AF });
  assert.equal(expectAbort(e, 0x4003_0000n, [ldr]).iss, 0x0b);
});

test('a store to a read-only page is a permission fault with WnR', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n, { attrs: DEFAULT_ATTRS | PTE.AP_RO_EL1 });
  putData(e, DATA, 9n);
  assert.equal(load(e, 0x4003_0000n), 9n);
  const r = expectAbort(e, 0x4003_0000n, [str]);
  assert.deepEqual(r, { ec: EC_DABT_CUR, iss: 0x0f | WNR });
});

test('EL0 access to an EL1-only page is a permission fault taken from the lower EL', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n);
  e.setX(0, 1, 0x4003_0000n);
  assert.equal(runCodeEl0(e, [ldr]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.lowerSync);
  assert.deepEqual(esr(e), { ec: EC_DABT_LOWER, il: 1, iss: 0x0f });
  assert.equal(e.sysreg(0, L.SR_FAR_EL1), 0x4003_0000n);
});

test('fetching from a UXN page at EL0 is an instruction abort EC 0x20', async () => {
  const { e, pt } = await mmu();
  const page = 0x4004_0000n;
  pt.map(page, DATA, 0x1000n, { attrs: DEFAULT_ATTRS | PTE.AP_RO_ALL | PTE.UXN });
  enterEl0(e, 0, page, MEM.STACK_EL0);
  assert.equal(e.run(0, 10), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.lowerSync);
  assert.deepEqual(esr(e), { ec: EC_IABT_LOWER, il: 1, iss: 0x0f });
  assert.equal(e.sysreg(0, L.SR_FAR_EL1), page);
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), page);
});

test('fetching from a PXN page at EL1 is an instruction abort EC 0x21', async () => {
  const { e, pt } = await mmu();
  const page = 0x4004_0000n;
  pt.map(page, DATA, 0x1000n, { attrs: DEFAULT_ATTRS | PTE.PXN });
  e.setPc(0, page);
  assert.equal(e.run(0, 10), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.deepEqual(esr(e), { ec: EC_IABT_CUR, il: 1, iss: 0x0f });
  assert.equal(e.sysreg(0, L.SR_FAR_EL1), page);
});

test('a page writable at EL0 is never executable at EL1, though EL0 may execute it', async () => {
  const { e, pt } = await mmu();
  const page = 0x4004_0000n;
  pt.map(page, DATA, 0x1000n, { attrs: DEFAULT_ATTRS | PTE.AP_RW_ALL });
  e.writePhys(DATA, new Uint8Array([0x01, 0x00, 0x00, 0xd4])); // svc #0
  e.setPc(0, page);
  assert.equal(e.run(0, 10), L.EXIT_HVC);
  assert.deepEqual(esr(e), { ec: EC_IABT_CUR, il: 1, iss: 0x0f });
  enterEl0(e, 0, page, MEM.STACK_EL0);
  assert.equal(e.run(0, 10), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.lowerSync);
  assert.equal(esr(e).ec, 0x15); // the SVC ran at EL0
});

test('PSTATE.PAN makes EL0-accessible data fault at EL1 until it is cleared', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n, { attrs: DEFAULT_ATTRS | PTE.AP_RW_ALL | PTE.UXN });
  putData(e, DATA, 77n);
  assert.equal(load(e, 0x4003_0000n), 77n);
  e.setX(0, 1, 0x4003_0000n);
  assert.equal(runCode(e, [A64.pan(1), ldr]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.deepEqual(esr(e), { ec: EC_DABT_CUR, il: 1, iss: 0x0f });
  e.setX(0, 0, 0n);
  assert.equal(runCode(e, [A64.pan(0), ldr]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0);
  assert.equal(e.x(0, 0), 77n);
});

test('level-1 (1 GiB) and level-2 (2 MiB) blocks translate the offset within the block', async () => {
  const { e, pt } = await mmu();
  pt.map(0x8000_0000n, 0x4000_0000n, 1n << 30n, { level: 1 });
  pt.map(0x4060_0000n, 0x4020_0000n, 2n << 20n, { level: 2 });
  putData(e, DATA + 0x1238n, 0x5an);
  assert.equal(load(e, 0x8000_0000n + (DATA - 0x4000_0000n) + 0x1238n), 0x5an);
  assert.equal(load(e, 0x4060_1238n), 0x5an);
});

test('a changed descriptor is not seen until TLBI VAE1, then the new mapping is used', async () => {
  const { e, pt } = await mmu();
  const va = 0x4003_0000n;
  pt.map(va, DATA, 0x1000n);
  putData(e, DATA, 111n);
  putData(e, DATA + 0x1000n, 222n);
  assert.equal(load(e, va), 111n);
  pt.map(va, DATA + 0x1000n, 0x1000n);
  assert.equal(load(e, va), 111n); // the TLB still holds the old translation
  e.setX(0, 3, va >> 12n);
  e.setX(0, 1, va);
  assert.equal(runCode(e, [sysOp(Sys.tlbiVae1, 3), A64.dsbSy, A64.isb, ldr]), L.EXIT_HVC);
  assert.equal(e.x(0, 0), 222n);
});

test('TLBI by VA of a block drops the translations of all of its pages', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4060_0000n, 0x4020_0000n, 2n << 20n, { level: 2 });
  putData(e, DATA + 0x5000n, 1n);
  assert.equal(load(e, 0x4060_5000n), 1n);
  pt.setDescriptor(0x4060_0000n, 2, 0n); // break the block
  e.setX(0, 3, 0x4060_0000n >> 12n);
  e.setX(0, 1, 0x4060_5000n);
  assert.equal(runCode(e, [sysOp(Sys.tlbiVae1, 3), A64.dsbSy, ldr]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(esr(e).iss, 0x06); // level-2 translation fault: the stale page entry was dropped
});

test('TLBI by VA of any page of a 1 GiB block drops the pages cached from it elsewhere in the block', async () => {
  const { e, pt } = await mmu();
  pt.map(0x8000_0000n, 0x4000_0000n, 1n << 30n, { level: 1 });
  const va = 0x8000_0000n + (DATA - 0x4000_0000n);
  putData(e, DATA, 7n);
  assert.equal(load(e, va), 7n);
  pt.setDescriptor(0x8000_0000n, 1, 0n);
  e.setX(0, 3, (0x8000_0000n + 0x3000_0000n) >> 12n); // 768 MiB away from the cached page, same block
  e.setX(0, 1, va);
  assert.equal(runCode(e, [sysOp(Sys.tlbiVae1, 3), A64.dsbSy, ldr]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(esr(e).iss, 0x05); // level-1 translation fault
});

test('TLBI by VA drops the right block among several cached ones, and with more than the TLB tracks', async () => {
  for (const blocks of [3, 12]) {
    const { e, pt } = await mmu();
    const vaOf = (i: number) => 0x6000_0000n + BigInt(i) * 0x20_0000n;
    for (let i = 0; i < blocks; i++) pt.map(vaOf(i), 0x4020_0000n, 0x20_0000n, { level: 2 });
    putData(e, DATA + 0x18n, 9n);
    for (let i = 0; i < blocks; i++) assert.equal(load(e, vaOf(i) + 0x18n), 9n);
    const victim = blocks - 2;
    pt.setDescriptor(vaOf(victim), 2, 0n);
    e.setX(0, 3, (vaOf(victim) + 0x1f_f000n) >> 12n); // the last page of the block
    e.setX(0, 1, vaOf(victim) + 0x18n);
    assert.equal(runCode(e, [sysOp(Sys.tlbiVae1, 3), A64.dsbSy, ldr]), L.EXIT_HVC);
    assert.equal(e.exitImm(0), VEC.curSpxSync, `${blocks} blocks`);
    assert.equal(esr(e).iss, 0x06); // level-2 translation fault
    assert.equal(load(e, vaOf(0) + 0x18n), 9n); // the other blocks still translate
  }
});

test('a write to TTBR0_EL1 takes effect without a TLBI (the soft TLB is not ASID-tagged)', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n);
  putData(e, DATA, 5n);
  assert.equal(load(e, 0x4003_0000n), 5n);
  const other = new PageTables(e, TABLES + 0x40000n, 39);
  other.map(CODE, CODE, 0x20000n, { attrs: DEFAULT_ATTRS | PTE.AP_RO_ALL });
  other.map(0x4003_0000n, DATA + 0x2000n, 0x1000n);
  putData(e, DATA + 0x2000n, 6n);
  e.setX(0, 4, other.root | (1n << 48n)); // ASID 1
  e.setX(0, 1, 0x4003_0000n);
  assert.equal(runCode(e, [A64.msr(Reg.TTBR0_EL1, 4), A64.isb, ldr]), L.EXIT_HVC);
  assert.equal(e.x(0, 0), 6n);
});

test('an unaligned load from a Device page is an alignment fault; aligned loads work', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n, { attrs: PTE.AF | PTE.attr(ATTR_DEVICE) | PTE.AP_RW_EL1 });
  putData(e, DATA + 8n, 0x42n);
  assert.equal(load(e, 0x4003_0008n), 0x42n);
  assert.equal(expectAbort(e, 0x4003_0004n, [ldr]).iss, 0x21);
});

test('an unaligned access crossing into a Device page is an Alignment fault the device never sees', async () => {
  const { e, m, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n);
  pt.map(0x4003_1000n, 0x0900_0000n, 0x1000n, { attrs: PTE.AF | PTE.attr(ATTR_DEVICE) | PTE.AP_RW_EL1 });
  putData(e, DATA + 0xff8n, 0x1111_1111_1111_1111n);
  const va = 0x4003_0ffcn;
  assert.equal(expectAbort(e, va, [ldr]).iss, 0x21);
  e.setX(0, 2, 0x2222_2222_2222_2222n);
  assert.equal(expectAbort(e, va, [str]).iss, WNR | 0x21);
  assert.deepEqual(m.mmioCalls, []);
  assert.equal(readU64(e, DATA + 0xff8n), 0x1111_1111_1111_1111n);
});

test('a store crossing into an unmapped page faults on the second page and writes nothing', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n);
  putData(e, DATA + 0xff8n, 0x1111_1111_1111_1111n);
  e.setX(0, 2, 0x2222_2222_2222_2222n);
  e.setX(0, 1, 0x4003_0ffcn);
  assert.equal(runCode(e, [str]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(e.sysreg(0, L.SR_FAR_EL1), 0x4003_1000n);
  assert.equal(esr(e).iss, WNR | 0x07); // level-3 translation fault
  assert.equal(readU64(e, DATA + 0xff8n), 0x1111_1111_1111_1111n);
});

test('an unaligned access crossing two RAM pages uses the translation of each page', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA + 0x3000n, 0x1000n); // the pages are in reverse physical order
  pt.map(0x4003_1000n, DATA, 0x1000n);
  putData(e, DATA + 0x3ff8n, 0x8877_6655_4433_2211n);
  putData(e, DATA, 0xffee_ddcc_bbaa_9900n);
  assert.equal(load(e, 0x4003_0ffbn), 0xaa99_0088_7766_5544n);
  e.setX(0, 2, 0x0102_0304_0506_0708n);
  e.setX(0, 1, 0x4003_0ffdn);
  assert.equal(runCode(e, [str]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0);
  assert.equal(readU64(e, DATA + 0x3ff8n), 0x0607_0855_4433_2211n);
  assert.equal(readU64(e, DATA), 0xffee_dd01_0203_0405n);
});

test('exclusives through a cached translation monitor the PA and keep alignment and permission checks', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n);
  pt.map(0x4004_0000n, DATA, 0x1000n, { attrs: DEFAULT_ATTRS | PTE.AP_RO_EL1 });
  putData(e, DATA + 0x40n, 3n);
  assert.equal(load(e, 0x4003_0040n), 3n); // the TLB now holds both tags of the page
  e.setX(0, 2, 4n);
  assert.equal(runCode(e, [ldxr, stxr]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), 0);
  assert.deepEqual([e.x(0, 0), e.x(0, 5), readU64(e, DATA + 0x40n)], [3n, 0n, 4n]);
  assert.equal(runCode(e, [ldxr]), L.EXIT_HVC);
  assert.equal(e.view.getBigInt64(e.base(0) + L.S_EXCL_ADDR, true), DATA + 0x40n);
  assert.equal(load(e, 0x4004_0040n), 4n); // read-only alias: the read tag is cached, the write tag is not
  e.setX(0, 1, 0x4004_0040n);
  assert.equal(runCode(e, [ldxr, stxr]), L.EXIT_HVC);
  assert.equal(e.exitImm(0), VEC.curSpxSync);
  assert.equal(esr(e).iss, WNR | 0x0f); // permission fault, level 3
  assert.equal(e.sysreg(0, L.SR_ELR_EL1), CODE + 4n);
  assert.equal(expectAbort(e, 0x4003_0044n, [ldxr]).iss, 0x21); // unaligned: Alignment fault
});

test('AT S1E1R and S1E0R report the PA and attributes, or the fault, in PAR_EL1', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n); // EL1 only, Normal WB, inner shareable
  pt.map(0x4004_0000n, DATA, 0x1000n, { attrs: PTE.AF | PTE.attr(ATTR_DEVICE) | PTE.AP_RW_ALL });
  const at = (op: readonly [number, number, number, number], va: bigint): bigint => {
    e.setX(0, 5, va);
    assert.equal(runCode(e, [sysOp(op, 5), A64.mrs(6, Reg.PAR_EL1)]), L.EXIT_HVC);
    assert.equal(e.exitImm(0), 0);
    assert.equal(e.x(0, 6), e.sysreg(0, L.SR_PAR_EL1));
    return e.x(0, 6);
  };
  const ok = (pa: bigint, attr: bigint, sh: bigint) => pa | (attr << 56n) | (sh << 7n) | (1n << 11n);
  assert.equal(at(Sys.atS1e1r, 0x4003_0123n), ok(DATA, 0xffn, 3n));
  assert.equal(at(Sys.atS1e1w, 0x4003_0123n), ok(DATA, 0xffn, 3n));
  assert.equal(at(Sys.atS1e0r, 0x4004_0000n), ok(DATA, 0x00n, 2n)); // Device: SH reads 0b10
  // Faults: F = 1, FST in bits 6:1
  assert.equal(at(Sys.atS1e0r, 0x4003_0000n), 1n | (0x0fn << 1n) | (1n << 11n)); // permission, level 3
  assert.equal(at(Sys.atS1e1r, 0x8000_0000n), 1n | (0x05n << 1n) | (1n << 11n)); // translation, level 1
  assert.equal(e.sysreg(0, L.SR_FAR_EL1), 0n); // AT never writes FAR
});

test('AT S1E1R ignores PSTATE.PAN', async () => {
  const { e, pt } = await mmu();
  pt.map(0x4003_0000n, DATA, 0x1000n, { attrs: DEFAULT_ATTRS | PTE.AP_RW_ALL | PTE.UXN });
  e.setX(0, 5, 0x4003_0000n);
  assert.equal(runCode(e, [A64.pan(1), sysOp(Sys.atS1e1r, 5), A64.mrs(6, Reg.PAR_EL1)]), L.EXIT_HVC);
  assert.equal(e.x(0, 6) & 1n, 0n);
});
