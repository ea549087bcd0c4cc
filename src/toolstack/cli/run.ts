// `tsxen run [--type hvm|pvh] [--kernel FILE] [--initrd FILE] [--append ARGS] [--memory MiB] [--vcpus N]
// [--vuart]`: boots a guest directly with its console on the terminal (Ctrl-] quits), as `xl create -c` does.
// Without --kernel it boots the Debian images of `tsxen image fetch`, fetching them first if needed. An hvm
// guest's console is its PL011 (console=ttyAMA0); a pvh guest's is hvc0, the Xen PV console served by dom0's
// xenconsoled, and its xenstored listens on a Unix socket whose path is printed, so host tools work against the
// running guest (XENSTORED_PATH=... xenstore-ls). Guest poweroff exits 0, reboot restarts the guest (a pvh guest
// as a new domain, as xl does), a crash exits 1 with what happened and the guest's last console lines.

import type { Command } from 'commander';
import { SHUTDOWN_crash } from '../../abi/xen/sched.js';
import type { Domain } from '../../hv/domain.js';
import { Scheduler, type SchedulerHost } from '../../hv/scheduler.js';
import type { Xenstored } from '../../dom0/xenstore/xenstored.js';
import { buildDomain, GuestConfigError, type BuildHost, type GuestConfig, type GuestType } from '../build/build-domain.js';
import { buildPvhDomain, BuildError } from '../build/build-pvh.js';
import { ConsoleTail } from '../build/console-tail.js';
import { XenSystem } from '../build/xen-system.js';
import { ImageFormatError } from '../../machine/boot/linux-image.js';
import type { ImageCommandHost } from './image.js';
import { ImageError } from '../image/errors.js';

export interface ConsoleAttachment {
  /** Guest output; it may be buffered (the bytes are copied) until flush() or detach(). */
  write(bytes: Uint8Array): void;
  /** Send buffered output now (before the toolstack prints its own messages). */
  flush?(): void;
  detach(): void;
}

/** xenstored's socket for host tools while a pvh guest runs. */
export interface XenstoreService {
  readonly path: string;
  close(): Promise<void>;
}

export interface RunCommandHost extends ImageCommandHost, BuildHost {
  scheduler: SchedulerHost;
  readFile(path: string): Promise<Uint8Array>;
  /** Attach the user's terminal: typed bytes go to `onInput`, the escape key calls `onEscape`. */
  attachConsole(onInput: (bytes: Uint8Array) => void, onEscape: () => void): ConsoleAttachment;
  /** Serve `xenstored` on a Unix socket (libxenstore's XENSTORED_PATH); without it a pvh run has no socket. */
  serveXenstore?(xenstored: Xenstored): Promise<XenstoreService>;
  /** Print every hypercall a pvh guest makes (debugging; the host sets it from TSXEN_TRACE_HYPERCALLS). */
  traceHypercalls?: boolean;
}

export interface RunArgs {
  kernel?: string;
  initrd?: string;
  append?: string;
  type: string;
  memory: string;
  vcpus: string;
  vuart?: boolean;
  /** false with --no-jit */
  jit: boolean;
}

export const DEFAULT_HVM_CMDLINE = 'console=ttyAMA0';
export const DEFAULT_PVH_CMDLINE = 'console=hvc0';
/** Console lines shown with a crash report. */
const CRASH_LINES = 15;

export function registerRunCommand(program: Command, host: RunCommandHost, done: (status: number) => void): void {
  program.command('run')
    .description('boot a guest directly, console on this terminal (Ctrl-] quits)')
    .option('--kernel <file>', 'arm64 Linux Image (default: the Debian kernel of `tsxen image fetch`)')
    .option('--initrd <file>', 'initial ramdisk (default: the tsxen initramfs when --kernel is not given)')
    .option('--append <args>',
      `kernel command line (default: "${DEFAULT_HVM_CMDLINE}" for hvm, "${DEFAULT_PVH_CMDLINE}" for pvh)`)
    .option('--type <type>', 'guest type: hvm (emulated devices) or pvh (Xen PV devices)', 'hvm')
    .option('--memory <MiB>', 'guest memory in MiB', '256')
    .option('--vcpus <n>', 'number of vCPUs', '1')
    .option('--vuart', 'pvh: add the emulated SBSA UART at 0x22000000 for early debugging (earlycon=pl011,0x22000000)')
    .option('--no-jit', 'run guest code in the interpreter only (no translation to WebAssembly)')
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
  if (args.vuart && args.type !== 'pvh') throw new GuestConfigError('--vuart is for --type pvh (an hvm guest has its PL011)');
  let kernelPath = args.kernel;
  let initrdPath = args.initrd;
  if (kernelPath === undefined) {
    // loaded on demand: the archive, OpenPGP and decompression code is most of the toolstack's start-up
    const { fetchImages } = await import('../image/fetch-images.js');
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
    cmdline: args.append ?? (args.type === 'pvh' ? DEFAULT_PVH_CMDLINE : DEFAULT_HVM_CMDLINE),
    vuart: args.vuart === true,
    jit: args.jit !== false,
  };
}

