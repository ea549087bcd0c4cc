// cpu/fp.test.ts - scalar floating point (as/fp.ts over the soft-float core as/fpcore.ts) on its edges: every
// FPCR.RMode on ties and inexact values, FZ (IDC/UFC), DN, NaN propagation order, fused multiply-add, saturating
// conversions, FRINTX, FCMPE, half precision with AHP, FMAXNM. Instructions run through the Engine at 0x40000000
// with the MMU off; functions only AdvSIMD reaches (FRECPE, FRSQRTE, FRECPS, ...) are checked on a standalone
// build of fpcore.ts.
//
// The expected values are generated: each case was run under qemu-aarch64 (which implements the Arm ARM
// pseudocode) by a program that sets FPCR, NZCV and the registers, runs the instruction and records V0, X0, NZCV
// and FPSR. The last test re-runs every case under qemu-aarch64 when it and aarch64-linux-gnu-as are installed.
//
// Initial state of every case: V0 = SENT:SENT_HI, X0 = SENT, V1..V3 = the inputs (0 if absent) with SENT_HI in
// bits 127:64 (or vhi1), X1 = x1, X2 = X3 = 0, FPSR = 0.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../host/engine-loader.js';
import type { Engine } from './engine.js';
import * as L from './layout.js';

// FPCR (Arm ARM C5.2.8) and FPSR (C5.2.9) bits
const RN = 0, RP = 1 << 22, RM = 2 << 22, RZ = 3 << 22, FZ = 1 << 24, DN = 1 << 25, AHP = 1 << 26;
const IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128;

const CODE = 0x4000_0000n;
const SENT = 0xdeadbeefcafef00dn;
const SENT_HI = 0x0123456789abcdefn;

interface In { v1?: bigint; vhi1?: bigint; v2?: bigint; v3?: bigint; x1?: bigint; fpcr?: number; nzcv?: number }
interface Out { v0?: bigint; v0hi?: bigint; x0?: bigint; nzcv?: number; fpsr: number }
/** [assembly, encoding, inputs, expected] */
type Case = [string, number, In, Out];
/** [assembly, fpcore export, operands, FPCR, expected result bits, expected FPSR] */
type CoreCase = [string, string, bigint[], number, bigint, number];

interface State { v0: bigint; v0hi: bigint; x0: bigint; nzcv: number; fpsr: number; pc: bigint }

let engine: Engine;
let logged: number[] = [];

before(async () => {
  engine = await createEngine({
    ramSize: 0x1_0000,
    vcpus: 1,
    hooks: {
      mmioRead: () => 0n,
      mmioWrite: () => {},
      counter: () => 0n,
      sysregAccess: () => false,
      unimplemented: (_vcpu, _pc, insn) => { logged.push(insn); },
    },
  });
});

/** Execute the single instruction `insn` at CODE from the initial state described by `inp`. */
function step(insn: number, inp: In): State {
  const base = engine.base(0);
  engine.reset(0);
  engine.setSysreg(0, L.SR_CPACR_EL1, 3n << 20n); // FPEN: no trap of SIMD&FP at EL0/EL1
  const word = new Uint8Array(4);
  new DataView(word.buffer).setUint32(0, insn >>> 0, true);
  engine.writePhys(CODE, word);
  engine.setPc(0, CODE);
  const v = [SENT, inp.v1 ?? 0n, inp.v2 ?? 0n, inp.v3 ?? 0n];
  for (let i = 0; i < 4; i++) {
    engine.view.setBigUint64(base + L.S_V + 16 * i, v[i], true);
    engine.view.setBigUint64(base + L.S_V + 16 * i + 8, i === 1 && inp.vhi1 !== undefined ? inp.vhi1 : SENT_HI, true);
  }
  engine.setX(0, 0, SENT);
  engine.setX(0, 1, inp.x1 ?? 0n);
  engine.setU32(0, L.S_FPCR, inp.fpcr ?? 0);
  engine.setU32(0, L.S_FPSR, 0);
  engine.setU32(0, L.S_NZCV, inp.nzcv ?? 0);
  engine.run(0, 1);
  return {
    v0: engine.view.getBigUint64(base + L.S_V, true),
    v0hi: engine.view.getBigUint64(base + L.S_V + 8, true),
    x0: engine.x(0, 0),
    nzcv: engine.u32(0, L.S_NZCV),
    fpsr: engine.u32(0, L.S_FPSR),
    pc: engine.pc(0),
  };
}

const hex = (v: bigint | number): string => '0x' + v.toString(16);

function check(cases: Case[]): void {
  for (const [asm, insn, inp, exp] of cases) {
    const s = step(insn, inp);
    const what = `${asm} with ${JSON.stringify(inp, (_k, x) => (typeof x === 'bigint' ? hex(x) : x))}`;
    assert.equal(s.pc, CODE + 4n, `${what}: took an exception`);
    if (exp.v0 !== undefined) {
      assert.equal(hex(s.v0), hex(exp.v0), `${what}: V0<63:0>`);
      assert.equal(hex(s.v0hi), hex(exp.v0hi ?? 0n), `${what}: V0<127:64>`);
    }
    if (exp.x0 !== undefined) assert.equal(hex(s.x0), hex(exp.x0), `${what}: X0`);
    if (exp.nzcv !== undefined) assert.equal(hex(s.nzcv), hex(exp.nzcv), `${what}: NZCV`);
    assert.equal(hex(s.fpsr), hex(exp.fpsr), `${what}: FPSR`);
  }
}

// ---------------------------------------------------------------- golden cases (generated with qemu-aarch64)

const ROUNDING_CASES: Case[] = [
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x3f800000n, v2: 0x33800000n }, { v0: 0x3f800000n, fpsr: IXC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x3f800001n, v2: 0x33800000n }, { v0: 0x3f800002n, fpsr: IXC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0xbf800000n, v2: 0xb3800000n }, { v0: 0xbf800000n, fpsr: IXC }],
  ['fsub s0, s1, s2', 0x1e223820, { v1: 0x3f800000n, v2: 0x32800000n }, { v0: 0x3f800000n, fpsr: IXC }],
  ['fmul s0, s1, s2', 0x1e220820, { v1: 0x3f800001n, v2: 0x3f800001n }, { v0: 0x3f800002n, fpsr: IXC }],
  ['fdiv s0, s1, s2', 0x1e221820, { v1: 0xbf800000n, v2: 0x40400000n }, { v0: 0xbeaaaaabn, fpsr: IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff0000000000000n, v2: 0x3ca0000000000000n }, { v0: 0x3ff0000000000000n, fpsr: IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff0000000000001n, v2: 0x3ca0000000000000n }, { v0: 0x3ff0000000000002n, fpsr: IXC }],
  ['fsub d0, d1, d2', 0x1e623820, { v1: 0xbff0000000000000n, v2: 0x3c90400000000000n }, { v0: 0xbff0000000000000n, fpsr: IXC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x3ff0000000000001n, v2: 0x3fefffffffffffffn }, { v0: 0x3ff0000000000000n, fpsr: IXC }],
  ['fdiv d0, d1, d2', 0x1e621820, { v1: 0x4000000000000000n, v2: 0x4008000000000000n }, { v0: 0x3fe5555555555555n, fpsr: IXC }],
  ['fsqrt d0, d1', 0x1e61c020, { v1: 0x4000000000000000n }, { v0: 0x3ff6a09e667f3bcdn, fpsr: IXC }],
  ['fsqrt s0, s1', 0x1e21c020, { v1: 0x40000000n }, { v0: 0x3fb504f3n, fpsr: IXC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x7e70000000000000n, v2: 0xc630000000000000n }, { v0: 0xfff0000000000000n, fpsr: OFC | IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff8000000000000n, v2: 0xbff8000000000000n }, { v0: 0x0n, fpsr: 0 }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x3f800000n, v2: 0x33800000n, fpcr: RP }, { v0: 0x3f800001n, fpsr: IXC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x3f800001n, v2: 0x33800000n, fpcr: RP }, { v0: 0x3f800002n, fpsr: IXC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0xbf800000n, v2: 0xb3800000n, fpcr: RP }, { v0: 0xbf800000n, fpsr: IXC }],
  ['fsub s0, s1, s2', 0x1e223820, { v1: 0x3f800000n, v2: 0x32800000n, fpcr: RP }, { v0: 0x3f800000n, fpsr: IXC }],
  ['fmul s0, s1, s2', 0x1e220820, { v1: 0x3f800001n, v2: 0x3f800001n, fpcr: RP }, { v0: 0x3f800003n, fpsr: IXC }],
  ['fdiv s0, s1, s2', 0x1e221820, { v1: 0xbf800000n, v2: 0x40400000n, fpcr: RP }, { v0: 0xbeaaaaaan, fpsr: IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff0000000000000n, v2: 0x3ca0000000000000n, fpcr: RP }, { v0: 0x3ff0000000000001n, fpsr: IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff0000000000001n, v2: 0x3ca0000000000000n, fpcr: RP }, { v0: 0x3ff0000000000002n, fpsr: IXC }],
  ['fsub d0, d1, d2', 0x1e623820, { v1: 0xbff0000000000000n, v2: 0x3c90400000000000n, fpcr: RP }, { v0: 0xbff0000000000000n, fpsr: IXC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x3ff0000000000001n, v2: 0x3fefffffffffffffn, fpcr: RP }, { v0: 0x3ff0000000000001n, fpsr: IXC }],
  ['fdiv d0, d1, d2', 0x1e621820, { v1: 0x4000000000000000n, v2: 0x4008000000000000n, fpcr: RP }, { v0: 0x3fe5555555555556n, fpsr: IXC }],
  ['fsqrt d0, d1', 0x1e61c020, { v1: 0x4000000000000000n, fpcr: RP }, { v0: 0x3ff6a09e667f3bcdn, fpsr: IXC }],
  ['fsqrt s0, s1', 0x1e21c020, { v1: 0x40000000n, fpcr: RP }, { v0: 0x3fb504f4n, fpsr: IXC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x7e70000000000000n, v2: 0xc630000000000000n, fpcr: RP }, { v0: 0xffefffffffffffffn, fpsr: OFC | IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff8000000000000n, v2: 0xbff8000000000000n, fpcr: RP }, { v0: 0x0n, fpsr: 0 }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x3f800000n, v2: 0x33800000n, fpcr: RM }, { v0: 0x3f800000n, fpsr: IXC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x3f800001n, v2: 0x33800000n, fpcr: RM }, { v0: 0x3f800001n, fpsr: IXC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0xbf800000n, v2: 0xb3800000n, fpcr: RM }, { v0: 0xbf800001n, fpsr: IXC }],
  ['fsub s0, s1, s2', 0x1e223820, { v1: 0x3f800000n, v2: 0x32800000n, fpcr: RM }, { v0: 0x3f7fffffn, fpsr: IXC }],
  ['fmul s0, s1, s2', 0x1e220820, { v1: 0x3f800001n, v2: 0x3f800001n, fpcr: RM }, { v0: 0x3f800002n, fpsr: IXC }],
  ['fdiv s0, s1, s2', 0x1e221820, { v1: 0xbf800000n, v2: 0x40400000n, fpcr: RM }, { v0: 0xbeaaaaabn, fpsr: IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff0000000000000n, v2: 0x3ca0000000000000n, fpcr: RM }, { v0: 0x3ff0000000000000n, fpsr: IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff0000000000001n, v2: 0x3ca0000000000000n, fpcr: RM }, { v0: 0x3ff0000000000001n, fpsr: IXC }],
  ['fsub d0, d1, d2', 0x1e623820, { v1: 0xbff0000000000000n, v2: 0x3c90400000000000n, fpcr: RM }, { v0: 0xbff0000000000001n, fpsr: IXC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x3ff0000000000001n, v2: 0x3fefffffffffffffn, fpcr: RM }, { v0: 0x3ff0000000000000n, fpsr: IXC }],
  ['fdiv d0, d1, d2', 0x1e621820, { v1: 0x4000000000000000n, v2: 0x4008000000000000n, fpcr: RM }, { v0: 0x3fe5555555555555n, fpsr: IXC }],
  ['fsqrt d0, d1', 0x1e61c020, { v1: 0x4000000000000000n, fpcr: RM }, { v0: 0x3ff6a09e667f3bccn, fpsr: IXC }],
  ['fsqrt s0, s1', 0x1e21c020, { v1: 0x40000000n, fpcr: RM }, { v0: 0x3fb504f3n, fpsr: IXC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x7e70000000000000n, v2: 0xc630000000000000n, fpcr: RM }, { v0: 0xfff0000000000000n, fpsr: OFC | IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff8000000000000n, v2: 0xbff8000000000000n, fpcr: RM }, { v0: 0x8000000000000000n, fpsr: 0 }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x3f800000n, v2: 0x33800000n, fpcr: RZ }, { v0: 0x3f800000n, fpsr: IXC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x3f800001n, v2: 0x33800000n, fpcr: RZ }, { v0: 0x3f800001n, fpsr: IXC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0xbf800000n, v2: 0xb3800000n, fpcr: RZ }, { v0: 0xbf800000n, fpsr: IXC }],
  ['fsub s0, s1, s2', 0x1e223820, { v1: 0x3f800000n, v2: 0x32800000n, fpcr: RZ }, { v0: 0x3f7fffffn, fpsr: IXC }],
  ['fmul s0, s1, s2', 0x1e220820, { v1: 0x3f800001n, v2: 0x3f800001n, fpcr: RZ }, { v0: 0x3f800002n, fpsr: IXC }],
  ['fdiv s0, s1, s2', 0x1e221820, { v1: 0xbf800000n, v2: 0x40400000n, fpcr: RZ }, { v0: 0xbeaaaaaan, fpsr: IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff0000000000000n, v2: 0x3ca0000000000000n, fpcr: RZ }, { v0: 0x3ff0000000000000n, fpsr: IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff0000000000001n, v2: 0x3ca0000000000000n, fpcr: RZ }, { v0: 0x3ff0000000000001n, fpsr: IXC }],
  ['fsub d0, d1, d2', 0x1e623820, { v1: 0xbff0000000000000n, v2: 0x3c90400000000000n, fpcr: RZ }, { v0: 0xbff0000000000000n, fpsr: IXC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x3ff0000000000001n, v2: 0x3fefffffffffffffn, fpcr: RZ }, { v0: 0x3ff0000000000000n, fpsr: IXC }],
  ['fdiv d0, d1, d2', 0x1e621820, { v1: 0x4000000000000000n, v2: 0x4008000000000000n, fpcr: RZ }, { v0: 0x3fe5555555555555n, fpsr: IXC }],
  ['fsqrt d0, d1', 0x1e61c020, { v1: 0x4000000000000000n, fpcr: RZ }, { v0: 0x3ff6a09e667f3bccn, fpsr: IXC }],
  ['fsqrt s0, s1', 0x1e21c020, { v1: 0x40000000n, fpcr: RZ }, { v0: 0x3fb504f3n, fpsr: IXC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x7e70000000000000n, v2: 0xc630000000000000n, fpcr: RZ }, { v0: 0xffefffffffffffffn, fpsr: OFC | IXC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0x3ff8000000000000n, v2: 0xbff8000000000000n, fpcr: RZ }, { v0: 0x0n, fpsr: 0 }],
];

