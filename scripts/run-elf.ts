// scripts/run-elf.ts - the CPU demo: run a static AArch64 Linux program (aarch64-linux-gnu-ld -static, or
// gcc -static -nostdlib) on tsxen's own CPU engine in user mode and print what it writes.
//
// Usage: node --import tsx scripts/run-elf.ts [--ram MIB] [--max N] [--stats] FILE [ARGS...]
// Exit status: the program's, or 128 + signal number when it faulted (as a shell reports it).

import { readFileSync } from 'node:fs';
import { loadEngineModule } from '../src/host/engine-loader.js';
import { ElfError } from '../src/machine/usermode/elf.js';
import { UserModeError, UserModeMachine, type UserSignal } from '../src/machine/usermode/usermode.js';

const SIGNALS: Record<UserSignal, number> = { SIGILL: 4, SIGTRAP: 5, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11 };

function usage(msg?: string): never {
  if (msg) console.error(`run-elf: ${msg}`);
  console.error('usage: run-elf.ts [--ram MIB] [--max INSTRUCTIONS] [--stats] FILE [ARGS...]');
  process.exit(2);
}

function parseArgs(argv: string[]) {
  let ramMiB = 64, max: number | undefined, stats = false;
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('--'); i++) {
    const a = argv[i];
    if (a === '--stats') stats = true;
    else if (a === '--ram') ramMiB = Number(argv[++i]);
    else if (a === '--max') max = Number(argv[++i]);
    else usage(`unknown option ${a}`);
  }
  if (i >= argv.length) usage('no program given');
  if (!Number.isInteger(ramMiB) || ramMiB < 1) usage('--ram takes a whole number of MiB');
  if (max !== undefined && !(max > 0)) usage('--max takes a positive instruction count');
  return { ramMiB, max, stats, file: argv[i], args: argv.slice(i) };
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  let elf: Uint8Array;
  try {
    elf = readFileSync(opts.file);
  } catch (e) {
    console.error(`run-elf: cannot read ${opts.file}: ${(e as Error).message}`);
    return 2;
  }
  const machine = await UserModeMachine.create(await loadEngineModule(), { ramSize: opts.ramMiB << 20 });
  try {
    machine.load(elf, opts.args);
  } catch (e) {
    if (e instanceof ElfError || e instanceof UserModeError) {
      console.error(`run-elf: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const r = machine.run({
    maxInstructions: opts.max,
    onOutput: (fd, data) => (fd === 2 ? process.stderr : process.stdout).write(data),
  });
  for (const f of r.faults) console.error(`run-elf: ${f.signal}: ${f.message}`);
  if (opts.stats) {
    const mips = Number(r.instructions) / r.runSeconds / 1e6;
    console.error(`run-elf: ${r.instructions} instructions in ${r.runSeconds.toFixed(3)} s (${mips.toFixed(1)} MIPS), ` +
      `${r.syscalls.calls} system calls`);
    for (const [nr, n] of r.syscalls.unsupported) console.error(`run-elf: system call ${nr} unsupported (-ENOSYS) x${n}`);
  }
  if (r.exitCode !== null) return r.exitCode;
  const last = r.faults[r.faults.length - 1];
  return 128 + (last ? SIGNALS[last.signal] : SIGNALS.SIGKILL);
}

main().then(code => {
  process.exitCode = code;
}, (e: Error) => {
  console.error(`run-elf: ${e.message}`);
  process.exitCode = 1;
});
