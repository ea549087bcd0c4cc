import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as W from '../../abi/xen/io/xs_wire.js';
import { parts, storeWithDomains, WireTester } from './testing.js';
import { Xenstored } from './xenstored.js';

test('a new watch fires once at once, after the OK, as WATCH_EVENT with req_id and tx_id 0', () => {
  const dom0 = WireTester.socket(new Xenstored());
  assert.equal(dom0.watch('/not/there', 'tok'), 'OK');
  const [ack, ev] = dom0.log.slice(-2);
  assert.equal(ack!.type, W.XS_WATCH);
  assert.equal(ev!.type, W.XS_WATCH_EVENT);
  assert.equal(ev!.reqId, 0);
  assert.equal(ev!.txId, 0);
  assert.deepEqual(parts(ev!.payload), ['/not/there', 'tok']);
});

test('changes at or below the watched path fire; above it or beside it do not', () => {
  const xs = new Xenstored();
  const dom0 = WireTester.socket(xs);
  const w = WireTester.socket(xs);
  w.watch('/a/b', 't');
  w.takeEvents();
  dom0.write('/a/b', '1');
  dom0.write('/a/b/c/d', '2');
  dom0.write('/a/bc', 'x');
  dom0.write('/a', 'y');
  assert.deepEqual(w.takeEvents(), ['/a/b t', '/a/b/c/d t']);
});

test('the writer\'s own event comes before its OK (fire_watches precedes send_ack)', () => {
  const dom0 = WireTester.socket(new Xenstored());
  dom0.watch('/x', 't');
  dom0.write('/x', '1');
  const [ev, ack] = dom0.log.slice(-2);
  assert.equal(ev!.type, W.XS_WATCH_EVENT);
  assert.equal(ack!.type, W.XS_WRITE);
});

test('a relative watch reports relative paths', () => {
  const { xs, dom0 } = storeWithDomains([2]);
  dom0.mkdir('/local/domain/2/control');
  dom0.setPerms('/local/domain/2/control', 'n0', 'r2');
  const d2 = WireTester.domain(xs, 2);
  assert.equal(d2.watch('control/shutdown', 'ctl'), 'OK');
  assert.deepEqual(d2.takeEvents(), ['control/shutdown ctl']);
  dom0.write('/local/domain/2/control/shutdown', 'poweroff');
  assert.deepEqual(d2.takeEvents(), ['control/shutdown ctl']);
  assert.equal(d2.watch('/local/domain/2/control', 'abs'), 'OK');
  d2.takeEvents();
  dom0.write('/local/domain/2/control/sysrq', 'b');
  assert.deepEqual(d2.takeEvents(), ['/local/domain/2/control/sysrq abs']);
  assert.equal(d2.unwatch('control/shutdown', 'ctl'), 'OK');
});

test('removing a subtree fires each removed child exactly, and the removed root for watches above it', () => {
  const xs = new Xenstored();
  const dom0 = WireTester.socket(xs);
  const w = WireTester.socket(xs);
  dom0.write('/a/b/c', '1');
  dom0.write('/a/b/d', '1');
  w.watch('/a/b/c', 'child');
  w.watch('/a', 'top');
  w.watch('/', 'root');
  w.takeEvents();
  dom0.rm('/a/b');
  assert.deepEqual(w.takeEvents(), ['/a/b/c child', '/a/b top', '/a/b root']);
});

test('MKDIR of an existing node is silent; SET_PERMS fires', () => {
  const xs = new Xenstored();
  const dom0 = WireTester.socket(xs);
  const w = WireTester.socket(xs);
  dom0.write('/m', '');
  w.watch('/m', 't');
  w.takeEvents();
  dom0.mkdir('/m');
  assert.deepEqual(w.takeEvents(), []);
  dom0.setPerms('/m', 'n0', 'r1');
  assert.deepEqual(w.takeEvents(), ['/m t']);
});

test('a failed write fires nothing', () => {
  const { xs, dom0 } = storeWithDomains([1]);
  const d1 = WireTester.domain(xs, 1);
  dom0.watch('/local/domain/1', 't');
  dom0.takeEvents();
  assert.equal(d1.write('/local/domain/1/x', 'y'), 'E:EACCES');
  assert.deepEqual(dom0.takeEvents(), []);
});

