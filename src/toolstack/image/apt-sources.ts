// The host's apt sources (sources.list(5)): the deb822 ".sources" format and the legacy one-line format, and the
// choice of mirror, release and suites that `tsxen image fetch` takes from them.

import { parseControl, words } from './control.js';
import { SourcesError } from './errors.js';

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** Keyring path, fingerprints or an inline key block, as written. */
  signedBy?: string;
  enabled: boolean;
  /** Where it was read from ("file:line" for one-line entries), for messages. */
  origin: string;
}

export interface AptSourcesFile {
  /** Path of the file, for messages. */
  origin: string;
  text: string;
  format: 'deb822' | 'one-line';
}

/** sources.list(5) "DEB822-STYLE FORMAT". */
export function parseDeb822Sources(text: string, origin: string): AptSource[] {
  return parseControl(text, { comments: true }).map((stanza) => {
    const source: AptSource = {
      types: words(stanza.get('types')),
      uris: words(stanza.get('uris')),
      suites: words(stanza.get('suites')),
      components: words(stanza.get('components')),
      enabled: (stanza.get('enabled') ?? 'yes').toLowerCase() !== 'no',
      origin,
    };
    const signedBy = stanza.get('signed-by');
    if (signedBy !== undefined && signedBy !== '') source.signedBy = signedBy;
    return source;
  });
}

/** sources.list(5) "ONE-LINE-STYLE FORMAT": `deb [ option=value ... ] uri suite [component1] [component2] [...]`. */
export function parseOneLineSources(text: string, origin: string): AptSource[] {
  const sources: AptSource[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (line === '') return;
    let rest = line;
    const typeMatch = /^(\S+)\s+/.exec(rest);
    if (!typeMatch) return;
    const type = typeMatch[1]!;
    rest = rest.slice(typeMatch[0].length);
    const options = new Map<string, string>();
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) return; // malformed: apt rejects it too
      for (const option of words(rest.slice(1, close))) {
        const eq = option.indexOf('=');
        if (eq > 0) options.set(option.slice(0, eq).toLowerCase(), option.slice(eq + 1));
      }
      rest = rest.slice(close + 1);
    }
    const [uri, suite, ...components] = words(rest);
    if (uri === undefined || suite === undefined) return;
    const source: AptSource = {
      types: [type],
      uris: [uri],
      suites: [suite],
      components,
      enabled: true,
      origin: `${origin}:${index + 1}`,
    };
    const signedBy = options.get('signed-by');
    if (signedBy !== undefined) source.signedBy = signedBy;
    sources.push(source);
  });
  return sources;
}

export function parseAptSources(files: AptSourcesFile[]): AptSource[] {
  return files.flatMap((file) =>
    file.format === 'deb822' ? parseDeb822Sources(file.text, file.origin) : parseOneLineSources(file.text, file.origin),
  );
}

/** The suite suffixes that ride on a release (bookworm-updates, bookworm-security, bookworm/updates, ...). */
const SUITE_SUFFIX = /^(.+?)(?:-updates|-security|-backports(?:-sloppy)?|-proposed-updates|\/updates)$/;

/** The release a suite belongs to: "bookworm-updates" -> "bookworm". */
export function releaseOfSuite(suite: string): string {
  return SUITE_SUFFIX.exec(suite)?.[1] ?? suite;
}

export function suiteBelongsTo(suite: string, release: string): boolean {
  return suite === release || releaseOfSuite(suite) === release;
}

export interface MirrorChoice {
  /** Base URL of the archive, without trailing slash ("http://mirror.example/debian"). */
  mirror: string;
  release: string;
  /** The release first, then the other suites of that release listed for the mirror (updates, ...). */
  suites: string[];
  /** Keyring given by the source's Signed-By, if it is a path. */
  keyring?: string;
  /** Where the mirror came from, for messages: "--mirror", "TSXEN_DEBIAN_MIRROR" or a sources file. */
  from: string;
}

export interface MirrorRequest {
  mirror?: string;
  /** Where `mirror` came from, for messages. */
  mirrorFrom?: string;
  release?: string;
}

export function normalizeMirror(uri: string): string {
  return uri.replace(/\/+$/, '');
}

function usable(source: AptSource): boolean {
  return (
    source.enabled &&
    source.types.includes('deb') &&
    source.components.includes('main') &&
    source.uris.some((uri) => /^https?:\/\//.test(uri))
  );
}

/**
 * Picks the mirror and suites to read. The release defaults to the one of the host's first usable source; the
 * mirror defaults to the first source that lists that release itself; the suites are all the suites of that
 * release that the host lists for that mirror. An explicit mirror keeps the suite list of the host (it is assumed
 * to be a mirror of the same archive), or just the release when the host has none.
 */
export function chooseMirror(sources: AptSource[], request: MirrorRequest): MirrorChoice {
  const candidates = sources.filter(usable);
  const release = request.release ?? defaultRelease(candidates);
  if (release === undefined) {
    throw new SourcesError(
      'no Debian release found in the apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d); ' +
        'pass --release NAME (e.g. --release bookworm)',
    );
  }
  const primary =
    candidates.find((s) => s.suites.includes(release)) ?? candidates.find((s) => s.suites.some((x) => suiteBelongsTo(x, release)));
  const hostMirror = primary?.uris.find((uri) => /^https?:\/\//.test(uri));
  const hostSuites = hostMirror === undefined ? [] : suitesFor(candidates, normalizeMirror(hostMirror), release);
  if (request.mirror !== undefined) {
    const suites = hostSuites.length > 0 ? hostSuites : [release];
    return { mirror: normalizeMirror(request.mirror), release, suites, from: request.mirrorFrom ?? '--mirror' };
  }
  if (primary === undefined || hostMirror === undefined) {
    throw new SourcesError(
      `the apt sources list no http(s) Debian mirror for release "${release}" with component main; ` +
        'set one with --mirror URL or TSXEN_DEBIAN_MIRROR (e.g. the URL of your usual Debian mirror, ending in /debian)',
    );
  }
  const choice: MirrorChoice = { mirror: normalizeMirror(hostMirror), release, suites: hostSuites, from: primary.origin };
  if (primary.signedBy !== undefined && primary.signedBy.startsWith('/') && !primary.signedBy.includes('\n')) {
    choice.keyring = primary.signedBy;
  }
  return choice;
}

function defaultRelease(candidates: AptSource[]): string | undefined {
  const first = candidates[0]?.suites[0];
  return first === undefined ? undefined : releaseOfSuite(first);
}

function suitesFor(candidates: AptSource[], mirror: string, release: string): string[] {
  const suites: string[] = [];
  for (const source of candidates) {
    if (!source.uris.some((uri) => normalizeMirror(uri) === mirror)) continue;
    for (const suite of source.suites) {
      if (suiteBelongsTo(suite, release) && !suites.includes(suite)) suites.push(suite);
    }
  }
  // The release itself first: it must exist, the others may be absent from a partial mirror.
  suites.sort((a, b) => (a === release ? -1 : b === release ? 1 : 0));
  if (!suites.includes(release)) suites.unshift(release);
  return suites;
}
