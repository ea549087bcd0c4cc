import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as W from '../../abi/xen/io/xs_wire.js';
import { WireTester } from './testing.js';
import { Xenstored } from './xenstored.js';

/** dom0 (a socket) and domains 1, 2, 3, with /t (n0, r1 r2 r3) holding the node under test. */
function world() {
  const xs = new Xenstored();
  const dom0 = WireTester.socket(xs);
  dom0.mkdir('/t');
  dom0.setPerms('/t', 'n0', 'r1', 'r2', 'r3');
  const d = [dom0, WireTester.domain(xs, 1), WireTester.domain(xs, 2), WireTester.domain(xs, 3)];
  return { xs, dom0, d };
}

// Node /t/n owned by domain 1 with these permissions, and what each caller (dom0, d1, d2, d3) may do:
// r = READ/DIRECTORY/GET_PERMS, w = WRITE/MKDIR/RM and creating children, o = SET_PERMS.
const MATRIX: [string[], string[]][] = [
  [['n1'], ['rwo', 'rwo', '', '']],
  [['r1'], ['rwo', 'rwo', 'r', 'r']],
  [['w1'], ['rwo', 'rwo', 'w', 'w']],
  [['b1'], ['rwo', 'rwo', 'rw', 'rw']],
  [['n1', 'r2'], ['rwo', 'rwo', 'r', '']],
  [['n1', 'w2'], ['rwo', 'rwo', 'w', '']],
  [['n1', 'b2'], ['rwo', 'rwo', 'rw', '']],
  [['b1', 'n2'], ['rwo', 'rwo', '', 'rw']],
  [['r1', 'n1'], ['rwo', 'rwo', 'r', 'r']], // the owner always has full access
];

for (const [perms, expected] of MATRIX) {
  test(`permission matrix: /t/n (${perms.join(',')})`, () => {
    expected.forEach((rights, caller) => {
      const { dom0, d } = world();
      dom0.write('/t/n', 'v');
      dom0.setPerms('/t/n', ...perms);
      const c = d[caller]!;
      const ok = (r: string, allowed: boolean, what: string) => {
        if (allowed) assert.ok(!r.startsWith('E:'), `caller ${caller} ${what} on (${perms}): ${r}`);
        else assert.equal(r, 'E:EACCES', `caller ${caller} ${what} on (${perms})`);
      };
      ok(c.read('/t/n'), rights.includes('r'), 'READ');
      ok(c.dir('/t/n'), rights.includes('r'), 'DIRECTORY');
      ok(c.perms('/t/n'), rights.includes('r'), 'GET_PERMS');
      ok(c.write('/t/n', 'x'), rights.includes('w'), 'WRITE');
      ok(c.mkdir('/t/n'), rights.includes('w'), 'MKDIR');
      ok(c.write('/t/n/child', 'c'), rights.includes('w'), 'create child');
      // missing node: ENOENT when the nearest existing ancestor grants the access, else EACCES
      assert.equal(c.read('/t/n/missing/deeper'), rights.includes('r') ? 'E:ENOENT' : 'E:EACCES');
      assert.equal(c.rm('/t/n/missing/deeper'), rights.includes('w') ? 'E:ENOENT' : 'E:EACCES');
      ok(c.setPerms('/t/n', ...perms), rights.includes('o'), 'SET_PERMS');
      ok(c.rm('/t/n'), rights.includes('w'), 'RM');
    });
  });
}

test('a node that exists but is unreadable is EACCES even when its parent is readable', () => {
  const { dom0, d } = world();
  dom0.write('/t/secret', 's');
  dom0.setPerms('/t/secret', 'n0');
  assert.equal(d[1]!.read('/t/secret'), 'E:EACCES');
  assert.equal(d[1]!.read('/t/other'), 'E:ENOENT'); // /t is readable: missing nodes are ENOENT
  assert.equal(d[1]!.read('/tool/missing'), 'E:EACCES'); // /tool is not: no information leaks
  assert.equal(d[1]!.write('/t/new', 'x'), 'E:EACCES'); // /t readable, not writable
});

test('new nodes inherit the parent permissions; an unprivileged creator becomes the owner', () => {
  const { dom0, d } = world();
  dom0.mkdir('/t/shared');
  dom0.setPerms('/t/shared', 'n0', 'w1', 'r2');
  assert.equal(d[1]!.write('/t/shared/a/b', '1'), 'OK');
  assert.equal(dom0.perms('/t/shared/a'), 'n1 w1 r2');
  assert.equal(dom0.perms('/t/shared/a/b'), 'n1 w1 r2');
  // dom0 creating below a domain's node keeps that domain as owner
  dom0.mkdir('/t/d1');
  dom0.setPerms('/t/d1', 'n1');
  dom0.write('/t/d1/x', '');
  assert.equal(dom0.perms('/t/d1/x'), 'n1');
});

