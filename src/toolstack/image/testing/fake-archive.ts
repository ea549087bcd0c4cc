// Test fixtures: writers for the formats the image code reads (tar, "stored" xz, raw-block zstd, .deb, ELF kernel
// modules, a busybox-like binary) and a whole signed Debian archive layout served by tests from 127.0.0.1.
// Used only by tests; nothing here touches the network or the host.

import * as openpgp from 'openpgp';
import { gzipSync } from 'fflate';
import { writeAr } from '../ar.js';
import { concatBytes, sha256Hex } from '../bytes.js';

const enc = new TextEncoder();

export interface FakeTarEntry {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char';
  mode?: number;
  data?: Uint8Array | string;
  linkname?: string;
  mtime?: number;
  devmajor?: number;
  devminor?: number;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function tarHeader(name: string, typeflag: string, size: number, entry: Partial<FakeTarEntry>, linkname = ''): Uint8Array {
  const block = new Uint8Array(512);
  const put = (off: number, s: string) => block.set(enc.encode(s), off);
  put(0, name.slice(0, 100));
  put(100, octal(entry.mode ?? (typeflag === '5' ? 0o755 : 0o644), 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(size, 12));
  put(136, octal(entry.mtime ?? 1_700_000_000, 12));
  put(148, '        ');
  put(156, typeflag);
  put(157, linkname.slice(0, 100));
  put(257, 'ustar\0');
  put(263, '00');
  put(265, 'root');
  put(297, 'root');
  put(329, octal(entry.devmajor ?? 0, 8));
  put(337, octal(entry.devminor ?? 0, 8));
  let sum = 0;
  for (const b of block) sum += b;
  put(148, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

function padded(data: Uint8Array): Uint8Array[] {
  const pad = (512 - (data.length % 512)) % 512;
  return [data, new Uint8Array(pad)];
}

/** A tar archive; names over 99 characters use GNU 'L' entries, or pax 'x' headers when `longNames` is 'pax'. */
export function writeTar(entries: FakeTarEntry[], longNames: 'gnu' | 'pax' = 'gnu'): Uint8Array {
  const parts: Uint8Array[] = [];
  const flags = { file: '0', hardlink: '1', symlink: '2', char: '3', dir: '5' } as const;
  for (const entry of entries) {
    const data = typeof entry.data === 'string' ? enc.encode(entry.data) : (entry.data ?? new Uint8Array(0));
    const type = entry.type ?? 'file';
    let name = entry.path;
    if (name.length > 99) {
      if (longNames === 'gnu') {
        const long = enc.encode(name + '\0');
        parts.push(tarHeader('././@LongLink', 'L', long.length, {}), ...padded(long));
      } else {
        const record = (len: number) => `${len} path=${name}\n`;
        let len = record(0).length;
        while (record(len).length !== len) len = record(len).length;
        const pax = enc.encode(record(len));
        parts.push(tarHeader('PaxHeaders/x', 'x', pax.length, {}), ...padded(pax));
      }
      name = name.slice(0, 99);
    }
    const size = type === 'file' ? data.length : 0;
    parts.push(tarHeader(name, flags[type], size, entry, entry.linkname ?? ''));
    if (size > 0) parts.push(...padded(data));
  }
  parts.push(new Uint8Array(1024));
  return concatBytes(parts);
}

const CRC32_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC32_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function le32(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]);
}

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

/**
 * An .xz file (xz file format 1.2.1) with one block of LZMA2 *uncompressed* chunks and a CRC32 check: valid xz
 * that every decoder accepts, without needing a compressor in the test.
 */
export function xzStore(data: Uint8Array): Uint8Array {
  const streamFlags = new Uint8Array([0x00, 0x01]); // check type 1 = CRC32
  const header = concatBytes([new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), streamFlags, le32(crc32(streamFlags))]);
  // Block header: size byte, flags (1 filter), LZMA2 filter id 0x21, 1 property byte (1 MiB dictionary), padding.
  const blockHeaderBody = new Uint8Array([0x02, 0x00, 0x21, 0x01, 0x10, 0x00, 0x00, 0x00]);
  const blockHeader = concatBytes([blockHeaderBody, le32(crc32(blockHeaderBody))]);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 0x10000) {
    const piece = data.subarray(at, Math.min(at + 0x10000, data.length));
    chunks.push(new Uint8Array([at === 0 ? 0x01 : 0x02, (piece.length - 1) >> 8, (piece.length - 1) & 0xff]), piece);
  }
  chunks.push(new Uint8Array([0x00]));
  const compressed = concatBytes(chunks);
  const blockPadding = new Uint8Array((4 - (compressed.length % 4)) % 4);
  const check = le32(crc32(data));
  const unpaddedSize = blockHeader.length + compressed.length + check.length;
  const indexBody = [0x00, ...varint(1), ...varint(unpaddedSize), ...varint(data.length)];
  while (indexBody.length % 4 !== 0) indexBody.push(0);
  const indexBytes = new Uint8Array(indexBody);
  const index = concatBytes([indexBytes, le32(crc32(indexBytes))]);
  const backward = concatBytes([le32(index.length / 4 - 1), streamFlags]);
  const footer = concatBytes([le32(crc32(backward)), backward, new Uint8Array([0x59, 0x5a])]);
  return concatBytes([header, blockHeader, compressed, blockPadding, check, index, footer]);
}

