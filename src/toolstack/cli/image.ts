// `tsxen image fetch [--mirror URL] [--release NAME] [--cache DIR] [--keyring FILE] [--offline]`: fetches the guest
// kernel and initramfs (toolstack/image/fetch-images.ts) and prints where they are. Front end only (STYLE.md
// rule 12): parses the command line, runs one fetch, reports.

import type { Command } from 'commander';
import { ImageError } from '../image/errors.js';
import type { FetchImagesOptions } from '../image/fetch-images.js';
import { MIRROR_ENV } from '../image/mirror-env.js';
import type { ImageHost } from '../image/host.js';

export interface ImageCommandHost {
  stdout(line: string): void;
  stderr(line: string): void;
  /** An ImageHost whose cache is `cacheDir` (default: $XDG_CACHE_HOME/tsxen or ~/.cache/tsxen). */
  imageHost(options: { cacheDir?: string }): ImageHost;
}

export interface ImageFetchArgs {
  mirror?: string;
  release?: string;
  cache?: string;
  keyring?: string;
  offline?: boolean;
}

/** Adds `tsxen image fetch` to the command line. */
export function registerImageCommand(program: Command, host: ImageCommandHost, done: (status: number) => void): void {
  const image = program.command('image').description('guest images built from Debian packages');
  image.command('fetch')
    .description("fetch Debian's arm64 cloud kernel and busybox-static, verify them against the archive's signed " +
      'indices, build the guest initramfs, and print the paths')
    .option('--mirror <url>', `Debian archive to use (default: $${MIRROR_ENV}, else the host's apt sources)`)
    .option('--release <name>', "release codename, e.g. bookworm (default: the host's)")
    .option('--cache <dir>', 'cache directory (default: $XDG_CACHE_HOME/tsxen or ~/.cache/tsxen)')
    .option('--keyring <file>', 'OpenPGP keyring for Release signatures (default: /usr/share/keyrings/debian-archive-keyring.gpg)')
    .option('--offline', 'use only the cache')
    .action(async (args: ImageFetchArgs) => done(await imageFetch(args, host)));
}

/** Runs one fetch and reports; returns the process exit status. */
export async function imageFetch(args: ImageFetchArgs, host: ImageCommandHost): Promise<number> {
  const imageHost = host.imageHost(args.cache === undefined ? {} : { cacheDir: args.cache });
  const options: FetchImagesOptions = { host: imageHost, offline: args.offline ?? false };
  if (args.mirror !== undefined) options.mirror = args.mirror;
  if (args.release !== undefined) options.release = args.release;
  if (args.keyring !== undefined) options.keyring = args.keyring;
  const started = Date.now();
  try {
    const { fetchImages } = await import('../image/fetch-images.js'); // on demand: see run.ts
    const images = await fetchImages(options);
    host.stdout(`kernel:   ${images.kernel}`);
    host.stdout(`initrd:   ${images.initrd}`);
    host.stdout(`version:  ${images.kernelVersion}`);
    host.stdout(`manifest: ${images.manifest}`);
    imageHost.log(`tsxen image: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    host.stderr(`tsxen image fetch: ${error.message}`);
    return 1;
  }
}
