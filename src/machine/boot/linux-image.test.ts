import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'fflate';
import { parseLinuxImage, planBootLayout, ImageFormatError } from './linux-image.js';

function fakeImage(textOffset: bigint, imageSize: bigint, length = 4096): Uint8Array {
  const b = new Uint8Array(length);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(8, textOffset, true);
  dv.setBigUint64(16, imageSize, true);
  dv.setUint32(56, 0x644d5241, true);
  return b;
}
const MiB = 1n << 20n;

test('a raw arm64 Image header is parsed', () => {
  const img = parseLinuxImage(fakeImage(0n, 40n * MiB));
  assert.equal(img.textOffset, 0n);
  assert.equal(img.imageSize, 40n * MiB);
  assert.equal(img.wasGzipped, false);
});

test('a gzip-compressed Image is inflated', () => {
  const img = parseLinuxImage(gzipSync(fakeImage(0x80000n, 8n * MiB)));
  assert.equal(img.wasGzipped, true);
  assert.equal(img.textOffset, 0x80000n);
});

test('a file without the ARM\\x64 magic is refused with a clear error', () => {
  assert.throws(() => parseLinuxImage(new Uint8Array(4096), 'vmlinux'), (e: Error) =>
    e instanceof ImageFormatError && /vmlinux: not an arm64 Linux Image/.test(e.message));
  const elf = new Uint8Array(4096);
  elf.set([0x7f, 0x45, 0x4c, 0x46]);
  assert.throws(() => parseLinuxImage(elf), /this is an ELF file/);
  assert.throws(() => parseLinuxImage(new Uint8Array(10)), /too small/);
  assert.throws(() => parseLinuxImage(new Uint8Array([0x1f, 0x8b, 1, 2, 3])), /gzip data is corrupt/);
});

test('pre-3.17 Images with image_size 0 get text_offset 0x80000', () => {
  const img = parseLinuxImage(fakeImage(0n, 0n));
  assert.equal(img.textOffset, 0x80000n);
});

test('initrd and DTB go at RAM base + 128 MiB like Xen, DTB 2 MiB aligned', () => {
  const l = planBootLayout({ image: parseLinuxImage(fakeImage(0n, 40n * MiB)), ramBase: 0x40000000n, ramSize: 256n * MiB, initrdSize: 5_000_000 });
  assert.equal(l.kernelAddr, 0x40000000n);
  assert.equal(l.initrdAddr, 0x48000000n);
  assert.equal(l.dtbAddr % (2n * MiB), 0n);
  assert.ok(l.dtbAddr >= 0x48000000n + 5_000_000n);
});

test('with little RAM, modules go to the top of RAM; too little RAM is a clear error', () => {
  const img = parseLinuxImage(fakeImage(0n, 40n * MiB));
  const l = planBootLayout({ image: img, ramBase: 0x40000000n, ramSize: 96n * MiB, initrdSize: 1_000_000 });
  assert.ok(l.initrdAddr! >= 0x40000000n + 40n * MiB);
  assert.ok(l.dtbAddr + 64n * 1024n <= 0x40000000n + 96n * MiB);
  assert.throws(() => planBootLayout({ image: img, ramBase: 0x40000000n, ramSize: 32n * MiB }), /needs 40 MiB/);
});
