// `tsxen run [--kernel FILE] [--initrd FILE] [--append ARGS] [--type hvm] [--memory MiB] [--vcpus N]`: boots a
// guest directly with its console on the terminal (Ctrl-] quits). Without --kernel it boots the Debian images
// of `tsxen image fetch`, fetching them first if needed. Guest poweroff exits 0, reboot restarts the guest, a
// crash exits 1 with what happened.

import type { Command } from 'commander';
import type { Domain } from '../../hv/domain.js';
import { Scheduler, type SchedulerHost } from '../../hv/scheduler.js';
import { buildDomain, GuestConfigError, type BuildHost, type GuestConfig, type GuestType } from '../build/build-domain.js';
import { ImageFormatError } from '../../machine/boot/linux-image.js';
import type { ImageCommandHost } from './image.js';
import { fetchImages } from '../image/fetch-images.js';
import { ImageError } from '../image/errors.js';

export interface ConsoleAttachment {
  write(bytes: Uint8Array): void;
  detach(): void;
}

export interface RunCommandHost extends ImageCommandHost, BuildHost {
  scheduler: SchedulerHost;
  readFile(path: string): Promise<Uint8Array>;
  /** Attach the user's terminal: typed bytes go to `onInput`, the escape key calls `onEscape`. */
  attachConsole(onInput: (bytes: Uint8Array) => void, onEscape: () => void): ConsoleAttachment;
}

export interface RunArgs {
  kernel?: string;
  initrd?: string;
  append?: string;
  type: string;
  memory: string;
  vcpus: string;
}

export const DEFAULT_HVM_CMDLINE = 'console=ttyAMA0';

export function registerRunCommand(program: Command, host: RunCommandHost, done: (status: number) => void): void {
  program.command('run')
    .description('boot a guest directly, console on this terminal (Ctrl-] quits)')
    .option('--kernel <file>', 'arm64 Linux Image (default: the Debian kernel of `tsxen image fetch`)')
    .option('--initrd <file>', 'initial ramdisk (default: the tsxen initramfs when --kernel is not given)')
    .option('--append <args>', `kernel command line (default: "${DEFAULT_HVM_CMDLINE}")`)
    .option('--type <type>', 'guest type: hvm', 'hvm')
    .option('--memory <MiB>', 'guest memory in MiB', '256')
    .option('--vcpus <n>', 'number of vCPUs', '1')
    .action(async (args: RunArgs) => done(await runGuest(args, host)));
}

function parseCount(name: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new GuestConfigError(`--${name} ${v}: not a whole number`);
  return n;
}

async function guestConfig(args: RunArgs, host: RunCommandHost): Promise<GuestConfig> {
  if (args.type !== 'hvm' && args.type !== 'pvh')
    throw new GuestConfigError(args.type === 'pv'
      ? 'type "pv" (classic x86 PV) does not exist on Arm: use type "pvh" for a Xen-aware guest'
      : `unknown guest type "${args.type}": use hvm or pvh`);
  let kernelPath = args.kernel;
  let initrdPath = args.initrd;
  if (kernelPath === undefined) {
    const images = await fetchImages({ host: host.imageHost({}) });
    kernelPath = images.kernel;
    initrdPath ??= images.initrd;
  }
  return {
    name: 'guest',
    type: args.type as GuestType,
    memoryMiB: parseCount('memory', args.memory),
    vcpus: parseCount('vcpus', args.vcpus),
    kernel: await host.readFile(kernelPath),
    kernelName: kernelPath,
    initrd: initrdPath === undefined ? undefined : await host.readFile(initrdPath),
    cmdline: args.append ?? DEFAULT_HVM_CMDLINE,
  };
}

/** Boot and run until the guest powers off (0), crashes (1) or the user quits (130). Reboots restart it. */
export async function runGuest(args: RunArgs, host: RunCommandHost): Promise<number> {
  let cfg: GuestConfig;
  try {
    cfg = await guestConfig(args, host);
  } catch (e) {
    if (e instanceof GuestConfigError || e instanceof ImageError) {
      host.stderr(`tsxen run: ${e.message}`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES') {
      host.stderr(`tsxen run: cannot read ${err.path ?? 'a file'}: ${err.code}`);
      return 1;
    }
    throw e;
  }
  const scheduler = new Scheduler(host.scheduler);
  let domain: Domain | undefined;
  let quit = false;
  const console = host.attachConsole(
    bytes => { domain?.machine.consoleInput(bytes); scheduler.kick(); },
    () => { quit = true; domain?.destroy(); scheduler.kick(); },
  );
  try {
    for (let boot = 1; ; boot++) {
      try {
        domain = await buildDomain(boot, cfg, host, {
          onConsoleOutput: b => console.write(b),
          onWake: () => scheduler.kick(),
        });
      } catch (e) {
        if (e instanceof GuestConfigError || e instanceof ImageFormatError) {
          host.stderr(`tsxen run: ${e.message}`);
          return 1;
        }
        throw e;
      }
      domain.unpause();
      scheduler.add(domain);
      await scheduler.run();
      if (quit) {
        host.stderr('\ntsxen run: guest stopped from the console (Ctrl-])');
        return 130;
      }
      if (domain.shutdownReason === 'reboot') {
        host.stderr('\ntsxen run: guest rebooted; restarting it');
        continue;
      }
      if (domain.shutdownReason === 'crash') {
        host.stderr(`\ntsxen run: guest crashed: ${domain.crashInfo ?? 'no details'}`);
        return 1;
      }
      return 0;
    }
  } finally {
    console.detach();
  }
}
