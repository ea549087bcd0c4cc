// Binary packages (deb(5)): an ar archive whose members are "debian-binary" ("2.0\n"), "control.tar[.xz|.zst|.gz]"
// and "data.tar[.xz|.zst|.gz]", in that order. Unpacked in memory; nothing is written to the host's file system.

import { readAr } from './ar.js';
import { compressionOf, decompress } from './compress.js';
import { parseControl, type Stanza } from './control.js';
import { ArchiveFormatError } from './errors.js';
import { normalizeTarPath, readTar, type TarEntry } from './tar.js';

export interface DebPackage {
  /** The DEBIAN/control stanza (Package, Version, Architecture, ...). */
  control: Stanza;
  /** data.tar entries by normalized path ("boot/vmlinuz-6.1.0-50-cloud-arm64"). */
  files: Map<string, TarEntry>;
}

/** `what` names the package in error messages. */
export async function readDeb(bytes: Uint8Array, what: string): Promise<DebPackage> {
  const members = readAr(bytes, what);
  const binary = members[0];
  if (binary?.name !== 'debian-binary' || !new TextDecoder().decode(binary.data).startsWith('2.')) {
    throw new ArchiveFormatError(`${what}: not a deb(5) 2.x package (first member must be "debian-binary" = "2.0")`);
  }
  const controlMember = members.find((m) => /^control\.tar(\.(xz|zst|gz))?$/.test(m.name));
  const dataMember = members.find((m) => /^data\.tar(\.(xz|zst|gz))?$/.test(m.name));
  if (controlMember === undefined || dataMember === undefined) {
    const found = members.map((m) => m.name).join(', ');
    throw new ArchiveFormatError(
      `${what}: missing control.tar or data.tar member (found: ${found}); only xz, zstd, gzip or no compression ` +
        'are supported',
    );
  }
  const controlTar = await decompress(controlMember.data, compressionOf(controlMember.name), `${what} ${controlMember.name}`);
  const controlFile = readTar(controlTar, `${what} ${controlMember.name}`).find((e) => e.path === 'control');
  const [control] = parseControl(new TextDecoder().decode(controlFile?.data ?? new Uint8Array(0)));
  const dataTar = await decompress(dataMember.data, compressionOf(dataMember.name), `${what} ${dataMember.name}`);
  const files = new Map<string, TarEntry>();
  for (const entry of readTar(dataTar, `${what} ${dataMember.name}`)) files.set(entry.path, entry);
  return { control: control ?? new Map(), files };
}

/**
 * Follows symlinks and hard links inside the package to the entry holding the data (e.g. /bin being a symlink to
 * usr/bin in a merged-/usr package). Returns undefined for dangling links or links that leave the package.
 */
export function resolveEntry(files: Map<string, TarEntry>, path: string): TarEntry | undefined {
  let current = normalizeTarPath(path);
  for (let hops = 0; hops < 40; hops++) {
    const direct = files.get(current);
    if (direct?.type === 'hardlink') {
      current = direct.linkname;
      continue;
    }
    if (direct?.type === 'symlink') {
      current = joinLink(parentOf(current), direct.linkname);
      continue;
    }
    if (direct !== undefined) return direct;
    // A symlinked directory somewhere up the path.
    const parts = current.split('/');
    let redirected = false;
    for (let i = parts.length - 1; i > 0 && !redirected; i--) {
      const dir = files.get(parts.slice(0, i).join('/'));
      if (dir?.type === 'symlink') {
        current = joinLink(parentOf(parts.slice(0, i).join('/')), `${dir.linkname}/${parts.slice(i).join('/')}`);
        redirected = true;
      }
    }
    if (!redirected) return undefined;
  }
  return undefined;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function joinLink(base: string, target: string): string {
  const parts = target.startsWith('/') ? [] : base.split('/').filter((p) => p !== '');
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}