test('only dom0 may change a node owner: an owner trying to gets EPERM', () => {
  const { dom0, d } = world();
  dom0.write('/t/n', '');
  dom0.setPerms('/t/n', 'n1');
  assert.equal(d[1]!.setPerms('/t/n', 'n2'), 'E:EPERM');
  assert.equal(d[1]!.setPerms('/t/n', 'n1', 'r2'), 'OK');
  assert.equal(dom0.setPerms('/t/n', 'n2'), 'OK');
  assert.equal(d[2]!.read('/t/n'), '');
  assert.equal(d[1]!.read('/t/n'), 'E:EACCES');
});

test('permission entries for domains that do not exist are kept but grant nothing; an absent owner is ENOENT', () => {
  const xs = new Xenstored({ platform: { domainExists: id => id < 10 } });
  const dom0 = WireTester.socket(xs);
  dom0.write('/n', '');
  assert.equal(dom0.setPerms('/n', 'n0', 'r42'), 'OK');
  assert.equal(dom0.perms('/n'), 'n0 r42');
  assert.equal(dom0.setPerms('/n', 'n42'), 'E:ENOENT');
});

test('a domain id reused after release does not inherit the rights given to its predecessor', () => {
  const { xs, dom0 } = world();
  dom0.write('/t/n', 'v');
  dom0.setPerms('/t/n', 'n0', 'r5');
  let d5 = WireTester.domain(xs, 5);
  assert.equal(d5.read('/t/n'), 'v'); // /t does not let 5 in, but /t/n does: that is enough
  assert.equal(dom0.call(W.XS_RELEASE, ['5']), 'OK');
  // As xenstored: a domain counts as newer than the nodes written before it was first seen. (A domain seen in
  // the same generation as the node counts as older, so that nodes can be prepared before INTRODUCE.)
  dom0.write('/t/other', 'toolstack activity');
  d5 = WireTester.domain(xs, 5);
  assert.equal(d5.read('/t/n'), 'E:EACCES');
  assert.equal(dom0.perms('/t/n'), 'n0 r5');
});

test('SET_TARGET lets a domain act as its target (a device model for its guest)', () => {
  const { dom0, d } = world();
  dom0.write('/t/g', 'x');
  dom0.setPerms('/t/g', 'n2');
  assert.equal(d[3]!.read('/t/g'), 'E:EACCES');
  assert.equal(dom0.call(W.XS_SET_TARGET, ['3', '2']), 'OK');
  assert.equal(d[3]!.read('/t/g'), 'x');
  assert.equal(d[3]!.setPerms('/t/g', 'n2', 'r1'), 'OK');
});

test('privileged requests from a guest are EACCES', () => {
  const { d } = world();
  for (const [type, args] of [
    [W.XS_INTRODUCE, ['4', '1', '1']], [W.XS_RELEASE, ['2']], [W.XS_IS_DOMAIN_INTRODUCED, ['0']],
    [W.XS_RESUME, ['2']], [W.XS_SET_TARGET, ['1', '2']], [W.XS_CONTROL, ['help']],
  ] as [number, string[]][]) {
    assert.equal(d[1]!.call(type, args), 'E:EACCES', `type ${type}`);
  }
  assert.equal(d[1]!.call(W.XS_GET_DOMAIN_PATH, ['1']), '/local/domain/1');
});

test('special watch paths: only dom0 by default; SET_PERMS on them opens them to a domain', () => {
  const { dom0, d } = world();
  assert.equal(d[1]!.watch('@releaseDomain', 'r'), 'OK');
  d[1]!.takeEvents();
  assert.equal(d[2]!.setPerms('@releaseDomain', 'n0', 'r2'), 'E:EACCES');
  assert.equal(dom0.setPerms('@bogus', 'n0'), 'E:EINVAL');
  dom0.call(W.XS_RELEASE, ['3']);
  assert.deepEqual(d[1]!.takeEvents(), []);
  assert.equal(dom0.setPerms('@releaseDomain', 'n0', 'r1'), 'OK');
  dom0.call(W.XS_RELEASE, ['2']);
  assert.deepEqual(d[1]!.takeEvents(), ['@releaseDomain r']);
});
