// host/node-platform.ts - Node implementations of the services the layers above take by injection: clocks,
// scheduler timing, files, the console terminal.

import { readFile } from 'node:fs/promises';
import type { MachineClock } from '../machine/virt.js';
import type { SchedulerHost } from '../hv/scheduler.js';
import type { ConsoleAttachment } from '../toolstack/cli/run.js';
import { attachTerminal } from './terminal.js';

export const nodeClock: MachineClock = {
  monotonicNs: () => process.hrtime.bigint(),
  wallSeconds: () => Date.now() / 1000,
};

export const nodeSchedulerHost: SchedulerHost = {
  yieldToHost: () => new Promise<void>(resolve => setImmediate(resolve)),
  sleep: (ms, wake) => new Promise<void>(resolve => {
    const t = setTimeout(resolve, ms);
    wake(() => { clearTimeout(t); resolve(); });
  }),
};

export async function readFileBytes(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function attachStdioConsole(onInput: (b: Uint8Array) => void, onEscape: () => void): ConsoleAttachment {
  const t = attachTerminal({ input: process.stdin, output: process.stdout, onInput, onEscape });
  return {
    write: bytes => { process.stdout.write(bytes); },
    detach: () => t.detach(),
  };
}
