// `tsxen image fetch`: the guest kernel and initramfs built from Debian's own arm64 packages (DESIGN.md "Guest
// images"). Reads top to bottom in the order things happen: pick the mirror, read and verify the suites' indices,
// choose the packages, reuse or build the outputs, record them in a manifest.

import { chooseMirror, parseAptSources, type MirrorChoice, type MirrorRequest } from './apt-sources.js';
import { MIRROR_ENV } from './mirror-env.js';
import { DebianArchive, mirrorKey, type SuiteIndex } from './archive.js';
import { sha256Hex } from './bytes.js';
import { readDeb } from './deb.js';
import { ImageError, MirrorUnreachableError, PackageNotFoundError } from './errors.js';
import type { ImageHost } from './host.js';
import { buildInitramfs, GUEST_MODULES, initScript, type Initramfs } from './initramfs.js';
import { kernelPackageFilter, scanPackages, selectBusybox, selectKernel, type PackageRecord } from './packages.js';
import { packagesIndex } from './release.js';
import { readKeyring, type Keyring } from './signature.js';
import type { TarEntry } from './tar.js';

export const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
export { MIRROR_ENV };
const ARCH = 'arm64';
const COMPONENT = 'main';
/**
 * Bump when the initramfs layout or manifest changes, so cached outputs are rebuilt (the /init script's text is
 * part of the output key by itself).
 */
const BUILD_FORMAT = 1;

export interface FetchImagesOptions {
  host: ImageHost;
  /** Archive URL (".../debian"); default: TSXEN_DEBIAN_MIRROR, then the host's apt sources. */
  mirror?: string;
  /** Release codename ("bookworm"); default: the host's, from its apt sources. */
  release?: string;
  /** Keyring file; default: the apt source's Signed-By, then /usr/share/keyrings/debian-archive-keyring.gpg. */
  keyring?: string;
  /** Use only the cache, never the network. */
  offline?: boolean;
  /** Kernel flavour: linux-image-*-<flavour>. */
  flavour?: string;
  /** Modules to put in the initramfs with their dependencies (default GUEST_MODULES). */
  modules?: string[];
}

export interface ImageSet {
  kernel: string;
  initrd: string;
  kernelVersion: string;
  manifest: string;
}

export interface Selection {
  kernel: PackageRecord;
  busybox: PackageRecord;
}

export interface ImageManifest {
  format: number;
  createdAt: string;
  mirror: string;
  mirrorFrom: string;
  release: string;
  arch: string;
  suites: Array<{ name: string; date: string | undefined; signature: string }>;
  kernel: PackageRecord & { kernelVersion: string; file: string; fileSha256: string; fileSize: number; format: string };
  busybox: PackageRecord & { applets: number };
  initramfs: {
    file: string;
    sha256: string;
    size: number;
    cpioSize: number;
    modules: Initramfs['modules'];
    builtin: string[];
    missing: string[];
  };
}

export async function fetchImages(options: FetchImagesOptions): Promise<ImageSet> {
  const { host } = options;
  const choice = await chooseSource(options);
  host.log(`tsxen image: Debian ${choice.release} (${choice.suites.join(', ')}) from ${choice.mirror} [${choice.from}]`);
  const keyring = await loadKeyring(host, options.keyring ?? choice.keyring, options.keyring !== undefined);
  const archive = new DebianArchive(host, {
    mirror: choice.mirror,
    keyring,
    offline: options.offline ?? false,
    arch: ARCH,
    component: COMPONENT,
  });
  try {
    return await fetchFrom(archive, choice, options);
  } catch (error) {
    if (!(error instanceof MirrorUnreachableError)) throw error;
    const previous = await latestImages(host, choice);
    if (previous === undefined) throw error;
    host.warn(`cannot reach the Debian mirror ${error.mirror} (${error.reason}); using the images cached on ${previous.createdAt}`);
    return previous.images;
  }
}

async function fetchFrom(archive: DebianArchive, choice: MirrorChoice, options: FetchImagesOptions): Promise<ImageSet> {
  const { host } = options;
  const suites = await readSuites(archive, choice);
  const selection = await selectPackages(host, archive, choice, suites, options.flavour ?? 'cloud-arm64');
  host.log(
    `tsxen image: kernel ${selection.kernel.name} ${selection.kernel.version} (${selection.kernel.suite}), ` +
      `busybox-static ${selection.busybox.version} (${selection.busybox.suite})`,
  );
  const modules = options.modules ?? GUEST_MODULES;
  const outputKey = await sha256Hex(
    JSON.stringify({
      BUILD_FORMAT, kernel: selection.kernel.sha256, busybox: selection.busybox.sha256, modules,
      init: await sha256Hex(initScript(modules)),
    }),
  );
  const dir = `images/${selection.kernel.name.replace(/^linux-image-/, '')}-${outputKey.slice(0, 12)}`;
  const reused = await reuseImages(host, dir);
  if (reused !== undefined) {
    host.log(`tsxen image: up to date (${host.cachePath(dir)})`);
    await rememberLatest(host, choice, dir);
    return reused;
  }
  const images = await buildImages(host, archive, { choice, suites, selection, modules, dir });
  await rememberLatest(host, choice, dir);
  return images;
}

