import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'fflate';
import { readCpio } from './cpio.js';
import { HashMismatchError, ImageError, MirrorUnreachableError, SignatureError } from './errors.js';
import { DEFAULT_KEYRING, fetchImages, type FetchImagesOptions, type ImageManifest } from './fetch-images.js';
import { parseModulesDep } from './kmod.js';
import {
  buildFakeArchive,
  fakeBusyboxDeb,
  fakeDebPath,
  fakeKernelDeb,
  generateArchiveKey,
  guestArchiveSuites,
  type FakeSuite,
} from './testing/fake-archive.js';
import { MemoryImageHost } from './testing/memory-host.js';

const MIRROR = 'http://127.0.0.1:9/debian';
const key = generateArchiveKey();
const dec = new TextDecoder();

async function setup(options: { suites?: FakeSuite[]; keyring?: boolean; aptSuites?: string } = {}) {
  const archive = await buildFakeArchive(options.suites ?? guestArchiveSuites(), await key);
  const host = new MemoryImageHost({
    mirror: MIRROR,
    files: archive.files,
    aptSources: [
      {
        origin: '/etc/apt/sources.list.d/debian.sources',
        format: 'deb822',
        text: `Types: deb\nURIs: ${MIRROR}\nSuites: ${options.aptSuites ?? 'bookworm bookworm-updates'}\nComponents: main\nSigned-By: ${DEFAULT_KEYRING}\n`,
      },
    ],
    hostFiles: new Map(options.keyring === false ? [] : [[DEFAULT_KEYRING, archive.keyring]]),
  });
  return { archive, host };
}

function cached(host: MemoryImageHost, path: string): Uint8Array {
  const key = path.replace('/cache/tsxen/', '');
  const bytes = host.cache.get(key);
  assert.ok(bytes, `${key} in the cache`);
  return bytes;
}

async function fetchWith(host: MemoryImageHost, extra: Partial<FetchImagesOptions> = {}) {
  return fetchImages({ host, ...extra });
}

test('the newest kernel and busybox across the suites become kernel, initramfs and manifest', async () => {
  const { host } = await setup();
  const images = await fetchWith(host);
  assert.equal(images.kernelVersion, '6.1.0-99-cloud-arm64');
  assert.match(images.kernel, /^\/cache\/tsxen\/images\/6\.1\.0-99-cloud-arm64-[0-9a-f]{12}\/vmlinuz-6\.1\.0-99-cloud-arm64$/);
  const manifest = JSON.parse(dec.decode(cached(host, images.manifest))) as ImageManifest;
  assert.equal(manifest.mirror, MIRROR);
  assert.equal(manifest.release, 'bookworm');
  assert.equal(manifest.kernel.version, '6.1.176-1');
  assert.equal(manifest.kernel.suite, 'bookworm-updates');
  assert.equal(manifest.kernel.format, 'arm64-image');
  assert.equal(manifest.busybox.version, '1:1.35.0-4+deb12u1');
  assert.deepEqual(manifest.suites.map((s) => s.name), ['bookworm', 'bookworm-updates']);
  for (const suite of manifest.suites) assert.match(suite.signature, /^verified: key [0-9a-f]{16} \(tsxen test archive key/);
  const entries = new Map(readCpio(gunzipSync(cached(host, images.initrd))).map((e) => [e.name, e]));
  const dep = parseModulesDep(dec.decode(entries.get('lib/modules/6.1.0-99-cloud-arm64/modules.dep')!.data));
  assert.deepEqual([...dep.keys()].sort(), [
    'kernel/drivers/block/virtio_blk.ko',
    'kernel/drivers/block/xen-blkfront.ko',
    'kernel/drivers/net/net_failover.ko',
    'kernel/drivers/net/virtio_net.ko',
    'kernel/drivers/net/xen-netfront.ko',
    'kernel/drivers/virtio/virtio.ko',
    'kernel/drivers/virtio/virtio_mmio.ko',
    'kernel/drivers/virtio/virtio_ring.ko',
    'kernel/net/core/failover.ko',
  ]);
  assert.ok(entries.has('bin/busybox') && entries.has('init') && entries.has('dev/console'));
  assert.ok(host.requests.some((url) => url.includes('/by-hash/SHA256/')), 'index fetched by hash');
  assert.deepEqual(host.warnings, []);
});

test('a second fetch downloads only the Release files and gives the same paths', async () => {
  const { host } = await setup();
  const first = await fetchWith(host);
  host.requests.length = 0;
  const second = await fetchWith(host);
  assert.deepEqual(second, first);
  assert.deepEqual(host.requests, [
    `${MIRROR}/dists/bookworm/InRelease`,
    `${MIRROR}/dists/bookworm-updates/InRelease`,
    `${MIRROR}/dists/bookworm-updates/Release`,
    `${MIRROR}/dists/bookworm-updates/Release.gpg`,
  ]);
  assert.ok(host.logs.some((l) => /up to date/.test(l)));
});

test('a corrupted .deb is refused with its name and both hashes, and is not cached', async () => {
  const { host, archive } = await setup();
  const path = fakeDebPath(fakeBusyboxDeb('1:1.35.0-4+deb12u1'));
  const good = archive.files.get(path)!;
  const bad = good.slice();
  bad[bad.length - 1] ^= 0x55;
  archive.files.set(path, bad);
  await assert.rejects(fetchWith(host), (error: unknown) => {
    assert.ok(error instanceof HashMismatchError);
    assert.match(error.message, /busybox-static_1\.35\.0-4\+deb12u1_arm64\.deb: SHA256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}/);
    assert.notEqual(error.expected, error.actual);
    return true;
  });
  assert.ok(![...host.cache.keys()].some((k) => k.startsWith('images/')));
  assert.equal([...host.cache.keys()].filter((k) => k.startsWith('debs/')).length, 1, 'only the good kernel .deb cached');
  archive.files.set(path, good);
  assert.equal((await fetchWith(host)).kernelVersion, '6.1.0-99-cloud-arm64');
});

