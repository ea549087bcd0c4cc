// host/node-platform.ts - Node implementations of the services the layers above take by injection: clocks,
// scheduler timing, files, the console terminal, xenstored's Unix socket.

import { lstatSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachineClock } from '../machine/virt.js';
import type { SchedulerHost } from '../hv/scheduler.js';
import type { Xenstored } from '../dom0/xenstore/xenstored.js';
import type { ConsoleAttachment, XenstoreService } from '../toolstack/cli/run.js';
import { attachTerminal } from './terminal.js';
import { listenXenstore } from './xenstore-socket.js';

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

/**
 * The guest's console on this process's terminal. Output is gathered while a vCPU runs and written once the event
 * loop turns (or at 64 KiB). Why: an emulated UART hands over one byte per guest register write, and a write(2)
 * per byte cost a Debian boot ~0.1 s.
 */
export function attachStdioConsole(onInput: (b: Uint8Array) => void, onEscape: () => void): ConsoleAttachment {
  const t = attachTerminal({ input: process.stdin, output: process.stdout, onInput, onEscape });
  let pending: Buffer[] = [];
  let size = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (size === 0) return;
    const out = pending.length === 1 ? pending[0] : Buffer.concat(pending, size);
    pending = [];
    size = 0;
    process.stdout.write(out);
  };
  return {
    write: bytes => {
      pending.push(Buffer.from(bytes));
      size += bytes.length;
      if (size >= 1 << 16) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    detach: () => {
      flush();
      t.detach();
    },
  };
}

/**
 * Where a tsxen process's xenstored listens: $TSXEN_XENSTORED_PATH, else a socket per process (several tsxen may
 * run at once) in $XDG_RUNTIME_DIR/tsxen, or in a private directory under the temporary directory.
 */
export function xenstoreSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSXEN_XENSTORED_PATH) return env.TSXEN_XENSTORED_PATH;
  const uid = process.getuid?.() ?? 0;
  const dir = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'tsxen') : join(tmpdir(), `tsxen-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  // whoever can reach the socket is as privileged as dom0: the directory must be ours alone
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0)
    throw new Error(`${dir} is not a private directory of this user: set TSXEN_XENSTORED_PATH to a socket path`);
  return join(dir, `xenstored.${process.pid}.sock`);
}

export async function serveXenstore(xenstored: Xenstored): Promise<XenstoreService> {
  return listenXenstore(xenstored, xenstoreSocketPath());
}