/** One boot of the guest, whatever its type. */
interface RunningGuest {
  readonly domain: Domain;
  input(bytes: Uint8Array): void;
  /** The toolstack saw the guest crash (a Linux panic on its console): stop it as crashed. */
  crash(why: string): void;
  destroy(): void;
}

/** Boots guests of one type; a pvh launcher owns the hypervisor and dom0's services for the whole run. */
interface Launcher {
  start(boot: number, output: (bytes: Uint8Array) => void, wake: () => void): Promise<RunningGuest>;
  close(): Promise<void>;
}

function hvmLauncher(cfg: GuestConfig, host: RunCommandHost): Launcher {
  return {
    start: async (boot, output, wake) => {
      const domain = await buildDomain(boot, cfg, host, { onConsoleOutput: output, onWake: wake });
      return {
        domain,
        input: bytes => domain.machine.consoleInput(bytes),
        crash: why => domain.crash(why),
        destroy: () => domain.destroy(),
      };
    },
    close: async () => {},
  };
}

async function pvhLauncher(cfg: GuestConfig, host: RunCommandHost): Promise<Launcher> {
  const sys = new XenSystem({
    xen: { onGuestConsole: (domid, line) => host.stderr(`(d${domid}) ${line}`) },
  });
  let service: XenstoreService | undefined;
  try {
    service = await host.serveXenstore?.(sys.xenstored);
  } catch (e) {
    throw new BuildError(`cannot serve xenstored on a Unix socket: ${(e as Error).message}`);
  }
  if (service) host.stderr(`tsxen run: xenstored listens on ${service.path} (XENSTORED_PATH=${service.path} xenstore-ls)`);
  const trace = host.traceHypercalls ? (line: string) => host.stderr(`tsxen: hypercall: ${line}`) : undefined;
  return {
    start: async (_boot, output, wake) => {
      const g = await buildPvhDomain(sys, cfg, host, { onConsoleOutput: output, onWake: wake }, { traceHypercall: trace });
      host.stderr(`tsxen run: domain ${g.domid} (pvh, ${g.path})`);
      return {
        domain: g.domain,
        input: bytes => g.input(bytes),
        crash: why => {
          g.domain.crashInfo ??= why;
          sys.xen.shutdownDomain(g.domid, SHUTDOWN_crash);
        },
        destroy: () => g.destroy(),
      };
    },
    close: async () => { await service?.close(); },
  };
}

function reportError(e: unknown, host: RunCommandHost): number {
  if (e instanceof GuestConfigError || e instanceof ImageError || e instanceof ImageFormatError || e instanceof BuildError) {
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

/** Boot and run until the guest powers off (0), crashes (1) or the user quits (130). Reboots restart it. */
export async function runGuest(args: RunArgs, host: RunCommandHost): Promise<number> {
  let cfg: GuestConfig;
  let launcher: Launcher;
  try {
    cfg = await guestConfig(args, host);
    launcher = cfg.type === 'pvh' ? await pvhLauncher(cfg, host) : hvmLauncher(cfg, host);
  } catch (e) {
    return reportError(e, host);
  }
  const scheduler = new Scheduler(host.scheduler);
  let guest: RunningGuest | undefined;
  let quit = false;
  const console = host.attachConsole(
    bytes => { guest?.input(bytes); scheduler.kick(); },
    () => { quit = true; guest?.domain.destroy(); scheduler.kick(); },
  );
  try {
    for (let boot = 1; ; boot++) {
      const tail = new ConsoleTail({
        lines: CRASH_LINES,
        onPanic: why => guest?.crash(`Linux panicked: ${why}`),
      });
      try {
        guest = await launcher.start(boot, b => { console.write(b); tail.push(b); }, () => scheduler.kick());
      } catch (e) {
        return reportError(e, host);
      }
      guest.domain.unpause();
      scheduler.add(guest.domain);
      await scheduler.run();
      console.flush?.();
      const { domain } = guest;
      const reason = domain.state === 'dying' ? 'destroyed' : domain.shutdownReason;
      guest.destroy();
      if (quit) {
        host.stderr('\ntsxen run: guest stopped from the console (Ctrl-])');
        return 130;
      }
      if (reason === 'reboot') {
        host.stderr('\ntsxen run: guest rebooted; restarting it');
        continue;
      }
      if (reason !== 'poweroff') {
        host.stderr(`\ntsxen run: guest crashed: ${domain.crashInfo ?? `it was ${reason ?? 'stopped'}`}`);
        host.stderr(`tsxen run: the guest's last console lines:\n${tail.lines().map(l => `  | ${l}`).join('\n')}`);
        return 1;
      }
      return 0;
    }
  } finally {
    console.detach();
    await launcher.close();
  }
}
