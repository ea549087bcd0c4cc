// base/log.ts - logging for every layer: a sink chosen by the entry point (host/) and rate limiting for messages
// a guest can trigger (STYLE.md rule 6: a guest's mistake is a guest-visible error plus a rate-limited log).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogSink = (level: LogLevel, source: string, message: string) => void;

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

let sink: LogSink = () => {};
let minLevel: LogLevel = 'info';

/** Install the process's log sink (entry points do this; the default drops everything). */
export function setLogSink(s: LogSink, level: LogLevel = 'info'): void {
  sink = s;
  minLevel = level;
}

export class Logger {
  constructor(readonly source: string) {}
  log(level: LogLevel, message: string): void {
    if (LEVELS[level] >= LEVELS[minLevel]) sink(level, this.source, message);
  }
  debug(m: string): void { this.log('debug', m); }
  info(m: string): void { this.log('info', m); }
  warn(m: string): void { this.log('warn', m); }
  error(m: string): void { this.log('error', m); }
}

/** Where a RateLimitedLog's lines go (usually `line => logger.warn(line)`). */
export type LineSink = (line: string) => void;

/**
 * Log lines about guest mistakes without letting a guest flood the host log: each kind of message (its key)
 * is printed the first `burst` times, then only at the 2^k-th occurrence with the running count.
 */
export class RateLimitedLog {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly sink: LineSink,
    private readonly burst = 8,
  ) {}

  warn(key: string, message: string | (() => string)): void {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n > this.burst && (n & (n - 1)) !== 0) return;
    const text = typeof message === 'string' ? message : message();
    this.sink(n > this.burst ? `${text} (seen ${n} times)` : text);
  }

  /** How often `key` was reported (tests and statistics). */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
