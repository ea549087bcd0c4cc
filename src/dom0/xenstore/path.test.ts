import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseName, canonicalize, domainPath, isChild, isValidNodename, parentOf } from './path.js';
import { atoi, getStrings, oneArg, strtol } from './cstring.js';

test('valid node names are absolute, without // or a trailing /, in [A-Za-z0-9-/_@]', () => {
  for (const p of ['/', '/a', '/local/domain/1/device/vbd/51712', '/a-b_c@d/E9']) assert.ok(isValidNodename(p), p);
  for (const p of ['', 'a', '/a/', '//a', '/a//b', '/a b', '/a.b', '/ä', '/a\0b']) assert.ok(!isValidNodename(p), JSON.stringify(p));
});

test('path length is limited to 2048 bytes below /local/domain/<id>/, or in total elsewhere', () => {
  const under = '/local/domain/12345/';
  assert.ok(isValidNodename(under + 'x'.repeat(2048)));
  assert.ok(!isValidNodename(under + 'x'.repeat(2049)));
  assert.ok(isValidNodename('/' + 'x'.repeat(2047)));
  assert.ok(!isValidNodename('/' + 'x'.repeat(2048)));
  // sscanf("%5u") reads at most 5 characters: a 6-digit id does not count as a domain prefix
  assert.ok(!isValidNodename('/local/domain/123456/' + 'x'.repeat(2040)));
});

test('relative paths resolve under the implicit path; absolute and special paths stay', () => {
  assert.equal(canonicalize('/local/domain/3', 'x/y'), '/local/domain/3/x/y');
  assert.equal(canonicalize('/local/domain/3', '/x'), '/x');
  assert.equal(canonicalize('/local/domain/3', '@releaseDomain'), '@releaseDomain');
  assert.equal(domainPath(-1), '/local/domain/4294967295');
});

test('parent, basename and is_child follow xenstored', () => {
  assert.equal(parentOf('/a/b'), '/a');
  assert.equal(parentOf('/a'), '/');
  assert.equal(parentOf('/'), '/');
  assert.equal(baseName('/a/b'), 'b');
  assert.ok(isChild('/a/b', '/a'));
  assert.ok(isChild('/a', '/a'));
  assert.ok(!isChild('/ab', '/a'));
  assert.ok(isChild('/anything', '/'));
});

test('payload strings: get_strings ignores bytes after the last NUL; onearg wants exactly one NUL at the end', () => {
  const b = (s: string) => Uint8Array.from(s, c => c.charCodeAt(0));
  assert.deepEqual(getStrings(b('a\0b\0c')), ['a', 'b']);
  assert.equal(oneArg(b('/x\0')), '/x');
  assert.equal(oneArg(b('/x')), null);
  assert.equal(oneArg(b('/x\0\0')), null);
  assert.equal(oneArg(b('')), null);
});

test('atoi and strtol behave as C', () => {
  assert.equal(atoi('12abc'), 12);
  assert.equal(atoi(' -3'), -3);
  assert.equal(atoi('x'), 0);
  assert.deepEqual(strtol('0x1f'), { value: 31n, end: 4 });
  assert.deepEqual(strtol('017'), { value: 15n, end: 3 });
  assert.deepEqual(strtol('08'), { value: 0n, end: 1 });
  assert.deepEqual(strtol('abc'), { value: 0n, end: 0 });
  assert.equal(strtol('99999999999999999999').value, (1n << 63n) - 1n);
});
