import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessPeer } from '../../host/peers.js';
import { readAr, writeAr } from './ar.js';
import { decompress } from './compress.js';
import { readDeb, resolveEntry } from './deb.js';
import { ArchiveFormatError } from './errors.js';
import { readTar } from './tar.js';
import { buildDeb, writeTar, xzStore, zstdRaw, type FakeCompression } from './testing/fake-archive.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const LONG_DIR = 'lib/modules/6.1.0-99-cloud-arm64/kernel/drivers/a-directory-name-long-enough/to-need-an-extension';

test('ar members come back with names, sizes and odd-size padding', () => {
  const ar = writeAr([
    { name: 'debian-binary', data: enc.encode('2.0\n') },
    { name: 'odd', data: enc.encode('abc') },
    { name: 'even', data: enc.encode('wxyz') },
  ]);
  const members = readAr(ar, 'test.a');
  assert.deepEqual(members.map((m) => [m.name, dec.decode(m.data)]), [['debian-binary', '2.0\n'], ['odd', 'abc'], ['even', 'wxyz']]);
  assert.equal(members[1]!.mode, 0o100644);
});

test('a file that is not an ar archive is refused with its name', () => {
  assert.throws(() => readAr(enc.encode('<html>not found</html>'), 'pool/x.deb'), (e: unknown) => {
    return e instanceof ArchiveFormatError && /pool\/x\.deb: not an ar archive/.test(e.message);
  });
});

test('tar entries: files, directories, symlinks, hard links, devices, GNU and pax long names', () => {
  const long = `${LONG_DIR}/module-with-a-long-name.ko`;
  for (const style of ['gnu', 'pax'] as const) {
    const tar = writeTar(
      [
        { path: './', type: 'dir' },
        { path: './bin/busybox', data: 'BB', mode: 0o755 },
        { path: './bin/sh', type: 'symlink', linkname: 'busybox' },
        { path: './bin/ash', type: 'hardlink', linkname: './bin/busybox' },
        { path: './dev/console', type: 'char', devmajor: 5, devminor: 1, mode: 0o600 },
        { path: `./${long}`, data: 'module' },
      ],
      style,
    );
    const entries = readTar(tar, 'data.tar');
    assert.deepEqual(
      entries.map((e) => [e.path, e.type]),
      [['', 'dir'], ['bin/busybox', 'file'], ['bin/sh', 'symlink'], ['bin/ash', 'hardlink'], ['dev/console', 'char'], [long, 'file']],
      style,
    );
    assert.equal(entries[1]!.mode, 0o755);
    assert.equal(dec.decode(entries[1]!.data), 'BB');
    assert.equal(entries[2]!.linkname, 'busybox');
    assert.equal(entries[3]!.linkname, 'bin/busybox');
    assert.deepEqual([entries[4]!.devmajor, entries[4]!.devminor], [5, 1]);
    assert.equal(dec.decode(entries[5]!.data), 'module');
  }
});

test('a damaged tar header is refused', () => {
  const tar = writeTar([{ path: 'a', data: 'x' }]);
  tar[10] ^= 0xff;
  assert.throws(() => readTar(tar, 'data.tar'), /checksum mismatch/);
});

test('the xz and zstd test writers produce streams the real decoders accept', async () => {
  const data = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);
  assert.deepEqual(await decompress(xzStore(data), 'xz', 'x.xz'), data);
  assert.deepEqual(await decompress(zstdRaw(data), 'zst', 'x.zst'), data);
  assert.deepEqual(await decompress(xzStore(new Uint8Array(0)), 'xz', 'empty.xz'), new Uint8Array(0));
  await assert.rejects(decompress(enc.encode('garbage'), 'xz', 'bad.xz'), /bad\.xz: cannot decompress \(xz\)/);
});

for (const compression of ['xz', 'zst', 'gz', 'none'] as FakeCompression[]) {
  test(`a .deb with data.tar${compression === 'none' ? '' : '.' + compression} unpacks to its control stanza and files`, async () => {
    const deb = buildDeb({
      name: 'busybox-static',
      version: '1:1.35.0-4',
      compression,
      files: [
        { path: 'bin', type: 'dir' },
        { path: 'bin/busybox', data: 'ELF', mode: 0o755 },
        { path: 'usr/share/doc/busybox-static/copyright', data: 'GPL' },
      ],
    });
    const pkg = await readDeb(deb, 'busybox-static.deb');
    assert.equal(pkg.control.get('package'), 'busybox-static');
    assert.equal(pkg.control.get('version'), '1:1.35.0-4');
    assert.equal(dec.decode(pkg.files.get('bin/busybox')!.data), 'ELF');
    assert.equal(pkg.files.get('bin/busybox')!.mode, 0o755);
    assert.ok(pkg.files.has('usr/share/doc/busybox-static/copyright'));
  });
}

