// bench/boot/run.ts - `npm run bench:boot`: boot-to-poweroff wall time of Debian's arm64 kernel with the tsxen
// initramfs under `tsxen run` as an hvm guest (PL011 console) with the JIT (the default) and with the interpreter
// alone (--no-jit), as a pvh guest (Xen PV console hvc0, xenstore, event channels) with the JIT, and under
// qemu-system-aarch64 (TCG), same kernel, initramfs, 256 MiB and 1 vCPU, in the same run; `tsxen.run=poweroff` on
// the command line makes /init power off as soon as it runs. Then the host CPU time a guest costs while it sits
// idle at its shell (hvm with the JIT, pvh, qemu). N runs each (default 3, --runs N), alternating the runners,
// medians. Writes the "Boot" section of bench/RESULTS.md.
// Images: the cached ones of `tsxen image fetch` (honours XDG_CACHE_HOME), or --kernel FILE --initrd FILE.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import { DEFAULT_JIT_THRESHOLD } from '../../src/cpu/engine.js';
import { havePeer, type Peer } from '../../src/host/peers.js';
import { readCpio } from '../../src/toolstack/image/cpio.js';
import { RUN_PARAMETER } from '../../src/toolstack/image/initramfs.js';
import { cachedImages, describeExit, GuestConsole, REPO, tsxen } from '../../test/boot/guest.js';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, '..', 'RESULTS.md');
const QEMU: Peer = { command: 'qemu-system-aarch64', debianPackage: 'qemu-system-arm' };
const QEMU_CPU = 'cortex-a57';
const MEMORY_MIB = 256;
const APPEND = `console=ttyAMA0 ${RUN_PARAMETER}=poweroff`;
const PVH_APPEND = `console=hvc0 ${RUN_PARAMETER}=poweroff`;
const IDLE_SECONDS = 10;
/** Bounds a hung guest only. */
const TIMEOUT_MS = 600_000;
const READY = /^tsxen initramfs: ready /m;
const POWER_DOWN = /reboot: Power down/;
const TARGET_RATIO = 3;
const TARGET_IDLE_PERCENT = 2;

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

interface Images {
  kernel: string;
  initrd: string;
}

interface Boot {
  /** Spawn to exit, seconds. */
  wall: number;
  /** Spawn to the initramfs's ready line, seconds. */
  ready: number;
  /** User + system CPU seconds of the process. */
  cpu: number;
}

interface Runner {
  name: string;
  /** The runner's row in the table. */
  title: string;
  /** The kernel command line of the timed boots. */
  append: string;
  start(images: Images, append?: string): GuestConsole;
}

/** `tsxen run` with explicit images (so no image freshness check runs) and `extra` options. */
function tsxenRun(extra: string[], images: Images, append: string | undefined): GuestConsole {
  return tsxen(['run', ...extra, '--kernel', images.kernel, '--initrd', images.initrd,
    '--memory', String(MEMORY_MIB), '--vcpus', '1', ...(append === undefined ? [] : ['--append', append])]);
}

const TSXEN: Runner = {
  name: 'tsxen',
  title: 'tsxen hvm (JIT)',
  append: APPEND,
  start: (images, append) => tsxenRun([], images, append),
};

const TSXEN_INTERP: Runner = {
  name: 'tsxen-interp',
  title: 'tsxen hvm (interpreter only)',
  append: APPEND,
  start: (images, append) => tsxenRun(['--no-jit'], images, append),
};

const TSXEN_PVH: Runner = {
  name: 'tsxen-pvh',
  title: 'tsxen pvh (JIT)',
  append: PVH_APPEND,
  start: (images, append) => tsxenRun(['--type', 'pvh'], images, append),
};

const QEMU_RUNNER: Runner = {
  name: 'qemu',
  title: 'qemu-system-aarch64',
  append: APPEND,
  start: (images, append) => {
    const args = ['-M', 'virt', '-cpu', QEMU_CPU, '-m', String(MEMORY_MIB), '-nographic',
      '-kernel', images.kernel, '-initrd', images.initrd, '-append', append ?? 'console=ttyAMA0'];
    return new GuestConsole(`${QEMU.command} ${args.join(' ')}`, QEMU.command, args);
  },
};

/** The timed boots, in table order. */
const BOOT_RUNNERS = [TSXEN, TSXEN_INTERP, TSXEN_PVH, QEMU_RUNNER];
/** The idle measurement: the default configuration (JIT) of each type; an idle guest runs little guest code. */
const IDLE_RUNNERS = [TSXEN, TSXEN_PVH, QEMU_RUNNER];