const FZ_CASES: Case[] = [
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x10n, v2: 0x0n, fpcr: FZ }, { v0: 0x0n, fpsr: IDC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x10n, v2: 0x0n }, { v0: 0x10n, fpsr: 0 }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x400000n, v2: 0x400000n }, { v0: 0x800000n, fpsr: 0 }],
  ['fmul s0, s1, s2', 0x1e220820, { v1: 0xd800000n, v2: 0x30800000n }, { v0: 0x80000n, fpsr: 0 }],
  ['fmul s0, s1, s2', 0x1e220820, { v1: 0xd800000n, v2: 0x30800000n, fpcr: FZ }, { v0: 0x0n, fpsr: UFC }],
  ['fmul s0, s1, s2', 0x1e220820, { v1: 0xe400000n, v2: 0x27000000n }, { v0: 0x3n, fpsr: 0 }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x170000000000000n, v2: 0x3e8fffffffffffffn }, { v0: 0x10000000000000n, fpsr: UFC | IXC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x170000000000000n, v2: 0x3e8fffffffffffffn, fpcr: FZ }, { v0: 0x0n, fpsr: UFC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x170000000000000n, v2: 0x3e8fffffffffffffn, fpcr: RZ }, { v0: 0xfffffffffffffn, fpsr: UFC | IXC }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x1n, v2: 0x3fe0000000000000n, v3: 0x0n }, { v0: 0x0n, fpsr: UFC | IXC }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x1n, v2: 0x3ff8000000000000n, v3: 0x0n, fpcr: FZ }, { v0: 0x0n, fpsr: IDC }],
  ['fsub d0, d1, d2', 0x1e623820, { v1: 0x18000000000000n, v2: 0x10000000000000n, fpcr: FZ }, { v0: 0x0n, fpsr: UFC }],
  ['fcmp s1, s2', 0x1e222020, { v1: 0x1n, v2: 0x80000000n, fpcr: FZ }, { nzcv: 0x60000000, fpsr: IDC }],
  ['fcvt d0, s1', 0x1e22c020, { v1: 0x80000001n, fpcr: FZ }, { v0: 0x8000000000000000n, fpsr: IDC }],
  ['fcvt s0, d1', 0x1e624020, { v1: 0x3730000000000000n, fpcr: FZ }, { v0: 0x0n, fpsr: UFC }],
  ['fcvt s0, d1', 0x1e624020, { v1: 0x3730000000000000n }, { v0: 0x200n, fpsr: 0 }],
  ['fcvt h0, s1', 0x1e23c020, { v1: 0x1n, fpcr: FZ }, { v0: 0x0n, fpsr: IDC }],
  ['fcvt h0, s1', 0x1e23c020, { v1: 0x35800000n, fpcr: FZ }, { v0: 0x10n, fpsr: 0 }],
  ['fcvtzs w0, s1', 0x1e380020, { v1: 0x80000001n, fpcr: RM | FZ }, { x0: 0x0n, fpsr: IDC }],
  ['fcvtzs w0, s1', 0x1e380020, { v1: 0x80000001n }, { x0: 0x0n, fpsr: IXC }],
  ['fmax d0, d1, d2', 0x1e624820, { v1: 0x8000000000000001n, v2: 0x0n, fpcr: FZ }, { v0: 0x0n, fpsr: IDC }],
  ['fsqrt d0, d1', 0x1e61c020, { v1: 0x4n }, { v0: 0x1e70000000000000n, fpsr: 0 }],
  ['fsqrt d0, d1', 0x1e61c020, { v1: 0x4n, fpcr: FZ }, { v0: 0x0n, fpsr: IDC }],
];

const DN_CASES: Case[] = [
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x7fc12345n, v2: 0x3f800000n }, { v0: 0x7fc12345n, fpsr: 0 }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x7fc12345n, v2: 0x3f800000n, fpcr: DN }, { v0: 0x7fc00000n, fpsr: 0 }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0xfff0000000000004n, v2: 0x3ff0000000000000n, fpcr: DN }, { v0: 0x7ff8000000000000n, fpsr: IOC }],
  ['fadd d0, d1, d2', 0x1e622820, { v1: 0xfff0000000000004n, v2: 0x3ff0000000000000n }, { v0: 0xfff8000000000004n, fpsr: IOC }],
  ['fsqrt s0, s1', 0x1e21c020, { v1: 0xbf800000n }, { v0: 0x7fc00000n, fpsr: IOC }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0x7ff0000000000000n, v2: 0x0n }, { v0: 0x7ff8000000000000n, fpsr: IOC }],
  ['fcvt d0, s1', 0x1e22c020, { v1: 0xff812345n }, { v0: 0xfff82468a0000000n, fpsr: IOC }],
  ['fcvt d0, s1', 0x1e22c020, { v1: 0xff812345n, fpcr: DN }, { v0: 0x7ff8000000000000n, fpsr: IOC }],
  ['fcvt s0, d1', 0x1e624020, { v1: 0x7ff0000123456789n }, { v0: 0x7fc00009n, fpsr: IOC }],
  ['frinti d0, d1', 0x1e67c020, { v1: 0xfff8000000000003n, fpcr: DN }, { v0: 0x7ff8000000000000n, fpsr: 0 }],
];

const NANORDER_CASES: Case[] = [
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x7fc00001n, v2: 0x7f800002n }, { v0: 0x7fc00002n, fpsr: IOC }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x7fc00001n, v2: 0xffc00003n }, { v0: 0x7fc00001n, fpsr: 0 }],
  ['fadd s0, s1, s2', 0x1e222820, { v1: 0x7f800002n, v2: 0xff800004n }, { v0: 0x7fc00002n, fpsr: IOC }],
  ['fsub s0, s1, s2', 0x1e223820, { v1: 0x3f800000n, v2: 0xffc00003n }, { v0: 0xffc00003n, fpsr: 0 }],
  ['fmul d0, d1, d2', 0x1e620820, { v1: 0xfff8000000000003n, v2: 0x7ff0000000000002n }, { v0: 0x7ff8000000000002n, fpsr: IOC }],
  ['fdiv d0, d1, d2', 0x1e621820, { v1: 0x7ff8000000000001n, v2: 0x0n }, { v0: 0x7ff8000000000001n, fpsr: 0 }],
  ['fmax d0, d1, d2', 0x1e624820, { v1: 0x3ff0000000000000n, v2: 0xfff8000000000003n }, { v0: 0xfff8000000000003n, fpsr: 0 }],
  ['fnmul s0, s1, s2', 0x1e228820, { v1: 0x7fc00001n, v2: 0x40000000n }, { v0: 0xffc00001n, fpsr: 0 }],
  ['fnmul d0, d1, d2', 0x1e628820, { v1: 0x4000000000000000n, v2: 0x7ff0000000000002n }, { v0: 0xfff8000000000002n, fpsr: IOC }],
  ['fmadd s0, s1, s2, s3', 0x1f020c20, { v1: 0xffc00003n, v2: 0x7fc00001n, v3: 0x7fc00001n }, { v0: 0x7fc00001n, fpsr: 0 }],
  ['fmadd s0, s1, s2, s3', 0x1f020c20, { v1: 0xffc00003n, v2: 0x7f800002n, v3: 0x7fc00001n }, { v0: 0x7fc00002n, fpsr: IOC }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x7ff0000000000000n, v2: 0x0n, v3: 0x7ff8000000000001n }, { v0: 0x7ff8000000000000n, fpsr: IOC }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x7ff0000000000000n, v2: 0x0n, v3: 0x7ff0000000000002n }, { v0: 0x7ff8000000000002n, fpsr: IOC }],
  ['fmsub d0, d1, d2, d3', 0x1f428c20, { v1: 0x7ff8000000000001n, v2: 0x3ff0000000000000n, v3: 0x3ff0000000000000n }, { v0: 0xfff8000000000001n, fpsr: 0 }],
  ['fnmadd d0, d1, d2, d3', 0x1f620c20, { v1: 0x3ff0000000000000n, v2: 0x3ff0000000000000n, v3: 0xfff8000000000003n }, { v0: 0x7ff8000000000003n, fpsr: 0 }],
  ['fnmsub s0, s1, s2, s3', 0x1f228c20, { v1: 0x3f800000n, v2: 0xff800004n, v3: 0x3f800000n }, { v0: 0xffc00004n, fpsr: IOC }],
  ['fneg d0, d1', 0x1e614020, { v1: 0x7ff0000000000002n }, { v0: 0xfff0000000000002n, fpsr: 0 }],
  ['fabs s0, s1', 0x1e20c020, { v1: 0xff800004n }, { v0: 0x7f800004n, fpsr: 0 }],
  ['fsqrt d0, d1', 0x1e61c020, { v1: 0xfff0000000000004n }, { v0: 0xfff8000000000004n, fpsr: IOC }],
];

const FMA_CASES: Case[] = [
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x3ff0000002000000n, v2: 0x3ff0000002000000n, v3: 0xbff0000004000000n }, { v0: 0x3c90000000000000n, fpsr: 0 }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x3ff0000000000001n, v2: 0x3fefffffffffffffn, v3: 0xbff0000000000000n }, { v0: 0x3c9ffffffffffffen, fpsr: 0 }],
  ['fmadd s0, s1, s2, s3', 0x1f020c20, { v1: 0x3f800800n, v2: 0x3f800800n, v3: 0xba000000n }, { v0: 0x3f800000n, fpsr: IXC }],
  ['fmadd s0, s1, s2, s3', 0x1f020c20, { v1: 0x3f800800n, v2: 0x3f800800n, v3: 0x30800000n }, { v0: 0x3f801001n, fpsr: IXC }],
  ['fmadd s0, s1, s2, s3', 0x1f020c20, { v1: 0x3f800800n, v2: 0x3f800800n, v3: 0x30800000n, fpcr: RZ }, { v0: 0x3f801000n, fpsr: IXC }],
  ['fmadd s0, s1, s2, s3', 0x1f020c20, { v1: 0x3f800800n, v2: 0x3f800800n, v3: 0x17800000n }, { v0: 0x3f801001n, fpsr: IXC }],
  ['fmadd s0, s1, s2, s3', 0x1f020c20, { v1: 0x3f800800n, v2: 0x3f800800n, v3: 0x97800000n }, { v0: 0x3f801000n, fpsr: IXC }],
  ['fmadd s0, s1, s2, s3', 0x1f020c20, { v1: 0x3f800800n, v2: 0xbf800800n, v3: 0x17800000n }, { v0: 0xbf801000n, fpsr: IXC }],
  ['fmsub d0, d1, d2, d3', 0x1f428c20, { v1: 0x4008000000000000n, v2: 0x3fb999999999999an, v3: 0x3fd3333333333334n }, { v0: 0x3c80000000000000n, fpsr: 0 }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x3ff8000000000000n, v2: 0x4000000000000000n, v3: 0xc008000000000000n, fpcr: RM }, { v0: 0x8000000000000000n, fpsr: 0 }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x0n, v2: 0xc000000000000000n, v3: 0x0n }, { v0: 0x0n, fpsr: 0 }],
  ['fnmadd d0, d1, d2, d3', 0x1f620c20, { v1: 0x0n, v2: 0x4000000000000000n, v3: 0x0n }, { v0: 0x8000000000000000n, fpsr: 0 }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x6570000000000000n, v2: 0x6570000000000000n, v3: 0xfff0000000000000n }, { v0: 0xfff0000000000000n, fpsr: 0 }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x7ff0000000000000n, v2: 0x3ff0000000000000n, v3: 0xfff0000000000000n }, { v0: 0x7ff8000000000000n, fpsr: IOC }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x1a70000000000000n, v2: 0x1a70000000000000n, v3: 0x3ff0000000000000n, fpcr: RP }, { v0: 0x3ff0000000000001n, fpsr: IXC }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x1a70000000000000n, v2: 0x9a70000000000000n, v3: 0x3ff0000000000000n, fpcr: RZ }, { v0: 0x3fefffffffffffffn, fpsr: IXC }],
  ['fmadd d0, d1, d2, d3', 0x1f420c20, { v1: 0x1e30000000000000n, v2: 0x1e30000000000000n, v3: 0x8000000000000001n }, { v0: 0x8000000000000001n, fpsr: UFC | IXC }],
];

