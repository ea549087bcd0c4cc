import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { readCpio } from './cpio.js';
import { readDeb } from './deb.js';
import { formatModulesDep, moduleNameOfPath, modinfoDepends, parseModulesDep, readModinfo } from './kmod.js';
import { buildInitramfs, busyboxApplets, initScript, RUN_PARAMETER } from './initramfs.js';
import { buildDeb, fakeBusybox, fakeKernelImage, fakeModule, xzStore, type FakeTarEntry } from './testing/fake-archive.js';

const KVER = '6.1.0-99-cloud-arm64';
const MOD = `lib/modules/${KVER}/kernel`;
const dec = new TextDecoder();

function kernelFiles(extra: FakeTarEntry[] = []): FakeTarEntry[] {
  return [
    { path: `boot/vmlinuz-${KVER}`, data: fakeKernelImage() },
    { path: `${MOD}/drivers/block/xen-blkfront.ko`, data: fakeModule('xen_blkfront', []) },
    { path: `${MOD}/drivers/block/virtio_blk.ko.xz`, data: xzStore(fakeModule('virtio_blk', ['virtio', 'virtio_ring'])) },
    { path: `${MOD}/drivers/virtio/virtio.ko.xz`, data: xzStore(fakeModule('virtio', [])) },
    { path: `${MOD}/drivers/virtio/virtio_ring.ko.xz`, data: xzStore(fakeModule('virtio_ring', [])) },
    { path: `${MOD}/drivers/net/virtio_net.ko.xz`, data: xzStore(fakeModule('virtio_net', ['virtio_ring', 'virtio', 'net_failover'])) },
    { path: `${MOD}/drivers/net/net_failover.ko.xz`, data: xzStore(fakeModule('net_failover', ['failover'])) },
    { path: `${MOD}/net/core/failover.ko.xz`, data: xzStore(fakeModule('failover', [])) },
    { path: `${MOD}/drivers/gpu/drm/unrelated.ko.xz`, data: xzStore(fakeModule('unrelated', [])) },
    { path: `lib/modules/${KVER}/modules.builtin`, data: 'kernel/drivers/net/xen-netfront.ko\nkernel/drivers/xen/xenbus/xenbus.ko\n' },
    ...extra,
  ];
}

async function build(extra: FakeTarEntry[] = []) {
  const deb = await readDeb(buildDeb({ name: `linux-image-${KVER}`, version: '6.1.999-1', files: kernelFiles(extra) }), 'k.deb');
  const busybox = fakeBusybox(['ash', 'cat', 'cttyhack', 'ls', 'modprobe', 'mount', 'poweroff', 'setsid', 'sh', 'vi']);
  const initramfs = await buildInitramfs({ kernelVersion: KVER, kernelFiles: deb.files, busybox, mtime: 1_700_000_000 });
  const entries = new Map(readCpio(gunzipSync(initramfs.gz)).map((e) => [e.name, e]));
  return { initramfs, entries };
}

test('modinfo of an ELF module gives its name and dependencies', () => {
  const info = readModinfo(fakeModule('virtio-net', ['virtio_ring', 'net_failover']), 'virtio_net.ko');
  assert.deepEqual(info.get('name'), ['virtio-net']);
  assert.deepEqual(modinfoDepends(info), ['virtio_ring', 'net_failover']);
  assert.deepEqual(modinfoDepends(readModinfo(fakeModule('x', []), 'x.ko')), []);
  assert.throws(() => readModinfo(xzStore(fakeModule('x', [])), 'x.ko.xz'), /not an ELF file.*compressed/);
});

test('module names come from paths with "-" read as "_" and compression suffixes dropped', () => {
  assert.equal(moduleNameOfPath('kernel/drivers/block/xen-blkfront.ko'), 'xen_blkfront');
  assert.equal(moduleNameOfPath('kernel/drivers/net/virtio_net.ko.xz'), 'virtio_net');
  assert.equal(moduleNameOfPath('kernel/x/y.ko.zst'), 'y');
});

