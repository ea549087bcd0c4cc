// Boots Debian's arm64 cloud kernel with the tsxen initramfs as a pvh guest through `tsxen run --type pvh`, as a
// user does (console on pipes): the kernel finds Xen, sets up grant tables and event channels, talks to xenstore
// and writes hvc0 through the PV console. Debian's xenstore-utils work against the running guest's xenstored,
// and the control/shutdown protocol, reboot and a kernel panic behave as under xl. Needs the images of
// `tsxen image fetch` and the xenstore-utils package.

import { test } from 'node:test';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessPeer, type Peer } from '../../src/host/peers.js';
import {
  BOOT_TIMEOUT_MS, COMMAND_TIMEOUT_MS, describeExit, EXIT_TIMEOUT_MS, occurrences, requireImages, tsxen,
  type GuestConsole,
  expectPanicReport,
} from './guest.js';

const XENSTORE_UTILS: Peer = { command: 'xenstore-ls', debianPackage: 'xenstore-utils' };
const skip = skipUnlessPeer(XENSTORE_UTILS);
const REFERENCE = new URL('../xenstore/xen-4.17-domU-xenstore-ls-fp.txt', import.meta.url);

const BANNER = /Linux version 6\.1\.\S+/g;
const READY = /^tsxen initramfs: ready \(kernel (\S+), (\d+) cpus\)$/m;
const POWER_DOWN = /reboot: Power down/;
/** Linux's xenbus frontend waits up to 30 s (then 270 s) for devices that do not connect (xenbus_probe_frontend.c). */
const DEVICE_WAIT = /XENBUS: (Waiting for devices|Timeout connecting|Device with no driver)|waiting for devices/i;

interface PvhBoot {
  guest: GuestConsole;
  socket: string;
  domid: number;
}

/** Starts `tsxen run --type pvh` and waits for the socket and domain lines, the banner, /init and the prompt. */
async function bootPvh(args: string[] = []): Promise<PvhBoot> {
  const guest = tsxen(['run', '--type', 'pvh', '--memory', '256', ...args]);
  const sock = await guest.waitFor(/xenstored listens on (\S+) /, 'the xenstored socket line', BOOT_TIMEOUT_MS);
  const boot = await nextBoot(guest, sock.index);
  return { guest, socket: sock[1]!, domid: boot.domid };
}

/** Waits for the next "domain N" line, then that boot's banner, ready line and prompt. */
async function nextBoot(guest: GuestConsole, from: number): Promise<{ domid: number; at: number }> {
  const dom = await guest.waitFor(/tsxen run: domain (\d+) \(pvh, \/local\/domain\/\d+\)/, 'the "domain N" line',
    BOOT_TIMEOUT_MS, from);
  const banner = await guest.waitFor(BANNER, 'the kernel banner "Linux version 6.1"', BOOT_TIMEOUT_MS, dom.index);
  const ready = await guest.waitFor(READY, 'the initramfs ready line', BOOT_TIMEOUT_MS, banner.index);
  await guest.waitPrompt('the shell prompt on hvc0', ready.index, BOOT_TIMEOUT_MS);
  return { domid: Number(dom[1]), at: dom.index };
}

/** Runs one of Debian's xenstore tools against the guest's xenstored. */
function xenstore(b: PvhBoot, tool: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(tool, args, { env: { ...process.env, XENSTORED_PATH: b.socket }, timeout: COMMAND_TIMEOUT_MS },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr }));
  });
}