/** CPU seconds (user + system, all threads) a running process has used: proc(5) /proc/<pid>/stat fields 14, 15. */
function processCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** CPU seconds of the children this process has waited for (/proc/self/stat cutime + cstime, fields 16, 17). */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLK_TCK;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function bootToPoweroff(runner: Runner, images: Images): Promise<Boot> {
  const c0 = childrenCpu();
  const guest = runner.start(images, runner.append);
  try {
    const ready = await guest.waitFor(READY, 'the initramfs ready line', TIMEOUT_MS);
    const readyAt = performance.now();
    await guest.waitFor(new RegExp(`^tsxen initramfs: running poweroff$`, 'm'), `/init running ${RUN_PARAMETER}`,
      TIMEOUT_MS, ready.index);
    await guest.waitFor(POWER_DOWN, '"reboot: Power down"', TIMEOUT_MS, ready.index);
    const exit = await guest.waitExit('exit after the guest powered off', TIMEOUT_MS);
    const end = performance.now();
    if (exit.code !== 0) throw guest.failure(`ended with ${describeExit(exit)}, not 0`);
    return { wall: (end - guest.started) / 1000, ready: (readyAt - guest.started) / 1000, cpu: childrenCpu() - c0 };
  } finally {
    guest.kill();
  }
}

/** Percent of one host core the guest's process uses while the guest waits at its shell prompt. */
async function idlePercent(runner: Runner, images: Images): Promise<number> {
  const guest = runner.start(images);
  try {
    const ready = await guest.waitFor(READY, 'the initramfs ready line', TIMEOUT_MS);
    await guest.waitPrompt('the shell prompt', ready.index, TIMEOUT_MS);
    await delay(2000); // the kernel's leftover boot work (deferred probes, RCU) is not idleness
    const pid = guest.child.pid!;
    const c0 = processCpu(pid), t0 = performance.now();
    await delay(IDLE_SECONDS * 1000);
    const c1 = processCpu(pid), t1 = performance.now();
    guest.type('poweroff -f');
    await guest.waitExit('exit after poweroff -f', TIMEOUT_MS);
    return (100 * (c1 - c0)) / ((t1 - t0) / 1000);
  } finally {
    guest.kill();
  }
}

/** The initramfs must be one whose /init knows tsxen.run (built by `tsxen image fetch` from this checkout). */
function checkInitramfs(path: string): void {
  const init = readCpio(gunzipSync(new Uint8Array(readFileSync(path)))).find(e => e.name === 'init');
  if (init?.data !== undefined && new TextDecoder().decode(init.data).includes(RUN_PARAMETER)) return;
  throw new Error(`${path} was built before /init knew ${RUN_PARAMETER}=: rebuild it with \`tsxen image fetch\` ` +
    `(delete ${dirname(path)} first if the fetch says it is up to date)`);
}

async function images(argv: string[]): Promise<Images> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const kernel = arg('--kernel'), initrd = arg('--initrd');
  if (kernel !== undefined && initrd !== undefined) return { kernel, initrd };
  if (kernel !== undefined || initrd !== undefined) throw new Error('give both --kernel and --initrd, or neither');
  const cached = await cachedImages();
  if (typeof cached === 'string') throw new Error(cached);
  return { kernel: cached.kernel, initrd: cached.initrd };
}

/** The file with its directory: the images directory names the kernel and the inputs' hash. */
function shortPath(path: string): string {
  return `${basename(dirname(path))}/${basename(path)}`;
}

function revision(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown revision';
  const dirty = git('status', '--porcelain', '--', 'src', 'bin').stdout.trim() !== '';
  return `commit ${head.stdout.trim()}${dirty ? ' + local changes' : ''}`;
}

