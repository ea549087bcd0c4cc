// bench/cpu/run.ts - `npm run bench:cpu`: guest MIPS of the CPU engine, interpreter alone and with the JIT, against
// qemu-aarch64 on the same static AArch64 program (bench/cpu/workload.c), in the same run. N runs each (default 5,
// --runs N), medians. Engine MIPS = instructions retired (engine instret) / seconds inside engine.run(); qemu
// MIPS = the same instruction count (the workload is deterministic) / qemu's wall time, process start-up included.
// All must print the same checksum. Writes the "CPU" section of bench/RESULTS.md and prints it.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEngineModule } from '../../src/host/engine-loader.js';
import { QEMU_AARCH64, havePeer, type Peer } from '../../src/host/peers.js';
import { UserModeMachine, type UserModeOptions } from '../../src/machine/usermode/usermode.js';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, '..', 'RESULTS.md');
const GCC: Peer = { command: 'aarch64-linux-gnu-gcc', debianPackage: 'gcc-aarch64-linux-gnu' };
const QEMU_CPU = 'cortex-a57';
// Integer-only code, as ENGINE.md's measurements: no FP/SIMD registers, no vectorizer
const CFLAGS = ['-O2', '-static', '-nostdlib', '-ffreestanding', '-fno-stack-protector', '-mgeneral-regs-only',
  '-fno-tree-vectorize', '-Wl,-Ttext=0x40080000', '-Wl,--build-id=none'];

interface Measurement {
  seconds: number[];
  median: number;
  mips: number;
  /** Median MIPS over CPU time (user + system) instead of wall time: robust on a loaded host. */
  cpuMips: number;
}

/** CPU seconds of this process so far (all its threads). */
function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU seconds of the children this process has waited for (/proc/self/stat cutime + cstime). */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLK_TCK; // fields 16 and 17 of proc(5)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function buildWorkload(dir: string): string {
  const out = join(dir, 'workload');
  execFileSync(GCC.command, [...CFLAGS, '-o', out, join(here, 'workload.c')], { stdio: 'inherit' });
  return out;
}

/** The JIT runner: every block is translated the first time a branch reaches it and runs translated at once, so
 *  the times include all translation and compilation (load() drops the translations of the previous run). */
const JIT: UserModeOptions = { jitThreshold: 1, jitSync: true };

async function runEngine(elfPath: string, runs: number, opts: UserModeOptions = {}) {
  const machine = await UserModeMachine.create(await loadEngineModule(), { ramSize: 64 << 20, ...opts });
  const what = opts.jitThreshold ? 'engine + JIT' : 'engine';
  const elf = new Uint8Array(readFileSync(elfPath));
  const seconds: number[] = [], cpu: number[] = [];
  let instructions = 0n, jitInstructions = 0n, output = '';
  let blocks = 0, translateMs = 0;
  for (let i = 0; i < runs; i++) {
    machine.load(elf, ['workload']);
    const e = machine.engine, j0 = e.jitInstret(0), b0 = e.jitStats.translated, t0 = e.jitStats.ms;
    const c0 = selfCpu();
    const r = machine.run();
    cpu.push(selfCpu() - c0);
    if (r.exitCode !== 0 || r.faults.length)
      throw new Error(`${what} run failed (exit ${r.exitCode}): ${r.faults.map(f => f.message).join('; ')}`);
    seconds.push(r.runSeconds);
    instructions = r.instructions;
    jitInstructions = e.jitInstret(0) - j0;
    blocks = e.jitStats.translated - b0;
    translateMs = e.jitStats.ms - t0;
    output = new TextDecoder().decode(r.stdout);
    process.stderr.write(`bench:cpu: ${what} run ${i + 1}/${runs}: ${r.runSeconds.toFixed(3)} s\n`);
  }
  return { seconds, cpu, instructions, output, jit: { instructions: jitInstructions, blocks, translateMs } };
}

function runQemu(elfPath: string, runs: number) {
  const seconds: number[] = [], cpu: number[] = [];
  let output = '';
  for (let i = 0; i < runs; i++) {
    const c0 = childrenCpu(), t0 = performance.now();
    const r = spawnSync(QEMU_AARCH64.command, ['-cpu', QEMU_CPU, elfPath], { encoding: 'utf8' });
    const s = (performance.now() - t0) / 1000;
    cpu.push(childrenCpu() - c0);
    if (r.status !== 0) throw new Error(`qemu-aarch64 failed (${r.status ?? r.signal}): ${r.stderr}`);
    seconds.push(s);
    output = r.stdout;
    process.stderr.write(`bench:cpu: qemu run ${i + 1}/${runs}: ${s.toFixed(3)} s\n`);
  }
  return { seconds, cpu, output };
}

function measure(r: { seconds: number[]; cpu: number[] }, instructions: bigint): Measurement {
  const m = median(r.seconds);
  return { seconds: r.seconds, median: m, mips: Number(instructions) / m / 1e6, cpuMips: Number(instructions) / median(r.cpu) / 1e6 };
}

/** "commit abc1234" of the engine sources, "+ local changes" when src/cpu differs from it. */
function engineRevision(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: here, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown revision';
  const dirty = git('status', '--porcelain', '--', '../../src/cpu').stdout.trim() !== '';
  return `commit ${head.stdout.trim()}${dirty ? ' + local changes' : ''}`;
}

