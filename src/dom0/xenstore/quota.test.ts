import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as W from '../../abi/xen/io/xs_wire.js';
import { DEFAULT_QUOTAS } from './quota.js';
import { payload, storeWithDomains, WireTester } from './testing.js';
import type { XenstoredOptions } from './xenstored.js';

/** Domain 1 with /local/domain/1/data owned by it. */
function guest(opts: XenstoredOptions = {}) {
  const { xs, dom0 } = storeWithDomains([1], opts);
  dom0.mkdir('/local/domain/1/data');
  dom0.setPerms('/local/domain/1/data', 'n1');
  return { xs, dom0, d1: WireTester.domain(xs, 1) };
}

test('the defaults are Xen 4.17\'s', () => {
  assert.deepEqual({ ...DEFAULT_QUOTAS }, {
    nodes: 1000, watches: 128, transactions: 10, entrySize: 2048, permsPerNode: 5, pathLen: 2048, transNodes: 1024, outstanding: 20,
  });
});

test('a domain may own 1000 nodes; the next create is ENOSPC; removing nodes gives room again', () => {
  const { xs, dom0, d1 } = guest();
  // 50 children per directory: a node's record (children names included) must stay below 2048 bytes
  const name = (i: number) => `data/d${Math.floor(i / 50)}/n${i % 50}`;
  let i = 0;
  while (d1.write(name(i), '') === 'OK') i++;
  assert.equal(d1.write(name(i), ''), 'E:ENOSPC');
  assert.equal(xs.domains.find(1)!.nbentry, 1000);
  assert.equal(d1.write(name(0), 'overwrite is fine'), 'OK');
  assert.equal(d1.rm(name(0)), 'OK');
  assert.equal(d1.write('data/again', ''), 'OK');
  // dom0 is not limited, even when writing nodes the domain owns
  assert.equal(dom0.write('/local/domain/1/data/by-dom0', ''), 'OK');
  assert.equal(xs.store.check().length, 0);
});

test('in a transaction the node quota is checked at commit', () => {
  const { d1 } = guest({ quota: { nodes: 5 } });
  const t = d1.start();
  for (let i = 0; i < 4; i++) assert.equal(d1.write(`data/n${i}`, '', t), 'OK');
  assert.equal(d1.end(t), 'E:ENOSPC'); // 1 + 4 owned would reach the quota
  assert.equal(d1.dir('data'), '');
});

test('watches: E2BIG once a domain has more than 128', () => {
  const { d1 } = guest();
  let n = 0;
  while (d1.watch(`data/w${n}`, 't') === 'OK') n++;
  assert.equal(n, 129); // xenstored refuses when the count is already > quota
  assert.equal(d1.watch('data/one-more', 't'), 'E:E2BIG');
  assert.equal(d1.unwatch('data/w0', 't'), 'OK');
  assert.equal(d1.watch('data/one-more', 't'), 'OK');
});

test('transactions: ENOSPC once a domain has more than 10 open', () => {
  const { d1 } = guest();
  const open: number[] = [];
  for (;;) {
    const r = d1.call(W.XS_TRANSACTION_START, ['']);
    if (r.startsWith('E:')) {
      assert.equal(r, 'E:ENOSPC');
      break;
    }
    open.push(Number(r));
  }
  assert.equal(open.length, 11);
  d1.end(open[0]!, false);
  assert.ok(!d1.call(W.XS_TRANSACTION_START, ['']).startsWith('E:'));
});

test('node size: a record of 2048 bytes or more is ENOSPC for a guest, not for dom0', () => {
  const { dom0, d1 } = guest();
  // record = 24-byte header + 8 per permission + value + children names
  assert.equal(d1.write('data/big', 'x'.repeat(2048 - 24 - 8 - 1)), 'OK');
  assert.equal(d1.write('data/big', 'x'.repeat(2048 - 24 - 8)), 'E:ENOSPC');
  assert.equal(dom0.write('/local/domain/1/data/big', 'x'.repeat(4000)), 'OK');
});

test('permissions: more than 5 entries is ENOSPC for a guest', () => {
  const { d1, dom0 } = guest();
  d1.write('data/p', '');
  assert.equal(d1.setPerms('data/p', 'n1', 'r2', 'r3', 'r4', 'r5'), 'OK');
  assert.equal(d1.setPerms('data/p', 'n1', 'r2', 'r3', 'r4', 'r5', 'r6'), 'E:ENOSPC');
  assert.equal(dom0.setPerms('/local/domain/1/data/p', 'n1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'), 'OK');
});

test('nodes touched by one transaction: ENOSPC past the quota, and the commit fails', () => {
  const { d1 } = guest({ quota: { transNodes: 8 } });
  const t = d1.start();
  let r = 'OK';
  let i = 0;
  while (r === 'OK' && i < 20) r = d1.write(`data/x${i++}`, '', t);
  assert.equal(r, 'E:ENOSPC');
  assert.equal(d1.end(t), 'E:ENOMEM'); // xenstored's answer for a failed transaction
});

test('paths longer than 2048 bytes below the domain path are EINVAL', () => {
  const { d1 } = guest();
  const deep = 'data' + ('/' + 'a'.repeat(100)).repeat(20) + '/'; // 2025 bytes
  assert.equal(d1.write(deep + 'b'.repeat(23), ''), 'OK');
  assert.equal(d1.write(deep + 'c'.repeat(24), ''), 'E:EINVAL');
});

test('a directory whose children names fill 2048 bytes refuses more children from a guest', () => {
  const { d1 } = guest();
  let i = 0;
  while (d1.write(`data/child-number-${i}`, '') === 'OK') i++;
  assert.equal(d1.write(`data/child-number-${i}`, ''), 'E:ENOSPC');
  // 24 + 8 (one permission) + names: 10 * 15 + 90 * 16 + 25 * 17 = 2015 bytes of children; one more is 2032
  assert.equal(i, 125);
});

test('a payload of exactly 4096 bytes is accepted; replies above 4096 are E2BIG', () => {
  const { dom0 } = guest();
  const value = 'v'.repeat(4096 - '/big\0'.length);
  assert.equal(dom0.call(W.XS_WRITE, ['/big'], 0, value), 'OK');
  assert.equal(dom0.send(W.XS_READ, payload(['/big']))!.payload.length, value.length);
});