const TOINT_CASES: Case[] = [
  ['fcvtzs w0, s1', 0x1e380020, { v1: 0x4f000000n }, { x0: 0x7fffffffn, fpsr: IOC }],
  ['fcvtzs w0, s1', 0x1e380020, { v1: 0xcf000000n }, { x0: 0x80000000n, fpsr: 0 }],
  ['fcvtzs w0, d1', 0x1e780020, { v1: 0xc1e0000000100000n }, { x0: 0x80000000n, fpsr: IXC }],
  ['fcvtzs w0, d1', 0x1e780020, { v1: 0xc1e0000000200000n }, { x0: 0x80000000n, fpsr: IOC }],
  ['fcvtzs w0, s1', 0x1e380020, { v1: 0x7fc00001n }, { x0: 0x0n, fpsr: IOC }],
  ['fcvtzs x0, d1', 0x9e780020, { v1: 0x7ff0000000000002n }, { x0: 0x0n, fpsr: IOC }],
  ['fcvtzs x0, d1', 0x9e780020, { v1: 0x43e0000000000000n }, { x0: 0x7fffffffffffffffn, fpsr: IOC }],
  ['fcvtzs x0, d1', 0x9e780020, { v1: 0xfff0000000000000n }, { x0: 0x8000000000000000n, fpsr: IOC }],
  ['fcvtzu x0, d1', 0x9e790020, { v1: 0x43f0000000000000n }, { x0: 0xffffffffffffffffn, fpsr: IOC }],
  ['fcvtzu x0, d1', 0x9e790020, { v1: 0x43efffffffffffffn }, { x0: 0xfffffffffffff800n, fpsr: 0 }],
  ['fcvtzu w0, s1', 0x1e390020, { v1: 0xbf000000n }, { x0: 0x0n, fpsr: IXC }],
  ['fcvtzu w0, s1', 0x1e390020, { v1: 0xbf800000n }, { x0: 0x0n, fpsr: IOC }],
  ['fcvtzu w0, d1', 0x1e790020, { v1: 0x41effffffff00000n }, { x0: 0xffffffffn, fpsr: IXC }],
  ['fcvtzs w0, s1, #16', 0x1e18c020, { v1: 0x3fc00000n }, { x0: 0x18000n, fpsr: 0 }],
  ['fcvtzs w0, s1, #16', 0x1e18c020, { v1: 0x47000000n }, { x0: 0x7fffffffn, fpsr: IOC }],
  ['fcvtzu x0, d1, #64', 0x9e590020, { v1: 0x3fe8000000000000n }, { x0: 0xc000000000000000n, fpsr: 0 }],
  ['fcvtzs x0, d1, #1', 0x9e58fc20, { v1: 0xbfe8000000000000n }, { x0: 0xffffffffffffffffn, fpsr: IXC }],
  ['fcvtns x0, d1', 0x9e600020, { v1: 0x4004000000000000n }, { x0: 0x2n, fpsr: IXC }],
  ['fcvtas x0, d1', 0x9e640020, { v1: 0x4004000000000000n }, { x0: 0x3n, fpsr: IXC }],
  ['fcvtps x0, d1', 0x9e680020, { v1: 0x4004000000000000n }, { x0: 0x3n, fpsr: IXC }],
  ['fcvtms x0, d1', 0x9e700020, { v1: 0x4004000000000000n }, { x0: 0x2n, fpsr: IXC }],
  ['fcvtzs x0, d1', 0x9e780020, { v1: 0x4004000000000000n }, { x0: 0x2n, fpsr: IXC }],
  ['fcvtns x0, d1', 0x9e600020, { v1: 0xc004000000000000n }, { x0: 0xfffffffffffffffen, fpsr: IXC }],
  ['fcvtas x0, d1', 0x9e640020, { v1: 0xc004000000000000n }, { x0: 0xfffffffffffffffdn, fpsr: IXC }],
  ['fcvtps x0, d1', 0x9e680020, { v1: 0xc004000000000000n }, { x0: 0xfffffffffffffffen, fpsr: IXC }],
  ['fcvtms x0, d1', 0x9e700020, { v1: 0xc004000000000000n }, { x0: 0xfffffffffffffffdn, fpsr: IXC }],
  ['fcvtzs x0, d1', 0x9e780020, { v1: 0xc004000000000000n }, { x0: 0xfffffffffffffffen, fpsr: IXC }],
  ['fcvtns x0, d1', 0x9e600020, { v1: 0x400c000000000000n }, { x0: 0x4n, fpsr: IXC }],
  ['fcvtas x0, d1', 0x9e640020, { v1: 0x400c000000000000n }, { x0: 0x4n, fpsr: IXC }],
  ['fcvtps x0, d1', 0x9e680020, { v1: 0x400c000000000000n }, { x0: 0x4n, fpsr: IXC }],
  ['fcvtms x0, d1', 0x9e700020, { v1: 0x400c000000000000n }, { x0: 0x3n, fpsr: IXC }],
  ['fcvtzs x0, d1', 0x9e780020, { v1: 0x400c000000000000n }, { x0: 0x3n, fpsr: IXC }],
  ['fcvtns x0, d1', 0x9e600020, { v1: 0xbfe0000000000000n }, { x0: 0x0n, fpsr: IXC }],
  ['fcvtas x0, d1', 0x9e640020, { v1: 0xbfe0000000000000n }, { x0: 0xffffffffffffffffn, fpsr: IXC }],
  ['fcvtps x0, d1', 0x9e680020, { v1: 0xbfe0000000000000n }, { x0: 0x0n, fpsr: IXC }],
  ['fcvtms x0, d1', 0x9e700020, { v1: 0xbfe0000000000000n }, { x0: 0xffffffffffffffffn, fpsr: IXC }],
  ['fcvtzs x0, d1', 0x9e780020, { v1: 0xbfe0000000000000n }, { x0: 0x0n, fpsr: IXC }],
  ['fcvtns x0, d1', 0x9e600020, { v1: 0x3fe0000035afe535n }, { x0: 0x1n, fpsr: IXC }],
  ['fcvtas x0, d1', 0x9e640020, { v1: 0x3fe0000035afe535n }, { x0: 0x1n, fpsr: IXC }],
  ['fcvtps x0, d1', 0x9e680020, { v1: 0x3fe0000035afe535n }, { x0: 0x1n, fpsr: IXC }],
  ['fcvtms x0, d1', 0x9e700020, { v1: 0x3fe0000035afe535n }, { x0: 0x0n, fpsr: IXC }],
  ['fcvtzs x0, d1', 0x9e780020, { v1: 0x3fe0000035afe535n }, { x0: 0x0n, fpsr: IXC }],
  ['fcvtnu w0, s1', 0x1e210020, { v1: 0xbf000000n }, { x0: 0x0n, fpsr: IXC }],
  ['fcvtns w0, s1', 0x1e200020, { v1: 0x4effffffn }, { x0: 0x7fffff80n, fpsr: 0 }],
  ['fcvtau w0, s1', 0x1e250020, { v1: 0xbf000000n }, { x0: 0x0n, fpsr: IOC }],
  ['fcvtas w0, s1', 0x1e240020, { v1: 0x4effffffn }, { x0: 0x7fffff80n, fpsr: 0 }],
  ['fcvtpu w0, s1', 0x1e290020, { v1: 0xbf000000n }, { x0: 0x0n, fpsr: IXC }],
  ['fcvtps w0, s1', 0x1e280020, { v1: 0x4effffffn }, { x0: 0x7fffff80n, fpsr: 0 }],
  ['fcvtmu w0, s1', 0x1e310020, { v1: 0xbf000000n }, { x0: 0x0n, fpsr: IOC }],
  ['fcvtms w0, s1', 0x1e300020, { v1: 0x4effffffn }, { x0: 0x7fffff80n, fpsr: 0 }],
];

const FRINT_CASES: Case[] = [
  ['frintn d0, d1', 0x1e644020, { v1: 0x4004000000000000n }, { v0: 0x4000000000000000n, fpsr: 0 }],
  ['frintp d0, d1', 0x1e64c020, { v1: 0x4004000000000000n }, { v0: 0x4008000000000000n, fpsr: 0 }],
  ['frintm d0, d1', 0x1e654020, { v1: 0x4004000000000000n }, { v0: 0x4000000000000000n, fpsr: 0 }],
  ['frintz d0, d1', 0x1e65c020, { v1: 0x4004000000000000n }, { v0: 0x4000000000000000n, fpsr: 0 }],
  ['frinta d0, d1', 0x1e664020, { v1: 0x4004000000000000n }, { v0: 0x4008000000000000n, fpsr: 0 }],
  ['frintx d0, d1', 0x1e674020, { v1: 0x4004000000000000n, fpcr: RM }, { v0: 0x4000000000000000n, fpsr: IXC }],
  ['frinti d0, d1', 0x1e67c020, { v1: 0x4004000000000000n, fpcr: RM }, { v0: 0x4000000000000000n, fpsr: 0 }],
  ['frintn d0, d1', 0x1e644020, { v1: 0xc004000000000000n }, { v0: 0xc000000000000000n, fpsr: 0 }],
  ['frintp d0, d1', 0x1e64c020, { v1: 0xc004000000000000n }, { v0: 0xc000000000000000n, fpsr: 0 }],
  ['frintm d0, d1', 0x1e654020, { v1: 0xc004000000000000n }, { v0: 0xc008000000000000n, fpsr: 0 }],
  ['frintz d0, d1', 0x1e65c020, { v1: 0xc004000000000000n }, { v0: 0xc000000000000000n, fpsr: 0 }],
  ['frinta d0, d1', 0x1e664020, { v1: 0xc004000000000000n }, { v0: 0xc008000000000000n, fpsr: 0 }],
  ['frintx d0, d1', 0x1e674020, { v1: 0xc004000000000000n, fpcr: RM }, { v0: 0xc008000000000000n, fpsr: IXC }],
  ['frinti d0, d1', 0x1e67c020, { v1: 0xc004000000000000n, fpcr: RM }, { v0: 0xc008000000000000n, fpsr: 0 }],
  ['frintn d0, d1', 0x1e644020, { v1: 0xbfe6666666666666n }, { v0: 0xbff0000000000000n, fpsr: 0 }],
  ['frintp d0, d1', 0x1e64c020, { v1: 0xbfe6666666666666n }, { v0: 0x8000000000000000n, fpsr: 0 }],
  ['frintm d0, d1', 0x1e654020, { v1: 0xbfe6666666666666n }, { v0: 0xbff0000000000000n, fpsr: 0 }],
  ['frintz d0, d1', 0x1e65c020, { v1: 0xbfe6666666666666n }, { v0: 0x8000000000000000n, fpsr: 0 }],
  ['frinta d0, d1', 0x1e664020, { v1: 0xbfe6666666666666n }, { v0: 0xbff0000000000000n, fpsr: 0 }],
  ['frintx d0, d1', 0x1e674020, { v1: 0xbfe6666666666666n, fpcr: RM }, { v0: 0xbff0000000000000n, fpsr: IXC }],
  ['frinti d0, d1', 0x1e67c020, { v1: 0xbfe6666666666666n, fpcr: RM }, { v0: 0xbff0000000000000n, fpsr: 0 }],
  ['frintn d0, d1', 0x1e644020, { v1: 0x3fd3333333333333n }, { v0: 0x0n, fpsr: 0 }],
  ['frintp d0, d1', 0x1e64c020, { v1: 0x3fd3333333333333n }, { v0: 0x3ff0000000000000n, fpsr: 0 }],
  ['frintm d0, d1', 0x1e654020, { v1: 0x3fd3333333333333n }, { v0: 0x0n, fpsr: 0 }],
  ['frintz d0, d1', 0x1e65c020, { v1: 0x3fd3333333333333n }, { v0: 0x0n, fpsr: 0 }],
  ['frinta d0, d1', 0x1e664020, { v1: 0x3fd3333333333333n }, { v0: 0x0n, fpsr: 0 }],
  ['frintx d0, d1', 0x1e674020, { v1: 0x3fd3333333333333n, fpcr: RM }, { v0: 0x0n, fpsr: IXC }],
  ['frinti d0, d1', 0x1e67c020, { v1: 0x3fd3333333333333n, fpcr: RM }, { v0: 0x0n, fpsr: 0 }],
  ['frintn d0, d1', 0x1e644020, { v1: 0x4014000000000000n }, { v0: 0x4014000000000000n, fpsr: 0 }],
  ['frintp d0, d1', 0x1e64c020, { v1: 0x4014000000000000n }, { v0: 0x4014000000000000n, fpsr: 0 }],
  ['frintm d0, d1', 0x1e654020, { v1: 0x4014000000000000n }, { v0: 0x4014000000000000n, fpsr: 0 }],
  ['frintz d0, d1', 0x1e65c020, { v1: 0x4014000000000000n }, { v0: 0x4014000000000000n, fpsr: 0 }],
  ['frinta d0, d1', 0x1e664020, { v1: 0x4014000000000000n }, { v0: 0x4014000000000000n, fpsr: 0 }],
  ['frintx d0, d1', 0x1e674020, { v1: 0x4014000000000000n, fpcr: RM }, { v0: 0x4014000000000000n, fpsr: 0 }],
  ['frinti d0, d1', 0x1e67c020, { v1: 0x4014000000000000n, fpcr: RM }, { v0: 0x4014000000000000n, fpsr: 0 }],
  ['frintn d0, d1', 0x1e644020, { v1: 0xbfe0000000000000n }, { v0: 0x8000000000000000n, fpsr: 0 }],
  ['frintp d0, d1', 0x1e64c020, { v1: 0xbfe0000000000000n }, { v0: 0x8000000000000000n, fpsr: 0 }],
  ['frintm d0, d1', 0x1e654020, { v1: 0xbfe0000000000000n }, { v0: 0xbff0000000000000n, fpsr: 0 }],
  ['frintz d0, d1', 0x1e65c020, { v1: 0xbfe0000000000000n }, { v0: 0x8000000000000000n, fpsr: 0 }],
  ['frinta d0, d1', 0x1e664020, { v1: 0xbfe0000000000000n }, { v0: 0xbff0000000000000n, fpsr: 0 }],
  ['frintx d0, d1', 0x1e674020, { v1: 0xbfe0000000000000n, fpcr: RM }, { v0: 0xbff0000000000000n, fpsr: IXC }],
  ['frinti d0, d1', 0x1e67c020, { v1: 0xbfe0000000000000n, fpcr: RM }, { v0: 0xbff0000000000000n, fpsr: 0 }],
  ['frintx s0, s1', 0x1e274020, { v1: 0x3fc00000n }, { v0: 0x40000000n, fpsr: IXC }],
  ['frintx s0, s1', 0x1e274020, { v1: 0x4affffffn, fpcr: RP }, { v0: 0x4b000000n, fpsr: IXC }],
  ['frintx s0, s1', 0x1e274020, { v1: 0x4e800000n }, { v0: 0x4e800000n, fpsr: 0 }],
  ['frintx d0, d1', 0x1e674020, { v1: 0x7ff0000000000002n }, { v0: 0x7ff8000000000002n, fpsr: IOC }],
  ['frintx d0, d1', 0x1e674020, { v1: 0x8000000000000001n, fpcr: RM }, { v0: 0xbff0000000000000n, fpsr: IXC }],
  ['frintx d0, d1', 0x1e674020, { v1: 0x8000000000000001n, fpcr: RM | FZ }, { v0: 0x8000000000000000n, fpsr: IDC }],
  ['frintn s0, s1', 0x1e244020, { v1: 0xff800000n }, { v0: 0xff800000n, fpsr: 0 }],
  ['frinta d0, d1', 0x1e664020, { v1: 0x432fffffffffffffn }, { v0: 0x4330000000000000n, fpsr: 0 }],
];