test('a Packages index that does not match the Release file is refused', async () => {
  const { host, archive } = await setup();
  for (const [path, bytes] of archive.files) {
    if (path.startsWith('dists/bookworm/main/binary-arm64/')) archive.files.set(path, bytes.subarray(0, bytes.length - 1));
  }
  await assert.rejects(fetchWith(host), /dists\/bookworm\/main\/binary-arm64\/.*: SHA256 mismatch/);
});

test('a tampered InRelease is refused; so is one signed by a key outside the keyring', async () => {
  const { host, archive } = await setup();
  const text = dec.decode(archive.files.get('dists/bookworm/InRelease')!);
  archive.files.set('dists/bookworm/InRelease', new TextEncoder().encode(text.replace('Label: Debian', 'Label: Debiam')));
  await assert.rejects(fetchWith(host), (e: unknown) => e instanceof SignatureError && /dists\/bookworm\/InRelease/.test(e.message));
  const stranger = await buildFakeArchive(guestArchiveSuites());
  const other = await setup();
  other.archive.files.set('dists/bookworm/InRelease', stranger.files.get('dists/bookworm/InRelease')!);
  await assert.rejects(fetchWith(other.host), SignatureError);
});

test('with the mirror down, the cached indices and images are used and the user is told', async () => {
  const { host } = await setup();
  const first = await fetchWith(host);
  host.online = false;
  const again = await fetchWith(host);
  assert.deepEqual(again, first);
  assert.ok(host.warnings.some((w) => w.startsWith(`cannot reach ${MIRROR}`) && /using the cached index of bookworm/.test(w)));
  host.warnings.length = 0;
  assert.deepEqual(await fetchWith(host, { offline: true }), first);
  assert.deepEqual(host.warnings, []);
});

