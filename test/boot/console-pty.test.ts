// The interactive console as a person uses it: `tsxen run` in a real pseudo-terminal (a detached tmux session),
// keys typed with send-keys, the screen read with capture-pane. Needs tmux (Debian package tmux) and the images
// of `tsxen image fetch`.

import { test } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { skipUnlessPeer, type Peer } from '../../src/host/peers.js';
import { BOOT_TIMEOUT_MS, COMMAND_TIMEOUT_MS, EXIT_TIMEOUT_MS, occurrences, REPO, requireImages, TSXEN } from './guest.js';

const TMUX: Peer = { command: 'tmux', debianPackage: 'tmux' };
const EXIT_LINE = /tsxen exited with status (\d+)/;

/** A tmux server of its own (socket in a temporary directory) with one detached session; `kill()` removes all. */
class TmuxSession {
  private readonly dir = mkdtempSync(join(tmpdir(), 'tsxen-pty-'));
  private readonly socket = join(this.dir, 'socket');
  private readonly config = join(this.dir, 'tmux.conf');
  private readonly target = 'console';

  constructor(command: string) {
    // History large enough for the whole boot log, so capture-pane sees everything since the start.
    writeFileSync(this.config, 'set -g history-limit 50000\n');
    this.tmux('new-session', '-d', '-s', this.target, '-x', '160', '-y', '50', '-c', REPO, command);
  }

  private tmux(...args: string[]): string {
    const env = { ...process.env };
    delete env['TMUX'];
    return execFileSync(TMUX.command, ['-f', this.config, '-S', this.socket, ...args], { encoding: 'utf8', env });
  }

  /** Everything the pane has shown, history included, wrapped lines joined. */
  capture(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', this.target, '-S', '-', '-E', '-');
  }

  /** Types `text` literally, then Enter. */
  typeLine(text: string): void {
    this.tmux('send-keys', '-t', this.target, '-l', text);
    this.tmux('send-keys', '-t', this.target, 'Enter');
  }

  /** Presses keys by tmux name, e.g. C-c. */
  press(key: string): void {
    this.tmux('send-keys', '-t', this.target, key);
  }

  /** Polls the pane until `done` holds; fails with what the pane shows after `timeoutMs`. */
  async waitFor(step: string, timeoutMs: number, done: (pane: string) => boolean): Promise<string> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const pane = this.capture();
      if (done(pane)) return pane;
      if (performance.now() > end) {
        const tail = pane.length > 6000 ? `[...]\n${pane.slice(-6000)}` : pane;
        throw new Error(`${step}: not on the screen within ${timeoutMs / 1000} s\n--- tmux pane ---\n${tail}\n--- end of pane ---`);
      }
      await delay(250);
    }
  }

  kill(): void {
    spawnSync(TMUX.command, ['-S', this.socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The screen ends with the busybox prompt (capture-pane drops its trailing space). */
function atPrompt(pane: string): boolean {
  return pane.trimEnd().endsWith('/ #');
}

test('the console in a terminal: commands run, Ctrl-C reaches the guest, Ctrl-] leaves tsxen with status 130 and a sane terminal',
  async (t) => {
    const skip = skipUnlessPeer(TMUX);
    if (skip !== false) return t.skip(skip);
    if ((await requireImages(t)) === undefined) return;
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // The shell around tsxen reports its exit status and the terminal's mode after it, and keeps the pane open.
    const tmux = new TmuxSession(`${quote(process.execPath)} ${quote(TSXEN)} run; ` +
      `echo "tsxen exited with status $?"; echo "terminal: $(stty -a | tr '\\n' ' ')"; sleep 3600`);
    t.after(() => tmux.kill());

    await tmux.waitFor('the initramfs ready line and the shell prompt', BOOT_TIMEOUT_MS,
      pane => /tsxen initramfs: ready/.test(pane) && atPrompt(pane));

    tmux.typeLine('echo $((6*7))');
    await tmux.waitFor('42 from echo $((6*7)), then the prompt', COMMAND_TIMEOUT_MS,
      pane => /^42$/m.test(pane) && atPrompt(pane));

    // Ctrl-C in raw mode goes to the guest: it interrupts the guest's sleep, and tsxen keeps running.
    const prompts = occurrences(tmux.capture(), '/ #');
    tmux.typeLine('echo started; sleep 1000');
    await tmux.waitFor('"started" before the sleep', COMMAND_TIMEOUT_MS, pane => /^started$/m.test(pane));
    await delay(2000); // let the shell exec sleep, so Ctrl-C hits it and not the shell
    tmux.press('C-c');
    await tmux.waitFor('the prompt back after Ctrl-C on `sleep 1000`', COMMAND_TIMEOUT_MS,
      pane => occurrences(pane, '/ #') > prompts && atPrompt(pane));
    tmux.typeLine('echo "status $?"');
    await tmux.waitFor('status 130 of the interrupted sleep (128 + SIGINT)', COMMAND_TIMEOUT_MS,
      pane => /^status 130$/m.test(pane) && atPrompt(pane));

    tmux.press('C-]');
    const pane = await tmux.waitFor('tsxen exiting after Ctrl-]', EXIT_TIMEOUT_MS, p => /^terminal: /m.test(p));
    const status = EXIT_LINE.exec(pane)?.[1];
    const fail = (what: string) => new Error(`${what}\n--- tmux pane ---\n${pane.slice(-3000)}\n--- end of pane ---`);
    if (status !== '130' || !pane.includes('guest stopped from the console')) {
      throw fail(`Ctrl-] should end tsxen with status 130 and "guest stopped from the console"; got status ${status}`);
    }
    // Raw mode is undone: line editing and echo are back for the shell that started tsxen.
    const modes = /^terminal: (.*)$/m.exec(pane)![1]!.split(/[\s;]+/);
    if (!modes.includes('icanon') || !modes.includes('echo') || !modes.includes('isig')) {
      throw fail('the terminal is still in raw mode after tsxen exited (stty shows no icanon, echo or isig)');
    }
  });
