// The guest initramfs: busybox, a small /init, and the kernel modules the guest needs with their dependencies,
// as a cpio newc archive (Linux Documentation/filesystems/ramfs-rootfs-initramfs.rst: the kernel runs /init).
// /init gives the console a shell; with `tsxen.run=<command>` on the kernel command line it runs that command
// instead, non-interactively, and powers off (benchmarks and scripts boot-to-poweroff with no typing).

import { gzipSync } from 'fflate';
import { compressionOf, decompress, stripCompressionSuffix } from './compress.js';
import { writeCpio, type CpioEntry } from './cpio.js';
import { resolveEntry } from './deb.js';
import { PackageNotFoundError } from './errors.js';
import {
  formatModulesDep,
  isModulePath,
  modinfoDepends,
  moduleNameOfPath,
  normalizeModuleName,
  parseModulesDep,
  readModinfo,
} from './kmod.js';
import type { TarEntry } from './tar.js';

/** The drivers a tsxen guest needs: Xen PV block and net (pvh), virtio over MMIO (hvm). */
export const GUEST_MODULES = ['xen-blkfront', 'xen-netfront', 'virtio_blk', 'virtio_net', 'virtio_mmio'];

/** Applets linked in /bin even if the applet table cannot be read from the binary; the rest come at boot. */
export const REQUIRED_APPLETS = [
  'sh', 'ls', 'cat', 'echo', 'mount', 'umount', 'mkdir', 'modprobe', 'insmod', 'lsmod', 'poweroff', 'reboot',
  'sha256sum', 'nproc', 'date', 'dmesg', 'uname', 'head', 'dd', 'sleep', 'setsid', 'cttyhack',
];

/** The kernel command line parameter whose value /init runs instead of the interactive shell. */
export const RUN_PARAMETER = 'tsxen.run';

export function initScript(modules: readonly string[]): string {
  return `#!/bin/sh
# /init of the tsxen guest initramfs, written by \`tsxen image fetch\`.
# Gives the console a shell and powers off when it exits. With ${RUN_PARAMETER}=<command> on the kernel command line
# it runs <command> instead (no terminal input needed) and then powers off; quote a command with spaces:
# ${RUN_PARAMETER}="seq 3". The value is read from /proc/cmdline: the kernel passes parameters with a dot in
# their name to no one (init/main.c treats them as module parameters).
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
/bin/busybox --install -s 2>/dev/null
# BusyBox's poweroff, reboot and halt signal PID 1 as busybox init expects, but this /init is no init daemon:
# make them act at once (Linux's orderly_poweroff/orderly_reboot run them when the toolstack writes
# control/shutdown, drivers/xen/manage.c).
for c in poweroff reboot halt; do
  rm -f /sbin/$c
  printf '#!/bin/sh\\nexec /bin/busybox %s -f "$@"\\n' $c > /sbin/$c
  chmod 755 /sbin/$c
done
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts 2>/dev/null
for m in ${modules.join(' ')}; do
  modprobe -q "$m" 2>/dev/null
done
echo "tsxen initramfs: ready (kernel $(uname -r), $(nproc) cpus)"
cmdline=" $(cat /proc/cmdline)"
run=
case "$cmdline" in
  *' ${RUN_PARAMETER}="'*) run=\${cmdline#* ${RUN_PARAMETER}=\\\"}; run=\${run%%\\\"*} ;;
  *' ${RUN_PARAMETER}='*) run=\${cmdline#* ${RUN_PARAMETER}=}; run=\${run%% *} ;;
esac
if [ -n "$run" ]; then
  echo "tsxen initramfs: running $run"
  setsid cttyhack sh -c "$run"
  echo "tsxen initramfs: $run exited with status $?, powering off"
else
  # A session of its own with the console as controlling terminal, so job control and ^C work.
  setsid cttyhack sh
  echo "tsxen initramfs: shell exited, powering off"
fi
poweroff -f
`;
}

export interface InitramfsInput {
  kernelVersion: string;
  /** data.tar entries of the kernel package. */
  kernelFiles: Map<string, TarEntry>;
  /** The static busybox binary. */
  busybox: Uint8Array;
  /** Module names to include with their dependencies (default GUEST_MODULES). */
  modules?: readonly string[];
  /** Timestamp for every entry (seconds), so the same inputs give the same bytes. */
  mtime: number;
}

export interface IncludedModule {
  name: string;
  /** Path in the initramfs relative to /lib/modules/<kver>, always an uncompressed .ko. */
  path: string;
  /** Path in the kernel package, as shipped (maybe .ko.xz). */
  shippedAs: string;
}