function qemuVersion(): string {
  const v = spawnSync(QEMU_AARCH64.command, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /version ([^\s]+)/.exec(v)?.[1] ?? 'unknown';
}

/** What translated code did in the JIT row's last run. */
interface JitRun {
  /** engine.jitInstret: instructions retired by translated code. */
  instructions: bigint;
  blocks: number;
  /** Translation and (synchronous) compilation on the vCPU's thread, included in the run's time. */
  translateMs: number;
}

interface CpuResults {
  engine: Measurement;
  jit: Measurement;
  qemu: Measurement;
  jitRun: JitRun;
  instructions: bigint;
  checksum: string;
  runs: number;
  load: number;
}

function section(o: CpuResults): string {
  const c = cpus();
  const row = (name: string, m: Measurement) =>
    `| ${name} | ${m.median.toFixed(3)} | ${m.mips.toFixed(0)} | ${m.cpuMips.toFixed(0)} | ${m.seconds.map(s => s.toFixed(3)).join(', ')} |`;
  const ratio = (name: string, m: Measurement) =>
    `Ratio (${name})/qemu: **${(m.mips / o.qemu.mips).toFixed(3)}** (${((100 * m.mips) / o.qemu.mips).toFixed(1)}% ` +
    `of qemu's speed); over CPU time ${(m.cpuMips / o.qemu.cpuMips).toFixed(3)}.`;
  const jitShare = Number(o.jitRun.instructions) / Number(o.instructions);
  return [
    '## CPU',
    '',
    `Measured by \`npm run bench:cpu\` (bench/cpu/run.ts) on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `- Host: ${c[0]?.model.trim() ?? 'unknown CPU'}, ${c.length} cores, Linux ${release()}, Node ${process.version}, ` +
      `load average ${o.load.toFixed(1)} at the start (this host is shared: differences under ~30% are noise)`,
    `- Workload: bench/cpu/workload.c (xorshift fill, SHA-256, table CRC-32, heapsort; integer only, gcc -O2), ` +
      `${o.instructions.toLocaleString('en-US')} guest instructions, output \`${o.checksum}\` identical on all`,
    `- Engine: the AssemblyScript interpreter (src/cpu/as, ${engineRevision()}), user-mode runner at EL0 with the MMU ` +
      `on; time = inside engine.run()`,
    `- Engine + JIT: the same with jitThreshold 1 and jitSync (src/cpu/jit: each block is translated to WebAssembly ` +
      `and compiled the first time a branch reaches it); every run starts with no translations, so translating ` +
      `and compiling are in its time`,
    `- qemu-aarch64 ${qemuVersion()} -cpu ${QEMU_CPU} (TCG JIT); time = wall time of the process, start-up included`,
    `- "CPU time" columns divide by user + system CPU seconds instead (engine: this process during run(); qemu: the child)`,
    `- ${o.runs} runs each, medians`,
    '',
    '| runner | median s | guest MIPS | guest MIPS (CPU time) | runs (s) |',
    '|---|---|---|---|---|',
    row('tsxen engine', o.engine),
    row('tsxen engine + JIT', o.jit),
    row('qemu-aarch64', o.qemu),
    '',
    ratio('engine', o.engine),
    '',
    ratio('engine + JIT', o.jit),
    '',
    `JIT row: ${o.jitRun.instructions.toLocaleString('en-US')} of the ${o.instructions.toLocaleString('en-US')} ` +
      `instructions (**${(100 * jitShare).toFixed(2)}%**, engine.jitInstret / instret) ran as translated code; ` +
      `${o.jitRun.blocks.toLocaleString('en-US')} blocks translated per run, ${o.jitRun.translateMs.toFixed(0)} ms ` +
      `of translating and compiling on the vCPU's thread (last run).`,
    '',
  ].join('\n');
}

/** Replace (or append) the "## CPU" section of bench/RESULTS.md, keeping the other sections. */
function writeSection(text: string): void {
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n\nWritten by the bench/ scripts; each owns one section.\n';
  const start = old.search(/^## CPU$/m);
  let next = start < 0 ? -1 : old.slice(start + 1).search(/^## /m);
  if (next >= 0) next += start + 1;
  const updated = start < 0 ? `${old.trimEnd()}\n\n${text}` : old.slice(0, start) + text + (next >= 0 ? '\n' + old.slice(next) : '');
  writeFileSync(RESULTS, updated.trimEnd() + '\n');
}

async function main(): Promise<number> {
  const i = process.argv.indexOf('--runs');
  const runs = i >= 0 ? Number(process.argv[i + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  for (const p of [GCC, QEMU_AARCH64])
    if (!havePeer(p)) throw new Error(`${p.command} not found: install the Debian package ${p.debianPackage}`);
  const load = loadavg()[0];
  const dir = mkdtempSync(join(tmpdir(), 'tsxen-bench-cpu-'));
  try {
    const elf = buildWorkload(dir);
    const eng = await runEngine(elf, runs);
    const jit = await runEngine(elf, runs, JIT);
    const q = runQemu(elf, runs);
    if (q.output !== eng.output) throw new Error(`outputs differ: engine ${JSON.stringify(eng.output)}, qemu ${JSON.stringify(q.output)}`);
    if (jit.output !== eng.output || jit.instructions !== eng.instructions)
      throw new Error(`engine + JIT differs from the engine: output ${JSON.stringify(jit.output)} after ` +
        `${jit.instructions} instructions, engine ${JSON.stringify(eng.output)} after ${eng.instructions}`);
    const text = section({
      engine: measure(eng, eng.instructions), jit: measure(jit, eng.instructions), qemu: measure(q, eng.instructions),
      jitRun: jit.jit, instructions: eng.instructions, checksum: eng.output.trim(), runs, load,
    });
    writeSection(text);
    console.log(text);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(code => {
  process.exitCode = code;
}, (e: Error) => {
  console.error(`bench:cpu: ${e.message}`);
  process.exitCode = 1;
});
