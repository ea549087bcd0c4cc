// Boots Debian's arm64 cloud kernel with the tsxen initramfs on the hvm machine through `tsxen run`, as a user
// does (console on pipes), and asserts what the guest prints. Needs the images of `tsxen image fetch`.

import { test } from 'node:test';
import { createHash } from 'node:crypto';
import {
  BOOT_TIMEOUT_MS,
  describeExit,
  EXIT_TIMEOUT_MS,
  occurrences,
  requireImages,
  tsxen,
  type GuestConsole,
  expectPanicReport,
} from './guest.js';

const BANNER = /Linux version 6\.1\.\S+/g;
const READY = /^tsxen initramfs: ready \(kernel (\S+), (\d+) cpus\)$/m;
const POWER_DOWN = /reboot: Power down/;
/** How far the guest's clocks may be from the host's: the RTC has 1 s resolution, output takes a moment. */
const CLOCK_SLACK_S = 60;

/** Starts `tsxen run` and waits for the banner, the initramfs's ready line and the first prompt. */
async function boot(args: string[]): Promise<{ guest: GuestConsole; ready: RegExpExecArray }> {
  const guest = tsxen(['run', ...args]);
  const banner = await guest.waitFor(BANNER, 'the kernel banner "Linux version 6.1"', BOOT_TIMEOUT_MS);
  const ready = await guest.waitFor(READY, 'the initramfs ready line', BOOT_TIMEOUT_MS, banner.index);
  await guest.waitPrompt('the shell prompt', ready.index, BOOT_TIMEOUT_MS);
  return { guest, ready };
}

function expectNearHostClock(guest: GuestConsole, what: string, output: string): void {
  const host = Date.now() / 1000;
  guest.expect(/^\d+$/.test(output.trim()), `${what} printed ${JSON.stringify(output)}, not seconds`);
  const seconds = Number(output.trim());
  guest.expect(Math.abs(seconds - host) <= CLOCK_SLACK_S,
    `${what} = ${seconds} but the host clock says ${host.toFixed(0)}: more than ${CLOCK_SLACK_S} s apart`);
}

async function powerOff(guest: GuestConsole): Promise<void> {
  const from = guest.position;
  guest.type('poweroff -f');
  await guest.waitFor(POWER_DOWN, 'the kernel\'s "reboot: Power down" after poweroff -f', EXIT_TIMEOUT_MS, from);
  const exit = await guest.waitExit('exit after poweroff -f');
  guest.expect(exit.code === 0, `tsxen ended with ${describeExit(exit)} after the guest powered off, not status 0`);
}

// The JIT (the default) and the interpreter alone (--no-jit) run the same checks.
for (const { vcpus, jit } of [{ vcpus: 1, jit: true }, { vcpus: 2, jit: true }, { vcpus: 1, jit: false }]) {
  test(`Debian boots to a shell on ${vcpus} vCPU${vcpus > 1 ? 's' : ''}${jit ? '' : ' with the interpreter alone'}, computes, keeps time and powers off with status 0`,
    async (t) => {
      if ((await requireImages(t)) === undefined) return;
      const { guest, ready } = await boot(['--vcpus', String(vcpus), '--memory', '256', ...(jit ? [] : ['--no-jit'])]);
      t.after(() => guest.kill());
      guest.expect(ready[2] === String(vcpus), `the ready line counts ${ready[2]} cpus, not ${vcpus}`);

      const nproc = await guest.run('nproc');
      guest.expect(nproc.output === `${vcpus}\n`, `nproc printed ${JSON.stringify(nproc.output)}, not ${vcpus}`);

      // Work across many timer ticks and two processes in a pipe (with 2 vCPUs, on both CPUs), checked by the host.
      const numbers = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('');
      const expected = `${createHash('sha256').update(numbers).digest('hex')}  -\n`;
      const sum = await guest.run('seq 1 20000 | sha256sum');
      guest.expect(sum.output === expected && sum.status === 0,
        `seq 1 20000 | sha256sum printed ${JSON.stringify(sum.output)} (status ${sum.status}); the host computes ${expected}`);

      expectNearHostClock(guest, 'date +%s', (await guest.run('date +%s')).output);
      const rtc = await guest.run('cat /sys/class/rtc/rtc0/since_epoch');
      guest.expect(rtc.status === 0, 'the guest has no /sys/class/rtc/rtc0 (the PL031 RTC)');
      expectNearHostClock(guest, '/sys/class/rtc/rtc0/since_epoch', rtc.output);

      await powerOff(guest);
      guest.expect(occurrences(guest.transcript, BANNER) === 1, 'the kernel booted more than once');
    });
}