export interface Initramfs {
  /** gzip'd cpio newc archive. */
  gz: Uint8Array;
  cpioSize: number;
  modules: IncludedModule[];
  /** Requested modules that are built into the kernel (modules.builtin): nothing to load. */
  builtin: string[];
  /** Requested modules found neither as files nor as built-ins. */
  missing: string[];
  /** Applets linked in /bin. */
  applets: string[];
  /** Required applets that this busybox does not have (their links would dangle). */
  missingApplets: string[];
  /** False when the applet table was not found and only REQUIRED_APPLETS were linked. */
  appletTableFound: boolean;
}

export async function buildInitramfs(input: InitramfsInput): Promise<Initramfs> {
  const requested = input.modules ?? GUEST_MODULES;
  const modules = await resolveModules(input.kernelFiles, input.kernelVersion, requested);
  const table = busyboxApplets(input.busybox);
  const applets = table ?? REQUIRED_APPLETS;
  const entries = new EntryList(input.mtime);
  for (const dir of ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'run', 'lib']) {
    entries.dir(dir);
  }
  entries.dir('tmp', 0o1777);
  entries.dir('root', 0o700);
  entries.add({ name: 'dev/console', type: 'char', mode: 0o600, rdevmajor: 5, rdevminor: 1 });
  entries.add({ name: 'dev/null', type: 'char', mode: 0o666, rdevmajor: 1, rdevminor: 3 });
  entries.file('bin/busybox', input.busybox, 0o755);
  for (const applet of new Set([...REQUIRED_APPLETS, ...applets])) {
    if (applet !== 'busybox' && !applet.includes('/')) entries.symlink(`bin/${applet}`, 'busybox');
  }
  entries.file('init', text(initScript(requested)), 0o755);
  entries.file('etc/passwd', text('root:x:0:0:root:/root:/bin/sh\n'), 0o644);
  entries.file('etc/group', text('root:x:0:\n'), 0o644);
  entries.file('etc/hostname', text('tsxen\n'), 0o644);
  const modDir = `lib/modules/${input.kernelVersion}`;
  entries.dir(modDir);
  for (const module of modules.included) entries.file(`${modDir}/${module.path}`, module.data, 0o644);
  entries.file(`${modDir}/modules.dep`, text(formatModulesDep(modules.dep)), 0o644);
  if (modules.builtinFile !== undefined) entries.file(`${modDir}/modules.builtin`, modules.builtinFile, 0o644);
  const cpio = writeCpio(entries.list);
  return {
    gz: gzipSync(cpio, { level: 9, mtime: 0 }),
    cpioSize: cpio.length,
    modules: modules.included.map(({ name, path, shippedAs }) => ({ name, path, shippedAs })),
    builtin: modules.builtin,
    missing: modules.missing,
    applets: [...new Set([...REQUIRED_APPLETS, ...applets])].sort(),
    missingApplets: table === undefined ? [] : REQUIRED_APPLETS.filter((a) => !table.includes(a)),
    appletTableFound: table !== undefined,
  };
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Collects entries, creating parent directories first (the kernel's unpacker needs parents to exist). */
class EntryList {
  readonly list: CpioEntry[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly mtime: number) {}

  dir(name: string, mode = 0o755): void {
    if (this.seen.has(name)) return;
    this.parents(name);
    this.seen.add(name);
    this.list.push({ name, type: 'dir', mode, mtime: this.mtime });
  }

  file(name: string, data: Uint8Array, mode: number): void {
    this.add({ name, type: 'file', mode, data });
  }

  symlink(name: string, target: string): void {
    this.add({ name, type: 'symlink', mode: 0o777, data: text(target) });
  }

  add(entry: CpioEntry): void {
    if (this.seen.has(entry.name)) return;
    this.parents(entry.name);
    this.seen.add(entry.name);
    this.list.push({ mtime: this.mtime, ...entry });
  }

  private parents(name: string): void {
    const slash = name.lastIndexOf('/');
    if (slash > 0) this.dir(name.slice(0, slash));
  }
}

/**
 * The names in busybox's applet table (applets/applet_tables.c writes `applet_names[]` as sorted NUL-terminated
 * strings starting with "[" and "[["), or undefined when the table cannot be found.
 */
export function busyboxApplets(binary: Uint8Array): string[] | undefined {
  const marker = text('\0[\0[[\0');
  let at = -1;
  for (let i = binary.indexOf(0); i >= 0 && i + marker.length <= binary.length; i = binary.indexOf(0, i + 1)) {
    if (marker.every((b, k) => binary[i + k] === b)) {
      at = i + 1;
      break;
    }
  }
  if (at < 0) return undefined;
  const names: string[] = [];
  const dec = new TextDecoder();
  for (;;) {
    const end = binary.indexOf(0, at);
    if (end <= at) break;
    const name = dec.decode(binary.subarray(at, end));
    if (!/^[[\]a-z0-9_.-]+$/.test(name) || (names.length > 0 && name < names[names.length - 1]!)) break;
    names.push(name);
    at = end + 1;
  }
  return names.length >= 2 ? names : undefined;
}

interface ResolvedModules {
  included: Array<IncludedModule & { data: Uint8Array }>;
  dep: Map<string, string[]>;
  builtin: string[];
  missing: string[];
  builtinFile?: Uint8Array;
}

/** Finds /lib/modules/<kver> (or /usr/lib/modules/<kver> in a merged-/usr package). */
function modulesRoot(files: Map<string, TarEntry>, kernelVersion: string): string {
  for (const root of [`lib/modules/${kernelVersion}`, `usr/lib/modules/${kernelVersion}`]) {
    const entry = resolveEntry(files, root);
    if (entry !== undefined) return entry.path;
    for (const path of files.keys()) if (path.startsWith(`${root}/`)) return root;
  }
  throw new PackageNotFoundError(
    `the kernel package has no lib/modules/${kernelVersion} directory; pick a kernel flavour that ships modules`,
  );
}

/**
 * The closure of the requested modules over their dependencies: from the package's modules.dep when it ships one,
 * else from each module's .modinfo "depends=" (what depmod would compute; Debian runs depmod at install time, so
 * its kernel packages ship no modules.dep). Compressed modules are decompressed: busybox modprobe loads only .ko.
 */
async function resolveModules(
  files: Map<string, TarEntry>,
  kernelVersion: string,
  requested: readonly string[],
): Promise<ResolvedModules> {
  const root = modulesRoot(files, kernelVersion);
  const byName = new Map<string, string>(); // module name -> path relative to root, as shipped
  for (const path of files.keys()) {
    if (path.startsWith(`${root}/`) && isModulePath(path)) {
      const rel = path.slice(root.length + 1);
      if (!byName.has(moduleNameOfPath(rel))) byName.set(moduleNameOfPath(rel), rel);
    }
  }
  const builtinEntry = resolveEntry(files, `${root}/modules.builtin`);
  const builtinNames = new Set(
    new TextDecoder().decode(builtinEntry?.data ?? new Uint8Array(0)).split('\n').filter((l) => l !== '').map(moduleNameOfPath),
  );
  const shippedDepEntry = resolveEntry(files, `${root}/modules.dep`);
  const shippedDep = shippedDepEntry === undefined ? undefined : parseModulesDep(new TextDecoder().decode(shippedDepEntry.data));

  const loaded = new Map<string, IncludedModule & { data: Uint8Array; deps: string[] }>();
  const builtin: string[] = [];
  const missing: string[] = [];
  const visit = async (wanted: string, top: boolean): Promise<void> => {
    const name = normalizeModuleName(wanted);
    if (loaded.has(name)) return;
    const rel = byName.get(name);
    if (rel === undefined) {
      if (top) (builtinNames.has(name) ? builtin : missing).push(wanted);
      return;
    }
    const shipped = resolveEntry(files, `${root}/${rel}`)!;
    const data = await decompress(shipped.data, compressionOf(rel), `${root}/${rel}`);
    const deps =
      shippedDep !== undefined
        ? (shippedDep.get(rel) ?? []).map(moduleNameOfPath)
        : modinfoDepends(readModinfo(data, `${root}/${rel}`));
    const module = { name, path: stripCompressionSuffix(rel), shippedAs: rel, data, deps };
    loaded.set(name, module);
    for (const dep of deps) await visit(dep, false);
  };
  for (const name of requested) await visit(name, true);

  const dep = new Map<string, string[]>();
  for (const module of loaded.values()) dep.set(module.path, loadOrder(module.name, loaded).reverse());
  const result: ResolvedModules = { included: [...loaded.values()], dep, builtin, missing };
  if (builtinEntry !== undefined) result.builtinFile = builtinEntry.data;
  return result;
}

/**
 * The transitive dependencies of a module in the order they must be loaded (dependencies first). modules.dep
 * lists them reversed, the way depmod does: modprobe (kmod's and busybox's) loads from the end of the line.
 */
function loadOrder(name: string, modules: Map<string, { path: string; deps: string[] }>): string[] {
  const order: string[] = [];
  const seen = new Set<string>([name]);
  const walk = (current: string) => {
    for (const dep of modules.get(current)?.deps ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      walk(dep);
      const path = modules.get(dep)?.path;
      if (path !== undefined) order.push(path);
    }
  };
  walk(name);
  return order;
}