const COMPARE_CASES: Case[] = [
  ['fcmp s1, s2', 0x1e222020, { v1: 0x3f800000n, v2: 0x40000000n }, { nzcv: 0x80000000, fpsr: 0 }],
  ['fcmp s1, s2', 0x1e222020, { v1: 0x40000000n, v2: 0x3f800000n }, { nzcv: 0x20000000, fpsr: 0 }],
  ['fcmp d1, d2', 0x1e622020, { v1: 0x0n, v2: 0x8000000000000000n }, { nzcv: 0x60000000, fpsr: 0 }],
  ['fcmp d1, d2', 0x1e622020, { v1: 0xfff0000000000000n, v2: 0xffe1ccf385ebc8a0n }, { nzcv: 0x80000000, fpsr: 0 }],
  ['fcmp s1, s2', 0x1e222020, { v1: 0x7fc00001n, v2: 0x3f800000n }, { nzcv: 0x30000000, fpsr: 0 }],
  ['fcmpe s1, s2', 0x1e222030, { v1: 0x7fc00001n, v2: 0x3f800000n }, { nzcv: 0x30000000, fpsr: IOC }],
  ['fcmp d1, d2', 0x1e622020, { v1: 0x3ff0000000000000n, v2: 0x7ff0000000000002n }, { nzcv: 0x30000000, fpsr: IOC }],
  ['fcmpe d1, #0.0', 0x1e602038, { v1: 0x8000000000000000n }, { nzcv: 0x60000000, fpsr: 0 }],
  ['fcmp s1, #0.0', 0x1e202028, { v1: 0x8da24260n }, { nzcv: 0x80000000, fpsr: 0 }],
  ['fcmpe s1, #0.0', 0x1e202038, { v1: 0xffc00003n }, { nzcv: 0x30000000, fpsr: IOC }],
  ['fccmp s1, s2, #0xa, eq', 0x1e22042a, { v1: 0x7fc00001n, v2: 0x3f800000n }, { nzcv: 0xa0000000, fpsr: 0 }],
  ['fccmpe s1, s2, #0xa, eq', 0x1e22043a, { v1: 0x7fc00001n, v2: 0x3f800000n, nzcv: 0x40000000 }, { nzcv: 0x30000000, fpsr: IOC }],
  ['fccmp d1, d2, #0x0, ge', 0x1e62a420, { v1: 0x4008000000000000n, v2: 0x4008000000000000n, nzcv: 0x90000000 }, { nzcv: 0x60000000, fpsr: 0 }],
  ['fccmp d1, d2, #0xf, lt', 0x1e62b42f, { v1: 0x4008000000000000n, v2: 0x4010000000000000n }, { nzcv: 0xf0000000, fpsr: 0 }],
  ['fcsel d0, d1, d2, eq', 0x1e620c20, { v1: 0x3ff0000000000000n, v2: 0x4000000000000000n, nzcv: 0x40000000 }, { v0: 0x3ff0000000000000n, fpsr: 0 }],
  ['fcsel d0, d1, d2, eq', 0x1e620c20, { v1: 0x3ff0000000000000n, v2: 0x4000000000000000n }, { v0: 0x4000000000000000n, fpsr: 0 }],
  ['fcsel s0, s1, s2, hi', 0x1e228c20, { v1: 0x7f800002n, v2: 0x40000000n, nzcv: 0x20000000 }, { v0: 0x7f800002n, fpsr: 0 }],
];

const HALF_CASES: Case[] = [
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x40effdffae147ae1n }, { v0: 0x7bffn, fpsr: IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x40effe0000000000n }, { v0: 0x7c00n, fpsr: OFC | IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x40effe0000000000n, fpcr: RZ }, { v0: 0x7bffn, fpsr: IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0xc0effe0000000000n, fpcr: RP }, { v0: 0xfbffn, fpsr: IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x3ff0020000000000n }, { v0: 0x3c00n, fpsr: IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x3ff0060000000000n }, { v0: 0x3c02n, fpsr: IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x3ff0020000000000n, fpcr: RP }, { v0: 0x3c01n, fpsr: IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x3e60000000000000n }, { v0: 0x0n, fpsr: UFC | IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x3e60002000000000n }, { v0: 0x1n, fpsr: UFC | IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x3f08000000000000n }, { v0: 0x300n, fpsr: 0 }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x40f0000000000000n, fpcr: AHP }, { v0: 0x7c00n, fpsr: 0 }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x40fffc0000000000n, fpcr: AHP }, { v0: 0x7fffn, fpsr: 0 }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x40ffffe000000000n, fpcr: AHP }, { v0: 0x7fffn, fpsr: IOC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0x40ffffe000000000n, fpcr: RZ | AHP }, { v0: 0x7fffn, fpsr: IXC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0xfff0000000000000n, fpcr: AHP }, { v0: 0xffffn, fpsr: IOC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0xfff8000000000003n, fpcr: AHP }, { v0: 0x8000n, fpsr: IOC }],
  ['fcvt h0, d1', 0x1e63c020, { v1: 0xfff0000000000004n }, { v0: 0xfe00n, fpsr: IOC }],
  ['fcvt h0, s1', 0x1e23c020, { v1: 0x7fc02000n }, { v0: 0x7e01n, fpsr: 0 }],
  ['fcvt h0, s1', 0x1e23c020, { v1: 0x7f800002n, fpcr: DN }, { v0: 0x7e00n, fpsr: IOC }],
  ['fcvt s0, h1', 0x1ee24020, { v1: 0x7c00n }, { v0: 0x7f800000n, fpsr: 0 }],
  ['fcvt s0, h1', 0x1ee24020, { v1: 0x7c00n, fpcr: AHP }, { v0: 0x47800000n, fpsr: 0 }],
  ['fcvt d0, h1', 0x1ee2c020, { v1: 0xfe01n, fpcr: AHP }, { v0: 0xc0f8040000000000n, fpsr: 0 }],
  ['fcvt d0, h1', 0x1ee2c020, { v1: 0x7d55n }, { v0: 0x7ffd540000000000n, fpsr: IOC }],
  ['fcvt s0, h1', 0x1ee24020, { v1: 0x8001n, fpcr: FZ }, { v0: 0xb3800000n, fpsr: 0 }],
];

const MAXMIN_CASES: Case[] = [
  ['fmaxnm s0, s1, s2', 0x1e226820, { v1: 0x7fc00001n, v2: 0x3f800000n }, { v0: 0x3f800000n, fpsr: 0 }],
  ['fmaxnm s0, s1, s2', 0x1e226820, { v1: 0xbf800000n, v2: 0xffc00003n }, { v0: 0xbf800000n, fpsr: 0 }],
  ['fminnm d0, d1, d2', 0x1e627820, { v1: 0x7ff8000000000001n, v2: 0xfff0000000000000n }, { v0: 0xfff0000000000000n, fpsr: 0 }],
  ['fminnm d0, d1, d2', 0x1e627820, { v1: 0x4014000000000000n, v2: 0x7ff8000000000001n }, { v0: 0x4014000000000000n, fpsr: 0 }],
  ['fmaxnm d0, d1, d2', 0x1e626820, { v1: 0x7ff0000000000002n, v2: 0x3ff0000000000000n }, { v0: 0x7ff8000000000002n, fpsr: IOC }],
  ['fmaxnm d0, d1, d2', 0x1e626820, { v1: 0xfff8000000000003n, v2: 0x7ff8000000000001n }, { v0: 0xfff8000000000003n, fpsr: 0 }],
  ['fmaxnm s0, s1, s2', 0x1e226820, { v1: 0x7fc00001n, v2: 0xff800004n }, { v0: 0xffc00004n, fpsr: IOC }],
  ['fmax s0, s1, s2', 0x1e224820, { v1: 0x7fc00001n, v2: 0x3f800000n }, { v0: 0x7fc00001n, fpsr: 0 }],
  ['fmax d0, d1, d2', 0x1e624820, { v1: 0x0n, v2: 0x8000000000000000n }, { v0: 0x0n, fpsr: 0 }],
  ['fmin d0, d1, d2', 0x1e625820, { v1: 0x0n, v2: 0x8000000000000000n }, { v0: 0x8000000000000000n, fpsr: 0 }],
  ['fmin s0, s1, s2', 0x1e225820, { v1: 0xff800000n, v2: 0xff61b1e6n }, { v0: 0xff800000n, fpsr: 0 }],
  ['fmaxnm s0, s1, s2', 0x1e226820, { v1: 0x3n, v2: 0x7fc00001n }, { v0: 0x3n, fpsr: 0 }],
  ['fmaxnm s0, s1, s2', 0x1e226820, { v1: 0x3n, v2: 0x7fc00001n, fpcr: FZ }, { v0: 0x0n, fpsr: IDC }],
];

const MOVES_CASES: Case[] = [
  ['fmov v0.d[1], x1', 0x9eaf0020, { x1: 0x1122334455667788n }, { v0: 0xdeadbeefcafef00dn, v0hi: 0x1122334455667788n, fpsr: 0 }],
  ['fmov x0, v1.d[1]', 0x9eae0020, { v1: 0x1234n, vhi1: 0x8877665544332211n }, { x0: 0x8877665544332211n, fpsr: 0 }],
  ['fmov w0, s1', 0x1e260020, { v1: 0xfedcba9876543210n }, { x0: 0x76543210n, fpsr: 0 }],
  ['fmov x0, d1', 0x9e660020, { v1: 0xfedcba9876543210n }, { x0: 0xfedcba9876543210n, fpsr: 0 }],
  ['fmov s0, w1', 0x1e270020, { x1: 0xfedcba9876543210n }, { v0: 0x76543210n, fpsr: 0 }],
  ['fmov d0, x1', 0x9e670020, { x1: 0xfedcba9876543210n }, { v0: 0xfedcba9876543210n, fpsr: 0 }],
  ['fmov s0, s1', 0x1e204020, { v1: 0xfedcba9876543210n }, { v0: 0x76543210n, fpsr: 0 }],
  ['fmov d0, d1', 0x1e604020, { v1: 0xfedcba9876543210n }, { v0: 0xfedcba9876543210n, fpsr: 0 }],
  ['fmov s0, #-1.25', 0x1e3e9000, {  }, { v0: 0xbfa00000n, fpsr: 0 }],
  ['fmov s0, #31.0', 0x1e27f000, {  }, { v0: 0x41f80000n, fpsr: 0 }],
  ['fmov d0, #0.125', 0x1e681000, {  }, { v0: 0x3fc0000000000000n, fpsr: 0 }],
  ['fmov d0, #-1.9375', 0x1e7ff000, {  }, { v0: 0xbfff000000000000n, fpsr: 0 }],
  ['fmov d0, #16.0', 0x1e661000, {  }, { v0: 0x4030000000000000n, fpsr: 0 }],
];

const TOFP_CASES: Case[] = [
  ['scvtf s0, x1', 0x9e220020, { x1: 0x1000001n }, { v0: 0x4b800000n, fpsr: IXC }],
  ['scvtf s0, x1', 0x9e220020, { x1: 0x1000001n, fpcr: RP }, { v0: 0x4b800001n, fpsr: IXC }],
  ['scvtf s0, w1', 0x1e220020, { x1: 0xffffffff80000001n, fpcr: RM }, { v0: 0xcf000000n, fpsr: IXC }],
  ['scvtf d0, x1', 0x9e620020, { x1: 0x8000000000000000n }, { v0: 0xc3e0000000000000n, fpsr: 0 }],
  ['ucvtf d0, x1', 0x9e630020, { x1: 0xffffffffffffffffn }, { v0: 0x43f0000000000000n, fpsr: IXC }],
  ['ucvtf d0, x1', 0x9e630020, { x1: 0xffffffffffffffffn, fpcr: RZ }, { v0: 0x43efffffffffffffn, fpsr: IXC }],
  ['ucvtf s0, w1', 0x1e230020, { x1: 0x12345678ffffffffn }, { v0: 0x4f800000n, fpsr: IXC }],
  ['scvtf d0, w1, #32', 0x1e428020, { x1: 0x80000000n }, { v0: 0xbfe0000000000000n, fpsr: 0 }],
  ['ucvtf s0, x1, #64', 0x9e030020, { x1: 0x1n }, { v0: 0x1f800000n, fpsr: 0 }],
  ['scvtf d0, x1', 0x9e620020, { x1: 0x0n, fpcr: RM }, { v0: 0x0n, fpsr: 0 }],
];

// ---------------------------------------------------------------- fpcore golden values (generated with qemu-aarch64)

// frecpe s0, s1: results for sweep inputs 0..511 (8 hex digits each)
const RECPE32_SWEEP =
  '3f7f80003f7e80003f7d80003f7c80003f7b80003f7a80003f7980003f7880003f7800003f7700003f7600003f7500003f7400003f7300003f7280003f7180003f7080003f6f80003f6e80003f6e00003f6d00003f6c00003f6b80003f6a80003f6980003f6900003f6800003f6700003f6680003f6580003f6480003f6400003f6300003f6280003f6180003f6100003f6000003f5f80003f5e80003f5e00003f5d00003f5c80003f5b80003f5b00003f5a00003f5980003f5880003f5800003f5700003f5680003f5600003f5500003f5480003f5380003f5300003f5280003f5180003f5100003f5080003f4f80003f4f00003f4e80003f4e00003f4d0000' +
  '3f4c80003f4c00003f4b00003f4a80003f4a00003f4980003f4880003f4800003f4780003f4700003f4680003f4580003f4500003f4480003f4400003f4380003f4300003f4200003f4180003f4100003f4080003f4000003f3f80003f3f00003f3e00003f3d80003f3d00003f3c80003f3c00003f3b80003f3b00003f3a80003f3a00003f3980003f3900003f3880003f3800003f3780003f3700003f3680003f3600003f3580003f3500003f3480003f3400003f3380003f3300003f3280003f3200003f3180003f3100003f3080003f3000003f2f80003f2f00003f2e80003f2e00003f2d80003f2d00003f2c80003f2c00003f2c00003f2b80003f2b0000' +
  '3f2a80003f2a00003f2980003f2900003f2880003f2880003f2800003f2780003f2700003f2680003f2600003f2580003f2580003f2500003f2480003f2400003f2380003f2300003f2300003f2280003f2200003f2180003f2100003f2100003f2080003f2000003f1f80003f1f80003f1f00003f1e80003f1e00003f1d80003f1d80003f1d00003f1c80003f1c00003f1c00003f1b80003f1b00003f1a80003f1a80003f1a00003f1980003f1980003f1900003f1880003f1800003f1800003f1780003f1700003f1700003f1680003f1600003f1600003f1580003f1500003f1500003f1480003f1400003f1400003f1380003f1300003f1300003f128000' +
  '3f1200003f1200003f1180003f1100003f1100003f1080003f1000003f1000003f0f80003f0f00003f0f00003f0e80003f0e80003f0e00003f0d80003f0d80003f0d00003f0d00003f0c80003f0c00003f0c00003f0b80003f0b80003f0b00003f0a80003f0a80003f0a00003f0a00003f0980003f0900003f0900003f0880003f0880003f0800003f0800003f0780003f0780003f0700003f0680003f0680003f0600003f0600003f0580003f0580003f0500003f0500003f0480003f0480003f0400003f0380003f0380003f0300003f0300003f0280003f0280003f0200003f0200003f0180003f0180003f0100003f0100003f0080003f0080003f000000' +
  '3eff80003efe80003efd80003efc80003efb80003efa80003ef980003ef880003ef800003ef700003ef600003ef500003ef400003ef300003ef280003ef180003ef080003eef80003eee80003eee00003eed00003eec00003eeb80003eea80003ee980003ee900003ee800003ee700003ee680003ee580003ee480003ee400003ee300003ee280003ee180003ee100003ee000003edf80003ede80003ede00003edd00003edc80003edb80003edb00003eda00003ed980003ed880003ed800003ed700003ed680003ed600003ed500003ed480003ed380003ed300003ed280003ed180003ed100003ed080003ecf80003ecf00003ece80003ece00003ecd0000' +
  '3ecc80003ecc00003ecb00003eca80003eca00003ec980003ec880003ec800003ec780003ec700003ec680003ec580003ec500003ec480003ec400003ec380003ec300003ec200003ec180003ec100003ec080003ec000003ebf80003ebf00003ebe00003ebd80003ebd00003ebc80003ebc00003ebb80003ebb00003eba80003eba00003eb980003eb900003eb880003eb800003eb780003eb700003eb680003eb600003eb580003eb500003eb480003eb400003eb380003eb300003eb280003eb200003eb180003eb100003eb080003eb000003eaf80003eaf00003eae80003eae00003ead80003ead00003eac80003eac00003eac00003eab80003eab0000' +
  '3eaa80003eaa00003ea980003ea900003ea880003ea880003ea800003ea780003ea700003ea680003ea600003ea580003ea580003ea500003ea480003ea400003ea380003ea300003ea300003ea280003ea200003ea180003ea100003ea100003ea080003ea000003e9f80003e9f80003e9f00003e9e80003e9e00003e9d80003e9d80003e9d00003e9c80003e9c00003e9c00003e9b80003e9b00003e9a80003e9a80003e9a00003e9980003e9980003e9900003e9880003e9800003e9800003e9780003e9700003e9700003e9680003e9600003e9600003e9580003e9500003e9500003e9480003e9400003e9400003e9380003e9300003e9300003e928000' +
  '3e9200003e9200003e9180003e9100003e9100003e9080003e9000003e9000003e8f80003e8f00003e8f00003e8e80003e8e80003e8e00003e8d80003e8d80003e8d00003e8d00003e8c80003e8c00003e8c00003e8b80003e8b80003e8b00003e8a80003e8a80003e8a00003e8a00003e8980003e8900003e8900003e8880003e8880003e8800003e8800003e8780003e8780003e8700003e8680003e8680003e8600003e8600003e8580003e8580003e8500003e8500003e8480003e8480003e8400003e8380003e8380003e8300003e8300003e8280003e8280003e8200003e8200003e8180003e8180003e8100003e8100003e8080003e8080003e800000';