/** A zstd frame (RFC 8878) made of Raw blocks: valid zstd without a compressor. */
export function zstdRaw(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])]; // magic, FHD, 128 KiB window
  const max = 0x20000;
  let at = 0;
  do {
    const piece = data.subarray(at, Math.min(at + max, data.length));
    at += piece.length;
    const last = at >= data.length ? 1 : 0;
    const header = last | (0 << 1) | (piece.length << 3);
    parts.push(new Uint8Array([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), piece);
  } while (at < data.length);
  return concatBytes(parts);
}

export type FakeCompression = 'xz' | 'zst' | 'gz' | 'none';

export function compressWith(data: Uint8Array, compression: FakeCompression): Uint8Array {
  switch (compression) {
    case 'xz':
      return xzStore(data);
    case 'zst':
      return zstdRaw(data);
    case 'gz':
      return gzipSync(data);
    case 'none':
      return data;
  }
}

export interface FakeDeb {
  name: string;
  version: string;
  files: FakeTarEntry[];
  compression?: FakeCompression;
  depends?: string;
}

/** A deb(5) package: debian-binary, control.tar.<c>, data.tar.<c>; paths in data.tar get the "./" prefix. */
export function buildDeb(deb: FakeDeb): Uint8Array {
  const compression = deb.compression ?? 'xz';
  const suffix = compression === 'none' ? '' : `.${compression}`;
  const control =
    `Package: ${deb.name}\nVersion: ${deb.version}\nArchitecture: arm64\nMaintainer: Test <t@example.org>\n` +
    (deb.depends ? `Depends: ${deb.depends}\n` : '') +
    'Description: fake package for tests\n';
  const controlTar = writeTar([{ path: './', type: 'dir' }, { path: './control', data: control }]);
  const dataTar = writeTar(deb.files.map((f) => ({ ...f, path: `./${f.path}` })));
  return writeAr([
    { name: 'debian-binary', data: enc.encode('2.0\n') },
    { name: `control.tar${suffix}`, data: compressWith(controlTar, compression) },
    { name: `data.tar${suffix}`, data: compressWith(dataTar, compression) },
  ]);
}

/** A relocatable AArch64 ELF64 with just a .modinfo section, which is all depmod and tsxen read of a .ko. */
export function fakeModule(name: string, depends: string[]): Uint8Array {
  const modinfo = enc.encode(`license=GPL\0depends=${depends.join(',')}\0retpoline=Y\0name=${name}\0vermagic=6.1.0 SMP\0`);
  const shstrtab = enc.encode('\0.modinfo\0.shstrtab\0');
  const modinfoOff = 64;
  const shstrOff = modinfoOff + modinfo.length;
  const shoff = (shstrOff + shstrtab.length + 7) & ~7;
  const out = new Uint8Array(shoff + 3 * 64);
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  view.setUint16(16, 1, true); // ET_REL
  view.setUint16(18, 183, true); // EM_AARCH64
  view.setUint32(20, 1, true);
  view.setUint32(40, shoff, true); // e_shoff (low half)
  view.setUint16(52, 64, true); // e_ehsize
  view.setUint16(58, 64, true); // e_shentsize
  view.setUint16(60, 3, true); // e_shnum
  view.setUint16(62, 2, true); // e_shstrndx
  out.set(modinfo, modinfoOff);
  out.set(shstrtab, shstrOff);
  const section = (index: number, nameOff: number, type: number, offset: number, size: number) => {
    const at = shoff + index * 64;
    view.setUint32(at, nameOff, true);
    view.setUint32(at + 4, type, true);
    view.setUint32(at + 24, offset, true);
    view.setUint32(at + 32, size, true);
  };
  section(1, 1, 1, modinfoOff, modinfo.length); // SHT_PROGBITS
  section(2, 10, 3, shstrOff, shstrtab.length); // SHT_STRTAB
  return out;
}

