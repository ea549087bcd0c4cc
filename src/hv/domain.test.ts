import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Domain } from './domain.js';
import { VirtMachine } from '../machine/virt.js';
import { createEngine } from '../host/engine-loader.js';
import * as P from '../abi/arm/psci.js';

const clock = { monotonicNs: () => process.hrtime.bigint(), wallSeconds: () => Date.now() / 1000 };

async function domain(code: number[], vcpus = 1) {
  const machine = new VirtMachine({ name: 't', vcpus, clock });
  const engine = await createEngine({ ramSize: 1 << 20, vcpus, hooks: machine.hooks });
  machine.attach(engine);
  const words = new Uint8Array(new Uint32Array(code).buffer);
  engine.writePhys(0x40000000n, words);
  engine.setPc(0, 0x40000000n);
  const d = new Domain({ id: 1, name: 't', engine, machine });
  d.unpause();
  return d;
}

const HVC0 = 0xd4000002; // hvc #0
const WFI = 0xd503207f;
const movz = (rd: number, imm16: number, hw: number) => (0xd2800000 | (hw << 21) | (imm16 << 5) | rd) >>> 0;

test('PSCI SYSTEM_OFF through HVC #0 shuts the domain down with reason poweroff', async () => {
  const d = await domain([movz(0, P.PSCI_SYSTEM_OFF & 0xffff, 0), 0xf2b08000, HVC0]); // movk x0, #0x8400, lsl 16
  for (let n = 0; n < 5 && d.state === 'running'; n++) d.runSlice(0);
  assert.equal(d.state, 'shutdown');
  assert.equal(d.shutdownReason, 'poweroff');
});

test('a WFI with no interrupt pending blocks the vCPU', async () => {
  const d = await domain([WFI]);
  d.runSlice(0);
  assert.equal(d.vcpus[0].blocked, true);
});

test('an HVC with an unknown immediate is an undefined instruction for the guest', async () => {
  const d = await domain([0xd4000022]); // hvc #1
  d.engine.setSysreg(0, 6 /* SR_VBAR_EL1 */, 0x40000800n);
  d.runSlice(0);
  const esr = d.engine.sysreg(0, 7 /* SR_ESR_EL1 */);
  assert.equal(esr >> 26n, 0n);
  assert.equal(d.engine.sysreg(0, 9 /* SR_ELR_EL1 */), 0x40000000n);
  assert.equal(d.state, 'running');
});

test('PSCI CPU_ON starts the second vCPU at the entry point with the context in x0', async () => {
  // x0 = CPU_ON64, x1 = 1 (MPIDR of vCPU 1), x2 = 0x40000100, x3 = 0x1234
  const d = await domain([movz(0, 0x0003, 0), 0xf2b88000, movz(1, 1, 0), movz(2, 0x0100, 0), 0xf2a80002,
    movz(3, 0x1234, 0), HVC0, WFI], 2);
  for (let n = 0; n < 3; n++) d.runSlice(0);
  assert.equal(d.engine.x(0, 0), 0n, 'CPU_ON returns SUCCESS');
  assert.equal(d.powerState(1), 'on');
  assert.equal(d.engine.pc(1), 0x40000100n);
  assert.equal(d.engine.x(1, 0), 0x1234n);
});
