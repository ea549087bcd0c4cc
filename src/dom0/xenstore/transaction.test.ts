import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as W from '../../abi/xen/io/xs_wire.js';
import { storeWithDomains, WireTester } from './testing.js';
import { Xenstored } from './xenstored.js';

function two() {
  const xs = new Xenstored();
  return { xs, a: WireTester.socket(xs), b: WireTester.socket(xs) };
}

test('a transaction sees its own writes; others see them only after commit', () => {
  const { a, b } = two();
  const t = a.start();
  assert.equal(a.write('/x', '1', t), 'OK');
  assert.equal(a.read('/x', t), '1');
  assert.equal(a.read('/x'), 'E:ENOENT');
  assert.equal(b.read('/x'), 'E:ENOENT');
  assert.equal(a.end(t), 'OK');
  assert.equal(b.read('/x'), '1');
});

test('TRANSACTION_END F discards everything', () => {
  const { a } = two();
  a.write('/keep', 'k');
  const t = a.start();
  a.write('/x', '1', t);
  a.rm('/keep', t);
  assert.equal(a.end(t, false), 'OK');
  assert.equal(a.read('/x'), 'E:ENOENT');
  assert.equal(a.read('/keep'), 'k');
  assert.equal(a.end(t), 'E:ENOENT'); // the id is gone
});

test('commit fails with EAGAIN when a node the transaction read was changed meanwhile', () => {
  const { a, b } = two();
  a.write('/r', '0');
  const t = a.start();
  a.read('/r', t);
  a.write('/w', '1', t);
  b.write('/r', 'changed');
  assert.equal(a.end(t), 'E:EAGAIN');
  assert.equal(a.read('/w'), 'E:ENOENT');
});

test('commit fails with EAGAIN when a node the transaction wrote was written, deleted or re-permissioned meanwhile', () => {
  for (const meddle of [
    (b: WireTester) => b.write('/n', 'other'),
    (b: WireTester) => b.rm('/n'),
    (b: WireTester) => b.setPerms('/n', 'n0', 'r1'),
  ]) {
    const { a, b } = two();
    a.write('/n', '0');
    const t = a.start();
    a.write('/n', 'mine', t);
    meddle(b);
    assert.equal(a.end(t), 'E:EAGAIN');
  }
});

test('reading a missing node conflicts with its creation', () => {
  const { a, b } = two();
  const t = a.start();
  assert.equal(a.read('/later', t), 'E:ENOENT');
  a.write('/flag', 'x', t);
  b.write('/later', 'now');
  assert.equal(a.end(t), 'E:EAGAIN');
});

test('two transactions creating children of the same node conflict (the parent changed)', () => {
  const { a, b } = two();
  a.mkdir('/dir');
  const ta = a.start();
  const tb = b.start();
  a.write('/dir/a', '1', ta);
  b.write('/dir/b', '1', tb);
  assert.equal(a.end(ta), 'OK');
  assert.equal(b.end(tb), 'E:EAGAIN');
  assert.equal(a.dir('/dir'), 'a');
});

test('unrelated changes do not make a transaction fail', () => {
  const { a, b } = two();
  a.write('/mine', '0');
  const t = a.start();
  a.read('/mine', t);
  a.write('/mine', '1', t);
  b.write('/elsewhere', 'x');
  assert.equal(a.end(t), 'OK');
  assert.equal(b.read('/mine'), '1');
});

test('removal inside a transaction and creation after it', () => {
  const { a } = two();
  a.write('/tree/a/b', '1');
  const t = a.start();
  assert.equal(a.rm('/tree/a', t), 'OK');
  assert.equal(a.read('/tree/a/b', t), 'E:ENOENT');
  assert.equal(a.dir('/tree', t), '');
  assert.equal(a.write('/tree/a', 'again', t), 'OK');
  assert.equal(a.end(t), 'OK');
  assert.equal(a.read('/tree/a'), 'again');
  assert.equal(a.dir('/tree/a'), '');
});

test('watch events for changes in a transaction fire at commit, and not at all on abort or conflict', () => {
  const { a, b } = two();
  b.watch('/w', 'tok');
  b.takeEvents();
  const t = a.start();
  a.write('/w/x', '1', t);
  assert.deepEqual(b.takeEvents(), []);
  a.end(t);
  assert.deepEqual(b.takeEvents(), ['/w/x tok']);
  const t2 = a.start();
  a.write('/w/y', '1', t2);
  a.end(t2, false);
  assert.deepEqual(b.takeEvents(), []);
});

test('an unknown tx_id is ENOENT, and TRANSACTION_START inside a transaction is EBUSY', () => {
  const { a } = two();
  assert.equal(a.read('/tool', 999), 'E:ENOENT');
  const t = a.start();
  assert.equal(a.call(W.XS_TRANSACTION_START, [''], t), 'E:EBUSY');
  assert.equal(a.call(W.XS_TRANSACTION_END, ['X'], t), 'E:EINVAL');
  assert.equal(a.call(W.XS_TRANSACTION_END, ['T']), 'E:ENOENT');
  // watches ignore the tx_id
  assert.equal(a.call(W.XS_WATCH, ['/tool', 't'], 12345), 'OK');
});

test('transaction ids are per connection and not reused while open', () => {
  const { a, b } = two();
  const t1 = a.start();
  const t2 = a.start();
  assert.notEqual(t1, t2);
  assert.equal(b.read('/tool', t1), 'E:ENOENT');
});

test('RESET_WATCHES drops the connection\'s transactions too', () => {
  const { a } = two();
  const t = a.start();
  assert.equal(a.call(W.XS_RESET_WATCHES, []), 'OK');
  assert.equal(a.end(t), 'E:ENOENT');
});

test('a guest transaction (xenbus state change) commits through the domain connection', () => {
  const { xs, dom0 } = storeWithDomains([1]);
  dom0.mkdir('/local/domain/1/device/vbd/51712');
  dom0.setPerms('/local/domain/1/device/vbd/51712', 'n1', 'r0');
  dom0.write('/local/domain/1/device/vbd/51712/state', '1');
  const d1 = WireTester.domain(xs, 1);
  const t = d1.start();
  assert.equal(d1.write('device/vbd/51712/ring-ref', '8', t), 'OK');
  assert.equal(d1.write('device/vbd/51712/state', '3', t), 'OK');
  assert.equal(d1.end(t), 'OK');
  assert.equal(dom0.read('/local/domain/1/device/vbd/51712/state'), '3');
  assert.equal(dom0.perms('/local/domain/1/device/vbd/51712/ring-ref'), 'n1 r0');
});
