// tar archives as dpkg-deb writes them: POSIX ustar headers (POSIX.1-2001 pax(1), "ustar Interchange Format"),
// plus GNU long names ('L'/'K' entries, GNU tar manual "Basic Tar Format") and pax extended headers ('x'/'g',
// POSIX pax(1) "pax Header Block") that carry path, linkpath and size.

import { ArchiveFormatError } from './errors.js';

const BLOCK = 512;
// ustar header fields (offset, length).
const NAME = [0, 100] as const;
const MODE = [100, 8] as const;
const UID = [108, 8] as const;
const GID = [116, 8] as const;
const SIZE = [124, 12] as const;
const MTIME = [136, 12] as const;
const CHKSUM = [148, 8] as const;
const TYPEFLAG = 156;
const LINKNAME = [157, 100] as const;
const MAGIC = [257, 6] as const;
const DEVMAJOR = [329, 8] as const;
const DEVMINOR = [337, 8] as const;
const PREFIX = [345, 155] as const;

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarEntry {
  /** Path as stored, normalized: no leading "./" or "/", no trailing "/". "" is the archive root. */
  path: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Link target for symlinks and hard links (hard link targets are normalized like paths). */
  linkname: string;
  devmajor: number;
  devminor: number;
  /** File contents (a view into the archive), empty for everything but regular files. */
  data: Uint8Array;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file', // contiguous file: a regular file everywhere that matters
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

const utf8 = new TextDecoder();

function text(block: Uint8Array, [off, len]: readonly [number, number]): string {
  const bytes = block.subarray(off, off + len);
  const nul = bytes.indexOf(0);
  return utf8.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

/** Octal numeric field, or GNU base-256 (high bit of the first byte set) for values that do not fit. */
function number(block: Uint8Array, [off, len]: readonly [number, number]): number {
  if (block[off]! & 0x80) {
    let value = block[off]! & 0x7f;
    for (let i = 1; i < len; i++) value = value * 256 + block[off + i]!;
    return value;
  }
  const digits = text(block, [off, len]).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

export function normalizeTarPath(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '').replace(/^\.$/, '').replace(/\/+$/, '');
}

/** Parses pax extended header records: "<length> <key>=<value>\n". */
function paxRecords(data: Uint8Array, what: string): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    let space = at;
    while (space < data.length && data[space] !== 0x20) space++;
    const length = Number(utf8.decode(data.subarray(at, space)));
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > data.length) {
      throw new ArchiveFormatError(`${what}: malformed pax extended header`);
    }
    const record = utf8.decode(data.subarray(space + 1, at + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

function checksumOk(block: Uint8Array): boolean {
  const stored = number(block, CHKSUM);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= CHKSUM[0] && i < CHKSUM[0] + CHKSUM[1] ? 0x20 : block[i]!;
  return sum === stored;
}

/** `what` names the archive in error messages. Entry data are views into `data`. */
export function readTar(data: Uint8Array, what: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  let global = new Map<string, string>();
  let offset = 0;
  while (offset + BLOCK <= data.length) {
    const block = data.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break; // end-of-archive marker (two zero blocks; one is enough to stop)
    if (!checksumOk(block)) {
      throw new ArchiveFormatError(`${what}: tar header checksum mismatch at byte ${offset}; the archive is damaged`);
    }
    const typeflag = String.fromCharCode(block[TYPEFLAG]!);
    const overrides = new Map([...global, ...pax]);
    const size = overrides.has('size') ? Number(overrides.get('size')) : number(block, SIZE);
    const start = offset + BLOCK;
    if (!Number.isSafeInteger(size) || start + size > data.length) {
      throw new ArchiveFormatError(`${what}: tar entry at byte ${offset} runs past the end; the archive is truncated`);
    }
    const body = data.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    switch (typeflag) {
      case 'L':
        longName = text(body, [0, body.length]);
        continue;
      case 'K':
        longLink = text(body, [0, body.length]);
        continue;
      case 'x':
        pax = paxRecords(body, what);
        continue;
      case 'g':
        global = new Map([...global, ...paxRecords(body, what)]);
        continue;
    }
    const type = TYPES[typeflag];
    const magic = text(block, MAGIC);
    const prefix = magic.startsWith('ustar') ? text(block, PREFIX) : '';
    const storedName = prefix !== '' ? `${prefix}/${text(block, NAME)}` : text(block, NAME);
    const path = overrides.get('path') ?? longName ?? storedName;
    const linkname = overrides.get('linkpath') ?? longLink ?? text(block, LINKNAME);
    longName = longLink = undefined;
    pax = new Map();
    if (type === undefined) continue; // other vendor extensions (sparse 'S', volume 'V'): not used by dpkg
    entries.push({
      path: normalizeTarPath(path),
      type,
      mode: number(block, MODE) & 0o7777,
      uid: number(block, UID),
      gid: number(block, GID),
      mtime: overrides.has('mtime') ? Math.floor(Number(overrides.get('mtime'))) : number(block, MTIME),
      linkname: type === 'hardlink' ? normalizeTarPath(linkname) : linkname,
      devmajor: number(block, DEVMAJOR),
      devminor: number(block, DEVMINOR),
      data: type === 'file' ? body : new Uint8Array(0),
    });
  }
  return entries;
}