test('symlinked files and directories inside a package resolve to the entry with the data', async () => {
  const deb = buildDeb({
    name: 'merged-usr',
    version: '1',
    files: [
      { path: 'bin', type: 'symlink', linkname: 'usr/bin' },
      { path: 'usr/bin/busybox', data: 'BB' },
      { path: 'usr/bin/sh', type: 'symlink', linkname: '/usr/bin/busybox' },
      { path: 'usr/bin/ash', type: 'hardlink', linkname: './usr/bin/busybox' },
    ],
  });
  const { files } = await readDeb(deb, 'merged-usr.deb');
  assert.equal(dec.decode(resolveEntry(files, 'bin/busybox')!.data), 'BB');
  assert.equal(dec.decode(resolveEntry(files, '/bin/sh')!.data), 'BB');
  assert.equal(dec.decode(resolveEntry(files, 'usr/bin/ash')!.data), 'BB');
  assert.equal(resolveEntry(files, 'bin/nothing'), undefined);
});

test('a package without data.tar is refused with the member names found', async () => {
  const ar = writeAr([
    { name: 'debian-binary', data: enc.encode('2.0\n') },
    { name: 'control.tar.xz', data: xzStore(writeTar([{ path: './control', data: 'Package: x\n' }])) },
    { name: 'data.tar.bz2', data: enc.encode('BZh') },
  ]);
  await assert.rejects(readDeb(ar, 'x.deb'), /x\.deb: missing control\.tar or data\.tar member \(found: debian-binary, control\.tar\.xz, data\.tar\.bz2\)/);
});

/** A package tree with a long path and a symlink, built by the real dpkg-deb / tar. */
function packageTree(root: string): string {
  const long = join(root, LONG_DIR, 'virtio_blk.ko');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, LONG_DIR), { recursive: true });
  mkdirSync(join(root, 'bin'));
  writeFileSync(
    join(root, 'DEBIAN', 'control'),
    'Package: tsxen-test\nVersion: 1:2.0-1\nArchitecture: arm64\nMaintainer: T <t@example.org>\nDescription: test\n',
  );
  writeFileSync(join(root, 'bin', 'busybox'), 'x'.repeat(100_000));
  symlinkSync('busybox', join(root, 'bin', 'sh'));
  writeFileSync(long, 'module');
  return long;
}

for (const compressor of ['xz', 'zstd', 'gzip', 'none']) {
  test(`a .deb built by dpkg-deb -Z${compressor} unpacks`, { skip: skipUnlessPeer({ command: 'dpkg-deb', debianPackage: 'dpkg' }) }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsxen-deb-'));
    try {
      packageTree(join(dir, 'pkg'));
      const out = join(dir, 'pkg.deb');
      const built = spawnSync('dpkg-deb', ['--root-owner-group', `-Z${compressor}`, '--build', join(dir, 'pkg'), out]);
      assert.equal(built.status, 0, built.stderr.toString());
      const pkg = await readDeb(readFileSync(out), 'pkg.deb');
      assert.equal(pkg.control.get('version'), '1:2.0-1');
      assert.equal(pkg.files.get('bin/busybox')!.data.length, 100_000);
      assert.equal(pkg.files.get('bin/sh')!.linkname, 'busybox');
      assert.equal(dec.decode(pkg.files.get(`${LONG_DIR}/virtio_blk.ko`)!.data), 'module');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const format of ['gnu', 'pax', 'ustar']) {
  test(`GNU tar --format=${format} archives read back, long names included`, { skip: skipUnlessPeer({ command: 'tar', debianPackage: 'tar' }) }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsxen-tar-'));
    try {
      packageTree(dir);
      const tar = spawnSync('tar', [`--format=${format}`, '-C', dir, '-cf', '-', '.'], { maxBuffer: 1 << 24 });
      assert.equal(tar.status, 0, tar.stderr.toString());
      const entries = new Map(readTar(tar.stdout, 'test.tar').map((e) => [e.path, e]));
      assert.equal(entries.get('bin/sh')?.type, 'symlink');
      assert.equal(entries.get(LONG_DIR)?.type, 'dir');
      assert.equal(dec.decode(entries.get(`${LONG_DIR}/virtio_blk.ko`)!.data), 'module');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
