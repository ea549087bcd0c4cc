import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleBackend } from './console-backend.js';

function setup() {
  const page = new Uint8Array(new SharedArrayBuffer(4096));
  const dv = new DataView(page.buffer);
  const out: number[] = [];
  const errors: string[] = [];
  let kicks = 0;
  const b = new ConsoleBackend({ page, notify: () => kicks++, output: bytes => out.push(...bytes), onGuestError: m => errors.push(m) });
  // Guest side helpers
  const guestWrite = (s: string) => {
    let prod = dv.getUint32(3084, true);
    for (const c of new TextEncoder().encode(s)) page[1024 + (prod++ & 2047)] = c;
    dv.setUint32(3084, prod >>> 0, true);
  };
  const guestRead = () => {
    let cons = dv.getUint32(3072, true);
    const prod = dv.getUint32(3076, true);
    const got: number[] = [];
    while (cons !== prod) got.push(page[cons++ & 1023]);
    dv.setUint32(3072, cons, true);
    return new TextDecoder().decode(new Uint8Array(got));
  };
  return { page, dv, b, out, errors, kicks: () => kicks, guestWrite, guestRead };
}

test('connect clears the connection byte and kicks the guest', () => {
  const s = setup();
  s.page[3088] = 1;
  s.b.connect();
  assert.equal(s.page[3088], 0);
  assert.equal(s.kicks(), 1);
});

test('guest output is drained in order across the ring wrap', () => {
  const s = setup();
  s.dv.setUint32(3080, 2040, true);
  s.dv.setUint32(3084, 2040, true);
  s.guestWrite('hello, wrapped world');
  s.b.onKick();
  assert.equal(new TextDecoder().decode(new Uint8Array(s.out)), 'hello, wrapped world');
  assert.equal(s.dv.getUint32(3080, true), 2040 + 20);
});

test('input beyond the 1 KiB ring waits and is delivered as the guest consumes', () => {
  const s = setup();
  const text = 'x'.repeat(1500);
  s.b.input(new TextEncoder().encode(text));
  let got = s.guestRead();
  assert.equal(got.length, 1024);
  s.b.onKick();
  got += s.guestRead();
  assert.equal(got, text);
});

test('corrupt guest indices are a logged guest error, not an exception', () => {
  const s = setup();
  s.dv.setUint32(3084, 100000, true);
  assert.doesNotThrow(() => s.b.onKick());
  assert.match(s.errors[0], /out ring/);
  assert.deepEqual(s.out, []);
});
