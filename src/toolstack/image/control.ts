// Debian control-file syntax (deb822(5), Debian Policy §5.1): stanzas of "Field: value" lines separated by blank
// lines; a line starting with a space or tab continues the previous field; field names are case-insensitive.
// Used for Release, Packages and apt's .sources files alike.

/** One stanza; keys are lower-cased field names, values keep continuation lines joined with "\n". */
export type Stanza = Map<string, string>;

export interface ParseControlOptions {
  /** apt's .sources files allow "#" comment lines (sources.list(5)); Release and Packages do not use them. */
  comments?: boolean;
}

export function parseControl(text: string, options: ParseControlOptions = {}): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  let lastField: string | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (options.comments && line.startsWith('#')) continue;
    if (line.trim() === '') {
      current = undefined;
      lastField = undefined;
      continue;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (current && lastField !== undefined) {
        const previous = current.get(lastField) ?? '';
        // deb822(5): a continuation line consisting of " ." stands for an empty line.
        const piece = line.trim() === '.' ? '' : line.trim();
        current.set(lastField, previous === '' ? piece : `${previous}\n${piece}`);
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a field: tolerated like apt does for stray lines
    if (!current) {
      current = new Map();
      stanzas.push(current);
    }
    lastField = line.slice(0, colon).trim().toLowerCase();
    current.set(lastField, line.slice(colon + 1).trim());
  }
  return stanzas;
}

/** Splits a whitespace-separated field value ("bookworm bookworm-updates") into its words. */
export function words(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/\s+/).filter((w) => w !== '');
}