test('when the network drops after a changed Release, the last images are used and the user is told', async () => {
  const { host } = await setup();
  const first = await fetchWith(host);
  // The archive moves on: a newer kernel in bookworm-updates, whose Packages then cannot be downloaded.
  const suites = guestArchiveSuites();
  suites[1]!.debs.push(fakeKernelDeb('6.1.0-100-cloud-arm64', '6.1.180-1'));
  const newer = await buildFakeArchive(suites, await key);
  for (const [path, bytes] of newer.files) host.options.files.set(path, bytes);
  host.failing = /Packages|by-hash/;
  assert.deepEqual(await fetchWith(host), first);
  assert.ok(host.warnings.some((w) => /cannot reach the Debian mirror .*using the images cached on/.test(w)));
});

test('with the mirror down and no cache, the error names the mirror and how to set one', async () => {
  const { host } = await setup();
  host.online = false;
  await assert.rejects(fetchWith(host), (e: unknown) => {
    assert.ok(e instanceof MirrorUnreachableError);
    assert.match(e.message, new RegExp(`cannot reach the Debian mirror ${MIRROR.replace(/\./g, '\\.')} \\(.*ECONNREFUSED\\)`));
    assert.match(e.message, /--mirror URL or the TSXEN_DEBIAN_MIRROR environment variable/);
    return true;
  });
  await assert.rejects(fetchWith(host, { offline: true }), (e: unknown) => e instanceof ImageError && /--offline: no cached index/.test(e.message));
});

test('without a keyring the signatures are not checked and a warning says so', async () => {
  const { host } = await setup({ keyring: false });
  const images = await fetchWith(host);
  assert.ok(host.warnings.some((w) => /signatures were NOT checked/.test(w)));
  const manifest = JSON.parse(dec.decode(cached(host, images.manifest))) as ImageManifest;
  assert.equal(manifest.suites[0]!.signature, 'not checked (no keyring)');
});

test('an explicit keyring that does not exist is an error', async () => {
  const { host } = await setup();
  await assert.rejects(fetchWith(host, { keyring: '/nonexistent.gpg' }), /keyring \/nonexistent\.gpg does not exist/);
});

test('an expired Valid-Until only warns', async () => {
  const suites = guestArchiveSuites();
  suites[0]!.validUntil = new Date(Date.UTC(2025, 0, 1));
  const { host } = await setup({ suites });
  await fetchWith(host);
  assert.ok(host.warnings.some((w) => /dists\/bookworm\/: Release expired on 2025-01-01/.test(w)));
});

test('a NotAutomatic suite (backports) is not used; an optional suite absent from the mirror is skipped', async () => {
  const suites = guestArchiveSuites();
  suites.push({
    name: 'bookworm-backports',
    notAutomatic: true,
    debs: [
      { name: 'linux-image-cloud-arm64', version: '6.12.1-1~bpo12+1', depends: 'linux-image-6.12.1-cloud-arm64', files: [] },
      fakeKernelDeb('6.12.1-cloud-arm64', '6.12.1-1~bpo12+1'),
    ],
  });
  const { host } = await setup({ suites, aptSuites: 'bookworm bookworm-updates bookworm-backports bookworm-proposed-updates' });
  const images = await fetchWith(host);
  assert.equal(images.kernelVersion, '6.1.0-99-cloud-arm64');
  assert.ok(host.warnings.some((w) => /dists\/bookworm-proposed-updates\/: no such suite/.test(w)));
});

test('TSXEN_DEBIAN_MIRROR, then --mirror, override the apt sources', async () => {
  const { host } = await setup();
  host.options.aptSources = [];
  await assert.rejects(fetchWith(host), /--release/);
  host.options.env = { TSXEN_DEBIAN_MIRROR: MIRROR };
  assert.equal((await fetchWith(host, { release: 'bookworm' })).kernelVersion, '6.1.0-98-cloud-arm64', 'only the release suite');
  host.options.env = { TSXEN_DEBIAN_MIRROR: 'http://127.0.0.1:9/elsewhere' };
  assert.equal((await fetchWith(host, { release: 'bookworm', mirror: MIRROR })).kernelVersion, '6.1.0-98-cloud-arm64');
  await assert.rejects(fetchWith(host, { release: 'bookworm' }), /elsewhere\/dists\/bookworm\/InRelease and Release: HTTP 404/);
});
