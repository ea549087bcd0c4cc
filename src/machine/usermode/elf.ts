// machine/usermode/elf.ts - a loader for static, non-PIE ELF64 AArch64 executables (what aarch64-linux-gnu-ld
// -static or gcc -static -nostdlib produce). Formats from the System V gABI "ELF-64 Object File Format" and the
// Arm "ELF for the Arm 64-bit Architecture" (AAELF64): e_machine EM_AARCH64 = 183, little-endian only.

const EI_CLASS = 4, EI_DATA = 5;
const ELFCLASS64 = 2, ELFDATA2LSB = 1;
const ET_EXEC = 2, ET_DYN = 3;
const EM_AARCH64 = 183;
const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3;
const SHT_SYMTAB = 2;
const STT_FUNC = 2, STT_OBJECT = 1, STT_NOTYPE = 0;
const EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64, SYM_SIZE = 24;

/** Segment permission bits, p_flags (gABI). */
export const PF_X = 1, PF_W = 2, PF_R = 4;

export class ElfError extends Error {}

export interface ElfSegment {
  /** Load address (p_vaddr; equal to p_paddr for the static executables this loader accepts). */
  vaddr: bigint;
  memsz: number;
  /** The file bytes of the segment (p_filesz of them); the rest up to memsz is zero (BSS). */
  data: Uint8Array;
  flags: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  /** STT_* type: 0 no type (labels), 1 object, 2 function. */
  type: number;
}

export interface ElfImage {
  entry: bigint;
  segments: ElfSegment[];
  /** Symbols of .symtab (empty for a stripped file), sorted by address. */
  symbols: ElfSymbol[];
}

/** Parse `bytes` as a static AArch64 executable; anything else is an ElfError saying what is wrong. */
export function parseElf(bytes: Uint8Array, name = 'program'): ElfImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkHeader(bytes, view, name);
  const entry = view.getBigUint64(24, true);
  const phoff = num(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true), phnum = view.getUint16(56, true);
  if (phentsize < PHDR_SIZE || phoff + phnum * phentsize > bytes.length)
    throw new ElfError(`${name}: program headers lie outside the file`);
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    const type = view.getUint32(p, true);
    if (type === PT_INTERP || type === PT_DYNAMIC)
      throw new ElfError(`${name}: dynamically linked; link it with -static (and -no-pie)`);
    if (type !== PT_LOAD) continue;
    const offset = num(view.getBigUint64(p + 8, true));
    const filesz = num(view.getBigUint64(p + 32, true));
    const memsz = num(view.getBigUint64(p + 40, true));
    if (offset + filesz > bytes.length) throw new ElfError(`${name}: segment ${i} extends past the end of the file`);
    if (filesz > memsz) throw new ElfError(`${name}: segment ${i} has p_filesz > p_memsz`);
    if (memsz === 0) continue;
    segments.push({
      vaddr: view.getBigUint64(p + 16, true),
      memsz,
      data: bytes.subarray(offset, offset + filesz),
      flags: view.getUint32(p + 4, true),
    });
  }
  if (segments.length === 0) throw new ElfError(`${name}: no loadable segments`);
  return { entry, segments, symbols: readSymbols(bytes, view) };
}

function checkHeader(bytes: Uint8Array, view: DataView, name: string): void {
  if (bytes.length < EHDR_SIZE || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    throw new ElfError(`${name}: not an ELF file`);
  if (bytes[EI_CLASS] !== ELFCLASS64) throw new ElfError(`${name}: not a 64-bit ELF file`);
  if (bytes[EI_DATA] !== ELFDATA2LSB) throw new ElfError(`${name}: big-endian ELF files are not supported`);
  const machine = view.getUint16(18, true);
  if (machine !== EM_AARCH64) throw new ElfError(`${name}: ELF machine ${machine} is not AArch64 (${EM_AARCH64})`);
  const type = view.getUint16(16, true);
  if (type === ET_DYN) throw new ElfError(`${name}: position-independent (ET_DYN); link with -static -no-pie`);
  if (type !== ET_EXEC) throw new ElfError(`${name}: ELF type ${type} is not an executable`);
}

/** The static symbol table, for naming addresses in reports (labels, functions, objects). */
function readSymbols(bytes: Uint8Array, view: DataView): ElfSymbol[] {
  const shoff = num(view.getBigUint64(40, true));
  const shentsize = view.getUint16(58, true), shnum = view.getUint16(60, true);
  if (shoff === 0 || shentsize < SHDR_SIZE || shoff + shnum * shentsize > bytes.length) return [];
  const section = (i: number) => {
    const s = shoff + i * shentsize;
    return {
      type: view.getUint32(s + 4, true),
      offset: num(view.getBigUint64(s + 24, true)),
      size: num(view.getBigUint64(s + 32, true)),
      link: view.getUint32(s + 40, true),
    };
  };
  const symbols: ElfSymbol[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < shnum; i++) {
    const sh = section(i);
    if (sh.type !== SHT_SYMTAB || sh.link >= shnum || sh.offset + sh.size > bytes.length) continue;
    const str = section(sh.link);
    if (str.offset + str.size > bytes.length) continue;
    for (let s = sh.offset + SYM_SIZE; s + SYM_SIZE <= sh.offset + sh.size; s += SYM_SIZE) {
      const type = bytes[s + 4] & 0xf;
      const shndx = view.getUint16(s + 6, true);
      if (shndx === 0 || (type !== STT_FUNC && type !== STT_OBJECT && type !== STT_NOTYPE)) continue;
      const nameOff = str.offset + view.getUint32(s, true);
      let end = nameOff;
      while (end < str.offset + str.size && bytes[end] !== 0) end++;
      const name = decoder.decode(bytes.subarray(nameOff, end));
      // Mapping symbols ($x, $d) mark code/data regions, not names (AAELF64 "Mapping symbols")
      if (name === '' || name.startsWith('$')) continue;
      symbols.push({ name, value: view.getBigUint64(s + 8, true), size: num(view.getBigUint64(s + 16, true)), type });
    }
  }
  return symbols.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** The symbol at or below `addr` (nearest preceding), for "pc = case_12+0x1c" style reports. */
export function symbolize(symbols: readonly ElfSymbol[], addr: bigint): string {
  let lo = 0, hi = symbols.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid].value <= addr) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const hex = `0x${addr.toString(16)}`;
  if (best < 0) return hex;
  const s = symbols[best];
  const off = addr - s.value;
  // Far past the last symbol (e.g. after _end) a name would mislead
  if (off >= 0x100000n) return hex;
  return off === 0n ? `${hex} <${s.name}>` : `${hex} <${s.name}+0x${off.toString(16)}>`;
}

function num(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`ELF field 0x${v.toString(16)} is out of range`);
  return Number(v);
}
