// host/terminal.ts - attaches a guest console to the user's terminal, as `xl console` does: raw mode so Ctrl-C
// and friends reach the guest, Ctrl-] (0x1d) to leave. Output is written as the guest produces it.

import type { ReadStream, WriteStream } from 'node:tty';

export const ESCAPE_BYTE = 0x1d; // Ctrl-]

export interface TerminalAttachment {
  /** Stop reading input and restore the terminal mode. */
  detach(): void;
}

export interface AttachOptions {
  input: NodeJS.ReadableStream & Partial<Pick<ReadStream, 'setRawMode' | 'isTTY'>>;
  output: NodeJS.WritableStream & Partial<Pick<WriteStream, 'isTTY'>>;
  /** Bytes typed by the user (escape byte removed). */
  onInput(bytes: Uint8Array): void;
  /** The user pressed the escape key. */
  onEscape(): void;
}

export function attachTerminal(opts: AttachOptions): TerminalAttachment {
  const { input } = opts;
  const raw = input.isTTY === true && typeof input.setRawMode === 'function';
  if (raw) input.setRawMode!(true);
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk);
    const esc = bytes.indexOf(ESCAPE_BYTE);
    if (esc >= 0) {
      if (esc > 0) opts.onInput(bytes.subarray(0, esc));
      opts.onEscape();
      return;
    }
    opts.onInput(bytes);
  };
  input.on('data', onData);
  input.resume();
  let attached = true;
  return {
    detach(): void {
      if (!attached) return;
      attached = false;
      input.off('data', onData);
      input.pause();
      if (raw) input.setRawMode!(false);
    },
  };
}
