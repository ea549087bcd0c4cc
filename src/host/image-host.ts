// Node implementation of the ImageHost that `tsxen image fetch` runs on: global fetch for HTTP, node:fs for the
// cache ($XDG_CACHE_HOME/tsxen, default ~/.cache/tsxen) and the host's apt sources, cli-progress on a TTY.

import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type cliProgress from 'cli-progress';
import type { AptSourcesFile } from '../toolstack/image/apt-sources.js';
import type { DownloadInfo, HttpResult, ImageHost } from '../toolstack/image/host.js';
import type { ImageCommandHost } from '../toolstack/cli/image.js';

export interface NodeImageHostOptions {
  /** Cache root; default $XDG_CACHE_HOME/tsxen, else ~/.cache/tsxen. */
  cacheDir?: string;
  /** apt's configuration directory; default /etc/apt. */
  aptDir?: string;
  env?: Record<string, string | undefined>;
  /** Where progress and warnings go; default process.stderr. */
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Progress bars (default: when stderr is a TTY); plain lines otherwise. */
  progress?: boolean;
  /** A download that receives nothing for this long is abandoned; default 30 s. */
  stallTimeoutMs?: number;
}

export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'tsxen');
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export class NodeImageHost implements ImageHost {
  readonly cacheDir: string;
  private readonly aptDir: string;
  private readonly envVars: Record<string, string | undefined>;
  private readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly progress: boolean;
  private readonly stallTimeoutMs: number;

  constructor(options: NodeImageHostOptions = {}) {
    this.envVars = options.env ?? process.env;
    this.cacheDir = options.cacheDir ?? defaultCacheDir(this.envVars);
    this.aptDir = options.aptDir ?? '/etc/apt';
    this.stderr = options.stderr ?? process.stderr;
    this.progress = options.progress ?? this.stderr.isTTY === true;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  }

  async get(url: string, info: DownloadInfo): Promise<HttpResult> {
    const started = Date.now();
    const abort = new AbortController();
    let timer = setTimeout(() => abort.abort(), this.stallTimeoutMs);
    const kick = () => {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(), this.stallTimeoutMs);
    };
    let bar: cliProgress.SingleBar | undefined;
    try {
      const response = await fetch(url, { signal: abort.signal, redirect: 'follow' });
      if (response.status !== 200 || response.body === null) {
        await response.body?.cancel();
        return { status: response.status, body: new Uint8Array(0) };
      }
      const total = Number(response.headers.get('content-length') ?? info.size ?? 0);
      if (this.progress && total > 0) {
        // loaded on demand: only downloads draw a bar, and every tsxen command would pay for the module
        const { default: progress } = await import('cli-progress');
        bar = new progress.SingleBar(
          { format: `{label} [{bar}] {percentage}% {done}/{all}`, stream: this.stderr, hideCursor: true, clearOnComplete: false },
          progress.Presets.shades_classic,
        );
        bar.start(total, 0, { label: info.label, done: megabytes(0), all: megabytes(total) });
      }
      const chunks: Uint8Array[] = [];
      let received = 0;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        kick();
        chunks.push(value);
        received += value.length;
        bar?.update(received, { done: megabytes(received) });
      }
      bar?.stop();
      bar = undefined;
      if (!this.progress || total === 0) {
        this.stderr.write(`tsxen image: fetched ${info.label} (${megabytes(received)}, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      }
      return { status: 200, body: Buffer.concat(chunks) };
    } catch (error) {
      bar?.stop();
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = abort.signal.aborted
        ? `no data for ${this.stallTimeoutMs / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new Error(`${url}: ${reason}`);
    } finally {
      clearTimeout(timer);
    }
  }

  cachePath(key: string): string {
    return join(this.cacheDir, ...key.split('/'));
  }

  async readCache(key: string): Promise<Uint8Array | undefined> {
    return this.readFile(this.cachePath(key));
  }

  async writeCache(key: string, data: Uint8Array): Promise<string> {
    const path = this.cachePath(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.tmp-${process.pid}`;
    await writeFile(temporary, data);
    await rename(temporary, path);
    return path;
  }

  async removeCache(key: string): Promise<void> {
    await rm(this.cachePath(key), { force: true });
  }

  /** sources.list(5): sources.list, then sources.list.d/*.list and *.sources in alphanumeric order. */
  async readAptSources(): Promise<AptSourcesFile[]> {
    const files: AptSourcesFile[] = [];
    const main = join(this.aptDir, 'sources.list');
    const mainText = await this.readFile(main);
    if (mainText !== undefined) files.push({ origin: main, text: Buffer.from(mainText).toString('utf8'), format: 'one-line' });
    const dir = join(this.aptDir, 'sources.list.d');
    let names: string[] = [];
    try {
      names = (await readdir(dir)).sort();
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    for (const name of names) {
      const format = name.endsWith('.sources') ? 'deb822' : name.endsWith('.list') ? 'one-line' : undefined;
      if (format === undefined) continue;
      const text = await this.readFile(join(dir, name));
      if (text !== undefined) files.push({ origin: join(dir, name), text: Buffer.from(text).toString('utf8'), format });
    }
    return files;
  }

  async readFile(path: string): Promise<Uint8Array | undefined> {
    try {
      const buffer = await readFile(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  env(name: string): string | undefined {
    return this.envVars[name];
  }

  log(message: string): void {
    this.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    this.stderr.write(`tsxen image: warning: ${message}\n`);
  }

  now(): Date {
    return new Date();
  }
}

/** What `tsxen image` needs from Node: stdout/stderr and an ImageHost for a given cache directory. */
export function nodeImageCommandHost(options: Omit<NodeImageHostOptions, 'cacheDir'> = {}): ImageCommandHost {
  return {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => (options.stderr ?? process.stderr).write(`${line}\n`),
    imageHost: ({ cacheDir }) => new NodeImageHost(cacheDir === undefined ? options : { ...options, cacheDir }),
  };
}
