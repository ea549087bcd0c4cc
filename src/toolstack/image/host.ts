// What `tsxen image fetch` needs from the machine it runs on, injected so this code has no Node dependency
// (DESIGN.md layer 8: the Node implementation is src/host/image-host.ts).

import type { AptSourcesFile } from './apt-sources.js';

export interface HttpResult {
  status: number;
  /** The body for status 200; may be empty otherwise. */
  body: Uint8Array;
}

export interface DownloadInfo {
  /** Short name for progress output ("bookworm InRelease", "linux-image-...deb"). */
  label: string;
  /** Expected size in bytes, when the index says it (for a progress bar before Content-Length arrives). */
  size?: number;
}

export interface ImageHost {
  /**
   * GETs a URL. Resolves with whatever HTTP status the server answered (404 included); rejects only when no
   * answer came (DNS, connection refused, timeout), with an Error whose message says why.
   */
  get(url: string, info: DownloadInfo): Promise<HttpResult>;
  /** Cache files are named by keys like "debs/<sha256>.deb"; undefined when absent. */
  readCache(key: string): Promise<Uint8Array | undefined>;
  /** Writes atomically (a reader never sees half a file) and returns the file's path. */
  writeCache(key: string, data: Uint8Array): Promise<string>;
  removeCache(key: string): Promise<void>;
  /** Path of a cache file, for the user. */
  cachePath(key: string): string;
  /** The host's apt sources files (sources.list, sources.list.d/*.list and *.sources), in apt's reading order. */
  readAptSources(): Promise<AptSourcesFile[]>;
  /** Reads a host file such as a keyring; undefined when it does not exist. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  env(name: string): string | undefined;
  /** Progress and status lines (stderr in the CLI). */
  log(message: string): void;
  warn(message: string): void;
  now(): Date;
}
