// End to end: `tsxen image fetch` through the Node host against a fake signed Debian archive served over HTTP on
// 127.0.0.1, with the apt sources and keyring in a temporary /etc/apt.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { type ImageCommandHost } from '../toolstack/cli/image.js';
import { runCli } from '../toolstack/cli/main.js';
import { testCliHost } from '../toolstack/cli/testing.js';

const imageCommand = (argv: string[], host: ImageCommandHost) => runCli(['image', ...argv], testCliHost(host));
import { fetchImages } from '../toolstack/image/fetch-images.js';
import { buildFakeArchive, fakeBusyboxDeb, fakeDebPath, guestArchiveSuites } from '../toolstack/image/testing/fake-archive.js';
import { defaultCacheDir, NodeImageHost } from './image-host.js';
import { skipUnlessPeer, type Peer } from './peers.js';

const CPIO: Peer = { command: 'cpio', debianPackage: 'cpio' };

const work = mkdtempSync(join(tmpdir(), 'tsxen-image-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface FakeMirror {
  url: string;
  files: Map<string, Uint8Array>;
  requests: string[];
  stop(): Promise<void>;
}

async function serve(files: Map<string, Uint8Array>): Promise<FakeMirror> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const path = decodeURIComponent((request.url ?? '').replace(/^\/debian\//, ''));
    const body = files.get(path);
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/debian`,
    files,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function aptDir(name: string, mirror: string, keyring: string): string {
  const dir = join(work, name, 'apt');
  mkdirSync(join(dir, 'sources.list.d'), { recursive: true });
  writeFileSync(
    join(dir, 'sources.list.d', 'debian.sources'),
    `Types: deb\nURIs: ${mirror}\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: ${keyring}\n`,
  );
  writeFileSync(join(dir, 'sources.list'), '# moved to sources.list.d\n');
  return dir;
}

class Capture {
  out: string[] = [];
  err = '';
  readonly stderr = { write: (chunk: string) => ((this.err += chunk), true) } as unknown as NodeJS.WritableStream;
}

function commandHost(capture: Capture, apt: string): ImageCommandHost {
  return {
    stdout: (line) => capture.out.push(line),
    stderr: (line) => (capture.err += `${line}\n`),
    imageHost: ({ cacheDir }) =>
      new NodeImageHost({ aptDir: apt, stderr: capture.stderr, progress: false, env: {}, ...(cacheDir ? { cacheDir } : {}) }),
  };
}

test('the cache defaults to $XDG_CACHE_HOME/tsxen, else ~/.cache/tsxen', () => {
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/tsxen');
  assert.match(defaultCacheDir({}), /\/\.cache\/tsxen$/);
});

test('tsxen image fetch: from the host apt mirror, refusing a corrupted .deb, then offline from the cache', async () => {
  const archive = await buildFakeArchive(guestArchiveSuites());
  const mirror = await serve(archive.files);
  const keyring = join(work, 'archive-keyring.gpg');
  writeFileSync(keyring, archive.keyring);
  const apt = aptDir('e2e', mirror.url, keyring);
  const cache = join(work, 'e2e', 'cache');

  // 1. The busybox .deb on the mirror is corrupted: refused, named, nothing built.
  const busyboxPath = fakeDebPath(fakeBusyboxDeb('1:1.35.0-4+deb12u1'));
  const good = archive.files.get(busyboxPath)!;
  const bad = good.slice();
  bad[100] ^= 0xff;
  archive.files.set(busyboxPath, bad);
  const refused = new Capture();
  assert.equal(await imageCommand(['fetch', '--cache', cache], commandHost(refused, apt)), 1);
  assert.match(refused.err, /busybox-static_1\.35\.0-4\+deb12u1_arm64\.deb: SHA256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}/);
  assert.equal(existsSync(join(cache, 'images')), false);

  // 2. Repaired: the fetch succeeds and prints the paths.
  archive.files.set(busyboxPath, good);
  const fetched = new Capture();
  assert.equal(await imageCommand(['fetch', '--cache', cache], commandHost(fetched, apt)), 0, fetched.err);
  const printed = Object.fromEntries(fetched.out.map((line) => line.split(/:\s+/, 2) as [string, string]));
  assert.equal(printed['version'], '6.1.0-99-cloud-arm64');
  assert.ok(printed['kernel']!.startsWith(join(cache, 'images')));
  assert.match(fetched.err, /from http:\/\/127\.0\.0\.1:\d+\/debian \[.*debian\.sources\]/);
  assert.match(fetched.err, /fetched busybox-static_1\.35\.0-4\+deb12u1_arm64\.deb/);
  const manifest = JSON.parse(readFileSync(printed['manifest']!, 'utf8'));
  assert.equal(manifest.kernel.kernelVersion, '6.1.0-99-cloud-arm64');
  assert.equal(readFileSync(printed['kernel']!).subarray(0x38, 0x3c).toString('latin1'), 'ARMd');
  const cpio = gunzipSync(readFileSync(printed['initrd']!));
  // Read back with GNU cpio (under CI a missing cpio fails the test; elsewhere this part is skipped).
  if (skipUnlessPeer(CPIO) === false) {
    const listing = spawnSync('cpio', ['-it', '--quiet'], { input: cpio }).stdout.toString().split('\n');
    for (const name of ['init', 'bin/busybox', 'bin/sh', 'dev/console', 'etc/passwd', 'lib/modules/6.1.0-99-cloud-arm64/modules.dep']) {
      assert.ok(listing.includes(name), `${name} in the initramfs`);
    }
    assert.ok(listing.includes('lib/modules/6.1.0-99-cloud-arm64/kernel/drivers/block/xen-blkfront.ko'));
  }

  // 3. The mirror goes away: the same fetch works from the cache, and says so.
  await mirror.stop();
  const offline = new Capture();
  assert.equal(await imageCommand(['fetch', '--cache', cache], commandHost(offline, apt)), 0, offline.err);
  assert.deepEqual(offline.out, fetched.out);
  assert.match(offline.err, /cannot reach http:\/\/127\.0\.0\.1:\d+\/debian \(.*ECONNREFUSED\); using the cached index of bookworm/);

  // 4. Nothing cached and no mirror: a clear error naming the mirror and how to set one.
  const empty = new Capture();
  assert.equal(await imageCommand(['fetch', '--cache', join(work, 'empty-cache')], commandHost(empty, apt)), 1);
  assert.match(empty.err, /cannot reach the Debian mirror http:\/\/127\.0\.0\.1:\d+\/debian .*--mirror URL or the TSXEN_DEBIAN_MIRROR/);
});

test('TSXEN_DEBIAN_MIRROR selects the mirror through the Node host', async () => {
  const archive = await buildFakeArchive(guestArchiveSuites());
  const mirror = await serve(archive.files);
  try {
    const keyring = join(work, 'env-keyring.gpg');
    writeFileSync(keyring, archive.keyring);
    const capture = new Capture();
    const host = new NodeImageHost({
      cacheDir: join(work, 'env', 'cache'),
      aptDir: join(work, 'no-apt'),
      env: { TSXEN_DEBIAN_MIRROR: mirror.url },
      stderr: capture.stderr,
      progress: false,
    });
    const images = await fetchImages({ host, release: 'bookworm', keyring });
    assert.equal(images.kernelVersion, '6.1.0-98-cloud-arm64');
    assert.match(capture.err, /\[TSXEN_DEBIAN_MIRROR\]/);
  } finally {
    await mirror.stop();
  }
});

test('usage errors exit with status 1 and name the problem; --help exits 0', async () => {
  const capture = new Capture();
  const host = commandHost(capture, join(work, 'no-apt'));
  assert.equal(await imageCommand(['fetch', '--bogus'], host), 1);
  assert.match(capture.err, /unknown option '--bogus'/);
  assert.equal(await imageCommand(['fetch', '--mirror'], host), 1);
  assert.equal(await imageCommand(['frobnicate'], host), 1);
  assert.equal(await imageCommand(['fetch', '--help'], host), 0);
  assert.match(capture.out.join('\n'), /--mirror <url>/);
});

test('downloads draw a progress bar when stderr is a TTY, plain lines otherwise', async () => {
  const files = new Map([['pool/big.deb', new Uint8Array(300_000).fill(7)]]);
  const mirror = await serve(files);
  try {
    let tty = '';
    const ttyStream = {
      write: (chunk: string) => ((tty += chunk), true),
      isTTY: true,
      columns: 100,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    } as unknown as NodeJS.WritableStream & { isTTY: boolean };
    const withBar = new NodeImageHost({ cacheDir: join(work, 'tty'), stderr: ttyStream });
    const result = await withBar.get(`${mirror.url}/pool/big.deb`, { label: 'big.deb', size: 300_000 });
    assert.equal(result.status, 200);
    assert.equal(result.body.length, 300_000);
    assert.match(tty, /big\.deb \[.*\] 100% 0\.3 MB\/0\.3 MB/);
    const plain = new Capture();
    const withoutBar = new NodeImageHost({ cacheDir: join(work, 'tty'), stderr: plain.stderr });
    assert.equal((await withoutBar.get(`${mirror.url}/pool/big.deb`, { label: 'big.deb' })).status, 200);
    assert.match(plain.err, /^tsxen image: fetched big\.deb \(0\.3 MB, \d+\.\d s\)$/m);
    assert.equal((await withoutBar.get(`${mirror.url}/pool/missing.deb`, { label: 'missing.deb' })).status, 404);
  } finally {
    await mirror.stop();
  }
});
