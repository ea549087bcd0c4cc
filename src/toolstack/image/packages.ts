// Binary Packages indices (Debian Policy §5.3 fields, plus Filename/Size/SHA256 added by the archive) and the
// choice of the kernel and busybox packages among all suites of a release.

import { parseControl } from './control.js';
import { compareDebVersions } from './debversion.js';
import { PackageNotFoundError } from './errors.js';

export interface PackageRecord {
  name: string;
  version: string;
  architecture: string;
  /** Path of the .deb relative to the mirror root ("pool/main/b/busybox/busybox-static_..._arm64.deb"). */
  filename: string;
  size: number;
  sha256: string;
  depends: string;
  /** Suite whose index listed it. */
  suite: string;
}

/**
 * Scans a Packages index for the stanzas whose Package field passes `wanted`. A full Packages file is ~50 MB,
 * so only the stanzas of interest are parsed.
 */
export function scanPackages(text: string, suite: string, wanted: (name: string) => boolean): PackageRecord[] {
  const records: PackageRecord[] = [];
  const pattern = /^Package: *(\S+)/gm;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (!wanted(match[1]!)) continue;
    const end = text.indexOf('\n\n', match.index);
    const [stanza] = parseControl(text.slice(match.index, end < 0 ? text.length : end));
    if (stanza === undefined) continue;
    const filename = stanza.get('filename');
    const sha256 = stanza.get('sha256');
    const version = stanza.get('version');
    if (filename === undefined || sha256 === undefined || version === undefined) continue;
    records.push({
      name: match[1]!,
      version,
      architecture: stanza.get('architecture') ?? '',
      filename,
      size: Number(stanza.get('size') ?? '0'),
      sha256: sha256.toLowerCase(),
      depends: stanza.get('depends') ?? '',
      suite,
    });
  }
  return records;
}

export interface DependencyAlternative {
  name: string;
  /** "(= 6.1.176-1)" -> { op: '=', version: '6.1.176-1' } */
  relation?: { op: string; version: string };
}

/** Policy §7.1: comma-separated clauses of "|"-separated alternatives, each "name[:arch] [(op version)] [arch]". */
export function parseDepends(depends: string): DependencyAlternative[][] {
  return depends
    .split(',')
    .map((clause) => clause.trim())
    .filter((clause) => clause !== '')
    .map((clause) =>
      clause.split('|').map((alt) => {
        const m = /^\s*([a-z0-9][a-z0-9+.-]*)(?::\S+)?\s*(?:\(\s*(<<|<=|=|>=|>>)\s*([^)\s]+)\s*\))?/.exec(alt);
        const result: DependencyAlternative = { name: m?.[1] ?? alt.trim() };
        if (m?.[2] !== undefined && m[3] !== undefined) result.relation = { op: m[2], version: m[3] };
        return result;
      }),
    );
}

export function newest(records: PackageRecord[]): PackageRecord | undefined {
  let best: PackageRecord | undefined;
  for (const record of records) {
    if (best === undefined || compareDebVersions(record.version, best.version) > 0) best = record;
  }
  return best;
}

/** The names scanPackages needs for a kernel flavour and busybox. */
export function kernelPackageFilter(flavour: string): (name: string) => boolean {
  const meta = `linux-image-${flavour}`;
  const versioned = versionedKernelName(flavour);
  return (name) => name === meta || versioned.test(name) || name === 'busybox-static';
}

/** linux-image-<abi>-<flavour>, the package that holds the kernel (not -dbg, not -unsigned). */
function versionedKernelName(flavour: string): RegExp {
  const escaped = flavour.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^linux-image-\\d[^\\s]*-${escaped}$`);
}

/**
 * The real kernel package: the one the newest meta package (linux-image-<flavour>) depends on, at the version it
 * asks for when available, else the newest; without a meta package, the newest versioned package of the flavour.
 */
export function selectKernel(records: PackageRecord[], flavour: string): PackageRecord {
  const versioned = versionedKernelName(flavour);
  const meta = newest(records.filter((r) => r.name === `linux-image-${flavour}`));
  if (meta !== undefined) {
    for (const clause of parseDepends(meta.depends)) {
      const dep = clause.find((alt) => versioned.test(alt.name));
      if (dep === undefined) continue;
      const named = records.filter((r) => r.name === dep.name);
      const exact =
        dep.relation?.op === '=' ? named.find((r) => compareDebVersions(r.version, dep.relation!.version) === 0) : undefined;
      const chosen = exact ?? newest(named);
      if (chosen !== undefined) return chosen;
    }
  }
  const chosen = newest(records.filter((r) => versioned.test(r.name)));
  if (chosen === undefined) {
    throw new PackageNotFoundError(
      `no linux-image-*-${flavour} package in the archive's main component; check --release and --mirror ` +
        `(the mirror must carry the arm64 architecture)`,
    );
  }
  return chosen;
}

export function selectBusybox(records: PackageRecord[]): PackageRecord {
  const chosen = newest(records.filter((r) => r.name === 'busybox-static'));
  if (chosen === undefined) {
    throw new PackageNotFoundError(
      'no busybox-static package in the archive; check --release and --mirror (the mirror must carry arm64)',
    );
  }
  return chosen;
}