// frsqrte s0, s1: results for sweep inputs 0..511 (8 hex digits each)
const RSQRTE32_SWEEP =
  '3f7f80003f7f80003f7e80003f7e80003f7d80003f7d80003f7c80003f7c80003f7b80003f7b80003f7a80003f7a80003f7980003f7980003f7900003f7900003f7800003f7800003f7700003f7700003f7600003f7600003f7500003f7500003f7480003f7480003f7380003f7380003f7280003f7280003f7200003f7200003f7100003f7100003f7000003f7000003f6f80003f6f80003f6e80003f6e80003f6d80003f6d80003f6d00003f6d00003f6c00003f6c00003f6b80003f6b80003f6a80003f6a80003f6a00003f6a00003f6900003f6900003f6880003f6880003f6780003f6780003f6700003f6700003f6600003f6600003f6580003f658000' +
  '3f6480003f6480003f6400003f6400003f6300003f6300003f6280003f6280003f6200003f6200003f6100003f6100003f6080003f6080003f6000003f6000003f5f00003f5f00003f5e80003f5e80003f5e00003f5e00003f5d00003f5d00003f5c80003f5c80003f5c00003f5c00003f5b80003f5b80003f5a80003f5a80003f5a00003f5a00003f5980003f5980003f5900003f5900003f5800003f5800003f5780003f5780003f5700003f5700003f5680003f5680003f5600003f5600003f5500003f5500003f5480003f5480003f5400003f5400003f5380003f5380003f5300003f5300003f5280003f5280003f5200003f5200003f5180003f518000' +
  '3f5100003f5100003f5000003f5000003f4f80003f4f80003f4f00003f4f00003f4e80003f4e80003f4e00003f4e00003f4d80003f4d80003f4d00003f4d00003f4c80003f4c80003f4c00003f4c00003f4b80003f4b80003f4b00003f4b00003f4a80003f4a80003f4a00003f4a00003f4980003f4980003f4900003f4900003f4880003f4880003f4800003f4800003f4780003f4780003f4700003f4700003f4680003f4680003f4600003f4600003f4600003f4600003f4580003f4580003f4500003f4500003f4480003f4480003f4400003f4400003f4380003f4380003f4300003f4300003f4280003f4280003f4200003f4200003f4180003f418000' +
  '3f4180003f4180003f4100003f4100003f4080003f4080003f4000003f4000003f3f80003f3f80003f3f00003f3f00003f3f00003f3f00003f3e80003f3e80003f3e00003f3e00003f3d80003f3d80003f3d00003f3d00003f3c80003f3c80003f3c80003f3c80003f3c00003f3c00003f3b80003f3b80003f3b00003f3b00003f3b00003f3b00003f3a80003f3a80003f3a00003f3a00003f3980003f3980003f3900003f3900003f3900003f3900003f3880003f3880003f3800003f3800003f3780003f3780003f3780003f3780003f3700003f3700003f3680003f3680003f3680003f3680003f3600003f3600003f3580003f3580003f3500003f350000' +
  '3f3480003f3480003f3400003f3400003f3380003f3380003f3280003f3280003f3200003f3200003f3180003f3180003f3080003f3080003f3000003f3000003f2f80003f2f80003f2e80003f2e80003f2e00003f2e00003f2d80003f2d80003f2d00003f2d00003f2c00003f2c00003f2b80003f2b80003f2b00003f2b00003f2a80003f2a80003f2a00003f2a00003f2900003f2900003f2880003f2880003f2800003f2800003f2780003f2780003f2700003f2700003f2680003f2680003f2600003f2600003f2580003f2580003f2500003f2500003f2400003f2400003f2380003f2380003f2300003f2300003f2280003f2280003f2200003f220000' +
  '3f2180003f2180003f2100003f2100003f2080003f2080003f2000003f2000003f1f80003f1f80003f1f00003f1f00003f1e80003f1e80003f1e00003f1e00003f1e00003f1e00003f1d80003f1d80003f1d00003f1d00003f1c80003f1c80003f1c00003f1c00003f1b80003f1b80003f1b00003f1b00003f1a80003f1a80003f1a00003f1a00003f1980003f1980003f1980003f1980003f1900003f1900003f1880003f1880003f1800003f1800003f1780003f1780003f1700003f1700003f1700003f1700003f1680003f1680003f1600003f1600003f1580003f1580003f1500003f1500003f1500003f1500003f1480003f1480003f1400003f140000' +
  '3f1380003f1380003f1300003f1300003f1300003f1300003f1280003f1280003f1200003f1200003f1180003f1180003f1180003f1180003f1100003f1100003f1080003f1080003f1080003f1080003f1000003f1000003f0f80003f0f80003f0f00003f0f00003f0f00003f0f00003f0e80003f0e80003f0e00003f0e00003f0e00003f0e00003f0d80003f0d80003f0d00003f0d00003f0d00003f0d00003f0c80003f0c80003f0c00003f0c00003f0c00003f0c00003f0b80003f0b80003f0b00003f0b00003f0b00003f0b00003f0a80003f0a80003f0a00003f0a00003f0a00003f0a00003f0980003f0980003f0980003f0980003f0900003f090000' +
  '3f0880003f0880003f0880003f0880003f0800003f0800003f0800003f0800003f0780003f0780003f0700003f0700003f0700003f0700003f0680003f0680003f0680003f0680003f0600003f0600003f0580003f0580003f0580003f0580003f0500003f0500003f0500003f0500003f0480003f0480003f0480003f0480003f0400003f0400003f0400003f0400003f0380003f0380003f0300003f0300003f0300003f0300003f0280003f0280003f0280003f0280003f0200003f0200003f0200003f0200003f0180003f0180003f0180003f0180003f0100003f0100003f0100003f0100003f0080003f0080003f0080003f0080003f0000003f000000';
// frecpe d0, d1: results for sweep inputs 0..511 (8 hex digits each, the high word of the double: the low word is 0)
const RECPE64_SWEEP =
  '3feff0003fefd0003fefb0003fef90003fef70003fef50003fef30003fef10003fef00003feee0003feec0003feea0003fee80003fee60003fee50003fee30003fee10003fedf0003fedd0003fedc0003feda0003fed80003fed70003fed50003fed30003fed20003fed00003fece0003fecd0003fecb0003fec90003fec80003fec60003fec50003fec30003fec20003fec00003febf0003febd0003febc0003feba0003feb90003feb70003feb60003feb40003feb30003feb10003feb00003feae0003fead0003feac0003feaa0003fea90003fea70003fea60003fea50003fea30003fea20003fea10003fe9f0003fe9e0003fe9d0003fe9c0003fe9a000' +
  '3fe990003fe980003fe960003fe950003fe940003fe930003fe910003fe900003fe8f0003fe8e0003fe8d0003fe8b0003fe8a0003fe890003fe880003fe870003fe860003fe840003fe830003fe820003fe810003fe800003fe7f0003fe7e0003fe7c0003fe7b0003fe7a0003fe790003fe780003fe770003fe760003fe750003fe740003fe730003fe720003fe710003fe700003fe6f0003fe6e0003fe6d0003fe6c0003fe6b0003fe6a0003fe690003fe680003fe670003fe660003fe650003fe640003fe630003fe620003fe610003fe600003fe5f0003fe5e0003fe5d0003fe5c0003fe5b0003fe5a0003fe590003fe580003fe580003fe570003fe56000' +
  '3fe550003fe540003fe530003fe520003fe510003fe510003fe500003fe4f0003fe4e0003fe4d0003fe4c0003fe4b0003fe4b0003fe4a0003fe490003fe480003fe470003fe460003fe460003fe450003fe440003fe430003fe420003fe420003fe410003fe400003fe3f0003fe3f0003fe3e0003fe3d0003fe3c0003fe3b0003fe3b0003fe3a0003fe390003fe380003fe380003fe370003fe360003fe350003fe350003fe340003fe330003fe330003fe320003fe310003fe300003fe300003fe2f0003fe2e0003fe2e0003fe2d0003fe2c0003fe2c0003fe2b0003fe2a0003fe2a0003fe290003fe280003fe280003fe270003fe260003fe260003fe25000' +
  '3fe240003fe240003fe230003fe220003fe220003fe210003fe200003fe200003fe1f0003fe1e0003fe1e0003fe1d0003fe1d0003fe1c0003fe1b0003fe1b0003fe1a0003fe1a0003fe190003fe180003fe180003fe170003fe170003fe160003fe150003fe150003fe140003fe140003fe130003fe120003fe120003fe110003fe110003fe100003fe100003fe0f0003fe0f0003fe0e0003fe0d0003fe0d0003fe0c0003fe0c0003fe0b0003fe0b0003fe0a0003fe0a0003fe090003fe090003fe080003fe070003fe070003fe060003fe060003fe050003fe050003fe040003fe040003fe030003fe030003fe020003fe020003fe010003fe010003fe00000' +
  '3fdff0003fdfd0003fdfb0003fdf90003fdf70003fdf50003fdf30003fdf10003fdf00003fdee0003fdec0003fdea0003fde80003fde60003fde50003fde30003fde10003fddf0003fddd0003fddc0003fdda0003fdd80003fdd70003fdd50003fdd30003fdd20003fdd00003fdce0003fdcd0003fdcb0003fdc90003fdc80003fdc60003fdc50003fdc30003fdc20003fdc00003fdbf0003fdbd0003fdbc0003fdba0003fdb90003fdb70003fdb60003fdb40003fdb30003fdb10003fdb00003fdae0003fdad0003fdac0003fdaa0003fda90003fda70003fda60003fda50003fda30003fda20003fda10003fd9f0003fd9e0003fd9d0003fd9c0003fd9a000' +
  '3fd990003fd980003fd960003fd950003fd940003fd930003fd910003fd900003fd8f0003fd8e0003fd8d0003fd8b0003fd8a0003fd890003fd880003fd870003fd860003fd840003fd830003fd820003fd810003fd800003fd7f0003fd7e0003fd7c0003fd7b0003fd7a0003fd790003fd780003fd770003fd760003fd750003fd740003fd730003fd720003fd710003fd700003fd6f0003fd6e0003fd6d0003fd6c0003fd6b0003fd6a0003fd690003fd680003fd670003fd660003fd650003fd640003fd630003fd620003fd610003fd600003fd5f0003fd5e0003fd5d0003fd5c0003fd5b0003fd5a0003fd590003fd580003fd580003fd570003fd56000' +
  '3fd550003fd540003fd530003fd520003fd510003fd510003fd500003fd4f0003fd4e0003fd4d0003fd4c0003fd4b0003fd4b0003fd4a0003fd490003fd480003fd470003fd460003fd460003fd450003fd440003fd430003fd420003fd420003fd410003fd400003fd3f0003fd3f0003fd3e0003fd3d0003fd3c0003fd3b0003fd3b0003fd3a0003fd390003fd380003fd380003fd370003fd360003fd350003fd350003fd340003fd330003fd330003fd320003fd310003fd300003fd300003fd2f0003fd2e0003fd2e0003fd2d0003fd2c0003fd2c0003fd2b0003fd2a0003fd2a0003fd290003fd280003fd280003fd270003fd260003fd260003fd25000' +
  '3fd240003fd240003fd230003fd220003fd220003fd210003fd200003fd200003fd1f0003fd1e0003fd1e0003fd1d0003fd1d0003fd1c0003fd1b0003fd1b0003fd1a0003fd1a0003fd190003fd180003fd180003fd170003fd170003fd160003fd150003fd150003fd140003fd140003fd130003fd120003fd120003fd110003fd110003fd100003fd100003fd0f0003fd0f0003fd0e0003fd0d0003fd0d0003fd0c0003fd0c0003fd0b0003fd0b0003fd0a0003fd0a0003fd090003fd090003fd080003fd070003fd070003fd060003fd060003fd050003fd050003fd040003fd040003fd030003fd030003fd020003fd020003fd010003fd010003fd00000';
