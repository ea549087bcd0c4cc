import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import {
  SHARED_INFO_EVTCHN_MASK, SHARED_INFO_EVTCHN_PENDING, SHARED_INFO_WC_NSEC, SHARED_INFO_WC_SEC,
  SHARED_INFO_WC_SEC_HI, SHARED_INFO_WC_VERSION, VCPU_INFO_PENDING_SEL,
} from '../../abi/xen/shared_info.js';
import { S_EXCL_ADDR, SR_CNTVOFF_EL2 } from '../../cpu/layout.js';
import { xenTestbed } from './testbed.js';

const word = (t: { e: { view: DataView } }, host: number) => t.e.view.getUint32(host, true);

test('the wallclock is host real time at guest counter zero, published with an even wc_version', async () => {
  const t = await xenTestbed(createEngine);
  const page = t.d.shared.page;
  // the guest counter runs from the machine's counter (monotonic ns * 62.5 MHz) minus CNTVOFF
  const counter = t.machine.counter();
  const guestNs = ((counter - t.e.sysreg(0, SR_CNTVOFF_EL2)) * 1_000_000_000n) / 62_500_000n;
  const expectNs = BigInt(Math.round(t.clock.wall * 1e6)) * 1000n - guestNs;
  const sec = BigInt(word(t, page + SHARED_INFO_WC_SEC)) | (BigInt(word(t, page + SHARED_INFO_WC_SEC_HI)) << 32n);
  const gotNs = sec * 1_000_000_000n + BigInt(word(t, page + SHARED_INFO_WC_NSEC));
  assert.equal(gotNs, expectNs);
  assert.ok(word(t, page + SHARED_INFO_WC_NSEC) < 1_000_000_000);
  assert.equal(word(t, page + SHARED_INFO_WC_VERSION) % 2, 0);
  // moving CNTVOFF to "now" makes guest time zero now: the wallclock becomes the current wall time
  const v0 = word(t, page + SHARED_INFO_WC_VERSION);
  t.e.setSysreg(0, SR_CNTVOFF_EL2, counter);
  t.d.updateWallclock();
  assert.equal(BigInt(word(t, page + SHARED_INFO_WC_SEC)), BigInt(Math.floor(t.clock.wall)));
  assert.equal(word(t, page + SHARED_INFO_WC_NSEC), 250_000_000);
  assert.ok(word(t, page + SHARED_INFO_WC_VERSION) > v0);
});

test('event bits are set with atomics in shared_info and clear every exclusive monitor', async () => {
  const t = await xenTestbed(createEngine, { vcpus: 2 });
  const s = t.d.shared;
  for (const v of [0, 1]) t.e.view.setBigInt64(t.e.base(v) + S_EXCL_ADDR, 0x4000_0000n, true);
  assert.equal(s.testAndSetPending(100), false);
  assert.equal(s.testAndSetPending(100), true);
  // port 100: u64 word 1, bit 36 -> byte 8 + 4, bit 4
  assert.equal(t.e.bytes[s.page + SHARED_INFO_EVTCHN_PENDING + 12], 1 << 4);
  for (const v of [0, 1]) assert.equal(t.e.view.getBigInt64(t.e.base(v) + S_EXCL_ADDR, true), -1n);
  s.setMask(4095);
  assert.equal(t.e.bytes[s.page + SHARED_INFO_EVTCHN_MASK + 511], 0x80);
  assert.equal(s.isMasked(4095), true);
  assert.equal(s.testAndClearMask(4095), true);
  assert.equal(s.testAndClearMask(4095), false);
  s.clearPending(100);
  assert.equal(s.isPending(100), false);
  // selector bit 40 of vCPU 0's vcpu_info (in shared_info slot 0): the high half of the u64
  assert.equal(s.testAndSetPendingSel(0, 40), false);
  assert.equal(word(t, s.page + VCPU_INFO_PENDING_SEL + 4), 1 << 8);
});

test('PPI 31 follows evtchn_upcall_pending and is re-evaluated when the guest deactivates it', async () => {
  const t = await xenTestbed(createEngine);
  const s = t.d.shared;
  const levels: boolean[] = [];
  const gic = t.machine.gic;
  const real = gic.setLevel.bind(gic);
  gic.setLevel = (intid, level, vcpu) => { if (intid === 31) levels.push(level); real(intid, level, vcpu); };
  assert.equal(s.setUpcallPending(0), true);
  s.raiseUpcall(0);
  assert.equal(s.setUpcallPending(0), false);
  assert.deepEqual(levels, [true]);
  // the guest clears the byte, then ends the interrupt: the line drops
  t.e.bytes[s.page] = 0;
  s.resampleUpcall(0);
  assert.deepEqual(levels, [true, false]);
});
