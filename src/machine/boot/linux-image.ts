// machine/boot/linux-image.ts - the arm64 Linux Image format and where a kernel, its initrd and its DTB go in
// guest RAM. Linux Documentation/arch/arm64/booting.rst ("Call the kernel image", the Image header) and Xen's
// placement (tools/libs/guest/xg_dom_armzimageloader.c, xg_dom_arm.c: initrd then DTB at RAM base + 128 MiB
// when they fit, else at the top of bank 0).

import { gunzipSync } from 'fflate';

export const ARM64_IMAGE_MAGIC = 0x644d5241; // "ARM\x64", little-endian u32 at offset 56
const HDR_TEXT_OFFSET = 8;
const HDR_IMAGE_SIZE = 16;
const HDR_FLAGS = 24;
const HDR_MAGIC = 56;
const HDR_SIZE = 64;

const MiB = 1n << 20n;
const SZ_2M = 2n * MiB;

export class ImageFormatError extends Error {}

export interface LinuxImage {
  /** The uncompressed Image bytes. */
  data: Uint8Array;
  textOffset: bigint;
  /** Bytes the kernel occupies from its load address, including BSS (never less than the file). */
  imageSize: bigint;
  flags: bigint;
  wasGzipped: boolean;
}

/** Parse (and if needed gunzip) an arm64 Image; a file that is not one gets a clear error. */
export function parseLinuxImage(file: Uint8Array, name = 'kernel'): LinuxImage {
  let data = file;
  let wasGzipped = false;
  if (file.length >= 2 && file[0] === 0x1f && file[1] === 0x8b) {
    try {
      data = gunzipSync(file);
    } catch (e) {
      throw new ImageFormatError(`${name}: gzip data is corrupt (${(e as Error).message})`);
    }
    wasGzipped = true;
  }
  if (data.length < HDR_SIZE) throw new ImageFormatError(`${name}: ${data.length} bytes is too small for an arm64 Linux Image`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (dv.getUint32(HDR_MAGIC, true) !== ARM64_IMAGE_MAGIC) {
    const elf = data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
    throw new ImageFormatError(`${name}: not an arm64 Linux Image (no "ARM\\x64" magic at offset 56)` +
      (elf ? '; this is an ELF file: pass the raw Image (arch/arm64/boot/Image or Debian\'s /boot/vmlinuz-*)' : ''));
  }
  const flags = dv.getBigUint64(HDR_FLAGS, true);
  if ((flags & 1n) !== 0n) throw new ImageFormatError(`${name}: big-endian kernels are not supported`);
  let textOffset = dv.getBigUint64(HDR_TEXT_OFFSET, true);
  let imageSize = dv.getBigUint64(HDR_IMAGE_SIZE, true);
  if (imageSize === 0n) {
    // Kernels before 3.17 leave image_size zero and assume text_offset 0x80000 (booting.rst)
    textOffset = 0x80000n;
    imageSize = BigInt(data.length);
  }
  if (imageSize < BigInt(data.length)) imageSize = BigInt(data.length);
  if (textOffset >= SZ_2M) throw new ImageFormatError(`${name}: text_offset 0x${textOffset.toString(16)} is not below 2 MiB`);
  return { data, textOffset, imageSize, flags, wasGzipped };
}

export interface BootLayout {
  kernelAddr: bigint;
  /** Entry point (the first byte of the Image). */
  entry: bigint;
  initrdAddr?: bigint;
  dtbAddr: bigint;
}

export interface BootLayoutInput {
  image: LinuxImage;
  ramBase: bigint;
  ramSize: bigint;
  initrdSize?: number;
  /** Maximum DTB size to reserve (the DTB is written after layout, so reserve generously). */
  dtbReserve?: number;
}

const alignUp = (v: bigint, a: bigint) => (v + a - 1n) & ~(a - 1n);
const alignDown = (v: bigint, a: bigint) => v & ~(a - 1n);

/**
 * Place kernel, initrd and DTB in RAM. The kernel goes at a 2 MiB-aligned base + text_offset (the start of RAM);
 * modules (initrd then DTB) go at RAM base + 128 MiB when they fit after the kernel, else at the top of RAM.
 * The DTB is 8-byte aligned and stays within one 2 MiB region (booting.rst).
 */
export function planBootLayout(inp: BootLayoutInput): BootLayout {
  const dtbReserve = BigInt(inp.dtbReserve ?? 64 * 1024);
  if (dtbReserve > SZ_2M) throw new ImageFormatError('device tree larger than 2 MiB');
  const kernelAddr = inp.ramBase + inp.image.textOffset;
  const kernelEnd = kernelAddr + inp.image.imageSize;
  const ramEnd = inp.ramBase + inp.ramSize;
  if (kernelEnd > ramEnd) {
    throw new ImageFormatError(`kernel needs ${(kernelEnd - inp.ramBase) / MiB} MiB but the guest has ${inp.ramSize / MiB} MiB of RAM`);
  }
  const initrdSize = BigInt(inp.initrdSize ?? 0);
  const modulesSize = alignUp(initrdSize, 0x1000n) + SZ_2M; // DTB gets its own 2 MiB region
  let base = inp.ramBase + 128n * MiB;
  if (base < alignUp(kernelEnd, SZ_2M) || base + modulesSize > ramEnd) {
    base = alignDown(ramEnd - modulesSize, SZ_2M);
  }
  if (base < alignUp(kernelEnd, SZ_2M)) {
    throw new ImageFormatError(`kernel, initrd (${initrdSize / 1024n} KiB) and device tree do not fit in ${inp.ramSize / MiB} MiB of RAM`);
  }
  const layout: BootLayout = { kernelAddr, entry: kernelAddr, dtbAddr: alignUp(base + alignUp(initrdSize, 0x1000n), SZ_2M) };
  if (initrdSize > 0n) layout.initrdAddr = base;
  return layout;
}
