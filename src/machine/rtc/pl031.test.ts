import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pl031 } from './pl031.js';

function rtc(start: number) {
  let now = start;
  const irq: boolean[] = [];
  const r = new Pl031({ nowSeconds: () => now, setIrq: l => irq.push(l) });
  return { r, irq, advance: (s: number) => { now += s; } };
}

test('RTCDR shows host wall-clock seconds', () => {
  const t = Date.now() / 1000;
  const { r } = rtc(t);
  assert.equal(Number(r.read(0x000, 4)), Math.floor(t));
});

test('RTCLR sets the counter, which then advances with the host clock', () => {
  const { r, advance } = rtc(1_000_000);
  r.write(0x008, 4, 42n);
  advance(5);
  assert.equal(Number(r.read(0x000, 4)), 47);
});

test('the match interrupt fires when the counter reaches RTCMR and RTCICR clears it', () => {
  const { r, irq, advance } = rtc(100);
  r.write(0x004, 4, 103n);
  r.write(0x010, 4, 1n);
  assert.equal(r.secondsToMatch(), 3);
  advance(3);
  r.poll();
  assert.equal(irq.at(-1), true);
  assert.equal(Number(r.read(0x018, 4)), 1);
  r.write(0x01c, 4, 1n);
  assert.equal(irq.at(-1), false);
});

test('PrimeCell identification registers identify a PL031', () => {
  const { r } = rtc(0);
  assert.equal(Number(r.read(0xfe0, 4)), 0x31);
  assert.equal(Number(r.read(0xffc, 4)), 0xb1);
});
