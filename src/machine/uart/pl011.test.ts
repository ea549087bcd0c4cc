import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pl011 } from './pl011.js';

const DR = 0x000, FR = 0x018, LCR_H = 0x02c, CR = 0x030, IMSC = 0x038, RIS = 0x03c, MIS = 0x040, ICR = 0x044;

function uart() {
  const out: number[] = [];
  const irq: boolean[] = [];
  const u = new Pl011({ onTransmit: b => out.push(b), setIrq: l => irq.push(l) });
  u.write(CR, 4, 0x301n); // UARTEN | TXE | RXE
  return { u, out, irq };
}

test('bytes written to UARTDR reach the console when the UART is enabled', () => {
  const { u, out } = uart();
  for (const c of 'hi\n') u.write(DR, 4, BigInt(c.charCodeAt(0)));
  assert.equal(String.fromCharCode(...out), 'hi\n');
  u.write(CR, 4, 0n);
  u.write(DR, 4, 0x41n);
  assert.equal(out.length, 3, 'a disabled UART transmits nothing');
});

test('UARTFR shows an empty transmit FIFO and the receive FIFO state', () => {
  const { u } = uart();
  assert.equal(Number(u.read(FR, 4)) & 0xf0, 0x90); // TXFE | RXFE
  u.receive(new Uint8Array([0x61]));
  assert.equal(Number(u.read(FR, 4)) & 0x10, 0);
  assert.equal(Number(u.read(FR, 4)) & 0x40, 0x40, 'one entry fills the FIFO while FEN is clear');
});

test('received bytes raise the RX interrupt and reading them lowers it', () => {
  const { u, irq } = uart();
  u.write(IMSC, 4, 0x50n); // RXIM | RTIM
  u.receive(new TextEncoder().encode('ab'));
  assert.equal(irq.at(-1), true);
  assert.equal(Number(u.read(MIS, 4)) & 0x50, 0x50);
  assert.equal(Number(u.read(DR, 4)), 0x61);
  assert.equal(Number(u.read(DR, 4)), 0x62);
  assert.equal(irq.at(-1), false);
  assert.equal(Number(u.read(FR, 4)) & 0x10, 0x10);
});

test('input beyond the 32-entry FIFO is kept and delivered in order', () => {
  const { u } = uart();
  u.write(LCR_H, 4, 0x70n); // FEN, 8 bits
  const input = new Uint8Array(100).map((_, i) => i);
  u.receive(input);
  const got: number[] = [];
  while ((Number(u.read(FR, 4)) & 0x10) === 0) got.push(Number(u.read(DR, 4)));
  assert.deepEqual(got, [...input]);
});

test('UARTICR write clears the TX interrupt until the next transmitted byte', () => {
  const { u, irq } = uart();
  u.write(IMSC, 4, 0x20n); // TXIM
  u.write(DR, 4, 0x41n);
  assert.equal(Number(u.read(RIS, 4)) & 0x20, 0x20);
  assert.equal(irq.at(-1), true);
  u.write(ICR, 4, 0x20n);
  assert.equal(Number(u.read(RIS, 4)) & 0x20, 0);
  assert.equal(irq.at(-1), false);
});

test('PrimeCell identification registers identify a PL011', () => {
  const { u } = uart();
  const id = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map(o => Number(u.read(o, 4)));
  assert.equal(id[0] | ((id[1] & 0xf) << 8), 0x011);
  assert.deepEqual(id.slice(4), [0x0d, 0xf0, 0x05, 0xb1]);
});

test('save and restore keep pending input', () => {
  const { u } = uart();
  u.receive(new Uint8Array([1, 2, 3]));
  const s = u.save();
  const { u: v } = uart();
  v.restore(s);
  assert.equal(Number(v.read(DR, 4)), 1);
});
