// test/boot/guest.ts - drives `tsxen run` as a user does, through pipes: waits for what the guest prints, types
// commands at its shell, and on a missed step fails with the console transcript. Shared by the boot tests and
// bench/boot. Not a test file itself.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { NodeImageHost } from '../../src/host/image-host.js';
import { fetchImages, type ImageSet } from '../../src/toolstack/image/fetch-images.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const TSXEN = join(REPO, 'bin', 'tsxen.mjs');

// Step timeouts, generous on purpose: a boot takes ~25 s on an idle host today and several times that on a
// loaded CI machine running other test files beside it. They only bound a hung guest; nothing here is timed.
export const BOOT_TIMEOUT_MS = 300_000;
export const COMMAND_TIMEOUT_MS = 120_000;
export const EXIT_TIMEOUT_MS = 60_000;

/** The busybox shell prompt of the tsxen initramfs (root in /). */
export const PROMPT = '/ # ';

const FETCH_HINT = 'run `tsxen image fetch` (or `node --import tsx scripts/image-fetch.ts`) first';

/** The images a previous `tsxen image fetch` left in the cache (no network), or why there are none. */
export async function cachedImages(): Promise<ImageSet | string> {
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  try {
    return await fetchImages({ host: new NodeImageHost({ stderr: quiet, progress: false }), offline: true });
  } catch (e) {
    return `the guest images are not in the cache: ${FETCH_HINT} (${(e as Error).message})`;
  }
}

/**
 * The guest images for a boot test. When they are missing the test fails under CI (CI=true: .ci/run fetches them
 * before the tests) and is skipped elsewhere; either way the message says to run `tsxen image fetch`.
 */
