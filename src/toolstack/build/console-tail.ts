// toolstack/build/console-tail.ts - what the toolstack keeps of a guest's console: the last lines, to show with a
// crash report, and Linux's end-of-panic line. Linux on arm64 tells Xen nothing when it panics: unlike x86
// (arch/x86/xen/enlighten.c xen_panic_event -> SCHEDOP_shutdown(SHUTDOWN_crash)), arch/arm/xen/enlighten.c
// registers only a restart handler and pm_power_off, so a panicking arm64 guest prints
// "---[ end Kernel panic - not syncing: <why> ]---" (kernel/panic.c) and spins in panic() for ever
// (panic_timeout = 0). The toolstack takes that line as the guest's crash, as xl's on_crash = "destroy" would
// have had the kernel reported it.

const PANIC_END = /---\[ end Kernel panic - not syncing: (.*?) \]---/;
/** Longest line kept (a guest printing without newlines must not grow the buffer for ever). */
const MAX_LINE = 1024;

export interface ConsoleTailOptions {
  /** Lines kept (default 20). */
  lines?: number;
  /** Linux printed the end of a panic; `why` is the panic message. Called once. */
  onPanic?: (why: string) => void;
}

export class ConsoleTail {
  private readonly kept: string[] = [];
  private partial = '';
  private readonly max: number;
  private panicked = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly opts: ConsoleTailOptions = {}) {
    this.max = opts.lines ?? 20;
  }

  /** Bytes the guest wrote to its console. */
  push(bytes: Uint8Array): void {
    const text = this.partial + this.decoder.decode(bytes, { stream: true });
    const lines = text.split('\n');
    this.partial = lines.pop()!.slice(-MAX_LINE);
    for (const raw of lines) this.line(raw.replace(/\r/g, ''));
  }

  private line(l: string): void {
    this.kept.push(l.slice(0, MAX_LINE));
    if (this.kept.length > this.max) this.kept.shift();
    const m = PANIC_END.exec(l);
    if (m && !this.panicked) {
      this.panicked = true;
      this.opts.onPanic?.(m[1]!);
    }
  }

  /** The last lines, oldest first, with an unfinished last line if there is one. */
  lines(): string[] {
    const tail = this.partial.replace(/\r/g, '');
    return tail ? [...this.kept, tail].slice(-this.max) : [...this.kept];
  }
}
