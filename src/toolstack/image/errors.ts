// Failures of `tsxen image fetch`. These are host/config failures (STYLE.md rule 6): each is a typed error
// whose message names the file or mirror involved and tells the user what to do next.

export class ImageError extends Error {
  override name = 'ImageError';
}

/** A downloaded or cached file does not match the hash its signed index promises. */
export class HashMismatchError extends ImageError {
  override name = 'HashMismatchError';
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
    sizes?: { expected: number; actual: number },
  ) {
    const size = sizes === undefined || sizes.expected === sizes.actual ? '' : ` (expected ${sizes.expected} bytes, got ${sizes.actual})`;
    super(
      `${file}: SHA256 mismatch: expected ${expected}, got ${actual}${size}; the file was refused. The mirror (or ` +
        'a proxy in between) served a damaged or stale file: try again later, or pick another mirror with ' +
        '--mirror URL or TSXEN_DEBIAN_MIRROR',
    );
  }
}

/** A Release file's OpenPGP signature is missing or does not verify against the keyring. */
export class SignatureError extends ImageError {
  override name = 'SignatureError';
}

/** The mirror could not be reached and nothing usable is cached. */
export class MirrorUnreachableError extends ImageError {
  override name = 'MirrorUnreachableError';
  constructor(
    readonly mirror: string,
    readonly reason: string,
  ) {
    super(
      `cannot reach the Debian mirror ${mirror} (${reason}) and no cached copy exists; check the network, or set ` +
        `a reachable mirror with --mirror URL or the TSXEN_DEBIAN_MIRROR environment variable`,
    );
  }
}

/** The apt sources name no usable Debian mirror or release. */
export class SourcesError extends ImageError {
  override name = 'SourcesError';
}

/** The archive has no package that fits (no kernel flavour, no busybox-static, file missing on the mirror). */
export class PackageNotFoundError extends ImageError {
  override name = 'PackageNotFoundError';
}

/** A file is not in the format it claims (ar, tar, cpio, xz/zstd/gzip, ELF module, Release). */
export class ArchiveFormatError extends ImageError {
  override name = 'ArchiveFormatError';
}
