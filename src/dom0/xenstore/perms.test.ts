import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatPerm, parsePerm, permForConn, XS_PERM_IGNORE, XS_PERM_NONE, XS_PERM_OWNER, XS_PERM_READ, XS_PERM_WRITE,
} from './perms.js';

const who = (id: number, unprivileged = id !== 0, target: number | null = null) => ({ id, unprivileged, target });
const ALL = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;

test('permission strings parse as xs_strings_to_perms: letter, then a strtol number and nothing else', () => {
  assert.deepEqual(parsePerm('r5'), { id: 5, perms: XS_PERM_READ });
  assert.deepEqual(parsePerm('w0x10'), { id: 16, perms: XS_PERM_WRITE });
  assert.deepEqual(parsePerm('b010'), { id: 8, perms: XS_PERM_READ | XS_PERM_WRITE });
  assert.deepEqual(parsePerm('n0'), { id: 0, perms: XS_PERM_NONE });
  assert.deepEqual(parsePerm('r-1'), { id: 0xffffffff, perms: XS_PERM_READ });
  for (const bad of ['', 'x1', 'r', 'r1x', 'R1', 'r1 ']) assert.equal(parsePerm(bad), null, bad);
});

test('permissions print as the letter and the id as a C int', () => {
  assert.equal(formatPerm({ id: 3, perms: XS_PERM_READ | XS_PERM_WRITE }), 'b3');
  assert.equal(formatPerm({ id: 0xffffffff, perms: XS_PERM_WRITE }), 'w-1');
  assert.equal(formatPerm({ id: 7, perms: XS_PERM_READ | XS_PERM_IGNORE }), 'r7');
});

test('owner and privileged callers get everything; listed domains their entry; others the owner entry', () => {
  const perms = [{ id: 1, perms: XS_PERM_READ }, { id: 2, perms: XS_PERM_WRITE }, { id: 3, perms: XS_PERM_NONE }];
  assert.equal(permForConn(who(0), perms), ALL);
  assert.equal(permForConn(who(1), perms), ALL);
  assert.equal(permForConn(who(2), perms), XS_PERM_WRITE);
  assert.equal(permForConn(who(3), perms), XS_PERM_NONE);
  assert.equal(permForConn(who(4), perms), XS_PERM_READ);
  // dom0 behind a ring is privileged too; a target connection acts as its target
  assert.equal(permForConn(who(9, true, 1), perms), ALL);
  assert.equal(permForConn(who(9, true, 2), perms), XS_PERM_WRITE);
});

test('ignored entries (domains that went away) do not grant anything', () => {
  const perms = [{ id: 0, perms: XS_PERM_NONE }, { id: 5, perms: XS_PERM_READ | XS_PERM_IGNORE }];
  assert.equal(permForConn(who(5), perms), XS_PERM_NONE);
});