async function chooseSource(options: FetchImagesOptions): Promise<MirrorChoice> {
  const { host } = options;
  const sources = parseAptSources(await host.readAptSources());
  const envMirror = host.env(MIRROR_ENV);
  const request: MirrorRequest = {};
  if (options.mirror !== undefined) {
    request.mirror = options.mirror;
    request.mirrorFrom = '--mirror';
  } else if (envMirror !== undefined && envMirror !== '') {
    request.mirror = envMirror;
    request.mirrorFrom = MIRROR_ENV;
  }
  if (options.release !== undefined) request.release = options.release;
  return chooseMirror(sources, request);
}

async function loadKeyring(host: ImageHost, path: string | undefined, explicit: boolean): Promise<Keyring | undefined> {
  const file = path ?? DEFAULT_KEYRING;
  let bytes = await host.readFile(file);
  if (bytes === undefined && explicit) {
    throw new ImageError(`keyring ${file} does not exist; pass an existing keyring file with --keyring FILE`);
  }
  if (bytes === undefined && file !== DEFAULT_KEYRING) bytes = await host.readFile(DEFAULT_KEYRING);
  if (bytes === undefined) {
    host.warn(
      `no archive keyring at ${file}: the Release files' OpenPGP signatures were NOT checked (SHA256 sums still ` +
        'are); install debian-archive-keyring or pass --keyring FILE',
    );
    return undefined;
  }
  return readKeyring(bytes, file);
}

/** The release's suites; NotAutomatic ones (backports) are skipped unless asked for by name, as apt does. */
async function readSuites(archive: DebianArchive, choice: MirrorChoice): Promise<SuiteIndex[]> {
  const suites: SuiteIndex[] = [];
  for (const suite of choice.suites) {
    const index = await archive.suite(suite, suite !== choice.release);
    if (index === undefined) continue;
    if (index.release.notAutomatic && suite !== choice.release) continue;
    suites.push(index);
  }
  return suites;
}

/** Which packages to use; remembered per set of Packages indices, so an unchanged archive needs no index download. */
async function selectPackages(
  host: ImageHost,
  archive: DebianArchive,
  choice: MirrorChoice,
  suites: SuiteIndex[],
  flavour: string,
): Promise<Selection> {
  const indices = suites.map((s) => ({ suite: s.suite, packages: packagesIndex(s.release, COMPONENT, ARCH)?.sha256 }));
  const key = `resolved/${await sha256Hex(JSON.stringify({ BUILD_FORMAT, mirror: choice.mirror, flavour, ARCH, indices }))}.json`;
  const cached = await host.readCache(key);
  if (cached !== undefined) return JSON.parse(new TextDecoder().decode(cached)) as Selection;
  const wanted = kernelPackageFilter(flavour);
  const records: PackageRecord[] = [];
  for (const suite of suites) records.push(...scanPackages(await archive.packages(suite), suite.suite, wanted));
  const selection: Selection = { kernel: selectKernel(records, flavour), busybox: selectBusybox(records) };
  await host.writeCache(key, new TextEncoder().encode(JSON.stringify(selection, null, 2)));
  return selection;
}

/** The outputs of an earlier run with the same inputs, if all files are there and intact. */
async function reuseImages(host: ImageHost, dir: string): Promise<ImageSet | undefined> {
  const manifestBytes = await host.readCache(`${dir}/manifest.json`);
  if (manifestBytes === undefined) return undefined;
  let manifest: ImageManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as ImageManifest;
  } catch {
    return undefined;
  }
  for (const [file, sha256] of [
    [manifest.kernel.file, manifest.kernel.fileSha256],
    [manifest.initramfs.file, manifest.initramfs.sha256],
  ] as const) {
    const bytes = await host.readCache(`${dir}/${file}`);
    if (bytes === undefined || (await sha256Hex(bytes)) !== sha256) return undefined;
  }
  return imageSet(host, dir, manifest);
}

function imageSet(host: ImageHost, dir: string, manifest: ImageManifest): ImageSet {
  return {
    kernel: host.cachePath(`${dir}/${manifest.kernel.file}`),
    initrd: host.cachePath(`${dir}/${manifest.initramfs.file}`),
    kernelVersion: manifest.kernel.kernelVersion,
    manifest: host.cachePath(`${dir}/manifest.json`),
  };
}

function latestKey(choice: MirrorChoice): string {
  return `images/latest/${mirrorKey(choice.mirror)}_${choice.release}.json`;
}

async function rememberLatest(host: ImageHost, choice: MirrorChoice, dir: string): Promise<void> {
  await host.writeCache(latestKey(choice), new TextEncoder().encode(JSON.stringify({ dir }) + '\n'));
}

