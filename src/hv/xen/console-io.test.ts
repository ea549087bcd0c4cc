import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import { CONSOLEIO_read, CONSOLEIO_write, HYPERVISOR_console_io, XEN_EFAULT, XEN_EPERM } from '../../abi/xen/xen.js';
import { ConsoleRing } from './console-io.js';
import { GUEST, xenTestbed, type XenTestbed } from './testbed.js';

function write(t: XenTestbed, text: string | Uint8Array, at = GUEST.BUF): number {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  t.e.writePhys(at, bytes);
  return t.call(HYPERVISOR_console_io, [CONSOLEIO_write, bytes.length, at]);
}

test('CONSOLEIO_write lines go to the hypervisor console as "(dN) text" and to the domain debug log', async () => {
  const lines: string[] = [];
  const t = await xenTestbed(createEngine, { xen: { onGuestConsole: (d, l) => lines.push(`${d}:${l}`) } });
  assert.equal(write(t, 'hello\nwor'), 0);
  assert.equal(write(t, 'ld\n'), 0);
  assert.equal(t.xen.readConsole(), `(d${t.d.id}) hello\n(d${t.d.id}) world\n`);
  assert.equal(t.xen.debugLog(t.d.id), 'hello\nworld\n');
  assert.deepEqual(lines, [`${t.d.id}:hello`, `${t.d.id}:world`]);
  assert.equal(t.xen.readConsole(true).length > 0, true);
  assert.equal(t.xen.readConsole(), '');
});

test('non-printable bytes are dropped and an endless line is flushed at the line buffer size', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(write(t, Uint8Array.of(0x41, 0x1b, 0x5b, 0x07, 0x09, 0xff, 0x42, 0x0a)), 0);
  assert.equal(t.xen.debugLog(t.d.id), 'A[\tB\n');
  assert.equal(write(t, 'x'.repeat(500)), 0);
  // the line buffer holds under 200 characters; when a chunk does not fit, buffer and chunk go out together
  const log = t.xen.debugLog(t.d.id, true)!.split('\n').slice(1, -1);
  assert.ok(log.length >= 2 && log.every(l => l.length < 200 + 127), log.map(l => l.length).join());
  assert.equal(log.join('').length + t.d.consoleLineBuf.length, 500);
});

test('a long write continues in chunks; a bad buffer is -EFAULT; reading is -EPERM for a domU', async () => {
  const t = await xenTestbed(createEngine);
  const text = ('0123456789'.repeat(10) + '\n').repeat(60); // 6060 bytes
  t.e.writePhys(GUEST.BUF, new TextEncoder().encode(text));
  t.e.setPc(0, 0x4000_0008n);
  const r = t.call(HYPERVISOR_console_io, [CONSOLEIO_write, text.length, GUEST.BUF]);
  assert.equal(r, CONSOLEIO_write);
  assert.equal(t.e.pc(0), 0x4000_0004n);
  const left = Number(t.e.x(0, 1));
  assert.ok(left > 0 && left < text.length);
  assert.equal(t.e.x(0, 2), GUEST.BUF + BigInt(text.length - left));
  t.d.hypercall(0);
  assert.equal(t.e.x(0, 0), 0n);
  assert.equal(t.xen.debugLog(t.d.id), text);
  assert.equal(t.call(HYPERVISOR_console_io, [CONSOLEIO_write, 16, 0x1000]), -XEN_EFAULT);
  assert.equal(t.call(HYPERVISOR_console_io, [CONSOLEIO_read, 16, GUEST.BUF]), -XEN_EPERM);
  assert.equal(t.call(HYPERVISOR_console_io, [7, 16, GUEST.BUF]), -XEN_EPERM);
});

test('the console rings keep only their last bytes', () => {
  const r = new ConsoleRing(10);
  r.append('abcdef');
  r.append('ghijkl');
  assert.equal(r.read(), 'cdefghijkl');
  r.append('x'.repeat(25));
  assert.equal(r.read(), 'x'.repeat(10));
  assert.equal(r.dropped, 27);
});

test('a guest flooding the console cannot grow the host log past its limit', async () => {
  const t = await xenTestbed(createEngine, { xen: { consoleBytes: 4096, debugLogBytes: 1024 } });
  for (let i = 0; i < 50; i++) write(t, `line ${i} ${'y'.repeat(100)}\n`);
  assert.ok(t.xen.readConsole().length <= 4096);
  assert.ok(t.xen.debugLog(t.d.id)!.length <= 1024);
  assert.match(t.xen.debugLog(t.d.id)!, /line 49/);
});
