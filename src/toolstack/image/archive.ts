// One Debian archive (a mirror URL) seen through apt's eyes: each suite's Release file, checked against the
// archive keyring; the Packages index, checked against Release; .deb files, checked against Packages
// (https://wiki.debian.org/DebianRepository/Format). Everything verified is kept in the cache, so the same
// fetch works again with the mirror out of reach.

import { sha256Hex } from './bytes.js';
import { decompress } from './compress.js';
import { HashMismatchError, ImageError, MirrorUnreachableError, PackageNotFoundError, SignatureError } from './errors.js';
import type { ImageHost } from './host.js';
import type { PackageRecord } from './packages.js';
import { byHashPath, packagesIndex, parseRelease, type IndexFileRef, type ReleaseFile } from './release.js';
import { unverifiedCleartext, verifyDetached, verifyInRelease, type Keyring } from './signature.js';

export interface SuiteIndex {
  suite: string;
  release: ReleaseFile;
  /** True when the network failed (or --offline) and the cached Release was used. */
  fromCache: boolean;
  /** Good signatures, or undefined when no keyring was available to check them. */
  signers: string[] | undefined;
}

export interface ArchiveOptions {
  mirror: string;
  keyring: Keyring | undefined;
  offline: boolean;
  arch: string;
  component: string;
}

type SignedRelease = { kind: 'inrelease'; bytes: Uint8Array } | { kind: 'detached'; release: Uint8Array; gpg?: Uint8Array };