test('reboot -f restarts the guest: the kernel boots again, and poweroff then ends tsxen with status 0', async (t) => {
  if ((await requireImages(t)) === undefined) return;
  const { guest } = await boot(['--vcpus', '1', '--memory', '256']);
  t.after(() => guest.kill());
  const from = guest.position;
  guest.type('reboot -f');
  const banner = await guest.waitFor(BANNER, 'the kernel banner again after reboot -f', BOOT_TIMEOUT_MS, from);
  const ready = await guest.waitFor(READY, 'the ready line of the second boot', BOOT_TIMEOUT_MS, banner.index);
  await guest.waitPrompt('the prompt of the second boot', ready.index, BOOT_TIMEOUT_MS);
  const echo = await guest.run('echo second boot');
  guest.expect(echo.output === 'second boot\n', `the shell of the second boot printed ${JSON.stringify(echo.output)}`);
  await powerOff(guest);
  guest.expect(occurrences(guest.transcript, BANNER) === 2, 'the kernel banner does not appear exactly twice');
});

test('a kernel panic (echo c > /proc/sysrq-trigger) is reported as a crash with the guest\'s last console lines, status 1',
  async (t) => {
    if ((await requireImages(t)) === undefined) return;
    const { guest } = await boot(['--vcpus', '1', '--memory', '256']);
    t.after(() => guest.kill());
    await expectPanicReport(guest, EXIT_TIMEOUT_MS);
  });

test('a kernel that is not an arm64 Image (the initramfs) is refused with a clear message and a non-zero status',
  async (t) => {
    const images = await requireImages(t);
    if (images === undefined) return;
    const guest = tsxen(['run', '--kernel', images.initrd, '--initrd', images.initrd]);
    t.after(() => guest.kill());
    const exit = await guest.waitExit('refusing a non-Image kernel');
    guest.expect(exit.code !== 0 && exit.code !== null, `tsxen ended with ${describeExit(exit)} given a cpio archive as kernel`);
    guest.expect(guest.transcript.includes(`tsxen run: ${images.initrd}: not an arm64 Linux Image`),
      'the message does not say that the file is not an arm64 Linux Image');
    guest.expect(!/\n\s+at .*:\d+:\d+/.test(guest.transcript), 'a stack trace instead of a message');
    guest.expect(occurrences(guest.transcript, BANNER) === 0, 'a boot was attempted');
  });

test('--memory 8 is refused: the message says how much memory a guest needs', async (t) => {
  if ((await requireImages(t)) === undefined) return;
  const guest = tsxen(['run', '--memory', '8']);
  t.after(() => guest.kill());
  const exit = await guest.waitExit('refusing --memory 8');
  guest.expect(exit.code !== 0 && exit.code !== null, `tsxen ended with ${describeExit(exit)} given --memory 8`);
  guest.expect(/tsxen run: memory = 8 MiB: a guest needs at least \d+ MiB/.test(guest.transcript),
    'no clear message about the memory size');
  guest.expect(!/\n\s+at .*:\d+:\d+/.test(guest.transcript), 'a stack trace instead of a message');
  guest.expect(occurrences(guest.transcript, BANNER) === 0, 'a boot was attempted');
});