/** The printk timestamp of the first line containing `text`. */
function printkTime(guest: GuestConsole, text: string): number {
  const m = new RegExp(`\\[\\s*(\\d+\\.\\d+)\\] ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(guest.transcript);
  guest.expect(m !== null, `no "${text}" line from the kernel`);
  return Number(m![1]);
}


test('Debian boots as a pvh guest to a shell on hvc0: Xen 4.17 found, grant tables, 2-level events, xenbus without the device wait',
  { skip }, async (t) => {
    if ((await requireImages(t)) === undefined) return;
    const b = await bootPvh();
    const { guest } = b;
    t.after(() => guest.kill());
    for (const line of ['Xen 4.17 support found', 'Machine model: XENVM-4.17', 'printk: console [hvc0] enabled',
      'xen:grant_table: Grant tables using version 1 layout', 'Grant table initialized', 'xen:events: Using 2-level ABI',
      'Xen: initializing cpu0', 'xen:balloon: Initialising balloon driver'])
      guest.expect(guest.transcript.includes(line), `the kernel did not print "${line}"`);
    guest.expect(!DEVICE_WAIT.test(guest.transcript), 'xenbus waited for devices');
    guest.expect(!/ttyAMA0/.test(guest.transcript), 'a pvh guest without --vuart has a UART');
    const seconds = printkTime(guest, 'Run /init as init process') - printkTime(guest, 'Grant table initialized');
    guest.expect(seconds < 15, `/init ran ${seconds.toFixed(1)} s of guest time after the grant table came up`);

    const hyp = await guest.run('cat /sys/hypervisor/type /sys/hypervisor/version/major /sys/hypervisor/version/minor /sys/hypervisor/uuid');
    const vm = (await xenstore(b, 'xenstore-read', `/local/domain/${b.domid}/vm`)).stdout.trim();
    guest.expect(hyp.output === `xen\n4\n17\n${vm.replace('/vm/', '')}\n`,
      `/sys/hypervisor printed ${JSON.stringify(hyp.output)}; the domain's vm path is ${vm}`);

    const ls = await xenstore(b, 'xenstore-ls', '-fp');
    guest.expect(ls.code === 0, `xenstore-ls -fp failed: ${ls.stderr}`);
    const d = b.domid;
    for (const line of [
      `/local/domain/${d}/name = "guest"   (n0,r${d})`,
      `/local/domain/${d}/control/shutdown = ""   (n${d})`,
      // written by the guest's kernel through its xenstore ring (drivers/xen/manage.c setup_shutdown_watcher)
      `/local/domain/${d}/control/feature-poweroff = "1"   (n${d})`,
      `/local/domain/${d}/store/ring-ref = "233473"   (n0,r${d})`,
      `/local/domain/${d}/console/ring-ref = "233472"   (n0,r${d})`,
    ]) guest.expect(ls.stdout.includes(line), `xenstore-ls -fp lacks ${line}:\n${ls.stdout}`);
    if (d === 1) expectReferenceTree(guest, ls.stdout);

    const from = guest.position;
    const w = await xenstore(b, 'xenstore-write', `/local/domain/${d}/control/shutdown`, 'poweroff');
    guest.expect(w.code === 0, `xenstore-write failed: ${w.stderr}`);
    await guest.waitFor(POWER_DOWN, 'the kernel\'s "reboot: Power down" after control/shutdown = poweroff',
      EXIT_TIMEOUT_MS, from);
    const exit = await guest.waitExit('exit after the guest powered off');
    guest.expect(exit.code === 0, `tsxen ended with ${describeExit(exit)} after the guest powered off, not status 0`);
  });

