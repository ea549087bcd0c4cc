// The cpio "newc" (SVR4, no CRC) format that the Linux kernel unpacks as initramfs (cpio(5) "New ASCII Format";
// Linux Documentation/driver-api/early-userspace/buffer-format.rst): per entry a 110-byte header "070701" + 13
// eight-digit hex fields, the NUL-terminated name padded to 4 bytes, then the data padded to 4 bytes; the archive
// ends with an entry named "TRAILER!!!".

import { concatBytes } from './bytes.js';
import { ArchiveFormatError } from './errors.js';

const MAGIC = '070701';
const HEADER_SIZE = 110;
const TRAILER = 'TRAILER!!!';

// st_mode file types (cpio(5), <sys/stat.h>).
const S_IFMT = 0o170000;
const S_IFSOCK = 0o140000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFBLK = 0o060000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFIFO = 0o010000;

export type CpioEntryType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

const TYPE_BITS: Record<CpioEntryType, number> = {
  file: S_IFREG,
  dir: S_IFDIR,
  symlink: S_IFLNK,
  char: S_IFCHR,
  block: S_IFBLK,
  fifo: S_IFIFO,
  socket: S_IFSOCK,
};

export interface CpioEntry {
  /** Path without a leading "/" ("bin/busybox"). */
  name: string;
  type: CpioEntryType;
  /** Permission bits (0o755); the type bits come from `type`. */
  mode: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch. */
  mtime?: number;
  /** Contents of a file, or the target of a symlink. */
  data?: Uint8Array;
  rdevmajor?: number;
  rdevminor?: number;
}

const enc = new TextEncoder();

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

function pad4(length: number): Uint8Array {
  return new Uint8Array((4 - (length % 4)) % 4);
}

function header(fields: number[]): Uint8Array {
  return enc.encode(MAGIC + fields.map(hex8).join(''));
}

/** Writes a newc archive. Inode numbers are assigned in order, so equal input gives byte-identical output. */
export function writeCpio(entries: readonly CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let ino = 1;
  const emit = (entry: CpioEntry | undefined, name: string) => {
    const data = entry?.data ?? new Uint8Array(0);
    const nameBytes = enc.encode(name + '\0');
    const mode = entry === undefined ? 0 : TYPE_BITS[entry.type] | (entry.mode & 0o7777);
    const fields = [
      entry === undefined ? 0 : ino++, // c_ino
      mode, // c_mode
      entry?.uid ?? 0, // c_uid
      entry?.gid ?? 0, // c_gid
      entry?.type === 'dir' ? 2 : 1, // c_nlink
      entry?.mtime ?? 0, // c_mtime
      data.length, // c_filesize
      0, // c_devmajor
      0, // c_devminor
      entry?.rdevmajor ?? 0, // c_rdevmajor
      entry?.rdevminor ?? 0, // c_rdevminor
      nameBytes.length, // c_namesize, including the NUL
      0, // c_check: always 0 in newc
    ];
    if (entry === undefined) fields[4] = 1;
    parts.push(header(fields), nameBytes, pad4(HEADER_SIZE + nameBytes.length), data, pad4(data.length));
  };
  for (const entry of entries) {
    if (entry.type !== 'file' && entry.type !== 'symlink' && entry.data !== undefined && entry.data.length > 0) {
      throw new ArchiveFormatError(`cpio entry ${entry.name}: only files and symlinks carry data`);
    }
    emit(entry, entry.name.replace(/^\/+/, ''));
  }
  emit(undefined, TRAILER);
  return concatBytes(parts);
}

/** Reads a newc archive (to check what writeCpio or another tool produced). */
export function readCpio(archive: Uint8Array): CpioEntry[] {
  const entries: CpioEntry[] = [];
  const dec = new TextDecoder();
  let at = 0;
  for (;;) {
    if (at + HEADER_SIZE > archive.length) throw new ArchiveFormatError('cpio archive ends without a TRAILER!!! entry');
    const head = dec.decode(archive.subarray(at, at + HEADER_SIZE));
    if (!head.startsWith(MAGIC)) throw new ArchiveFormatError(`cpio: bad newc magic at byte ${at}`);
    const field = (i: number) => parseInt(head.slice(6 + i * 8, 14 + i * 8), 16);
    const mode = field(1);
    const size = field(6);
    const nameSize = field(11);
    const name = dec.decode(archive.subarray(at + HEADER_SIZE, at + HEADER_SIZE + nameSize - 1));
    at += HEADER_SIZE + nameSize;
    at += (4 - (at % 4)) % 4;
    const data = archive.subarray(at, at + size);
    at += size;
    at += (4 - (at % 4)) % 4;
    if (name === TRAILER) return entries;
    const type = (Object.keys(TYPE_BITS) as CpioEntryType[]).find((t) => TYPE_BITS[t] === (mode & S_IFMT));
    if (type === undefined) throw new ArchiveFormatError(`cpio entry ${name}: unknown file type ${mode.toString(8)}`);
    entries.push({
      name,
      type,
      mode: mode & 0o7777,
      uid: field(2),
      gid: field(3),
      mtime: field(5),
      data,
      rdevmajor: field(9),
      rdevminor: field(10),
    });
  }
}