async function latestImages(host: ImageHost, choice: MirrorChoice): Promise<{ images: ImageSet; createdAt: string } | undefined> {
  const pointer = await host.readCache(latestKey(choice));
  if (pointer === undefined) return undefined;
  const { dir } = JSON.parse(new TextDecoder().decode(pointer)) as { dir: string };
  const images = await reuseImages(host, dir);
  if (images === undefined) return undefined;
  const manifest = JSON.parse(new TextDecoder().decode((await host.readCache(`${dir}/manifest.json`))!)) as ImageManifest;
  return { images, createdAt: manifest.createdAt };
}

interface BuildPlan {
  choice: MirrorChoice;
  suites: SuiteIndex[];
  selection: Selection;
  modules: string[];
  dir: string;
}

async function buildImages(host: ImageHost, archive: DebianArchive, plan: BuildPlan): Promise<ImageSet> {
  const { selection, dir } = plan;
  const kernelDeb = await readDeb(await archive.deb(selection.kernel), selection.kernel.filename);
  const busyboxDeb = await readDeb(await archive.deb(selection.busybox), selection.busybox.filename);
  const kernel = findKernel(kernelDeb.files, selection.kernel);
  const busybox = [...busyboxDeb.files.values()].find(
    (e) => e.type === 'file' && /^(usr\/)?s?bin\/busybox$/.test(e.path),
  );
  if (busybox === undefined) {
    throw new PackageNotFoundError(`${selection.busybox.filename} has no bin/busybox; is it really busybox-static?`);
  }
  host.log(`tsxen image: building the initramfs for ${kernel.version}`);
  const initramfs = await buildInitramfs({
    kernelVersion: kernel.version,
    kernelFiles: kernelDeb.files,
    busybox: busybox.data,
    modules: plan.modules,
    mtime: kernel.mtime,
  });
  if (initramfs.missing.length > 0) {
    host.warn(`modules not in ${selection.kernel.name} (neither files nor built in): ${initramfs.missing.join(', ')}`);
  }
  if (initramfs.missingApplets.length > 0) {
    host.warn(`this busybox lacks applets the guest expects: ${initramfs.missingApplets.join(', ')}`);
  }
  const kernelFile = `vmlinuz-${kernel.version}`;
  const manifest: ImageManifest = {
    format: BUILD_FORMAT,
    createdAt: host.now().toISOString(),
    mirror: plan.choice.mirror,
    mirrorFrom: plan.choice.from,
    release: plan.choice.release,
    arch: ARCH,
    suites: plan.suites.map((s) => ({
      name: s.suite,
      date: s.release.date?.toISOString(),
      signature: s.signers === undefined ? 'not checked (no keyring)' : `verified: ${s.signers.join(', ')}`,
    })),
    kernel: {
      ...selection.kernel,
      kernelVersion: kernel.version,
      file: kernelFile,
      fileSha256: await sha256Hex(kernel.data),
      fileSize: kernel.data.length,
      format: kernelFormat(kernel.data),
    },
    busybox: { ...selection.busybox, applets: initramfs.applets.length },
    initramfs: {
      file: 'initramfs.cpio.gz',
      sha256: await sha256Hex(initramfs.gz),
      size: initramfs.gz.length,
      cpioSize: initramfs.cpioSize,
      modules: initramfs.modules,
      builtin: initramfs.builtin,
      missing: initramfs.missing,
    },
  };
  await host.writeCache(`${dir}/${kernelFile}`, kernel.data);
  await host.writeCache(`${dir}/initramfs.cpio.gz`, initramfs.gz);
  await host.writeCache(`${dir}/manifest.json`, new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'));
  return imageSet(host, dir, manifest);
}

/** /boot/vmlinuz-<kver> of the kernel package; <kver> is the kernel release (`uname -r`). */
function findKernel(files: Map<string, TarEntry>, record: PackageRecord): { version: string; data: Uint8Array; mtime: number } {
  const expected = record.name.replace(/^linux-image-/, '');
  const candidates = [...files.values()].filter((e) => e.type === 'file' && /^boot\/vmlinu[xz]-/.test(e.path));
  const entry = candidates.find((e) => e.path.endsWith(`-${expected}`)) ?? candidates[0];
  if (entry === undefined) {
    throw new PackageNotFoundError(`${record.filename} has no /boot/vmlinuz-*; it is not a kernel image package`);
  }
  return { version: entry.path.replace(/^boot\/vmlinu[xz]-/, ''), data: entry.data, mtime: entry.mtime };
}

/** Linux Documentation/arch/arm64/booting.rst: an Image has "ARM\x64" at 0x38; zboot is a PE file with "zimg". */
export function kernelFormat(data: Uint8Array): string {
  if (data[0] === 0x1f && data[1] === 0x8b) return 'gzip';
  if (data[0] === 0x4d && data[1] === 0x5a && new TextDecoder().decode(data.subarray(4, 8)) === 'zimg') return 'zboot';
  if (new TextDecoder().decode(data.subarray(0x38, 0x3c)) === 'ARMd') return 'arm64-image';
  return 'unknown';
}