/** Bytes that look like a static busybox to tsxen: an ELF header and the sorted NUL-separated applet name table. */
export function fakeBusybox(applets: string[]): Uint8Array {
  const names = ['[', '[[', ...[...applets].sort()];
  return concatBytes([
    new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
    new Uint8Array(64),
    enc.encode(names.join('\0') + '\0'),
    new Uint8Array([0xff, 0xfe, 0x00]),
  ]);
}

/** An arm64 Image header (Linux Documentation/arch/arm64/booting.rst): "ARM\x64" magic at offset 0x38. */
export function fakeKernelImage(size = 4096): Uint8Array {
  const image = new Uint8Array(size);
  image.set([0x41, 0x52, 0x4d, 0x64], 0x38);
  for (let i = 0x40; i < size; i++) image[i] = (i * 7) & 0xff;
  return image;
}

export interface FakeSuite {
  name: string;
  debs: FakeDeb[];
  packagesCompression?: 'xz' | 'gz';
  /** Release + Release.gpg instead of InRelease. */
  detached?: boolean;
  validUntil?: Date;
  notAutomatic?: boolean;
}

export interface FakeArchive {
  /** URL path (below the mirror root) -> content. */
  files: Map<string, Uint8Array>;
  /** The signing key's public part as a binary keyring, like /usr/share/keyrings/debian-archive-keyring.gpg. */
  keyring: Uint8Array;
  privateKey: openpgp.PrivateKey;
}

export async function generateArchiveKey(): Promise<{ privateKey: openpgp.PrivateKey; keyring: Uint8Array }> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'tsxen test archive key', email: 'archive@example.org' }],
    format: 'object',
  });
  return { privateKey, keyring: privateKey.toPublic().write() };
}

function debPath(deb: FakeDeb): string {
  return `pool/main/${deb.name[0]}/${deb.name}/${deb.name}_${deb.version.replace(/^\d+:/, '')}_arm64.deb`;
}

/** Builds pool/ and dists/ for the given suites, signed with a fresh (or given) key. */
export async function buildFakeArchive(
  suites: FakeSuite[],
  key?: { privateKey: openpgp.PrivateKey; keyring: Uint8Array },
): Promise<FakeArchive> {
  const { privateKey, keyring } = key ?? (await generateArchiveKey());
  const files = new Map<string, Uint8Array>();
  for (const suite of suites) {
    let packages = '';
    for (const deb of suite.debs) {
      const bytes = buildDeb(deb);
      const path = debPath(deb);
      files.set(path, bytes);
      packages +=
        `Package: ${deb.name}\nVersion: ${deb.version}\nArchitecture: arm64\n` +
        (deb.depends ? `Depends: ${deb.depends}\n` : '') +
        `Filename: ${path}\nSize: ${bytes.length}\nSHA256: ${await sha256Hex(bytes)}\n` +
        'Description: fake package for tests\n\n';
    }
    const plain = enc.encode(packages);
    const compression = suite.packagesCompression ?? 'xz';
    const packed = compressWith(plain, compression);
    const indexPath = `main/binary-arm64/Packages.${compression}`;
    files.set(`dists/${suite.name}/${indexPath}`, packed);
    const release =
      `Origin: Debian\nLabel: Debian\nSuite: ${suite.name}\nCodename: ${suite.name}\n` +
      `Date: ${new Date(Date.UTC(2026, 0, 1)).toUTCString()}\n` +
      (suite.validUntil ? `Valid-Until: ${suite.validUntil.toUTCString()}\n` : '') +
      (suite.notAutomatic ? 'NotAutomatic: yes\nButAutomaticUpgrades: yes\n' : '') +
      'Acquire-By-Hash: yes\nArchitectures: amd64 arm64\nComponents: main\nDescription: fake\nSHA256:\n' +
      ` ${await sha256Hex(plain)} ${plain.length} main/binary-arm64/Packages\n` +
      ` ${await sha256Hex(packed)} ${packed.length} ${indexPath}\n`;
    files.set(`dists/${suite.name}/main/binary-arm64/by-hash/SHA256/${await sha256Hex(packed)}`, packed);
    if (suite.detached) {
      const message = await openpgp.createMessage({ binary: enc.encode(release) });
      const signature = await openpgp.sign({ message, signingKeys: privateKey, detached: true, format: 'armored' });
      files.set(`dists/${suite.name}/Release`, enc.encode(release));
      files.set(`dists/${suite.name}/Release.gpg`, enc.encode(signature));
    } else {
      const message = await openpgp.createCleartextMessage({ text: release });
      const signed = await openpgp.sign({ message, signingKeys: privateKey });
      files.set(`dists/${suite.name}/InRelease`, enc.encode(signed));
    }
  }
  return { files, keyring, privateKey };
}

