// A suite's Release file (https://wiki.debian.org/DebianRepository/Format#A.22Release.22_files): which index
// files exist, their sizes and SHA256 sums, and the dates that bound its validity.

import { parseControl, words } from './control.js';
import { ArchiveFormatError } from './errors.js';
import type { Compression } from './compress.js';

export interface IndexFileRef {
  /** Path relative to dists/<suite>/ ("main/binary-arm64/Packages.xz"). */
  path: string;
  sha256: string;
  size: number;
}

export interface ReleaseFile {
  suite?: string;
  codename?: string;
  date?: Date;
  validUntil?: Date;
  /** "Acquire-By-Hash: yes": index files can also be fetched as <dir>/by-hash/SHA256/<sum>. */
  acquireByHash: boolean;
  /** "NotAutomatic: yes" (backports, experimental): apt installs from it only on request. */
  notAutomatic: boolean;
  architectures: string[];
  components: string[];
  sha256: Map<string, IndexFileRef>;
}

export function parseRelease(text: string): ReleaseFile {
  const [stanza] = parseControl(text);
  if (stanza === undefined) throw new ArchiveFormatError('Release file is empty');
  const release: ReleaseFile = {
    acquireByHash: (stanza.get('acquire-by-hash') ?? '').toLowerCase() === 'yes',
    notAutomatic: (stanza.get('notautomatic') ?? '').toLowerCase() === 'yes',
    architectures: words(stanza.get('architectures')),
    components: words(stanza.get('components')),
    sha256: new Map(),
  };
  const suite = stanza.get('suite');
  if (suite !== undefined) release.suite = suite;
  const codename = stanza.get('codename');
  if (codename !== undefined) release.codename = codename;
  const date = parseReleaseDate(stanza.get('date'));
  if (date !== undefined) release.date = date;
  const validUntil = parseReleaseDate(stanza.get('valid-until'));
  if (validUntil !== undefined) release.validUntil = validUntil;
  for (const line of (stanza.get('sha256') ?? '').split('\n')) {
    const [sha256, size, path] = words(line);
    if (sha256 === undefined || size === undefined || path === undefined) continue;
    if (!/^[0-9a-f]{64}$/i.test(sha256) || !/^\d+$/.test(size)) {
      throw new ArchiveFormatError(`Release file: malformed SHA256 line "${line}"`);
    }
    release.sha256.set(path, { path, sha256: sha256.toLowerCase(), size: Number(size) });
  }
  return release;
}

/** Release dates are RFC 2822 dates in UTC ("Sat, 11 Jul 2026 10:16:37 UTC"). */
function parseReleaseDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value.replace(/\bUTC$/, 'GMT'));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export interface PackagesIndexRef extends IndexFileRef {
  compression: Compression;
}

/** The Packages index of component/arch to download, smallest first: .xz, then .gz, then uncompressed. */
export function packagesIndex(release: ReleaseFile, component: string, arch: string): PackagesIndexRef | undefined {
  const base = `${component}/binary-${arch}/Packages`;
  const choices: [string, Compression][] = [
    [`${base}.xz`, 'xz'],
    [`${base}.gz`, 'gz'],
    [base, 'none'],
  ];
  for (const [path, compression] of choices) {
    const ref = release.sha256.get(path);
    if (ref !== undefined) return { ...ref, compression };
  }
  return undefined;
}

/** Where a by-hash copy of an index file lives, relative to dists/<suite>/. */
export function byHashPath(ref: IndexFileRef): string {
  const dir = ref.path.slice(0, ref.path.lastIndexOf('/') + 1);
  return `${dir}by-hash/SHA256/${ref.sha256}`;
}
