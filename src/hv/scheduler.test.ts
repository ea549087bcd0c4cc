import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCHED_POLL_NR_PORTS, SCHED_POLL_PORTS, SCHED_POLL_TIMEOUT, SCHEDOP_poll } from '../abi/xen/sched.js';
import { HYPERVISOR_sched_op } from '../abi/xen/xen.js';
import { createEngine } from '../host/engine-loader.js';
import { VirtMachine } from '../machine/virt.js';
import { Domain } from './domain.js';
import { Scheduler, type SchedulerHost } from './scheduler.js';
import { Xen } from './xen/hypervisor.js';
import { FakeClock } from './xen/testbed.js';

const movz = (rd: number, imm16: number, hw = 0) => (0xd2800000 | (hw << 21) | (imm16 << 5) | rd) >>> 0;
const movk = (rd: number, imm16: number, hw: number) => (0xf2800000 | (hw << 21) | (imm16 << 5) | rd) >>> 0;
const HVC_XEN = 0xd401d422; // hvc #0xea1
const HVC0 = 0xd4000002;
const RAM = 0x40000000n;
const ARG = RAM + 0x1000n;
const PORTS = RAM + 0x1100n;

/** sched_op(cmd, ARG), then PSCI SYSTEM_OFF. */
function program(cmd: number): number[] {
  return [
    movz(16, HYPERVISOR_sched_op), movz(0, cmd), movz(1, 0x1000), movk(1, 0x4000, 1), HVC_XEN,
    movz(0, 0x0008), movk(0, 0x8400, 1), HVC0,
  ];
}

async function pvhDomain(code: number[], clock: FakeClock, wake: () => void) {
  const machine = new VirtMachine({ name: 't', vcpus: 1, clock, onWake: wake });
  const engine = await createEngine({ ramSize: 1 << 20, vcpus: 1, hooks: machine.hooks });
  machine.attach(engine);
  const xd = new Xen().createDomain({ name: 't', engine, machine, clock, onWake: wake });
  const d = new Domain({ id: xd.id, name: 't', engine, machine, xen: xd });
  xd.attach(d);
  engine.writePhys(RAM, new Uint8Array(new Uint32Array(code).buffer));
  engine.setPc(0, RAM);
  d.unpause();
  return { d, xd, engine };
}

/** A host whose sleeps advance the fake clock instead of waiting. */
function fakeHost(clock: FakeClock, sleeps: number[]): SchedulerHost {
  return {
    yieldToHost: () => Promise.resolve(),
    sleep: ms => {
      sleeps.push(ms);
      clock.advance(BigInt(ms) * 1_000_000n);
      return Promise.resolve();
    },
  };
}

test('a vCPU in SCHEDOP_poll sleeps until its timeout, then runs on; the runstate follows it', async () => {
  const clock = new FakeClock();
  const sleeps: number[] = [];
  const sched = new Scheduler(fakeHost(clock, sleeps));
  const { d, xd, engine } = await pvhDomain(program(SCHEDOP_poll), clock, () => sched.kick());
  const port = xd.evtchn.allocUnbound(0);
  const arg = new Uint8Array(24);
  const v = new DataView(arg.buffer);
  v.setBigUint64(SCHED_POLL_PORTS, PORTS, true);
  v.setUint32(SCHED_POLL_NR_PORTS, 1, true);
  v.setBigUint64(SCHED_POLL_TIMEOUT, clock.ns + 5_000_000n, true); // absolute system time: now + 5 ms
  engine.writePhys(ARG, arg);
  engine.writePhys(PORTS, new Uint8Array(new Uint32Array([port]).buffer));
  const states: string[] = [];
  const set = xd.setRunstate.bind(xd);
  xd.setRunstate = (vcpu, s) => { states.push(s); set(vcpu, s); };
  sched.add(d);
  await sched.run();
  assert.equal(d.shutdownReason, 'poweroff');
  assert.deepEqual(sleeps, [5], 'one sleep, as long as the poll timeout');
  assert.deepEqual(states.slice(0, 3), ['running', 'blocked', 'running']);
});