test('events reach only watchers that may read the node or its parent, or could before a permission change', () => {
  const { xs, dom0 } = storeWithDomains([1, 2]);
  const d1 = WireTester.domain(xs, 1);
  dom0.setPerms('/local/domain/2', 'n0', 'r2', 'r1');
  dom0.mkdir('/local/domain/2/private');
  dom0.setPerms('/local/domain/2/private', 'n2');
  d1.watch('/local/domain/2', 'spy');
  d1.takeEvents();
  dom0.write('/local/domain/2/private/secret', 's');
  assert.deepEqual(d1.takeEvents(), []);
  dom0.write('/local/domain/2/visible', 'v');
  assert.deepEqual(d1.takeEvents(), ['/local/domain/2/visible spy']);
  // /local/domain/2/private is unreadable for 1 but its parent is readable: the event is delivered
  dom0.write('/local/domain/2/private', 'changed');
  assert.deepEqual(d1.takeEvents(), ['/local/domain/2/private spy']);
  // losing access is still reported
  dom0.write('/local/domain/2/open', 'o');
  dom0.setPerms('/local/domain/2/open', 'n0', 'r1');
  dom0.setPerms('/local/domain/2', 'n0');
  d1.takeEvents();
  dom0.setPerms('/local/domain/2/open', 'n0');
  assert.deepEqual(d1.takeEvents(), ['/local/domain/2/open spy']);
});

test('duplicate watches are EEXIST; UNWATCH of an unknown watch is ENOENT; malformed WATCH is EINVAL', () => {
  const dom0 = WireTester.socket(new Xenstored());
  assert.equal(dom0.watch('/w', 't'), 'OK');
  assert.equal(dom0.watch('/w', 't'), 'E:EEXIST');
  assert.equal(dom0.watch('/w', 't2'), 'OK');
  assert.equal(dom0.unwatch('/w', 'nope'), 'E:ENOENT');
  assert.equal(dom0.call(W.XS_WATCH, ['/w']), 'E:EINVAL');
  assert.equal(dom0.call(W.XS_WATCH, ['/w', 't', '1']), 'E:EINVAL'); // no <depth> in 4.17
  assert.equal(dom0.watch('/bad//path', 't'), 'E:EINVAL');
  assert.equal(dom0.unwatch('/w', 't'), 'OK');
  dom0.takeEvents();
  dom0.write('/w', 'x');
  assert.deepEqual(dom0.takeEvents(), ['/w t2']);
});

test('RESET_WATCHES removes all the connection\'s watches', () => {
  const dom0 = WireTester.socket(new Xenstored());
  dom0.watch('/a', '1');
  dom0.watch('/b', '2');
  assert.equal(dom0.call(W.XS_RESET_WATCHES, []), 'OK');
  dom0.takeEvents();
  dom0.write('/a', 'x');
  assert.deepEqual(dom0.takeEvents(), []);
});

test('@introduceDomain fires on INTRODUCE; @releaseDomain on RELEASE, shutdown (once until RESUME) and destruction', () => {
  const xs = new Xenstored();
  const dom0 = WireTester.socket(xs);
  dom0.watch('@introduceDomain', 'in');
  dom0.watch('@releaseDomain', 'out');
  assert.deepEqual(dom0.takeEvents(), ['@introduceDomain in', '@releaseDomain out']);
  assert.equal(dom0.call(W.XS_INTRODUCE, ['4', '12345', '1']), 'OK');
  assert.deepEqual(dom0.takeEvents(), ['@introduceDomain in']);
  xs.domainShutdown(4);
  xs.domainShutdown(4);
  assert.deepEqual(dom0.takeEvents(), ['@releaseDomain out']);
  assert.equal(dom0.call(W.XS_RESUME, ['4']), 'OK');
  xs.domainShutdown(4);
  assert.deepEqual(dom0.takeEvents(), ['@releaseDomain out']);
  xs.domainDestroyed(4);
  assert.deepEqual(dom0.takeEvents(), ['@releaseDomain out']);
  assert.equal(dom0.call(W.XS_IS_DOMAIN_INTRODUCED, ['4']), 'F');
  dom0.call(W.XS_INTRODUCE, ['5', '1', '1']);
  dom0.takeEvents();
  assert.equal(dom0.call(W.XS_RELEASE, ['5']), 'OK');
  assert.deepEqual(dom0.takeEvents(), ['@releaseDomain out']);
});

test('special watches match their exact name only', () => {
  const xs = new Xenstored();
  const dom0 = WireTester.socket(xs);
  dom0.watch('@releaseDomain/4', 'sub');
  dom0.takeEvents();
  dom0.call(W.XS_INTRODUCE, ['4', '1', '1']);
  dom0.call(W.XS_RELEASE, ['4']);
  assert.deepEqual(dom0.takeEvents(), []);
});
