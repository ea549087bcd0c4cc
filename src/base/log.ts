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

/**
 * Passes at most `burst` messages per `intervalMs`, then counts what it dropped and reports the count with the
 * next message that passes. The clock is injected so tests are deterministic.
 */
export class RateLimitedLogger {
  private windowStart = -Infinity;
  private inWindow = 0;
  private dropped = 0;
  constructor(
    private readonly logger: Logger,
    private readonly burst = 10,
    private readonly intervalMs = 5000,
    private readonly now: () => number = () => Date.now(),
  ) {}
  log(level: LogLevel, message: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.intervalMs) {
      this.windowStart = t;
      this.inWindow = 0;
    }
    if (this.inWindow >= this.burst) {
      this.dropped++;
      return;
    }
    this.inWindow++;
    const suffix = this.dropped ? ` (${this.dropped} similar messages suppressed)` : '';
    this.dropped = 0;
    this.logger.log(level, message + suffix);
  }
}