/** Cache folder name for a mirror URL: "http://127.0.0.1:8080/debian" -> "127.0.0.1_8080_debian". */
export function mirrorKey(mirror: string): string {
  return mirror.replace(/^[a-z]+:\/\//i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
}

export class DebianArchive {
  /** Why the mirror could not be reached, once it could not: later requests go straight to the cache. */
  unreachable: string | undefined;
  /** Suites whose Release says "Acquire-By-Hash: yes". */
  private readonly byHash = new Set<string>();

  constructor(
    private readonly host: ImageHost,
    readonly options: ArchiveOptions,
  ) {
    if (options.offline) this.unreachable = '--offline';
  }

  private indexKey(suite: string, path: string): string {
    return `indices/${mirrorKey(this.options.mirror)}/${suite}/${path}`;
  }

  /** GET that records network failures instead of throwing; undefined means "no answer". */
  private async get(url: string, label: string, size?: number): Promise<{ status: number; body: Uint8Array } | undefined> {
    if (this.unreachable !== undefined) return undefined;
    try {
      const info = size === undefined ? { label } : { label, size };
      const result = await this.host.get(url, info);
      if (result.status >= 500) {
        this.unreachable = `HTTP ${result.status} for ${url}`;
        return undefined;
      }
      return result;
    } catch (error) {
      this.unreachable = (error as Error).message;
      return undefined;
    }
  }

  /**
   * Reads dists/<suite>/InRelease (or Release + Release.gpg) and checks its signature. Returns undefined for an
   * optional suite the mirror does not have.
   */
  async suite(suite: string, optional: boolean): Promise<SuiteIndex | undefined> {
    const base = `${this.options.mirror}/dists/${suite}`;
    const fresh = await this.fetchRelease(suite, base);
    if (fresh === 'absent') {
      if (optional) {
        this.host.warn(`${base}/: no such suite on this mirror (HTTP 404); going on without it`);
        return undefined;
      }
      throw new PackageNotFoundError(
        `${base}/InRelease and Release: HTTP 404: the mirror has no suite "${suite}"; check --release, or that ` +
          `${this.options.mirror} is a Debian archive (the URL ends where dists/ and pool/ start)`,
      );
    }
    if (fresh !== undefined) {
      const index = await this.verify(suite, base, fresh, false);
      if (fresh.kind === 'inrelease') {
        await this.host.writeCache(this.indexKey(suite, 'InRelease'), fresh.bytes);
        await this.host.removeCache(this.indexKey(suite, 'Release'));
      } else {
        await this.host.writeCache(this.indexKey(suite, 'Release'), fresh.release);
        if (fresh.gpg !== undefined) await this.host.writeCache(this.indexKey(suite, 'Release.gpg'), fresh.gpg);
        await this.host.removeCache(this.indexKey(suite, 'InRelease'));
      }
      return index;
    }
    const cached = await this.cachedRelease(suite);
    if (cached === undefined) {
      if (optional) {
        // Never fetched before (the mirror lacked it then, or it was added to the sources since): go on without it.
        this.host.warn(`cannot reach ${base}/ (${this.unreachable}) and it is not cached; going on without ${suite}`);
        return undefined;
      }
      if (this.options.offline) {
        throw new ImageError(
          `--offline: no cached index of ${base}/ in ${this.host.cachePath('indices')}; run once without --offline`,
        );
      }
      throw new MirrorUnreachableError(this.options.mirror, this.unreachable ?? 'no answer');
    }
    const index = await this.verify(suite, base, cached, true);
    const date = index.release.date?.toISOString() ?? 'an unknown date';
    if (!this.options.offline) {
      this.host.warn(`cannot reach ${this.options.mirror} (${this.unreachable}); using the cached index of ${suite} from ${date}`);
    }
    return index;
  }

  private async fetchRelease(suite: string, base: string): Promise<SignedRelease | 'absent' | undefined> {
    const inRelease = await this.get(`${base}/InRelease`, `${suite} InRelease`);
    if (inRelease === undefined) return undefined;
    if (inRelease.status === 200) return { kind: 'inrelease', bytes: inRelease.body };
    const release = await this.get(`${base}/Release`, `${suite} Release`);
    if (release === undefined) return undefined;
    if (release.status !== 200) return 'absent';
    const gpg = await this.get(`${base}/Release.gpg`, `${suite} Release.gpg`);
    if (gpg === undefined) return undefined;
    return gpg.status === 200 ? { kind: 'detached', release: release.body, gpg: gpg.body } : { kind: 'detached', release: release.body };
  }

  private async cachedRelease(suite: string): Promise<SignedRelease | undefined> {
    const inRelease = await this.host.readCache(this.indexKey(suite, 'InRelease'));
    if (inRelease !== undefined) return { kind: 'inrelease', bytes: inRelease };
    const release = await this.host.readCache(this.indexKey(suite, 'Release'));
    if (release === undefined) return undefined;
    const gpg = await this.host.readCache(this.indexKey(suite, 'Release.gpg'));
    return gpg === undefined ? { kind: 'detached', release } : { kind: 'detached', release, gpg };
  }

  private async verify(suite: string, base: string, signed: SignedRelease, fromCache: boolean): Promise<SuiteIndex> {
    const keyring = this.options.keyring;
    const where = fromCache ? `${this.host.cachePath(this.indexKey(suite, ''))} (cached copy of ${base}/)` : `${base}/`;
    let text: string;
    let signers: string[] | undefined;
    if (signed.kind === 'inrelease') {
      const armored = new TextDecoder().decode(signed.bytes);
      if (keyring !== undefined) ({ text, signers } = await verifyInRelease(armored, keyring, `${where}InRelease`));
      else text = unverifiedCleartext(armored);
    } else if (keyring !== undefined) {
      if (signed.gpg === undefined) {
        throw new SignatureError(
          `${where}Release is not signed (no InRelease, no Release.gpg); refusing an unsigned archive while a keyring ` +
            'is available: use a signed mirror',
        );
      }
      ({ text, signers } = await verifyDetached(signed.release, signed.gpg, keyring, `${where}Release`));
    } else {
      text = new TextDecoder().decode(signed.release);
    }
    const release = parseRelease(text);
    if (release.acquireByHash) this.byHash.add(suite);
    if (release.codename !== suite && release.suite !== suite) {
      this.host.warn(
        `${base}/: Release says Suite "${release.suite ?? '?'}", Codename "${release.codename ?? '?'}", not "${suite}"`,
      );
    }
    if (release.validUntil !== undefined && release.validUntil.getTime() < this.host.now().getTime()) {
      this.host.warn(
        `${base}/: Release expired on ${release.validUntil.toISOString()} (Valid-Until); the mirror may be out of ` +
          'date, its indices may miss security updates',
      );
    }
    return { suite, release, fromCache, signers };
  }

  /** The Packages index of the suite (main, arch), checked against the Release file, decompressed. */
  async packages(index: SuiteIndex): Promise<string> {
    const { component, arch } = this.options;
    const ref = packagesIndex(index.release, component, arch);
    if (ref === undefined) {
      throw new PackageNotFoundError(
        `${this.options.mirror}/dists/${index.suite}/: Release lists no ${component}/binary-${arch}/Packages index; ` +
          `use a mirror that carries ${arch}`,
      );
    }
    const key = this.indexKey(index.suite, ref.path);
    let bytes = await this.host.readCache(key);
    if (bytes === undefined || (await sha256Hex(bytes)) !== ref.sha256) {
      bytes = await this.download(index.suite, ref);
      await this.host.writeCache(key, bytes);
    }
    return new TextDecoder().decode(await decompress(bytes, ref.compression, `${index.suite}/${ref.path}`));
  }

  private async download(suite: string, ref: IndexFileRef): Promise<Uint8Array> {
    const base = `${this.options.mirror}/dists/${suite}`;
    const label = `${suite} ${ref.path.slice(ref.path.lastIndexOf('/') + 1)}`;
    let url = `${base}/${ref.path}`;
    let result: { status: number; body: Uint8Array } | undefined;
    // By-hash names never change meaning, so a mirror update between Release and Packages cannot mismatch.
    if (this.byHash.has(suite)) {
      result = await this.get(`${base}/${byHashPath(ref)}`, label, ref.size);
      if (result?.status === 200) url = `${base}/${byHashPath(ref)}`;
    }
    if (result?.status !== 200) result = await this.get(url, label, ref.size);
    if (result === undefined) throw new MirrorUnreachableError(this.options.mirror, this.unreachable ?? 'no answer');
    if (result.status !== 200) {
      throw new PackageNotFoundError(`${url}: HTTP ${result.status}; the mirror is incomplete or mid-update: try again later or use another mirror`);
    }
    await checkHash(url, result.body, ref.sha256, ref.size);
    return result.body;
  }

  /** A .deb from the pool, checked against the SHA256 the Packages index gives; cached by that hash. */
  async deb(record: PackageRecord): Promise<Uint8Array> {
    const key = `debs/${record.sha256}.deb`;
    const cached = await this.host.readCache(key);
    if (cached !== undefined) {
      if ((await sha256Hex(cached)) === record.sha256) return cached;
      this.host.warn(`${this.host.cachePath(key)} is damaged (SHA256 differs from its name); downloading it again`);
      await this.host.removeCache(key);
    }
    const url = `${this.options.mirror}/${record.filename}`;
    const result = await this.get(url, record.filename.slice(record.filename.lastIndexOf('/') + 1), record.size);
    if (result === undefined) throw new MirrorUnreachableError(this.options.mirror, this.unreachable ?? 'no answer');
    if (result.status !== 200) {
      throw new PackageNotFoundError(
        `${url}: HTTP ${result.status}; the mirror's pool lacks a file its index lists: try again later or use another mirror`,
      );
    }
    await checkHash(url, result.body, record.sha256, record.size);
    await this.host.writeCache(key, result.body);
    return result.body;
  }
}

async function checkHash(file: string, body: Uint8Array, sha256: string, size: number): Promise<void> {
  const actual = await sha256Hex(body);
  if (actual !== sha256) throw new HashMismatchError(file, sha256, actual, { expected: size, actual: body.length });
}
