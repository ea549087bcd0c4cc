// Debian version numbers: [epoch:]upstream_version[-debian_revision], compared as Debian Policy §5.6.12 says
// (the same algorithm as dpkg's lib/dpkg/version.c: verrevcmp).

import { ArchiveFormatError } from './errors.js';

export interface DebVersion {
  epoch: number;
  upstream: string;
  /** "" when absent; Policy: "absence of debian_revision is equivalent to a debian_revision of 0". */
  revision: string;
}

export function parseDebVersion(version: string): DebVersion {
  const text = version.trim();
  const colon = text.indexOf(':');
  let epoch = 0;
  if (colon >= 0) {
    const epochText = text.slice(0, colon);
    if (!/^\d+$/.test(epochText)) {
      throw new ArchiveFormatError(`invalid Debian version "${version}": the epoch before ':' must be a number`);
    }
    epoch = Number(epochText);
  }
  const rest = text.slice(colon + 1);
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : '';
  if (upstream === '') throw new ArchiveFormatError(`invalid Debian version "${version}": empty upstream version`);
  return { epoch, upstream, revision };
}

/** Returns <0, 0 or >0 as a sorts before, equal to or after b. */
export function compareDebVersions(a: string, b: string): number {
  const va = parseDebVersion(a);
  const vb = parseDebVersion(b);
  if (va.epoch !== vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  const upstream = verrevcmp(va.upstream, vb.upstream);
  if (upstream !== 0) return upstream;
  return verrevcmp(va.revision, vb.revision);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * Policy §5.6.12 lexical order of the non-digit parts: "~" sorts before anything, even the end of a part; the end
 * sorts before any other character; letters sort before non-letters.
 */
function order(code: number): number {
  if (Number.isNaN(code) || isDigit(code)) return 0; // NaN: past the end of the string
  if (isLetter(code)) return code;
  if (code === 0x7e) return -1; // '~'
  return code + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit prefix, compared character by character with order().
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    // Digit run, compared numerically (leading zeros skipped, then longer run wins, else first differing digit).
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}