function qemuVersion(): string {
  const v = spawnSync(QEMU.command, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /version ([^\s]+)/.exec(v)?.[1] ?? 'unknown';
}

interface Results {
  runs: number;
  load: number;
  images: Images;
  boots: Record<string, Boot[]>;
  idle: Record<string, number>;
}

/** The JIT's hotness threshold of the JIT runners (TSXEN_JIT_THRESHOLD overrides it: src/host/engine-loader.ts). */
function jitThreshold(): string {
  const env = process.env.TSXEN_JIT_THRESHOLD;
  return env !== undefined && /^\d+$/.test(env) ? `${env} from TSXEN_JIT_THRESHOLD` : String(DEFAULT_JIT_THRESHOLD);
}

function section(r: Results): string {
  const c = cpus();
  const s = (x: number) => x.toFixed(2);
  const wall = (name: string) => median(r.boots[name]!.map(b => b.wall));
  const cpu = (name: string) => median(r.boots[name]!.map(b => b.cpu));
  const ratio = (name: string) => wall(name) / wall('qemu');
  const cpuRatio = (name: string) => cpu(name) / cpu('qemu');
  const row = (runner: Runner) => {
    const boots = r.boots[runner.name]!;
    return `| ${runner.title} | ${s(wall(runner.name))} | ${s(median(boots.map(b => b.ready)))} | ` +
      `${s(cpu(runner.name))} | ${boots.map(b => s(b.wall)).join(', ')} |`;
  };
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const idle = (name: string) => `**${r.idle[name]!.toFixed(1)}%**`;
  const idleMet = (name: string) => met(r.idle[name]! < TARGET_IDLE_PERCENT);
  const compiled = existsSync(join(REPO, 'dist', 'host', 'main.js'));
  return [
    '## Boot',
    '',
    `Measured by \`npm run bench:boot\` (bench/boot/run.ts) on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `- Host: ${c[0]?.model.trim() ?? 'unknown CPU'}, ${c.length} cores, Linux ${release()}, Node ${process.version}, ` +
      `load average ${r.load.toFixed(1)} at the start (a shared host: differences under ~30% are noise)`,
    `- tsxen ${revision()}, run from ${compiled ? 'dist/ (npm run build)' : 'the TypeScript sources through tsx'}: ` +
      `hvm \`tsxen run --memory ${MEMORY_MIB} --vcpus 1 --append "${APPEND}"\` with the JIT (the default, ` +
      `hotness threshold ${jitThreshold()}) and with \`--no-jit\` (the CPU engine's interpreter alone); pvh ` +
      `\`tsxen run --type pvh --memory ${MEMORY_MIB} --vcpus 1 --append "${PVH_APPEND}"\` with the JIT; ` +
      `all with --kernel and --initrd`,
    `- qemu-system-aarch64 ${qemuVersion()} (TCG): \`-M virt -cpu ${QEMU_CPU} -m ${MEMORY_MIB} -nographic ` +
      `-append "${APPEND}"\``,
    `- All: ${shortPath(r.images.kernel)} and ${shortPath(r.images.initrd)}; ` +
      `wall time from spawn to process exit, start-up included; ${r.runs} runs each, alternating, medians`,
    '',
    '| runner | boot to poweroff (s) | to /init ready line (s) | CPU time (s) | runs (s) |',
    '|---|---|---|---|---|',
    ...BOOT_RUNNERS.map(row),
    '',
    `Ratio tsxen/qemu with the interpreter alone: **${ratio('tsxen-interp').toFixed(2)}** hvm (target: boot within ` +
      `${TARGET_RATIO}x of QEMU's time with the interpreter alone: ${met(ratio('tsxen-interp') <= TARGET_RATIO)}); ` +
      `over CPU time ${cpuRatio('tsxen-interp').toFixed(2)}.`,
    '',
    `Ratio tsxen/qemu with the JIT: **${ratio('tsxen').toFixed(2)}** hvm, **${ratio('tsxen-pvh').toFixed(2)}** pvh; ` +
      `over CPU time ${cpuRatio('tsxen').toFixed(2)} hvm, ${cpuRatio('tsxen-pvh').toFixed(2)} pvh.`,
    '',
    `Idle guest at its shell prompt for ${IDLE_SECONDS} s (2 s after the prompt appeared), host CPU time of the ` +
      `process as a share of one core: tsxen hvm (JIT) ${idle('tsxen')}, pvh (JIT) ${idle('tsxen-pvh')} (target ` +
      `below ${TARGET_IDLE_PERCENT}%: hvm ${idleMet('tsxen')}, pvh ${idleMet('tsxen-pvh')}), ` +
      `qemu ${r.idle['qemu']!.toFixed(1)}%.`,
    '',
  ].join('\n');
}

/** Replace (or append) the "## Boot" section of bench/RESULTS.md, keeping the other sections. */
function writeSection(text: string): void {
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n\nWritten by the bench/ scripts; each owns one section.\n';
  const start = old.search(/^## Boot$/m);
  let next = start < 0 ? -1 : old.slice(start + 1).search(/^## /m);
  if (next >= 0) next += start + 1;
  const updated = start < 0 ? `${old.trimEnd()}\n\n${text}` : old.slice(0, start) + text + (next >= 0 ? '\n' + old.slice(next) : '');
  writeFileSync(RESULTS, updated.trimEnd() + '\n');
}

function log(message: string): void {
  process.stderr.write(`bench:boot: ${message}\n`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  if (!havePeer(QEMU)) throw new Error(`${QEMU.command} not found: install the Debian package ${QEMU.debianPackage}`);
  const imgs = await images(argv);
  checkInitramfs(imgs.initrd);
  const load = loadavg()[0]!;
  const boots = Object.fromEntries(BOOT_RUNNERS.map(b => [b.name, [] as Boot[]]));
  const results: Results = { runs, load, images: imgs, boots, idle: {} };
  // Idle first: it also warms the page cache and tsx's transpile cache before the timed boots.
  for (const runner of IDLE_RUNNERS) {
    results.idle[runner.name] = await idlePercent(runner, imgs);
    log(`${runner.name} idle: ${results.idle[runner.name]!.toFixed(1)}% of a core`);
  }
  for (let run = 1; run <= runs; run++) {
    for (const runner of BOOT_RUNNERS) {
      const boot = await bootToPoweroff(runner, imgs);
      results.boots[runner.name]!.push(boot);
      log(`${runner.name} boot ${run}/${runs}: ${boot.wall.toFixed(2)} s (ready line at ${boot.ready.toFixed(2)} s, ` +
        `CPU ${boot.cpu.toFixed(2)} s)`);
    }
  }
  const text = section(results);
  writeSection(text);
  console.log(text);
  return 0;
}

main().then(code => {
  process.exitCode = code;
}, (e: Error) => {
  console.error(`bench:boot: ${e.message}`);
  process.exitCode = 1;
});