export async function requireImages(t: TestContext): Promise<ImageSet | undefined> {
  const images = await cachedImages();
  if (typeof images !== 'string') return images;
  if (process.env.CI === 'true') throw new Error(images);
  t.skip(images);
  return undefined;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Terminal escape sequences (CSI and OSC) that busybox's line editor writes, e.g. ESC[6n. */
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

/**
 * A guest console on pipes: `tsxen run` (or, for bench/boot, qemu-system-aarch64 -nographic). Output of stdout and
 * stderr is kept in order of arrival.
 */
export class GuestConsole {
  readonly child: ChildProcess;
  readonly started = performance.now();
  /** What the user would have seen, carriage returns and escape sequences removed. */
  private text = '';
  private exit: Exit | undefined;
  private readonly exited: Promise<Exit>;
  private readonly listeners = new Set<() => void>();
  private marker = 0;

  /** `label` names the command in failures, e.g. "tsxen run --vcpus 2". */
  constructor(readonly label: string, command: string, args: string[]) {
    this.child = spawn(command, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    const take = (chunk: Buffer) => {
      this.text += chunk.toString('utf8').replace(ESCAPES, '').replace(/\r/g, '');
      for (const l of this.listeners) l();
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.child.stdin!.on('error', () => {}); // typing into a guest that just exited is not an error of the test
    this.exited = new Promise(resolve => {
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal };
        for (const l of this.listeners) l();
        resolve(this.exit);
      });
    });
  }

  get transcript(): string {
    return this.text;
  }

  /** Where the next output will start in the transcript. */
  get position(): number {
    return this.text.length;
  }

  /**
   * Resolves with the first match of `pattern` in the transcript at or after `from`. Rejects with the transcript
   * when `timeoutMs` passes or tsxen exits first; `step` says what was awaited, as the failure's first words.
   */
  waitFor(pattern: RegExp, step: string, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this.text.slice(from));
        if (m !== null) {
          m.index += from;
          done();
          resolve(m);
        } else if (this.exit !== undefined) {
          done();
          reject(this.failure(`${step}: tsxen exited (${describeExit(this.exit)}) before it appeared`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(this.failure(`${step}: not seen within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Waits for the shell prompt that follows `from`. */
  async waitPrompt(step: string, from: number, timeoutMs = COMMAND_TIMEOUT_MS): Promise<number> {
    const m = await this.waitFor(/\/ # /, step, timeoutMs, from);
    return m.index + PROMPT.length;
  }

  /** Types a line at the guest's console. */
  type(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /**
   * Runs `command` at the shell prompt (which must be showing) and returns what it printed and its exit status.
   * Its output is framed by markers the echoed command line cannot contain ("@@B""1" prints as @@B1).
   */
  async run(command: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<{ output: string; status: number }> {
    const n = ++this.marker;
    const from = this.position;
    this.type(`echo "@@B""${n}@@"; ${command}; echo "@@E""${n}@@ $?"`);
    const m = await this.waitFor(new RegExp(`^@@B${n}@@\\n([^]*?)^@@E${n}@@ (\\d+)$`, 'm'), `\`${command}\``, timeoutMs, from);
    await this.waitPrompt(`the prompt after \`${command}\``, m.index + m[0].length, timeoutMs);
    return { output: m[1]!, status: Number(m[2]) };
  }

  /** Resolves with the exit status; rejects with the transcript if tsxen is still running after `timeoutMs`. */
  async waitExit(step: string, timeoutMs = EXIT_TIMEOUT_MS): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`${step}: tsxen still running after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops tsxen if it is still running (test cleanup). */
  kill(): void {
    if (this.exit === undefined && this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  /** Fails the test with `message` and the transcript unless `ok`. */
  expect(ok: boolean, message: string): void {
    if (!ok) throw this.failure(message);
  }

  /** An Error carrying the end of the transcript; the whole transcript goes to a file named in the message. */
  failure(message: string): Error {
    const file = join(tmpdir(), `tsxen-boot-${process.pid}-${Date.now()}.log`);
    let saved = '';
    try {
      writeFileSync(file, this.text);
      saved = ` (whole transcript: ${file})`;
    } catch {
      // the tail below is still there
    }
    const tail = this.text.length > 6000 ? `[... ${this.text.length - 6000} characters before ...]\n${this.text.slice(-6000)}` : this.text;
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    return new Error(`${this.label}: ${message} [${seconds} s after start]${saved}\n` +
      `--- console transcript ---\n${tail}\n--- end of transcript ---`);
  }
}

/** `tsxen <args>` from this checkout, as a user runs it (bin/tsxen.mjs). */
export function tsxen(args: string[]): GuestConsole {
  return new GuestConsole(`tsxen ${args.join(' ')}`, process.execPath, [TSXEN, ...args]);
}

export function describeExit(e: Exit): string {
  return e.signal !== null ? `signal ${e.signal}` : `status ${e.code}`;
}

/** How many times `needle` occurs in `haystack`. */
export function occurrences(haystack: string, needle: string | RegExp): number {
  if (typeof needle === 'string') return haystack.split(needle).length - 1;
  return [...haystack.matchAll(new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : needle.flags + 'g'))].length;
}

/**
 * Make the guest panic (sysrq c) and check what a user sees: tsxen ends with status 1 and a crash report that
 * names the panic and ends with the guest's last console lines.
 */
export async function expectPanicReport(guest: GuestConsole, timeoutMs: number): Promise<void> {
  const from = guest.position;
  guest.type('echo c > /proc/sysrq-trigger');
  const exit = await guest.waitExit('exit after the guest panicked', timeoutMs);
  guest.expect(exit.code === 1, `tsxen ended with ${describeExit(exit)} after a guest panic, not status 1`);
  const report = guest.transcript.slice(from);
  guest.expect(report.includes('tsxen run: guest crashed: Linux panicked: sysrq triggered crash'),
    'no crash report naming the panic');
  guest.expect(/the guest's last console lines:\n(  \| .*\n)*  \| .*---\[ end Kernel panic - not syncing: sysrq triggered crash \]---/
    .test(report), 'the crash report does not end with the guest\'s last console lines');
}