// frsqrte d0, d1: results for sweep inputs 0..511 (8 hex digits each, the high word of the double: the low word is 0)
const RSQRTE64_SWEEP =
  '3feff0003feff0003fefd0003fefd0003fefb0003fefb0003fef90003fef90003fef70003fef70003fef50003fef50003fef30003fef30003fef20003fef20003fef00003fef00003feee0003feee0003feec0003feec0003feea0003feea0003fee90003fee90003fee70003fee70003fee50003fee50003fee40003fee40003fee20003fee20003fee00003fee00003fedf0003fedf0003fedd0003fedd0003fedb0003fedb0003feda0003feda0003fed80003fed80003fed70003fed70003fed50003fed50003fed40003fed40003fed20003fed20003fed10003fed10003fecf0003fecf0003fece0003fece0003fecc0003fecc0003fecb0003fecb000' +
  '3fec90003fec90003fec80003fec80003fec60003fec60003fec50003fec50003fec40003fec40003fec20003fec20003fec10003fec10003fec00003fec00003febe0003febe0003febd0003febd0003febc0003febc0003feba0003feba0003feb90003feb90003feb80003feb80003feb70003feb70003feb50003feb50003feb40003feb40003feb30003feb30003feb20003feb20003feb00003feb00003feaf0003feaf0003feae0003feae0003fead0003fead0003feac0003feac0003feaa0003feaa0003fea90003fea90003fea80003fea80003fea70003fea70003fea60003fea60003fea50003fea50003fea40003fea40003fea30003fea3000' +
  '3fea20003fea20003fea00003fea00003fe9f0003fe9f0003fe9e0003fe9e0003fe9d0003fe9d0003fe9c0003fe9c0003fe9b0003fe9b0003fe9a0003fe9a0003fe990003fe990003fe980003fe980003fe970003fe970003fe960003fe960003fe950003fe950003fe940003fe940003fe930003fe930003fe920003fe920003fe910003fe910003fe900003fe900003fe8f0003fe8f0003fe8e0003fe8e0003fe8d0003fe8d0003fe8c0003fe8c0003fe8c0003fe8c0003fe8b0003fe8b0003fe8a0003fe8a0003fe890003fe890003fe880003fe880003fe870003fe870003fe860003fe860003fe850003fe850003fe840003fe840003fe830003fe83000' +
  '3fe830003fe830003fe820003fe820003fe810003fe810003fe800003fe800003fe7f0003fe7f0003fe7e0003fe7e0003fe7e0003fe7e0003fe7d0003fe7d0003fe7c0003fe7c0003fe7b0003fe7b0003fe7a0003fe7a0003fe790003fe790003fe790003fe790003fe780003fe780003fe770003fe770003fe760003fe760003fe760003fe760003fe750003fe750003fe740003fe740003fe730003fe730003fe720003fe720003fe720003fe720003fe710003fe710003fe700003fe700003fe6f0003fe6f0003fe6f0003fe6f0003fe6e0003fe6e0003fe6d0003fe6d0003fe6d0003fe6d0003fe6c0003fe6c0003fe6b0003fe6b0003fe6a0003fe6a000' +
  '3fe690003fe690003fe680003fe680003fe670003fe670003fe650003fe650003fe640003fe640003fe630003fe630003fe610003fe610003fe600003fe600003fe5f0003fe5f0003fe5d0003fe5d0003fe5c0003fe5c0003fe5b0003fe5b0003fe5a0003fe5a0003fe580003fe580003fe570003fe570003fe560003fe560003fe550003fe550003fe540003fe540003fe520003fe520003fe510003fe510003fe500003fe500003fe4f0003fe4f0003fe4e0003fe4e0003fe4d0003fe4d0003fe4c0003fe4c0003fe4b0003fe4b0003fe4a0003fe4a0003fe480003fe480003fe470003fe470003fe460003fe460003fe450003fe450003fe440003fe44000' +
  '3fe430003fe430003fe420003fe420003fe410003fe410003fe400003fe400003fe3f0003fe3f0003fe3e0003fe3e0003fe3d0003fe3d0003fe3c0003fe3c0003fe3c0003fe3c0003fe3b0003fe3b0003fe3a0003fe3a0003fe390003fe390003fe380003fe380003fe370003fe370003fe360003fe360003fe350003fe350003fe340003fe340003fe330003fe330003fe330003fe330003fe320003fe320003fe310003fe310003fe300003fe300003fe2f0003fe2f0003fe2e0003fe2e0003fe2e0003fe2e0003fe2d0003fe2d0003fe2c0003fe2c0003fe2b0003fe2b0003fe2a0003fe2a0003fe2a0003fe2a0003fe290003fe290003fe280003fe28000' +
  '3fe270003fe270003fe260003fe260003fe260003fe260003fe250003fe250003fe240003fe240003fe230003fe230003fe230003fe230003fe220003fe220003fe210003fe210003fe210003fe210003fe200003fe200003fe1f0003fe1f0003fe1e0003fe1e0003fe1e0003fe1e0003fe1d0003fe1d0003fe1c0003fe1c0003fe1c0003fe1c0003fe1b0003fe1b0003fe1a0003fe1a0003fe1a0003fe1a0003fe190003fe190003fe180003fe180003fe180003fe180003fe170003fe170003fe160003fe160003fe160003fe160003fe150003fe150003fe140003fe140003fe140003fe140003fe130003fe130003fe130003fe130003fe120003fe12000' +
  '3fe110003fe110003fe110003fe110003fe100003fe100003fe100003fe100003fe0f0003fe0f0003fe0e0003fe0e0003fe0e0003fe0e0003fe0d0003fe0d0003fe0d0003fe0d0003fe0c0003fe0c0003fe0b0003fe0b0003fe0b0003fe0b0003fe0a0003fe0a0003fe0a0003fe0a0003fe090003fe090003fe090003fe090003fe080003fe080003fe080003fe080003fe070003fe070003fe060003fe060003fe060003fe060003fe050003fe050003fe050003fe050003fe040003fe040003fe040003fe040003fe030003fe030003fe030003fe030003fe020003fe020003fe020003fe020003fe010003fe010003fe010003fe010003fe000003fe00000';
