// Decompressors for what Debian ships: xz (Packages.xz, data.tar.xz, .ko.xz), zstd (data.tar.zst, .ko.zst) and
// gzip (Packages.gz, data.tar.gz, .ko.gz). All pure JS or WebAssembly, no native addons, usable in a browser.

import xzDecompress from 'xz-decompress';
import { decompress as zstdDecompress } from 'fzstd';
import { gunzipSync } from 'fflate';
import { plainBuffer } from './bytes.js';
import { ArchiveFormatError } from './errors.js';

export type Compression = 'xz' | 'zst' | 'gz' | 'none';

/** The compression a file name's suffix says ("data.tar.xz" -> "xz"). */
export function compressionOf(name: string): Compression {
  if (name.endsWith('.xz')) return 'xz';
  if (name.endsWith('.zst')) return 'zst';
  if (name.endsWith('.gz')) return 'gz';
  return 'none';
}

export function stripCompressionSuffix(name: string): string {
  return name.replace(/\.(xz|zst|gz)$/, '');
}

/** `what` names the file in error messages. */
export async function decompress(data: Uint8Array, compression: Compression, what: string): Promise<Uint8Array> {
  try {
    switch (compression) {
      case 'none':
        return data;
      case 'gz':
        return gunzipSync(data);
      case 'zst':
        return zstdDecompress(data);
      case 'xz':
        return await unxz(data);
    }
  } catch (error) {
    throw new ArchiveFormatError(
      `${what}: cannot decompress (${compression}): ${(error as Error).message}; the file is damaged, delete it ` +
        'from the cache and fetch again',
    );
  }
}

// xz-decompress wraps xz-embedded (WebAssembly) behind a web ReadableStream, which Node and browsers both have.
async function unxz(data: Uint8Array): Promise<Uint8Array> {
  const input = new Blob([plainBuffer(data)]).stream();
  const output = new xzDecompress.XzReadableStream(input);
  return new Uint8Array(await new Response(output).arrayBuffer());
}
