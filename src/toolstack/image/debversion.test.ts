import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { skipUnlessPeer } from '../../host/peers.js';
import assert from 'node:assert/strict';
import { compareDebVersions, parseDebVersion } from './debversion.js';

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

test('parses epoch, upstream version and revision (last hyphen splits the revision)', () => {
  assert.deepEqual(parseDebVersion('1:1.35.0-4+deb12u1+b1'), { epoch: 1, upstream: '1.35.0', revision: '4+deb12u1+b1' });
  assert.deepEqual(parseDebVersion('6.1.176-1'), { epoch: 0, upstream: '6.1.176', revision: '1' });
  assert.deepEqual(parseDebVersion('2.0-rc1-3'), { epoch: 0, upstream: '2.0-rc1', revision: '3' });
  assert.deepEqual(parseDebVersion('1.0'), { epoch: 0, upstream: '1.0', revision: '' });
  assert.deepEqual(parseDebVersion('1:2:3-4'), { epoch: 1, upstream: '2:3', revision: '4' });
  assert.throws(() => parseDebVersion('x:1.0'), /epoch/);
});

test('Policy 5.6.12 ordering: tilde sorts before anything, even the end', () => {
  const ordered = ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a', '1.0+', '1.0.1'];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      assert.equal(sign(compareDebVersions(ordered[i]!, ordered[j]!)), sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
    }
  }
});

test('epoch wins over everything else', () => {
  assert.ok(compareDebVersions('1:0.1', '9.9') > 0);
  assert.ok(compareDebVersions('0:9.9', '9.9') === 0);
  assert.ok(compareDebVersions('2:1.0', '10:0.1') < 0);
});

test('digit runs compare numerically, leading zeros ignored', () => {
  assert.ok(compareDebVersions('1.10', '1.9') > 0);
  assert.equal(compareDebVersions('1.010', '1.10'), 0);
  assert.ok(compareDebVersions('6.1.176-1', '6.1.170-1') > 0);
  assert.ok(compareDebVersions('6.1.99-1', '6.1.100-1') < 0);
  assert.ok(compareDebVersions('1.2.3', '1.2.3.0') < 0);
  assert.ok(compareDebVersions('1.0.99999999999999999999', '1.0.99999999999999999998') > 0);
});

test('letters sort before non-letters, and the revision decides last', () => {
  assert.ok(compareDebVersions('1.0a', '1.0+') < 0);
  assert.ok(compareDebVersions('1.0z', '1.0.') < 0);
  assert.ok(compareDebVersions('1.0-1', '1.0-2') < 0);
  assert.ok(compareDebVersions('1.0-1', '1.0-1+b1') < 0);
  assert.ok(compareDebVersions('1.0-1~bpo12+1', '1.0-1') < 0);
  assert.ok(compareDebVersions('1:1.35.0-4+deb12u1+b1', '1:1.35.0-4+deb12u1') > 0);
  assert.ok(compareDebVersions('1:1.35.0-4', '1:1.35.0-4+deb12u1') < 0);
});

test('absent revision equals revision 0 and sorts before any positive revision', () => {
  assert.equal(compareDebVersions('1.0', '1.0-0'), 0);
  assert.ok(compareDebVersions('1.0', '1.0-1') < 0);
  assert.ok(compareDebVersions('1.0-0~rc1', '1.0') < 0);
});

test('matches dpkg --compare-versions on a set of real archive versions', () => {
  const sorted = [
    '6.1.0-1~exp1',
    '6.1.0-1',
    '6.1.4-1',
    '6.1.76-1',
    '6.1.76-1+b1',
    '6.1.170-1',
    '6.1.176-1',
    '6.12.57-1~bpo12+1',
    '6.12.57-1',
    '1:0.1',
  ];
  for (let i = 1; i < sorted.length; i++) {
    assert.ok(compareDebVersions(sorted[i - 1]!, sorted[i]!) < 0, `${sorted[i - 1]} < ${sorted[i]}`);
    assert.ok(compareDebVersions(sorted[i]!, sorted[i - 1]!) > 0, `${sorted[i]} > ${sorted[i - 1]}`);
  }
});

test('agrees with dpkg --compare-versions', { skip: skipUnlessPeer({ command: 'dpkg', debianPackage: 'dpkg' }) }, () => {
  const versions = ['1.0', '1.0-1', '1.0~rc1', '1:0.9', '1.0+dfsg-2', '1.0a', '1.0.0', '1.00', '2~~', '2~', '2', '2-0'];
  for (const a of versions) {
    for (const b of versions) {
      const dpkgSaysLess = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
      assert.equal(compareDebVersions(a, b) < 0, dpkgSaysLess, `${a} lt ${b}`);
    }
  }
});