const CORE_CASES: CoreCase[] = [
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x0n], RN, 0x7f800000n, DZC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x0n], RN, 0x7f800000n, DZC],
  ['frecpx s0, s1', 'fpRecpX32', [0x0n], RN, 0x7f000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x80000000n], RN, 0xff800000n, DZC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x80000000n], RN, 0xff800000n, DZC],
  ['frecpx s0, s1', 'fpRecpX32', [0x80000000n], RN, 0xff000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x1n], RN, 0x7f800000n, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x1n], RN, 0x64b48000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x1n], RN, 0x7f000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x400000n], RN, 0x7eff8000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x400000n], RN, 0x5f348000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x400000n], RN, 0x7f000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x807fffffn], RN, 0xfe800000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x807fffffn], RN, 0x7fc00000n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0x807fffffn], RN, 0xff000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x200000n], RN, 0x7f7f8000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x200000n], RN, 0x5f7f8000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x200000n], RN, 0x7f000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x100000n], RN, 0x7f800000n, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x100000n], RN, 0x5fb48000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x100000n], RN, 0x7f000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x80100000n], RN, 0xff800000n, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x80100000n], RN, 0x7fc00000n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0x80100000n], RN, 0xff000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7f7fffffn], RN, 0x200000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7f7fffffn], RN, 0x1f800000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x7f7fffffn], RN, 0x800000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7e800000n], RN, 0x7fc000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7e800000n], RN, 0x1fff8000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x7e800000n], RN, 0x1000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7e7fffffn], RN, 0x800000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7e7fffffn], RN, 0x20000000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x7e7fffffn], RN, 0x1800000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7f800000n], RN, 0x0n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7f800000n], RN, 0x0n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x7f800000n], RN, 0x0n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0xff800000n], RN, 0x80000000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0xff800000n], RN, 0x7fc00000n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0xff800000n], RN, 0x80000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7fc00005n], RN, 0x7fc00005n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7fc00005n], RN, 0x7fc00005n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x7fc00005n], RN, 0x7fc00005n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7f800005n], RN, 0x7fc00005n, IOC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7f800005n], RN, 0x7fc00005n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0x7f800005n], RN, 0x7fc00005n, IOC],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0xbf800000n], RN, 0xbf7f8000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0xbf800000n], RN, 0x7fc00000n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0xbf800000n], RN, 0xc0000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x80000010n], RN, 0xff800000n, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x80000010n], RN, 0x7fc00000n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0x80000010n], RN, 0xff000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x3f800000n], RN, 0x3f7f8000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x3f800000n], RN, 0x3f7f8000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x3f800000n], RN, 0x40000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x0n], RN, 0x7ff0000000000000n, DZC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x0n], RN, 0x7ff0000000000000n, DZC],
  ['frecpx d0, d1', 'fpRecpX64', [0x0n], RN, 0x7fe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x8000000000000000n], RN, 0xfff0000000000000n, DZC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x8000000000000000n], RN, 0xfff0000000000000n, DZC],
  ['frecpx d0, d1', 'fpRecpX64', [0x8000000000000000n], RN, 0xffe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x1n], RN, 0x7ff0000000000000n, OFC | IXC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x1n], RN, 0x617ff00000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x1n], RN, 0x7fe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x8000000000000n], RN, 0x7fdff00000000000n, 0],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x8000000000000n], RN, 0x5fe6900000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x8000000000000n], RN, 0x7fe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x4000000000000n], RN, 0x7feff00000000000n, 0],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x4000000000000n], RN, 0x5feff00000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x4000000000000n], RN, 0x7fe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x2000000000000n], RN, 0x7ff0000000000000n, OFC | IXC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x2000000000000n], RN, 0x5ff6900000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x2000000000000n], RN, 0x7fe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x800fffffffffffffn], RN, 0xffd0000000000000n, 0],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x800fffffffffffffn], RN, 0x7ff8000000000000n, IOC],
  ['frecpx d0, d1', 'fpRecpX64', [0x800fffffffffffffn], RN, 0xffe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x7fefffffffffffffn], RN, 0x4000000000000n, 0],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x7fefffffffffffffn], RN, 0x1ff0000000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x7fefffffffffffffn], RN, 0x10000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x7fd0000000000000n], RN, 0xff80000000000n, 0],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x7fd0000000000000n], RN, 0x1ffff00000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x7fd0000000000000n], RN, 0x20000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x7fcfffffffffffffn], RN, 0x10000000000000n, 0],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x7fcfffffffffffffn], RN, 0x2000000000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x7fcfffffffffffffn], RN, 0x30000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x7ff0000000000000n], RN, 0x0n, 0],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x7ff0000000000000n], RN, 0x0n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x7ff0000000000000n], RN, 0x0n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x7ff0000000000005n], RN, 0x7ff8000000000005n, IOC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x7ff0000000000005n], RN, 0x7ff8000000000005n, IOC],
  ['frecpx d0, d1', 'fpRecpX64', [0x7ff0000000000005n], RN, 0x7ff8000000000005n, IOC],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0xbff0000000000000n], RN, 0xbfeff00000000000n, 0],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0xbff0000000000000n], RN, 0x7ff8000000000000n, IOC],
  ['frecpx d0, d1', 'fpRecpX64', [0xbff0000000000000n], RN, 0xc000000000000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x100000n], RP, 0x7f800000n, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x100000n], RP, 0x5fb48000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x100000n], RP, 0x7f000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x80100000n], RP, 0xff7fffffn, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x80100000n], RP, 0x7fc00000n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0x80100000n], RP, 0xff000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x2000000000000n], RP, 0x7ff0000000000000n, OFC | IXC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x2000000000000n], RP, 0x5ff6900000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x2000000000000n], RP, 0x7fe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x8001ffffffffffffn], RP, 0xffefffffffffffffn, OFC | IXC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x8001ffffffffffffn], RP, 0x7ff8000000000000n, IOC],
  ['frecpx d0, d1', 'fpRecpX64', [0x8001ffffffffffffn], RP, 0xffe0000000000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x100000n], RM, 0x7f7fffffn, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x100000n], RM, 0x5fb48000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x100000n], RM, 0x7f000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x80100000n], RM, 0xff800000n, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x80100000n], RM, 0x7fc00000n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0x80100000n], RM, 0xff000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x2000000000000n], RM, 0x7fefffffffffffffn, OFC | IXC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x2000000000000n], RM, 0x5ff6900000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x2000000000000n], RM, 0x7fe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x8001ffffffffffffn], RM, 0xfff0000000000000n, OFC | IXC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x8001ffffffffffffn], RM, 0x7ff8000000000000n, IOC],
  ['frecpx d0, d1', 'fpRecpX64', [0x8001ffffffffffffn], RM, 0xffe0000000000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x100000n], RZ, 0x7f7fffffn, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x100000n], RZ, 0x5fb48000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x100000n], RZ, 0x7f000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x80100000n], RZ, 0xff7fffffn, OFC | IXC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x80100000n], RZ, 0x7fc00000n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0x80100000n], RZ, 0xff000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x2000000000000n], RZ, 0x7fefffffffffffffn, OFC | IXC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x2000000000000n], RZ, 0x5ff6900000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x2000000000000n], RZ, 0x7fe0000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x8001ffffffffffffn], RZ, 0xffefffffffffffffn, OFC | IXC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x8001ffffffffffffn], RZ, 0x7ff8000000000000n, IOC],
  ['frecpx d0, d1', 'fpRecpX64', [0x8001ffffffffffffn], RZ, 0xffe0000000000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x1n], FZ, 0x7f800000n, DZC | IDC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x1n], FZ, 0x7f800000n, DZC | IDC],
  ['frecpx s0, s1', 'fpRecpX32', [0x1n], FZ, 0x7f000000n, IDC],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x400000n], FZ, 0x7f800000n, DZC | IDC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x400000n], FZ, 0x7f800000n, DZC | IDC],
  ['frecpx s0, s1', 'fpRecpX32', [0x400000n], FZ, 0x7f000000n, IDC],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x807fffffn], FZ, 0xff800000n, DZC | IDC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x807fffffn], FZ, 0xff800000n, DZC | IDC],
  ['frecpx s0, s1', 'fpRecpX32', [0x807fffffn], FZ, 0xff000000n, IDC],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7f7fffffn], FZ, 0x0n, UFC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7f7fffffn], FZ, 0x1f800000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x7f7fffffn], FZ, 0x800000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7e800000n], FZ, 0x0n, UFC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7e800000n], FZ, 0x1fff8000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x7e800000n], FZ, 0x1000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7e7fffffn], FZ, 0x800000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7e7fffffn], FZ, 0x20000000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x7e7fffffn], FZ, 0x1800000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x1n], FZ, 0x7ff0000000000000n, DZC | IDC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x1n], FZ, 0x7ff0000000000000n, DZC | IDC],
  ['frecpx d0, d1', 'fpRecpX64', [0x1n], FZ, 0x7fe0000000000000n, IDC],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x8000000000000n], FZ, 0x7ff0000000000000n, DZC | IDC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x8000000000000n], FZ, 0x7ff0000000000000n, DZC | IDC],
  ['frecpx d0, d1', 'fpRecpX64', [0x8000000000000n], FZ, 0x7fe0000000000000n, IDC],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x7fefffffffffffffn], FZ, 0x0n, UFC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x7fefffffffffffffn], FZ, 0x1ff0000000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x7fefffffffffffffn], FZ, 0x10000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x7fd0000000000000n], FZ, 0x0n, UFC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x7fd0000000000000n], FZ, 0x1ffff00000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x7fd0000000000000n], FZ, 0x20000000000000n, 0],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x7fcfffffffffffffn], FZ, 0x10000000000000n, 0],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x7fcfffffffffffffn], FZ, 0x2000000000000000n, 0],
  ['frecpx d0, d1', 'fpRecpX64', [0x7fcfffffffffffffn], FZ, 0x30000000000000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7fc00005n], DN, 0x7fc00000n, 0],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7fc00005n], DN, 0x7fc00000n, 0],
  ['frecpx s0, s1', 'fpRecpX32', [0x7fc00005n], DN, 0x7fc00000n, 0],
  ['frecpe s0, s1', 'fpRecipEstimate32', [0x7f800005n], DN, 0x7fc00000n, IOC],
  ['frsqrte s0, s1', 'fpRSqrtEstimate32', [0x7f800005n], DN, 0x7fc00000n, IOC],
  ['frecpx s0, s1', 'fpRecpX32', [0x7f800005n], DN, 0x7fc00000n, IOC],
  ['frecpe d0, d1', 'fpRecipEstimate64', [0x7ff0000000000005n], DN, 0x7ff8000000000000n, IOC],
  ['frsqrte d0, d1', 'fpRSqrtEstimate64', [0x7ff0000000000005n], DN, 0x7ff8000000000000n, IOC],
  ['frecpx d0, d1', 'fpRecpX64', [0x7ff0000000000005n], DN, 0x7ff8000000000000n, IOC],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x7f800000n, 0x0n], RN, 0x40000000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x7f800000n, 0x0n], RN, 0x3fc00000n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x7f800000n, 0x0n], RN, 0x40000000n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x0n, 0xff800000n], RN, 0x40000000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x0n, 0xff800000n], RN, 0x3fc00000n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x0n, 0xff800000n], RN, 0xc0000000n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0xff800000n, 0x40000000n], RN, 0x7f800000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0xff800000n, 0x40000000n], RN, 0x7f800000n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0xff800000n, 0x40000000n], RN, 0xff800000n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x3fc00000n, 0x3fa00000n], RN, 0x3e000000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x3fc00000n, 0x3fa00000n], RN, 0x3f100000n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x3fc00000n, 0x3fa00000n], RN, 0x3ff00000n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x3f800001n, 0x3fffffffn], RN, 0xb3fffffen, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x3f800001n, 0x3fffffffn], RN, 0x3efffffen, IXC],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x3f800001n, 0x3fffffffn], RN, 0x40000000n, IXC],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x7fc00001n, 0x3f800000n], RN, 0xffc00001n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x7fc00001n, 0x3f800000n], RN, 0xffc00001n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x7fc00001n, 0x3f800000n], RN, 0x7fc00001n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x3f800000n, 0x7f800001n], RN, 0x7fc00001n, IOC],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x3f800000n, 0x7f800001n], RN, 0x7fc00001n, IOC],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x3f800000n, 0x7f800001n], RN, 0x7fc00001n, IOC],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0xffc00001n, 0x7fc00002n], RN, 0x7fc00001n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0xffc00001n, 0x7fc00002n], RN, 0x7fc00001n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0xffc00001n, 0x7fc00002n], RN, 0xffc00001n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x1n, 0x3f800000n], RN, 0x40000000n, IXC],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x1n, 0x3f800000n], RN, 0x3fc00000n, IXC],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x1n, 0x3f800000n], RN, 0x1n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x71800000n, 0x71800000n], RN, 0xff800000n, OFC | IXC],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x71800000n, 0x71800000n], RN, 0xff800000n, OFC | IXC],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x71800000n, 0x71800000n], RN, 0x7f800000n, OFC | IXC],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x40000000n, 0x3fc00000n], RN, 0xbf800000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x40000000n, 0x3fc00000n], RN, 0x0n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x40000000n, 0x3fc00000n], RN, 0x40400000n, 0],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x7ff0000000000000n, 0x8000000000000000n], RN, 0x4000000000000000n, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x7ff0000000000000n, 0x8000000000000000n], RN, 0x3ff8000000000000n, 0],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x7ff0000000000000n, 0x8000000000000000n], RN, 0xc000000000000000n, 0],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x4008000000000000n, 0x3ff0000000000000n], RN, 0xbff0000000000000n, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x4008000000000000n, 0x3ff0000000000000n], RN, 0x0n, 0],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x4008000000000000n, 0x3ff0000000000000n], RN, 0x4008000000000000n, 0],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x3ff0000000000001n, 0x3fffffffffffffffn], RN, 0xbcaffffffffffffen, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x3ff0000000000001n, 0x3fffffffffffffffn], RN, 0x3fdffffffffffffen, IXC],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x3ff0000000000001n, 0x3fffffffffffffffn], RN, 0x4000000000000000n, IXC],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x7ff8000000000001n, 0x3ff0000000000000n], RN, 0xfff8000000000001n, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x7ff8000000000001n, 0x3ff0000000000000n], RN, 0xfff8000000000001n, 0],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x7ff8000000000001n, 0x3ff0000000000000n], RN, 0x7ff8000000000001n, 0],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x3ff0000000000000n, 0xfff0000000000001n], RN, 0xfff8000000000001n, IOC],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x3ff0000000000000n, 0xfff0000000000001n], RN, 0xfff8000000000001n, IOC],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x3ff0000000000000n, 0xfff0000000000001n], RN, 0xfff8000000000001n, IOC],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x170000000000000n, 0x3e10000000000000n], RN, 0x4000000000000000n, IXC],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x170000000000000n, 0x3e10000000000000n], RN, 0x3ff8000000000000n, IXC],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x170000000000000n, 0x3e10000000000000n], RN, 0x100000000000n, 0],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x4007ffffffffffffn, 0x3ff0000000000000n], RN, 0xbfeffffffffffffcn, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x4007ffffffffffffn, 0x3ff0000000000000n], RN, 0x3cb0000000000000n, 0],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x4007ffffffffffffn, 0x3ff0000000000000n], RN, 0x4007ffffffffffffn, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x7f800000n, 0x0n], RM | FZ, 0x40000000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x7f800000n, 0x0n], RM | FZ, 0x3fc00000n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x7f800000n, 0x0n], RM | FZ, 0x40000000n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x0n, 0xff800000n], RM | FZ, 0x40000000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x0n, 0xff800000n], RM | FZ, 0x3fc00000n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x0n, 0xff800000n], RM | FZ, 0xc0000000n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0xff800000n, 0x40000000n], RM | FZ, 0x7f800000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0xff800000n, 0x40000000n], RM | FZ, 0x7f800000n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0xff800000n, 0x40000000n], RM | FZ, 0xff800000n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x3fc00000n, 0x3fa00000n], RM | FZ, 0x3e000000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x3fc00000n, 0x3fa00000n], RM | FZ, 0x3f100000n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x3fc00000n, 0x3fa00000n], RM | FZ, 0x3ff00000n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x3f800001n, 0x3fffffffn], RM | FZ, 0xb3fffffen, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x3f800001n, 0x3fffffffn], RM | FZ, 0x3efffffen, IXC],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x3f800001n, 0x3fffffffn], RM | FZ, 0x40000000n, IXC],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x7fc00001n, 0x3f800000n], RM | FZ, 0xffc00001n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x7fc00001n, 0x3f800000n], RM | FZ, 0xffc00001n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x7fc00001n, 0x3f800000n], RM | FZ, 0x7fc00001n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x3f800000n, 0x7f800001n], RM | FZ, 0x7fc00001n, IOC],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x3f800000n, 0x7f800001n], RM | FZ, 0x7fc00001n, IOC],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x3f800000n, 0x7f800001n], RM | FZ, 0x7fc00001n, IOC],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0xffc00001n, 0x7fc00002n], RM | FZ, 0x7fc00001n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0xffc00001n, 0x7fc00002n], RM | FZ, 0x7fc00001n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0xffc00001n, 0x7fc00002n], RM | FZ, 0xffc00001n, 0],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x1n, 0x3f800000n], RM | FZ, 0x40000000n, IDC],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x1n, 0x3f800000n], RM | FZ, 0x3fc00000n, IDC],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x1n, 0x3f800000n], RM | FZ, 0x0n, IDC],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x71800000n, 0x71800000n], RM | FZ, 0xff800000n, OFC | IXC],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x71800000n, 0x71800000n], RM | FZ, 0xff800000n, OFC | IXC],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x71800000n, 0x71800000n], RM | FZ, 0x7f7fffffn, OFC | IXC],
  ['frecps s0, s1, s2', 'fpRecipStep32', [0x40000000n, 0x3fc00000n], RM | FZ, 0xbf800000n, 0],
  ['frsqrts s0, s1, s2', 'fpRSqrtStep32', [0x40000000n, 0x3fc00000n], RM | FZ, 0x80000000n, 0],
  ['fmulx s0, s1, s2', 'fpMulX32', [0x40000000n, 0x3fc00000n], RM | FZ, 0x40400000n, 0],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x7ff0000000000000n, 0x8000000000000000n], RM | FZ, 0x4000000000000000n, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x7ff0000000000000n, 0x8000000000000000n], RM | FZ, 0x3ff8000000000000n, 0],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x7ff0000000000000n, 0x8000000000000000n], RM | FZ, 0xc000000000000000n, 0],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x4008000000000000n, 0x3ff0000000000000n], RM | FZ, 0xbff0000000000000n, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x4008000000000000n, 0x3ff0000000000000n], RM | FZ, 0x8000000000000000n, 0],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x4008000000000000n, 0x3ff0000000000000n], RM | FZ, 0x4008000000000000n, 0],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x3ff0000000000001n, 0x3fffffffffffffffn], RM | FZ, 0xbcaffffffffffffen, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x3ff0000000000001n, 0x3fffffffffffffffn], RM | FZ, 0x3fdffffffffffffen, IXC],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x3ff0000000000001n, 0x3fffffffffffffffn], RM | FZ, 0x4000000000000000n, IXC],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x7ff8000000000001n, 0x3ff0000000000000n], RM | FZ, 0xfff8000000000001n, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x7ff8000000000001n, 0x3ff0000000000000n], RM | FZ, 0xfff8000000000001n, 0],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x7ff8000000000001n, 0x3ff0000000000000n], RM | FZ, 0x7ff8000000000001n, 0],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x3ff0000000000000n, 0xfff0000000000001n], RM | FZ, 0xfff8000000000001n, IOC],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x3ff0000000000000n, 0xfff0000000000001n], RM | FZ, 0xfff8000000000001n, IOC],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x3ff0000000000000n, 0xfff0000000000001n], RM | FZ, 0xfff8000000000001n, IOC],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x170000000000000n, 0x3e10000000000000n], RM | FZ, 0x3fffffffffffffffn, IXC],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x170000000000000n, 0x3e10000000000000n], RM | FZ, 0x3ff7ffffffffffffn, IXC],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x170000000000000n, 0x3e10000000000000n], RM | FZ, 0x0n, UFC],
  ['frecps d0, d1, d2', 'fpRecipStep64', [0x4007ffffffffffffn, 0x3ff0000000000000n], RM | FZ, 0xbfeffffffffffffcn, 0],
  ['frsqrts d0, d1, d2', 'fpRSqrtStep64', [0x4007ffffffffffffn, 0x3ff0000000000000n], RM | FZ, 0x3cb0000000000000n, 0],
  ['fmulx d0, d1, d2', 'fpMulX64', [0x4007ffffffffffffn, 0x3ff0000000000000n], RM | FZ, 0x4007ffffffffffffn, 0],
  ['fcmeq s0, s1, s2', 'fpCompareEq32', [0x3f800000n, 0x3f800000n], RN, 0xffffffffn, 0],
  ['fcmge s0, s1, s2', 'fpCompareGe32', [0x3f800000n, 0x3f800000n], RN, 0xffffffffn, 0],
  ['fcmgt s0, s1, s2', 'fpCompareGt32', [0x3f800000n, 0x3f800000n], RN, 0x0n, 0],
  ['fcmeq s0, s1, s2', 'fpCompareEq32', [0x0n, 0x80000000n], RN, 0xffffffffn, 0],
  ['fcmge s0, s1, s2', 'fpCompareGe32', [0x0n, 0x80000000n], RN, 0xffffffffn, 0],
  ['fcmgt s0, s1, s2', 'fpCompareGt32', [0x0n, 0x80000000n], RN, 0x0n, 0],
  ['fcmeq s0, s1, s2', 'fpCompareEq32', [0x3f800000n, 0x40000000n], RN, 0x0n, 0],
  ['fcmge s0, s1, s2', 'fpCompareGe32', [0x3f800000n, 0x40000000n], RN, 0x0n, 0],
  ['fcmgt s0, s1, s2', 'fpCompareGt32', [0x3f800000n, 0x40000000n], RN, 0x0n, 0],
  ['fcmeq s0, s1, s2', 'fpCompareEq32', [0x40000000n, 0x3f800000n], RN, 0x0n, 0],
  ['fcmge s0, s1, s2', 'fpCompareGe32', [0x40000000n, 0x3f800000n], RN, 0xffffffffn, 0],
  ['fcmgt s0, s1, s2', 'fpCompareGt32', [0x40000000n, 0x3f800000n], RN, 0xffffffffn, 0],
  ['fcmeq s0, s1, s2', 'fpCompareEq32', [0x7fc00001n, 0x3f800000n], RN, 0x0n, 0],
  ['fcmge s0, s1, s2', 'fpCompareGe32', [0x7fc00001n, 0x3f800000n], RN, 0x0n, IOC],
  ['fcmgt s0, s1, s2', 'fpCompareGt32', [0x7fc00001n, 0x3f800000n], RN, 0x0n, IOC],
  ['fcmeq s0, s1, s2', 'fpCompareEq32', [0x3f800000n, 0x7f800001n], RN, 0x0n, IOC],
  ['fcmge s0, s1, s2', 'fpCompareGe32', [0x3f800000n, 0x7f800001n], RN, 0x0n, IOC],
  ['fcmgt s0, s1, s2', 'fpCompareGt32', [0x3f800000n, 0x7f800001n], RN, 0x0n, IOC],
  ['fcmeq d0, d1, d2', 'fpCompareEq64', [0x3ff0000000000000n, 0x3ff0000000000000n], FZ, 0xffffffffffffffffn, 0],
  ['fcmge d0, d1, d2', 'fpCompareGe64', [0x3ff0000000000000n, 0x3ff0000000000000n], FZ, 0xffffffffffffffffn, 0],
  ['fcmgt d0, d1, d2', 'fpCompareGt64', [0x3ff0000000000000n, 0x3ff0000000000000n], FZ, 0x0n, 0],
  ['fcmeq d0, d1, d2', 'fpCompareEq64', [0x8000000000000001n, 0x0n], FZ, 0xffffffffffffffffn, IDC],
  ['fcmge d0, d1, d2', 'fpCompareGe64', [0x8000000000000001n, 0x0n], FZ, 0xffffffffffffffffn, IDC],
  ['fcmgt d0, d1, d2', 'fpCompareGt64', [0x8000000000000001n, 0x0n], FZ, 0x0n, IDC],
  ['fcmeq d0, d1, d2', 'fpCompareEq64', [0x7ff8000000000001n, 0x3ff0000000000000n], FZ, 0x0n, 0],
  ['fcmge d0, d1, d2', 'fpCompareGe64', [0x7ff8000000000001n, 0x3ff0000000000000n], FZ, 0x0n, IOC],
  ['fcmgt d0, d1, d2', 'fpCompareGt64', [0x7ff8000000000001n, 0x3ff0000000000000n], FZ, 0x0n, IOC],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0x3ff0000010000000n], RN, 0x3f800001n, IXC],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0x3ff0000030000000n], RN, 0x3f800001n, IXC],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0xb730000000000000n], RN, 0x80000200n, 0],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0x4c70000000000000n], RN, 0x7f7fffffn, OFC | IXC],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0x7ff0000000000001n], RN, 0x7fc00000n, IOC],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0x3ff0000010000000n], RZ, 0x3f800001n, IXC],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0x3ff0000030000000n], RZ, 0x3f800001n, IXC],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0xb730000000000000n], RZ, 0x80000200n, 0],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0x4c70000000000000n], RZ, 0x7f7fffffn, OFC | IXC],
  ['fcvtxn s0, d1', 'fpConvert64to32Odd', [0x7ff0000000000001n], RZ, 0x7fc00000n, IOC],
];

