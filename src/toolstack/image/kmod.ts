// Kernel modules as depmod(8) sees them: the .modinfo section of a module's ELF file ("key=value\0" strings,
// include/linux/moduleparam.h MODULE_INFO; "depends=" is written by scripts/mod/modpost.c), and the modules.dep
// file (modules.dep(5): "path/to/mod.ko: dep1.ko dep2.ko", paths relative to /lib/modules/<kver>).

import { stripCompressionSuffix } from './compress.js';
import { ArchiveFormatError } from './errors.js';

/** "kernel/drivers/block/xen-blkfront.ko.xz" -> "xen_blkfront" (module names use "_" for "-"). */
export function moduleNameOfPath(path: string): string {
  const base = stripCompressionSuffix(path.slice(path.lastIndexOf('/') + 1)).replace(/\.ko$/, '');
  return normalizeModuleName(base);
}

export function normalizeModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

export function isModulePath(path: string): boolean {
  return /\.ko(\.(xz|zst|gz))?$/.test(path);
}

/** Reads the .modinfo section of an ELF64 little-endian module (ELF spec, section header table). */
export function readModinfo(elf: Uint8Array, what: string): Map<string, string[]> {
  if (elf.length < 64 || elf[0] !== 0x7f || elf[1] !== 0x45 || elf[2] !== 0x4c || elf[3] !== 0x46) {
    throw new ArchiveFormatError(`${what}: not an ELF file (a kernel module must be ELF; is it still compressed?)`);
  }
  if (elf[4] !== 2 || elf[5] !== 1) throw new ArchiveFormatError(`${what}: not a 64-bit little-endian ELF module`);
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const u64 = (at: number) => view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  const shoff = u64(0x28);
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const shstrndx = view.getUint16(0x3e, true);
  if (shoff + shnum * shentsize > elf.length || shstrndx >= shnum) {
    throw new ArchiveFormatError(`${what}: ELF section header table is out of bounds; the module is damaged`);
  }
  const section = (index: number) => {
    const at = shoff + index * shentsize;
    return { name: view.getUint32(at, true), offset: u64(at + 0x18), size: u64(at + 0x20) };
  };
  const strtab = section(shstrndx);
  const dec = new TextDecoder();
  const info = new Map<string, string[]>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const nameStart = strtab.offset + s.name;
    const nameEnd = elf.indexOf(0, nameStart);
    if (dec.decode(elf.subarray(nameStart, nameEnd)) !== '.modinfo') continue;
    if (s.offset + s.size > elf.length) throw new ArchiveFormatError(`${what}: .modinfo runs past the end of the file`);
    for (const item of dec.decode(elf.subarray(s.offset, s.offset + s.size)).split('\0')) {
      const eq = item.indexOf('=');
      if (eq <= 0) continue;
      const key = item.slice(0, eq);
      info.set(key, [...(info.get(key) ?? []), item.slice(eq + 1)]);
    }
    return info;
  }
  return info;
}

/** The module names listed in "depends=" (comma-separated, possibly empty). */
export function modinfoDepends(info: Map<string, string[]>): string[] {
  return (info.get('depends') ?? [])
    .flatMap((value) => value.split(','))
    .filter((name) => name !== '')
    .map(normalizeModuleName);
}

/** modules.dep(5): module path -> the paths it depends on, in load order as depmod wrote them. */
export function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    deps.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim().split(/\s+/).filter((p) => p !== ''));
  }
  return deps;
}

/** Writes modules.dep in depmod's format: each module, then its dependencies (all of them, transitively). */
export function formatModulesDep(deps: Map<string, string[]>): string {
  let out = '';
  for (const [path, list] of deps) out += list.length > 0 ? `${path}: ${list.join(' ')}\n` : `${path}:\n`;
  return out;
}