test('modules.dep round-trips in depmod format', () => {
  const text = 'kernel/a.ko: kernel/b.ko kernel/c.ko\nkernel/b.ko:\nkernel/c.ko:\n';
  assert.equal(formatModulesDep(parseModulesDep(text)), text);
});

test('the initramfs holds the requested modules and their dependency closure, decompressed', async () => {
  const { initramfs, entries } = await build();
  assert.deepEqual(
    initramfs.modules.map((m) => m.path).sort(),
    [
      'kernel/drivers/block/virtio_blk.ko',
      'kernel/drivers/block/xen-blkfront.ko',
      'kernel/drivers/net/net_failover.ko',
      'kernel/drivers/net/virtio_net.ko',
      'kernel/drivers/virtio/virtio.ko',
      'kernel/drivers/virtio/virtio_ring.ko',
      'kernel/net/core/failover.ko',
    ],
  );
  assert.deepEqual(initramfs.builtin, ['xen-netfront']);
  assert.deepEqual(initramfs.missing, ['virtio_mmio']);
  const ko = entries.get(`lib/modules/${KVER}/kernel/drivers/net/virtio_net.ko`)!;
  assert.deepEqual([...ko.data!.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
  assert.ok(![...entries.keys()].some((name) => name.includes('unrelated') || name.endsWith('.xz')));
});

test('modules.dep lists exactly the included modules, dependencies in depmod order (loaded from the end)', async () => {
  const { entries } = await build();
  const dep = parseModulesDep(dec.decode(entries.get(`lib/modules/${KVER}/modules.dep`)!.data));
  assert.equal(dep.size, 7);
  assert.deepEqual(dep.get('kernel/drivers/block/xen-blkfront.ko'), []);
  assert.deepEqual(dep.get('kernel/drivers/net/virtio_net.ko'), [
    'kernel/drivers/net/net_failover.ko',
    'kernel/net/core/failover.ko',
    'kernel/drivers/virtio/virtio.ko',
    'kernel/drivers/virtio/virtio_ring.ko',
  ]);
  for (const path of dep.keys()) assert.ok(entries.has(`lib/modules/${KVER}/${path}`), path);
  assert.ok(entries.has(`lib/modules/${KVER}/modules.builtin`));
});

test('a modules.dep shipped by the package is followed instead of .modinfo', async () => {
  const shipped = `kernel/drivers/block/xen-blkfront.ko: kernel/drivers/virtio/virtio.ko.xz\nkernel/drivers/virtio/virtio.ko.xz:\n`;
  const { initramfs } = await build([{ path: `lib/modules/${KVER}/modules.dep`, data: shipped }]);
  const blk = initramfs.modules.find((m) => m.name === 'xen_blkfront');
  assert.ok(blk);
  assert.ok(initramfs.modules.some((m) => m.path === 'kernel/drivers/virtio/virtio.ko' && m.shippedAs.endsWith('.ko.xz')));
});

test('busybox, its applet links, /init, /etc/passwd and /dev/console are in place, parents before children', async () => {
  const { initramfs, entries } = await build();
  assert.equal(entries.get('bin/busybox')!.mode, 0o755);
  for (const applet of ['sh', 'ls', 'cat', 'mount', 'modprobe', 'poweroff', 'setsid', 'cttyhack', 'vi', 'sha256sum', 'nproc']) {
    const link = entries.get(`bin/${applet}`);
    assert.equal(link?.type, 'symlink', applet);
    assert.equal(dec.decode(link!.data), 'busybox');
  }
  assert.ok(initramfs.missingApplets.includes('sha256sum'));
  const console = entries.get('dev/console')!;
  assert.deepEqual([console.type, console.rdevmajor, console.rdevminor], ['char', 5, 1]);
  assert.match(dec.decode(entries.get('etc/passwd')!.data), /^root:x:0:0:root:\/root:\/bin\/sh$/m);
  const init = dec.decode(entries.get('init')!.data);
  assert.equal(entries.get('init')!.mode, 0o755);
  assert.match(init, /^#!\/bin\/sh/);
  const names = [...entries.keys()];
  for (const name of names) {
    const slash = name.lastIndexOf('/');
    if (slash > 0) assert.ok(names.indexOf(name.slice(0, slash)) < names.indexOf(name), `${name} after its parent`);
  }
});

test('/init mounts proc, sys and devtmpfs, loads modules quietly, announces itself and powers off after the shell', () => {
  const init = initScript(['xen-blkfront', 'virtio_mmio']);
  assert.match(init, /mount -t proc proc \/proc/);
  assert.match(init, /mount -t sysfs sysfs \/sys/);
  assert.match(init, /mount -t devtmpfs devtmpfs \/dev/);
  assert.match(init, /for m in xen-blkfront virtio_mmio; do\n\s+modprobe -q "\$m" 2>\/dev\/null/);
  assert.match(init, /tsxen initramfs: ready/);
  assert.ok(init.indexOf('setsid cttyhack sh') < init.lastIndexOf('poweroff -f'));
  // busybox poweroff/reboot/halt would signal an init daemon that is not there: /init makes them act at once
  assert.match(init, /for c in poweroff reboot halt; do\n\s+rm -f \/sbin\/\$c\n\s+printf '#!\/bin\/sh\\nexec \/bin\/busybox %s -f "\$@"\\n' \$c > \/sbin\/\$c\n/);
});

/** The command /init would run for this kernel command line: its parsing part, run by the host's sh. */
function commandFor(cmdline: string): string {
  const init = initScript([]);
  const parse = init.slice(init.indexOf('cmdline='), init.indexOf('esac\n') + 5);
  const dir = mkdtempSync(join(tmpdir(), 'tsxen-init-'));
  try {
    writeFileSync(join(dir, 'cmdline'), `${cmdline}\n`);
    const script = `${parse.replaceAll('/proc/cmdline', join(dir, 'cmdline'))}printf '%s' "$run"\n`;
    const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('/init runs the command of tsxen.run= instead of the shell, then powers off', () => {
  assert.equal(RUN_PARAMETER, 'tsxen.run');
  assert.equal(commandFor('console=ttyAMA0 tsxen.run=poweroff'), 'poweroff');
  assert.equal(commandFor('tsxen.run=nproc console=ttyAMA0'), 'nproc');
  assert.equal(commandFor('console=ttyAMA0 tsxen.run="seq 1 3" quiet'), 'seq 1 3');
  const init = initScript([]);
  assert.match(init, /if \[ -n "\$run" \]; then\n\s+echo "tsxen initramfs: running \$run"\n\s+setsid cttyhack sh -c "\$run"/);
  assert.ok(init.indexOf('sh -c "$run"') < init.lastIndexOf('poweroff -f'));
});

test('/init keeps the interactive shell without tsxen.run= (or with an empty or look-alike one)', () => {
  assert.equal(commandFor('console=ttyAMA0'), '');
  assert.equal(commandFor('console=ttyAMA0 tsxen.run='), '');
  assert.equal(commandFor('console=ttyAMA0 mytsxen.run=poweroff'), '');
  assert.match(initScript([]), /else\n(\s+#.*\n)?\s+setsid cttyhack sh\n/);
});

test('the applet table is read from the busybox binary', () => {
  assert.deepEqual(busyboxApplets(fakeBusybox(['sh', 'ls', 'zcat'])), ['[', '[[', 'ls', 'sh', 'zcat']);
  assert.equal(busyboxApplets(new Uint8Array(100)), undefined);
});

test('the same packages give a byte-identical initramfs', async () => {
  const a = await build();
  const b = await build();
  assert.deepEqual(a.initramfs.gz, b.initramfs.gz);
});