export { debPath as fakeDebPath };

/** Applets of the fake busybox: the ones the initramfs links, plus a few. */
export const FAKE_APPLETS = [
  'ash', 'cat', 'cttyhack', 'date', 'dd', 'dmesg', 'echo', 'head', 'insmod', 'ls', 'lsmod', 'mkdir', 'modprobe',
  'mount', 'nproc', 'poweroff', 'reboot', 'setsid', 'sh', 'sha256sum', 'sleep', 'umount', 'uname', 'vi',
];

/** A linux-image-<kver> package shaped like Debian's cloud-arm64 one: /boot/vmlinuz and /lib/modules/<kver>. */
export function fakeKernelDeb(kver: string, version: string): FakeDeb {
  const mod = `lib/modules/${kver}/kernel`;
  return {
    name: `linux-image-${kver}`,
    version,
    depends: 'kmod, linux-base (>= 4.3~)',
    files: [
      { path: 'boot', type: 'dir' },
      { path: `boot/vmlinuz-${kver}`, data: fakeKernelImage(8192) },
      { path: `boot/config-${kver}`, data: 'CONFIG_XEN=y\n' },
      { path: `${mod}/drivers/block/xen-blkfront.ko.xz`, data: xzStore(fakeModule('xen_blkfront', [])) },
      { path: `${mod}/drivers/net/xen-netfront.ko.xz`, data: xzStore(fakeModule('xen_netfront', [])) },
      { path: `${mod}/drivers/block/virtio_blk.ko.xz`, data: xzStore(fakeModule('virtio_blk', ['virtio', 'virtio_ring'])) },
      { path: `${mod}/drivers/virtio/virtio.ko.xz`, data: xzStore(fakeModule('virtio', [])) },
      { path: `${mod}/drivers/virtio/virtio_ring.ko.xz`, data: xzStore(fakeModule('virtio_ring', [])) },
      { path: `${mod}/drivers/virtio/virtio_mmio.ko.xz`, data: xzStore(fakeModule('virtio_mmio', ['virtio', 'virtio_ring'])) },
      { path: `${mod}/drivers/net/virtio_net.ko.xz`, data: xzStore(fakeModule('virtio_net', ['virtio_ring', 'virtio', 'net_failover'])) },
      { path: `${mod}/drivers/net/net_failover.ko.xz`, data: xzStore(fakeModule('net_failover', ['failover'])) },
      { path: `${mod}/net/core/failover.ko.xz`, data: xzStore(fakeModule('failover', [])) },
      { path: `${mod}/sound/unrelated.ko.xz`, data: xzStore(fakeModule('unrelated', [])) },
      { path: `lib/modules/${kver}/modules.builtin`, data: 'kernel/drivers/xen/xenbus/xenbus.ko\n' },
    ],
  };
}

export function fakeBusyboxDeb(version: string): FakeDeb {
  return {
    name: 'busybox-static',
    version,
    files: [
      { path: 'bin', type: 'dir' },
      { path: 'bin/busybox', data: fakeBusybox(FAKE_APPLETS), mode: 0o755 },
    ],
  };
}

/**
 * A bookworm-like archive: "bookworm" (Packages.xz, InRelease) and "bookworm-updates" (Packages.gz, Release +
 * Release.gpg) where the updates suite has the newer kernel ABI (6.1.0-99) and busybox.
 */
export function guestArchiveSuites(): FakeSuite[] {
  return [
    {
      name: 'bookworm',
      packagesCompression: 'xz',
      debs: [
        { name: 'linux-image-cloud-arm64', version: '6.1.170-1', depends: 'linux-image-6.1.0-98-cloud-arm64 (= 6.1.170-1)', files: [] },
        fakeKernelDeb('6.1.0-98-cloud-arm64', '6.1.170-1'),
        fakeBusyboxDeb('1:1.35.0-4'),
      ],
    },
    {
      name: 'bookworm-updates',
      packagesCompression: 'gz',
      detached: true,
      debs: [
        { name: 'linux-image-cloud-arm64', version: '6.1.176-1', depends: 'linux-image-6.1.0-99-cloud-arm64 (= 6.1.176-1)', files: [] },
        fakeKernelDeb('6.1.0-99-cloud-arm64', '6.1.176-1'),
        fakeBusyboxDeb('1:1.35.0-4+deb12u1'),
      ],
    },
  ];
}
