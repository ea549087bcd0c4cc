import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byHashPath, packagesIndex, parseRelease } from './release.js';

const HASH = (c: string) => c.repeat(64);

const RELEASE = `Origin: Debian
Label: Debian
Suite: oldstable
Version: 12.15
Codename: bookworm
Date: Sat, 11 Jul 2026 10:16:37 UTC
Valid-Until: Sat, 18 Jul 2026 10:16:37 UTC
Acquire-By-Hash: yes
No-Support-for-Architecture-all: Packages
Architectures: all amd64 arm64
Components: main contrib
Description: Debian 12.15 Released 11 July 2026
MD5Sum:
 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all
SHA256:
 ${HASH('a')} 49434864 main/binary-arm64/Packages
 ${HASH('b')} 11940185 main/binary-arm64/Packages.gz
 ${HASH('C')}  8689464 main/binary-arm64/Packages.xz
 ${HASH('d')}      120 main/binary-arm64/Release
`;

test('Release fields, dates and the SHA256 list are parsed (MD5Sum ignored)', () => {
  const release = parseRelease(RELEASE);
  assert.equal(release.suite, 'oldstable');
  assert.equal(release.codename, 'bookworm');
  assert.equal(release.date?.toISOString(), '2026-07-11T10:16:37.000Z');
  assert.equal(release.validUntil?.toISOString(), '2026-07-18T10:16:37.000Z');
  assert.equal(release.acquireByHash, true);
  assert.equal(release.notAutomatic, false);
  assert.deepEqual(release.architectures, ['all', 'amd64', 'arm64']);
  assert.equal(release.sha256.size, 4);
  assert.deepEqual(release.sha256.get('main/binary-arm64/Packages.xz'), {
    path: 'main/binary-arm64/Packages.xz',
    sha256: HASH('c'),
    size: 8689464,
  });
  assert.equal(release.sha256.has('contrib/Contents-all'), false);
});

test('the Packages index prefers .xz, then .gz, then plain', () => {
  const release = parseRelease(RELEASE);
  assert.equal(packagesIndex(release, 'main', 'arm64')?.compression, 'xz');
  release.sha256.delete('main/binary-arm64/Packages.xz');
  assert.equal(packagesIndex(release, 'main', 'arm64')?.path, 'main/binary-arm64/Packages.gz');
  release.sha256.delete('main/binary-arm64/Packages.gz');
  assert.equal(packagesIndex(release, 'main', 'arm64')?.compression, 'none');
  assert.equal(packagesIndex(release, 'main', 'riscv64'), undefined);
});

test('by-hash paths sit beside the index they stand for', () => {
  const ref = parseRelease(RELEASE).sha256.get('main/binary-arm64/Packages.xz')!;
  assert.equal(byHashPath(ref), `main/binary-arm64/by-hash/SHA256/${HASH('c')}`);
});

test('NotAutomatic suites are recognized; a malformed SHA256 line is refused', () => {
  assert.equal(parseRelease('Suite: bookworm-backports\nNotAutomatic: yes\n').notAutomatic, true);
  assert.throws(() => parseRelease('Suite: x\nSHA256:\n nothex 12 main/binary-arm64/Packages\n'), /malformed SHA256 line/);
});
