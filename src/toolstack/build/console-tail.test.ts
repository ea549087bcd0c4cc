import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleTail } from './console-tail.js';

const bytes = (s: string) => new TextEncoder().encode(s);

test('keeps the last lines, joining lines split across writes and dropping carriage returns', () => {
  const t = new ConsoleTail({ lines: 3 });
  t.push(bytes('one\r\ntw'));
  t.push(bytes('o\r\nthree\nfour\nfi'));
  assert.deepEqual(t.lines(), ['three', 'four', 'fi']);
});

test('Linux\'s end-of-panic line reports the panic message once', () => {
  const seen: string[] = [];
  const t = new ConsoleTail({ onPanic: why => seen.push(why) });
  t.push(bytes('[    5.0] Kernel panic - not syncing: sysrq triggered crash\n[    5.1] ---[ end Kernel panic - not sync'));
  assert.deepEqual(seen, []);
  t.push(bytes('ing: sysrq triggered crash ]---\r\n'));
  t.push(bytes('[    5.2] ---[ end Kernel panic - not syncing: again ]---\n'));
  assert.deepEqual(seen, ['sysrq triggered crash']);
});

test('a guest that never ends a line cannot grow the tail without bound', () => {
  const t = new ConsoleTail({ lines: 2 });
  for (let i = 0; i < 100; i++) t.push(new Uint8Array(1000).fill(0x41));
  assert.ok(t.lines().join('').length <= 1024);
});
