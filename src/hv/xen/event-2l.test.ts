import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventTwoLevel } from './event-2l.js';
import { FakeSharedInfo } from './testing.js';

test('setPending sets the pending bit, the selector word bit and injects the upcall once', () => {
  const s = new FakeSharedInfo(2);
  const ops = new EventTwoLevel(s);
  ops.setPending(1, 70);
  assert.equal(s.pending[70], 1);
  assert.equal(s.pendingSel[1], 1n << 1n); // 70 / 64 = word 1
  assert.equal(s.upcallPending[1], true);
  assert.deepEqual(s.upcalls, [1]);
  // a second port in another word: selector grows, upcall already pending -> no second PPI
  ops.setPending(1, 5);
  assert.equal(s.pendingSel[1], (1n << 1n) | 1n);
  assert.deepEqual(s.upcalls, [1]);
});

test('an event already pending is absorbed', () => {
  const s = new FakeSharedInfo();
  const ops = new EventTwoLevel(s);
  ops.setPending(0, 3);
  s.ack(0);
  ops.setPending(0, 3);
  assert.equal(s.pendingSel[0], 0n);
  assert.deepEqual(s.upcalls, [0]);
});

test('a masked port becomes pending without touching the selector or the upcall', () => {
  const s = new FakeSharedInfo();
  const ops = new EventTwoLevel(s);
  s.mask[9] = 1;
  ops.setPending(0, 9);
  assert.equal(s.pending[9], 1);
  assert.equal(s.pendingSel[0], 0n);
  assert.equal(s.upcallPending[0], false);
  assert.deepEqual(s.upcalls, []);
});

test('selector bit already set (guest has not scanned yet) means no new upcall', () => {
  const s = new FakeSharedInfo();
  const ops = new EventTwoLevel(s);
  s.pendingSel[0] = 1n;
  ops.setPending(0, 4);
  assert.deepEqual(s.upcalls, []);
});

test('upcall_pending already set means the PPI is not injected again', () => {
  const s = new FakeSharedInfo();
  const ops = new EventTwoLevel(s);
  s.upcallPending[0] = true;
  ops.setPending(0, 4);
  assert.equal(s.pendingSel[0], 1n);
  assert.deepEqual(s.upcalls, []);
});

test('unmask re-raises a pending event on the notify vCPU given', () => {
  const s = new FakeSharedInfo(2);
  const ops = new EventTwoLevel(s);
  s.mask[130] = 1;
  ops.setPending(0, 130);
  assert.deepEqual(s.upcalls, []);
  ops.unmask(130, 1);
  assert.equal(s.mask[130], 0);
  assert.equal(s.pendingSel[1], 1n << 2n);
  assert.deepEqual(s.upcalls, [1]);
});

test('unmask of a port that was not masked or not pending raises nothing', () => {
  const s = new FakeSharedInfo();
  const ops = new EventTwoLevel(s);
  s.mask[2] = 1;
  ops.unmask(2, 0); // masked, not pending
  s.pending[3] = 1;
  ops.unmask(3, 0); // pending, not masked: the guest already saw it
  assert.deepEqual(s.upcalls, []);
});

test('without an atomic test-and-clear the mask is read, then cleared, with the same result', () => {
  const s = new FakeSharedInfo(1, false);
  const ops = new EventTwoLevel(s);
  s.mask[7] = 1;
  ops.setPending(0, 7);
  ops.unmask(7, 0);
  assert.equal(s.mask[7], 0);
  assert.deepEqual(s.upcalls, [0]);
});

test('isPending/isMasked answer for ports beyond 4096 as event_2l.c does', () => {
  const s = new FakeSharedInfo();
  const ops = new EventTwoLevel(s);
  assert.equal(ops.isPending(4096), false);
  assert.equal(ops.isMasked(4096), true);
  s.pending[1] = 1;
  assert.equal(ops.isPending(1), true);
  ops.clearPending(1);
  assert.equal(ops.isPending(1), false);
});
