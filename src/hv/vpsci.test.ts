import { test } from 'node:test';
import assert from 'node:assert/strict';
import { psciCall, type PsciDomain, type VcpuPower } from './vpsci.js';
import * as P from '../abi/arm/psci.js';

function domain(n: number) {
  const power: VcpuPower[] = Array.from({ length: n }, (_, i) => (i === 0 ? 'on' : 'off'));
  const events: string[] = [];
  const d: PsciDomain = {
    vcpuCount: n,
    affinityOf: i => BigInt((i & 0xf) | ((i >> 4) << 8)),
    powerState: i => power[i]!,
    cpuOn: (i, entry, ctx) => { power[i] = 'on'; events.push(`on ${i} ${entry.toString(16)} ${ctx}`); },
    cpuOff: i => { power[i] = 'off'; events.push(`off ${i}`); },
    systemOff: () => events.push('system-off'),
    systemReset: () => events.push('system-reset'),
  };
  return { d, events, power };
}
const s64 = (v: number) => BigInt.asUintN(64, BigInt(v));

test('PSCI_VERSION reports 1.1 and SMCCC_VERSION 1.1', () => {
  const { d } = domain(1);
  assert.equal(psciCall(d, 0, P.PSCI_VERSION, 0n, 0n, 0n), 0x10001n);
  assert.equal(psciCall(d, 0, P.SMCCC_VERSION, 0n, 0n, 0n), 0x10001n);
});

test('CPU_ON starts a powered-off vCPU by MPIDR and refuses one already on', () => {
  const { d, events } = domain(2);
  assert.equal(psciCall(d, 0, P.PSCI_CPU_ON_64, 1n, 0x40080000n, 7n), 0n);
  assert.deepEqual(events, ['on 1 40080000 7']);
  assert.equal(psciCall(d, 0, P.PSCI_CPU_ON_64, 1n, 0x40080000n, 7n), s64(P.PSCI_ALREADY_ON));
  assert.equal(psciCall(d, 0, P.PSCI_CPU_ON_64, 5n, 0x40080000n, 0n), s64(P.PSCI_INVALID_PARAMETERS));
});

test('CPU_ON with a misaligned entry point is INVALID_ADDRESS', () => {
  const { d } = domain(2);
  assert.equal(psciCall(d, 0, P.PSCI_CPU_ON_64, 1n, 0x40080002n, 0n), s64(P.PSCI_INVALID_ADDRESS));
});

test('AFFINITY_INFO follows CPU_ON and CPU_OFF', () => {
  const { d } = domain(2);
  assert.equal(psciCall(d, 0, P.PSCI_AFFINITY_INFO_64, 1n, 0n, 0n), 1n);
  psciCall(d, 0, P.PSCI_CPU_ON_64, 1n, 0x40000000n, 0n);
  assert.equal(psciCall(d, 0, P.PSCI_AFFINITY_INFO_64, 1n, 0n, 0n), 0n);
  psciCall(d, 1, P.PSCI_CPU_OFF, 0n, 0n, 0n);
  assert.equal(psciCall(d, 0, P.PSCI_AFFINITY_INFO_64, 1n, 0n, 0n), 1n);
});

test('SYSTEM_OFF and SYSTEM_RESET reach the domain; unknown functions are NOT_SUPPORTED', () => {
  const { d, events } = domain(1);
  psciCall(d, 0, P.PSCI_SYSTEM_OFF, 0n, 0n, 0n);
  psciCall(d, 0, P.PSCI_SYSTEM_RESET, 0n, 0n, 0n);
  assert.deepEqual(events, ['system-off', 'system-reset']);
  assert.equal(psciCall(d, 0, 0x8400ffff, 0n, 0n, 0n), s64(-1));
  assert.equal(psciCall(d, 0, P.PSCI_FEATURES, BigInt(P.PSCI_CPU_ON_64), 0n, 0n), 0n);
  assert.equal(psciCall(d, 0, P.PSCI_FEATURES, BigInt(P.PSCI_CPU_SUSPEND_64), 0n, 0n), s64(-1));
  assert.equal(psciCall(d, 0, P.PSCI_MIGRATE_INFO_TYPE, 0n, 0n, 0n), 2n);
});
