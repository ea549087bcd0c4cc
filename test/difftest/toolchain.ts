// test/difftest/toolchain.ts - the external programs of the differential tester: GNU as/ld for AArch64
// (Debian binutils-aarch64-linux-gnu) and the oracle, qemu-aarch64 in user mode (Debian qemu-user).

import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AARCH64_AS, QEMU_AARCH64, havePeer, type Peer } from '../../src/host/peers.js';
import { DATA_BASE, TEXT_BASE } from './state.js';

const run = promisify(execFile);

export const AARCH64_LD: Peer = { command: 'aarch64-linux-gnu-ld', debianPackage: 'binutils-aarch64-linux-gnu' };
export const PEERS: Peer[] = [AARCH64_AS, AARCH64_LD, QEMU_AARCH64];

/**
 * The CPU qemu models: Cortex-A57 is ARMv8.0, the architecture the engine implements (its MIDR), so FPCR
 * has no v8.2+ bits and any instruction beyond v8.0 that a template produced by mistake traps in qemu too.
 */
export const QEMU_CPU = 'cortex-a57';

/** Missing tools, as "command (Debian package)" strings; empty when all are installed. */
export function missingPeers(): string[] {
  return PEERS.filter(p => !havePeer(p)).map(p => `${p.command} (install the Debian package ${p.debianPackage})`);
}

export class ToolchainError extends Error {}

/** A scratch directory for one batch's files; dispose() removes it. */
export class WorkDir {
  private constructor(readonly path: string) {}
  static async create(): Promise<WorkDir> {
    return new WorkDir(await mkdtemp(join(tmpdir(), 'tsxen-difftest-')));
  }
  file(name: string): string {
    return join(this.path, name);
  }
  async dispose(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}

/** Assemble and link `source` into a static ELF at TEXT_BASE/DATA_BASE; returns the ELF bytes. */
export async function assembleAndLink(dir: WorkDir, name: string, source: string): Promise<Uint8Array> {
  const s = dir.file(`${name}.s`), o = dir.file(`${name}.o`), elf = dir.file(name);
  await writeFile(s, source);
  try {
    await run(AARCH64_AS.command, ['-o', o, s], { maxBuffer: 64 << 20 });
  } catch (e) {
    throw new ToolchainError(`assembler failed on ${s}:\n${firstLines((e as { stderr?: string }).stderr ?? String(e), 20)}`);
  }
  try {
    await run(AARCH64_LD.command, ['-static', `-Ttext=0x${TEXT_BASE.toString(16)}`,
      `-Tdata=0x${DATA_BASE.toString(16)}`, '-o', elf, o]);
  } catch (e) {
    throw new ToolchainError(`linker failed on ${o}:\n${firstLines((e as { stderr?: string }).stderr ?? String(e), 20)}`);
  }
  return new Uint8Array(await readFile(elf));
}

export interface QemuResult {
  stdout: Uint8Array;
  stderr: string;
  /** Exit status, or null when killed by a signal. */
  status: number | null;
  signal: string | null;
}

/** Run a static ELF under qemu-aarch64 and collect its output. */
export function runQemu(elfPath: string, timeoutMs = 60_000): Promise<QemuResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU_AARCH64.command, ['-cpu', QEMU_CPU, elfPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', e => {
      clearTimeout(timer);
      reject(new ToolchainError(`cannot run ${QEMU_AARCH64.command}: ${e.message}`));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ stdout: new Uint8Array(Buffer.concat(out)), stderr: Buffer.concat(err).toString(), status, signal });
    });
  });
}

/** The first `n` informative lines of a tool's stderr (ld's "in function" context lines dropped). */
function firstLines(s: string, n: number): string {
  const lines = s.split('\n').filter(l => !/: in function `/.test(l));
  return lines.slice(0, n).join('\n') + (lines.length > n ? `\n... (${lines.length - n} more lines)` : '');
}
