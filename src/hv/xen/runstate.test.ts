import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Runstates, decode } from './runstate.js';

function runstates(vcpus = 2) {
  let now = 100n;
  const writes: { vcpu: number; va: bigint; data: Uint8Array }[] = [];
  let flag = false;
  const r = new Runstates({
    vcpus, nowNs: () => now,
    writeGuest: (vcpu, va, data) => { writes.push({ vcpu, va, data: data.slice() }); return va < 0xb00n || va >= 0xc00n; },
    updateFlag: () => flag,
  });
  return { r, writes, tick: (ns: bigint) => { now += ns; }, setFlag: (f: boolean) => { flag = f; } };
}

test('vCPU 0 starts runnable and the others offline; time accrues to the state being left', () => {
  const { r, tick } = runstates();
  assert.equal(r.state(0), 'runnable');
  assert.equal(r.state(1), 'offline');
  tick(10n);
  r.set(0, 'running');
  tick(30n);
  assert.deepEqual(r.get(0).time, [30n, 10n, 0n, 0n]); // get() counts the current state up to now
  r.set(0, 'blocked');
  tick(5n);
  r.set(0, 'running');
  assert.deepEqual(r.get(0).time, [30n, 10n, 5n, 0n]);
  assert.equal(r.get(0).stateEntryTime, 145n);
});

test('a registered area gets the whole structure on every change, and nothing when the state is unchanged', () => {
  const { r, writes, tick } = runstates();
  r.register(1, 0x1000n);
  assert.equal(writes.length, 1);
  r.set(1, 'offline');
  assert.equal(writes.length, 1);
  tick(7n);
  r.set(1, 'runnable');
  const last = decode(writes.at(-1)!.data);
  assert.equal(last.state, 'runnable');
  assert.deepEqual(last.time, [0n, 0n, 0n, 7n]);
  assert.equal(writes.at(-1)!.vcpu, 1);
});

test('the update flag brackets the copy; a failing copy stops quietly', () => {
  const { r, writes, setFlag } = runstates();
  setFlag(true);
  r.register(0, 0x2000n);
  assert.deepEqual(writes.map(w => [w.va, w.data.length]), [[0x2008n, 8], [0x2000n, 48], [0x2008n, 8]]);
  assert.equal(decode(writes[1].data).updating, true);
  writes.length = 0;
  r.register(0, 0xbadn);
  assert.equal(writes.length, 1);
});
