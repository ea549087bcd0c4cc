import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_KEYRING } from '../image/fetch-images.js';
import { buildFakeArchive, guestArchiveSuites } from '../image/testing/fake-archive.js';
import { MemoryImageHost } from '../image/testing/memory-host.js';
import { type ImageCommandHost } from './image.js';
import { runCli } from './main.js';
import { testCliHost } from './testing.js';

const imageCommand = (argv: string[], host: ImageCommandHost) => runCli(['image', ...argv], testCliHost(host));

const MIRROR = 'http://127.0.0.1:9/debian';

async function setup() {
  const archive = await buildFakeArchive(guestArchiveSuites());
  const imageHost = new MemoryImageHost({
    mirror: MIRROR,
    files: archive.files,
    hostFiles: new Map([[DEFAULT_KEYRING, archive.keyring]]),
  });
  const out: string[] = [];
  const err: string[] = [];
  const cacheDirs: Array<string | undefined> = [];
  const host: ImageCommandHost = {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    imageHost: ({ cacheDir }) => {
      cacheDirs.push(cacheDir);
      return imageHost;
    },
  };
  return { host, imageHost, out, err, cacheDirs };
}

test('fetch prints the kernel, initrd, version and manifest paths', async () => {
  const { host, out, cacheDirs } = await setup();
  assert.equal(await imageCommand(['fetch', `--mirror=${MIRROR}`, '--release', 'bookworm', '--cache', '/tmp/c'], host), 0);
  assert.deepEqual(cacheDirs, ['/tmp/c']);
  assert.equal(out.length, 4);
  assert.match(out[0]!, /^kernel: +\/cache\/tsxen\/images\/.*\/vmlinuz-6\.1\.0-98-cloud-arm64$/);
  assert.match(out[1]!, /^initrd: +.*\/initramfs\.cpio\.gz$/);
  assert.equal(out[2], 'version:  6.1.0-98-cloud-arm64');
  assert.match(out[3]!, /^manifest: .*\/manifest\.json$/);
});

test('a failure the user can fix exits 1 with the message; --offline reaches the library', async () => {
  const { host, err } = await setup();
  assert.equal(await imageCommand(['fetch', '--release', 'bookworm', '--offline'], host), 1);
  assert.match(err.join('\n'), /^tsxen image fetch: .*TSXEN_DEBIAN_MIRROR/m);
  assert.equal(await imageCommand(['fetch', '--mirror', MIRROR, '--release', 'bookworm', '--offline'], host), 1);
  assert.match(err.join('\n'), /--offline: no cached index/);
});

test('usage: unknown subcommand, unknown option, missing value are reported with their names', async () => {
  const { host, err } = await setup();
  assert.equal(await imageCommand(['pull'], host), 1);
  assert.match(err.join('\n'), /unknown command 'pull'/);
  assert.equal(await imageCommand(['fetch', '--mirorr', 'x'], host), 1);
  assert.match(err.join('\n'), /unknown option '--mirorr'/);
  assert.equal(await imageCommand(['fetch', '--release'], host), 1);
  assert.match(err.join('\n'), /option '--release <name>' argument missing/);
});
