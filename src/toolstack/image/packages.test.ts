import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelPackageFilter, parseDepends, scanPackages, selectBusybox, selectKernel, type PackageRecord } from './packages.js';

function stanza(name: string, version: string, extra = ''): string {
  return (
    `Package: ${name}\nSource: linux-signed-arm64 (6.1.176+1)\nVersion: ${version}\nArchitecture: arm64\n${extra}` +
    `Filename: pool/main/l/${name}_${version}_arm64.deb\nSize: 100\nSHA256: ${'A'.repeat(64)}\n` +
    'Description: x\n more description\n .\n and more\n'
  );
}

const MAIN = [
  stanza('linux-image-cloud-arm64', '6.1.170-1', 'Depends: linux-image-6.1.0-47-cloud-arm64 (= 6.1.170-1)\n'),
  stanza('linux-image-6.1.0-47-cloud-arm64', '6.1.170-1', 'Depends: kmod, linux-base (>= 4.3~)\n'),
  stanza('linux-image-6.1.0-47-cloud-arm64-unsigned', '6.1.170-1'),
  stanza('linux-image-6.1.0-47-cloud-arm64-dbg', '6.1.170-1'),
  stanza('linux-image-6.1.0-47-arm64', '6.1.170-1'),
  stanza('busybox-static', '1:1.35.0-4+b1'),
  stanza('busybox', '1:1.35.0-4+b1'),
].join('\n');

const UPDATES = [
  stanza('linux-image-cloud-arm64', '6.1.176-1', 'Depends: linux-image-6.1.0-50-cloud-arm64 (= 6.1.176-1)\n'),
  stanza('linux-image-6.1.0-50-cloud-arm64', '6.1.176-1'),
  stanza('busybox-static', '1:1.35.0-4+deb12u1+b1'),
].join('\n');

function scanAll(): PackageRecord[] {
  const wanted = kernelPackageFilter('cloud-arm64');
  return [...scanPackages(MAIN, 'bookworm', wanted), ...scanPackages(UPDATES, 'bookworm-updates', wanted)];
}

test('only the wanted stanzas are scanned, with Filename, Size, SHA256 and suite', () => {
  const records = scanPackages(MAIN, 'bookworm', kernelPackageFilter('cloud-arm64'));
  assert.deepEqual(records.map((r) => r.name), ['linux-image-cloud-arm64', 'linux-image-6.1.0-47-cloud-arm64', 'busybox-static']);
  assert.equal(records[2]!.filename, 'pool/main/l/busybox-static_1:1.35.0-4+b1_arm64.deb');
  assert.equal(records[2]!.size, 100);
  assert.equal(records[2]!.sha256, 'a'.repeat(64));
  assert.equal(records[2]!.suite, 'bookworm');
});

test('Depends clauses parse into alternatives with version relations', () => {
  assert.deepEqual(parseDepends('kmod, initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, libc6:arm64 (>= 2.36)'), [
    [{ name: 'kmod' }],
    [{ name: 'initramfs-tools', relation: { op: '>=', version: '0.120+deb8u2' } }, { name: 'linux-initramfs-tool' }],
    [{ name: 'libc6', relation: { op: '>=', version: '2.36' } }],
  ]);
});

test('the kernel is the dependency of the newest meta package across suites', () => {
  const kernel = selectKernel(scanAll(), 'cloud-arm64');
  assert.equal(kernel.name, 'linux-image-6.1.0-50-cloud-arm64');
  assert.equal(kernel.version, '6.1.176-1');
  assert.equal(kernel.suite, 'bookworm-updates');
});

test('without a meta package the newest versioned kernel of the flavour wins (never -dbg or -unsigned)', () => {
  const records = scanAll().filter((r) => r.name !== 'linux-image-cloud-arm64');
  assert.equal(selectKernel(records, 'cloud-arm64').name, 'linux-image-6.1.0-50-cloud-arm64');
  const onlyMain = scanPackages(MAIN, 'bookworm', kernelPackageFilter('cloud-arm64')).filter((r) => r.name !== 'linux-image-cloud-arm64');
  assert.equal(selectKernel(onlyMain, 'cloud-arm64').name, 'linux-image-6.1.0-47-cloud-arm64');
  assert.throws(() => selectKernel([], 'cloud-arm64'), /no linux-image-\*-cloud-arm64 package/);
});

test('busybox-static: the newest version across suites by Debian version order', () => {
  assert.equal(selectBusybox(scanAll()).version, '1:1.35.0-4+deb12u1+b1');
  assert.throws(() => selectBusybox([]), /no busybox-static/);
});