// ---------------------------------------------------------------- engine tests

test('FADD/FSUB/FMUL/FDIV/FSQRT round ties and inexact results in every FPCR.RMode', () => check(ROUNDING_CASES));

test('FPCR.FZ flushes denormal inputs with IDC and tiny results with UFC only; tininess is detected before rounding',
  () => check(FZ_CASES));

test('FPCR.DN replaces every NaN result by the default NaN', () => check(DN_CASES));

test('NaN propagation takes signalling NaNs first, then operand order (the FMADD addend first)', () => check(NANORDER_CASES));

test('FMADD, FMSUB, FNMADD, FNMSUB round once where a separate multiply and add would round twice',
  () => check(FMA_CASES));

test('FCVT*S/U saturate with IOC, convert NaN to 0 with IOC and round in their own modes', () => check(TOINT_CASES));

test('FRINT* round in their own modes (FRINTX, FRINTI in FPCR.RMode) and only FRINTX raises IXC', () => check(FRINT_CASES));

test('FCMP orders values, FCMPE and FCCMPE raise IOC on a quiet NaN, FCCMP takes #nzcv when the condition fails',
  () => check(COMPARE_CASES));

test('FCVT to and from half precision rounds in FPCR.RMode and honours FPCR.AHP', () => check(HALF_CASES));

test('FMAXNM/FMINNM return the number when one operand is a quiet NaN; FMAX/FMIN order signed zeros',
  () => check(MAXMIN_CASES));

test('FMOV between general and SIMD&FP registers and from immediates; FMOV Vd.D[1] keeps the low half',
  () => check(MOVES_CASES));

test('SCVTF/UCVTF round in FPCR.RMode', () => check(TOFP_CASES));

test('half-precision arithmetic, FRINT32Z and unallocated encodings take the Undefined Instruction exception', () => {
  const cases: [string, number, boolean][] = [
    ['fadd h0, h1, h2 (FEAT_FP16)', 0x1ee22820, true],
    ['fmov w0, h1 (FEAT_FP16)', 0x1ee60020, true],
    ['frint32z s0, s1 (FEAT_FRINTTS)', 0x1e284020, true],
    ['fjcvtzs w0, d1 (FEAT_JSCVT)', 0x1e7e0020, true],
    ['fadd with ftype 10', 0x1ea22820, false],
    ['fcvt s0, s1 (same precision)', 0x1e224020, false],
    ['scvtf s0, w1, #33 (scale<5> = 0 for 32-bit)', 0x1e027c20, false],
    ['fmov s0, #2.0 with imm5 != 0', 0x1e201020, false],
    ['fcmp with op != 00', 0x1e226020, false],
    ['2-source opcode 1001', 0x1e229820, false],
  ];
  for (const [what, insn, logs] of cases) {
    logged = [];
    const s = step(insn, { v1: 0x3f800000n, v2: 0x3f800000n });
    assert.equal(s.pc, 0x200n, `${what}: current EL with SP_ELx synchronous vector`);
    assert.equal(engine.sysreg(0, L.SR_ESR_EL1) >> 26n, 0n, `${what}: ESR_EL1.EC = Unknown reason`);
    assert.equal(engine.sysreg(0, L.SR_ELR_EL1), CODE, `${what}: ELR_EL1`);
    assert.equal(hex(s.v0), hex(SENT), `${what}: V0 unchanged`);
    assert.deepEqual(logged, logs ? [insn] : [], `${what}: reported as unimplemented only for features not built`);
  }
});

// ---------------------------------------------------------------- fpcore functions that only AdvSIMD reaches

type CoreFn = (...args: (number | bigint)[]) => number | bigint;
let core: Record<string, CoreFn>;
let coreFpsr: DataView;

/**
 * Build as/fpcore.ts on its own (its exports become Wasm exports; the running vCPU block is at VCPU_BASE). The
 * compiler runs in a plain Node child: loading it through the test's TypeScript loader takes far longer.
 */
async function buildCore(): Promise<void> {
  const asc = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js');
  const src = fileURLToPath(new URL('./as/fpcore.ts', import.meta.url));
  const out = join(mkdtempSync(join(tmpdir(), 'tsxen-fpcore-')), 'fpcore.wasm');
  execFileSync(process.execPath, [asc, src, '--outFile', out, '--runtime', 'stub', '--importMemory', '--initialMemory', '4',
    '--noAssert'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const memory = new WebAssembly.Memory({ initial: 4 });
  const { instance } = await WebAssembly.instantiate(readFileSync(out), { env: { memory, abort: () => { throw new Error('abort'); } } });
  core = instance.exports as unknown as Record<string, CoreFn>;
  coreFpsr = new DataView(memory.buffer, L.VCPU_BASE + L.S_FPSR, 4);
}

/** Call an fpcore export the way `asm` uses it: operands and result are 64-bit for D registers. */
function callCore(asm: string, fn: string, args: bigint[], fpcr: number): { r: bigint; fpsr: number } {
  const [dst, src] = asm.split(/[ ,]+/).slice(1);
  const wide = src.startsWith('d');
  coreFpsr.setUint32(0, 0, true);
  const raw = core[fn](...args.map(a => (wide ? a : Number(a))), fpcr);
  let r: bigint;
  if (fn.startsWith('fpCompare')) r = raw ? (dst.startsWith('d') ? (1n << 64n) - 1n : 0xffffffffn) : 0n;
  else r = typeof raw === 'bigint' ? BigInt.asUintN(64, raw) : BigInt(raw >>> 0);
  return { r, fpsr: coreFpsr.getUint32(0, true) };
}

/** Sweep inputs: every 8-bit table index with both exponent parities (odd indices 256..511 use 2.0 <= x < 4.0). */
const sweep32 = (i: number): bigint => BigInt(((((i >> 8) & 1 ? 128 : 127) << 23) | ((i & 255) << 15) | ((i * 0x2f1) & 0x7fff)) >>> 0);
const sweep64 = (i: number): bigint =>
  (BigInt((i >> 8) & 1 ? 0x400 : 0x3ff) << 52n) | (BigInt(i & 255) << 44n) | ((BigInt(i) * 0x9e3779b9n) & 0xfffffffffffn);

function sweepCases(): CoreCase[] {
  const out: CoreCase[] = [];
  const tables: [string, string, string, (i: number) => bigint, boolean][] = [
    ['frecpe s0, s1', 'fpRecipEstimate32', RECPE32_SWEEP, sweep32, false],
    ['frsqrte s0, s1', 'fpRSqrtEstimate32', RSQRTE32_SWEEP, sweep32, false],
    ['frecpe d0, d1', 'fpRecipEstimate64', RECPE64_SWEEP, sweep64, true],
    ['frsqrte d0, d1', 'fpRSqrtEstimate64', RSQRTE64_SWEEP, sweep64, true],
  ];
  for (const [asm, fn, table, input, wide] of tables) {
    for (let i = 0; i < 512; i++) {
      const word = BigInt('0x' + table.slice(8 * i, 8 * i + 8));
      out.push([asm, fn, [input(i)], RN, wide ? word << 32n : word, 0]);
    }
  }
  return out;
}

test('FRECPE and FRSQRTE follow the Arm ARM estimate tables on a sweep of every table index', async () => {
  if (!core) await buildCore();
  for (const [asm, fn, args, fpcr, exp, fpsr] of sweepCases()) {
    const got = callCore(asm, fn, args, fpcr);
    assert.equal(hex(got.r), hex(exp), `${asm} of ${hex(args[0])}`);
    assert.equal(got.fpsr, fpsr, `${asm} of ${hex(args[0])}: FPSR`);
  }
});

test('estimates, Newton steps, FMULX, vector compares and FCVTXN handle zeros, infinities, NaNs, FZ and overflow',
  async () => {
    if (!core) await buildCore();
    for (const [asm, fn, args, fpcr, exp, fpsr] of CORE_CASES) {
      const got = callCore(asm, fn, args, fpcr);
      const what = `${asm} of ${args.map(hex).join(', ')} with FPCR ${hex(fpcr)}`;
      assert.equal(hex(got.r), hex(exp), what);
      assert.equal(hex(got.fpsr), hex(fpsr), `${what}: FPSR`);
    }
  });

// ---------------------------------------------------------------- the oracle

function haveTools(): boolean {
  try {
    execFileSync('qemu-aarch64', ['--version'], { stdio: 'ignore' });
    execFileSync('aarch64-linux-gnu-as', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface OracleCase { asm: string; v: bigint[]; vhi1: bigint; x1: bigint; fpcr: number; nzcv: number }
interface OracleOut { v0: bigint; v0hi: bigint; x0: bigint; fpsr: number; nzcv: number }

/** Run every case as straight-line code in one static program under qemu-aarch64; the result records come on stdout. */
function runQemu(cases: OracleCase[], dir: string): OracleOut[] {
  const text = ['.text', '.global _start', '_start:', 'adrp x20, data', 'add x20, x20, :lo12:data', 'adrp x21, out',
    'add x21, x21, :lo12:out'];
  const data = ['.data', '.balign 16', 'data:'];
  for (const c of cases) {
    text.push('ldp q0, q1, [x20]', 'ldp q2, q3, [x20, #32]', 'ldp x0, x1, [x20, #64]', 'ldp x2, x3, [x20, #80]',
      'ldp x9, x10, [x20, #96]', 'msr fpcr, x9', 'msr fpsr, xzr', 'msr nzcv, x10', c.asm, 'mrs x9, fpsr',
      'mrs x10, nzcv', 'str q0, [x21]', 'stp x0, x9, [x21, #16]', 'str x10, [x21, #32]', 'add x20, x20, #112',
      'add x21, x21, #48');
    data.push(`.quad ${hex(SENT)}, ${hex(SENT_HI)}`, `.quad ${hex(c.v[1])}, ${hex(c.vhi1)}`,
      `.quad ${hex(c.v[2])}, ${hex(SENT_HI)}`, `.quad ${hex(c.v[3])}, ${hex(SENT_HI)}`,
      `.quad ${hex(SENT)}, ${hex(c.x1)}, 0, 0`, `.quad ${hex(c.fpcr)}, ${hex(c.nzcv >>> 0)}`);
  }
  text.push('mov x0, #1', 'adrp x1, out', 'add x1, x1, :lo12:out', `ldr x2, =${cases.length * 48}`, 'mov x8, #64',
    'svc #0', 'mov x0, #0', 'mov x8, #93', 'svc #0', '.ltorg');
  data.push('.bss', '.balign 16', 'out:', `.space ${cases.length * 48}`);
  writeFileSync(join(dir, 'p.s'), [...text, ...data].join('\n') + '\n');
  execFileSync('aarch64-linux-gnu-as', ['-march=armv8-a', '-o', join(dir, 'p.o'), join(dir, 'p.s')]);
  execFileSync('aarch64-linux-gnu-ld', ['-static', '-o', join(dir, 'p'), join(dir, 'p.o')]);
  const buf = execFileSync('qemu-aarch64', [join(dir, 'p')], { maxBuffer: 1 << 26 });
  return cases.map((_c, i) => ({
    v0: buf.readBigUInt64LE(48 * i), v0hi: buf.readBigUInt64LE(48 * i + 8), x0: buf.readBigUInt64LE(48 * i + 16),
    fpsr: Number(buf.readBigUInt64LE(48 * i + 24)), nzcv: Number(buf.readBigUInt64LE(48 * i + 32)),
  }));
}

/** The encodings the assembler gives for `lines`. */
function assemble(lines: string[], dir: string): number[] {
  writeFileSync(join(dir, 'a.s'), '.text\n' + lines.join('\n') + '\n');
  execFileSync('aarch64-linux-gnu-as', ['-march=armv8-a', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
  execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
  const b = readFileSync(join(dir, 'a.bin'));
  return lines.map((_l, i) => b.readUInt32LE(4 * i));
}

test('the golden values agree with qemu-aarch64', { skip: !haveTools() && 'qemu-aarch64 or aarch64-linux-gnu-as missing' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsxen-fp-'));
    const golden = [ROUNDING_CASES, FZ_CASES, DN_CASES, NANORDER_CASES, FMA_CASES, TOINT_CASES, FRINT_CASES,
      COMPARE_CASES, HALF_CASES, MAXMIN_CASES, MOVES_CASES, TOFP_CASES].flat();
    const words = assemble(golden.map(c => c[0]), dir);
    golden.forEach((c, i) => assert.equal(hex(words[i]), hex(c[1]), `encoding of ${c[0]}`));
    const q = runQemu(golden.map(([asm, , inp]) => ({
      asm, v: [SENT, inp.v1 ?? 0n, inp.v2 ?? 0n, inp.v3 ?? 0n], vhi1: inp.vhi1 ?? SENT_HI, x1: inp.x1 ?? 0n,
      fpcr: inp.fpcr ?? 0, nzcv: inp.nzcv ?? 0,
    })), dir);
    golden.forEach(([asm, , , exp], i) => {
      const r = q[i];
      if (exp.v0 !== undefined) assert.deepEqual([hex(r.v0), hex(r.v0hi)], [hex(exp.v0), hex(exp.v0hi ?? 0n)], asm);
      if (exp.x0 !== undefined) assert.equal(hex(r.x0), hex(exp.x0), asm);
      if (exp.nzcv !== undefined) assert.equal(hex(r.nzcv), hex(exp.nzcv), asm);
      assert.equal(hex(r.fpsr), hex(exp.fpsr), `${asm}: FPSR`);
    });
    const coreCases = [...sweepCases(), ...CORE_CASES];
    const qc = runQemu(coreCases.map(([asm, , args, fpcr]) => ({
      asm, v: [SENT, args[0], args[1] ?? 0n, 0n], vhi1: SENT_HI, x1: 0n, fpcr, nzcv: 0,
    })), dir);
    coreCases.forEach(([asm, , args, , exp, fpsr], i) => {
      assert.equal(hex(qc[i].v0), hex(exp), `${asm} of ${args.map(hex).join(', ')}`);
      assert.equal(hex(qc[i].fpsr), hex(fpsr), `${asm} of ${args.map(hex).join(', ')}: FPSR`);
    });
  });