/** `xenstore-ls -fp` as on Xen 4.17 (reference name "ref"), but for what tsxen does differently on purpose. */
function expectReferenceTree(guest: GuestConsole, listing: string): void {
  const uuid = /\/vm\/([0-9a-f-]{36}) = /.exec(listing)?.[1] ?? '';
  const ours = listing.trimEnd().split('\n')
    .map(l => l.replaceAll(uuid, '<UUID>').replace(/start_time = "[^"]*"/, 'start_time = "<TIME>"'));
  const expected = readFileSync(REFERENCE, 'utf8').trimEnd().split('\n')
    .filter(l => !/^\/local\/domain\/0\/(control|memory)/.test(l)) // written by dom0's own kernel and xl
    .filter(l => !l.startsWith('/libxl/1/dm-version')) // tsxen has no device model
    .map(l => l.replace('console/tty = "/dev/pts/0"', 'console/tty = ""') // xenconsoled's pty
      .replace(/= "ref"/g, '= "guest"'));
  guest.expect(JSON.stringify(ours) === JSON.stringify(expected),
    `xenstore-ls -fp differs from Xen 4.17's:\n--- ours\n${ours.join('\n')}\n--- expected\n${expected.join('\n')}`);
}

test('reboot -f restarts the pvh guest as a new domain, control/shutdown = reboot restarts it again, poweroff -f ends tsxen with status 0',
  { skip }, async (t) => {
    if ((await requireImages(t)) === undefined) return;
    const b = await bootPvh();
    const { guest } = b;
    t.after(() => guest.kill());
    let from = guest.position;
    guest.type('reboot -f');
    await guest.waitFor(/tsxen run: guest rebooted; restarting it/, 'the restart after reboot -f', EXIT_TIMEOUT_MS, from);
    const second = await nextBoot(guest, from);
    guest.expect(second.domid !== b.domid, `the rebooted guest kept domain id ${b.domid}`);

    from = guest.position;
    const w = await xenstore(b, 'xenstore-write', `/local/domain/${second.domid}/control/shutdown`, 'reboot');
    guest.expect(w.code === 0, `xenstore-write control/shutdown reboot failed: ${w.stderr}`);
    const third = await nextBoot(guest, from);
    const domains = await xenstore(b, 'xenstore-list', '/local/domain');
    guest.expect(domains.stdout === `0\n${third.domid}\n`,
      `/local/domain lists ${JSON.stringify(domains.stdout)}: the old domains' nodes were not removed`);
    const echo = await guest.run('echo third boot');
    guest.expect(echo.output === 'third boot\n', `the shell of the third boot printed ${JSON.stringify(echo.output)}`);

    from = guest.position;
    guest.type('poweroff -f');
    await guest.waitFor(POWER_DOWN, 'the kernel\'s "reboot: Power down" after poweroff -f', EXIT_TIMEOUT_MS, from);
    const exit = await guest.waitExit('exit after poweroff -f');
    guest.expect(exit.code === 0, `tsxen ended with ${describeExit(exit)} after the guest powered off, not status 0`);
    guest.expect(occurrences(guest.transcript, BANNER) === 3, 'the kernel banner does not appear exactly three times');
  });

test('a kernel panic (echo c > /proc/sysrq-trigger) is reported as a crash with the guest\'s last console lines, status 1',
  { skip }, async (t) => {
    if ((await requireImages(t)) === undefined) return;
    const { guest } = await bootPvh();
    t.after(() => guest.kill());
    await expectPanicReport(guest, COMMAND_TIMEOUT_MS);
  });

test('--vuart adds the SBSA UART for early debugging while the console stays on hvc0; TSXEN_XENSTORED_PATH places the socket',
  { skip }, async (t) => {
    if ((await requireImages(t)) === undefined) return;
    const dir = mkdtempSync(join(tmpdir(), 'tsxen-pvh-test-'));
    const path = join(dir, 'xs.sock');
    process.env.TSXEN_XENSTORED_PATH = path; // inherited by the tsxen process spawned next
    let b: PvhBoot;
    try {
      b = await bootPvh(['--vuart', '--append', 'console=hvc0 earlycon=pl011,0x22000000']);
    } finally {
      delete process.env.TSXEN_XENSTORED_PATH;
    }
    const { guest } = b;
    t.after(() => { guest.kill(); rmSync(dir, { recursive: true, force: true }); });
    guest.expect(b.socket === path, `xenstored listens on ${b.socket}, not on TSXEN_XENSTORED_PATH ${path}`);
    const name = await xenstore(b, 'xenstore-read', `/local/domain/${b.domid}/name`);
    guest.expect(name.stdout === 'guest\n', `xenstore-read through ${path} printed ${JSON.stringify(name.stdout)}`);
    guest.expect(/earlycon: pl11 at MMIO 0x0000000022000000/.test(guest.transcript), 'no early console on the UART');
    guest.expect(/ttyAMA0 at MMIO 0x22000000/.test(guest.transcript), 'the kernel did not find the UART');
    const echo = await guest.run('echo on hvc0; cat /proc/consoles');
    guest.expect(/^on hvc0\nhvc0 /.test(echo.output), `the console is not hvc0: ${JSON.stringify(echo.output)}`);
    const from = guest.position;
    guest.type('poweroff -f');
    await guest.waitFor(POWER_DOWN, 'the kernel\'s "reboot: Power down" after poweroff -f', EXIT_TIMEOUT_MS, from);
    const exit = await guest.waitExit('exit after poweroff -f');
    guest.expect(exit.code === 0, `tsxen ended with ${describeExit(exit)}, not status 0`);
  });
