// The common ar archive format (ar(5), "common" System V/GNU layout) as used by .deb files (deb(5)): the magic
// "!<arch>\n", then members each with a 60-byte header and data padded to an even offset.

import { concatBytes } from './bytes.js';
import { ArchiveFormatError } from './errors.js';

const AR_MAGIC = '!<arch>\n';
const HEADER_SIZE = 60;
// ar(5) header fields: name[16] mtime[12] uid[6] gid[6] mode[8] size[10] fmag[2] ("`\n").
const NAME_OFF = 0, NAME_LEN = 16;
const MTIME_OFF = 16, MTIME_LEN = 12;
const UID_OFF = 28, UID_LEN = 6;
const GID_OFF = 34, GID_LEN = 6;
const MODE_OFF = 40, MODE_LEN = 8;
const SIZE_OFF = 48, SIZE_LEN = 10;
const FMAG_OFF = 58;

export interface ArMember {
  name: string;
  data: Uint8Array;
  mtime: number;
  uid: number;
  gid: number;
  mode: number;
}

const latin1 = new TextDecoder('latin1');

function field(data: Uint8Array, at: number, len: number): string {
  return latin1.decode(data.subarray(at, at + len)).trimEnd();
}

/** `what` names the archive in error messages. Member data are views into `data`, not copies. */
export function readAr(data: Uint8Array, what: string): ArMember[] {
  if (data.length < AR_MAGIC.length || latin1.decode(data.subarray(0, AR_MAGIC.length)) !== AR_MAGIC) {
    throw new ArchiveFormatError(`${what}: not an ar archive (no "!<arch>" magic); it is not a .deb file`);
  }
  const members: ArMember[] = [];
  let offset = AR_MAGIC.length;
  while (offset + HEADER_SIZE <= data.length) {
    const header = offset;
    if (data[header + FMAG_OFF] !== 0x60 || data[header + FMAG_OFF + 1] !== 0x0a) {
      throw new ArchiveFormatError(`${what}: bad ar member header at byte ${header}; the file is truncated or damaged`);
    }
    const size = Number(field(data, header + SIZE_OFF, SIZE_LEN));
    const start = header + HEADER_SIZE;
    if (!Number.isSafeInteger(size) || start + size > data.length) {
      throw new ArchiveFormatError(`${what}: ar member at byte ${header} runs past the end; the file is truncated`);
    }
    // GNU ar ends names with "/"; deb(5) members never need the long-name table.
    const name = field(data, header + NAME_OFF, NAME_LEN).replace(/\/$/, '');
    members.push({
      name,
      data: data.subarray(start, start + size),
      mtime: Number(field(data, header + MTIME_OFF, MTIME_LEN)) || 0,
      uid: Number(field(data, header + UID_OFF, UID_LEN)) || 0,
      gid: Number(field(data, header + GID_OFF, GID_LEN)) || 0,
      mode: parseInt(field(data, header + MODE_OFF, MODE_LEN), 8) || 0,
    });
    offset = start + size + (size & 1);
  }
  return members;
}

/** Writes an ar archive the way dpkg-deb does (names up to 15 characters, no symbol table). */
export function writeAr(members: Array<Pick<ArMember, 'name' | 'data'> & Partial<ArMember>>): Uint8Array {
  const parts: Uint8Array[] = [new TextEncoder().encode(AR_MAGIC)];
  for (const member of members) {
    if (member.name.length > 15) throw new ArchiveFormatError(`ar member name too long: ${member.name}`);
    const header =
      member.name.padEnd(NAME_LEN) +
      String(member.mtime ?? 0).padEnd(MTIME_LEN) +
      String(member.uid ?? 0).padEnd(UID_LEN) +
      String(member.gid ?? 0).padEnd(GID_LEN) +
      (member.mode ?? 0o100644).toString(8).padEnd(MODE_LEN) +
      String(member.data.length).padEnd(SIZE_LEN) +
      '`\n';
    parts.push(new TextEncoder().encode(header), member.data);
    if (member.data.length & 1) parts.push(new Uint8Array([0x0a]));
  }
  return concatBytes(parts);
}
