// An ImageHost held in memory for tests: a fake mirror (URL path -> bytes) that can be switched off, a cache Map,
// apt sources and keyrings given as strings and bytes, and the lines logged.

import type { AptSourcesFile } from '../apt-sources.js';
import type { DownloadInfo, HttpResult, ImageHost } from '../host.js';

export interface MemoryHostOptions {
  /** Mirror base URL, e.g. "http://127.0.0.1:9/debian". */
  mirror: string;
  /** Files below the mirror root ("dists/bookworm/InRelease"). */
  files: Map<string, Uint8Array>;
  aptSources?: AptSourcesFile[];
  /** Host files by path (keyrings). */
  hostFiles?: Map<string, Uint8Array>;
  env?: Record<string, string>;
  now?: Date;
}

export class MemoryImageHost implements ImageHost {
  readonly cache = new Map<string, Uint8Array>();
  readonly requests: string[] = [];
  readonly logs: string[] = [];
  readonly warnings: string[] = [];
  online = true;
  /** Requests whose URL matches fail as if the network dropped. */
  failing: RegExp | undefined;

  constructor(readonly options: MemoryHostOptions) {}

  async get(url: string, _info: DownloadInfo): Promise<HttpResult> {
    this.requests.push(url);
    if (!this.online || this.failing?.test(url)) throw new Error(`${url}: ECONNREFUSED`);
    const prefix = `${this.options.mirror}/`;
    const body = url.startsWith(prefix) ? this.options.files.get(url.slice(prefix.length)) : undefined;
    return body === undefined ? { status: 404, body: new Uint8Array(0) } : { status: 200, body: body.slice() };
  }

  async readCache(key: string): Promise<Uint8Array | undefined> {
    return this.cache.get(key)?.slice();
  }

  async writeCache(key: string, data: Uint8Array): Promise<string> {
    this.cache.set(key, data.slice());
    return this.cachePath(key);
  }

  async removeCache(key: string): Promise<void> {
    this.cache.delete(key);
  }

  cachePath(key: string): string {
    return `/cache/tsxen/${key}`;
  }

  async readAptSources(): Promise<AptSourcesFile[]> {
    return this.options.aptSources ?? [];
  }

  async readFile(path: string): Promise<Uint8Array | undefined> {
    return this.options.hostFiles?.get(path);
  }

  env(name: string): string | undefined {
    return this.options.env?.[name];
  }

  log(message: string): void {
    this.logs.push(message);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  now(): Date {
    return this.options.now ?? new Date(Date.UTC(2026, 0, 2));
  }
}
