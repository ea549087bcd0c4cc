// cpu/jit/wasm.test.ts - the JIT's WebAssembly binary writer (wasm.ts): LEB128 immediates against a reference
// decoder (WebAssembly Core Specification 2.0, 5.2.2 "Integers"), and modules that V8 validates and runs over a
// shared Memory like the domain's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, I32, I64, Op, VOID, moduleBytes, type WasmFunction } from './wasm.js';

/** Spec 5.2.2: unsigned LEB128 of at most ceil(N/7) bytes; returns the value and the bytes it used. */
function decodeUnsigned(b: Uint8Array, bits: number): { value: bigint; length: number } {
  let value = 0n, shift = 0n, i = 0;
  for (;;) {
    assert.ok(i < Math.ceil(bits / 7), 'no more than ceil(N/7) bytes');
    const byte = b[i++];
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) return { value, length: i };
  }
}

/** Spec 5.2.2: signed LEB128, sign-extended from the last byte's bit 6. */
function decodeSigned(b: Uint8Array, bits: number): { value: bigint; length: number } {
  const { value, length } = decodeUnsigned(b, bits);
  const wide = BigInt.asIntN(7 * length, value);
  assert.equal(BigInt.asIntN(bits, wide), wide, 'the last byte\'s unused bits extend the sign');
  return { value: wide, length };
}

/** Fewest bytes a signed LEB128 of `v` needs: the smallest n with -2^(7n-1) <= v < 2^(7n-1). */
function minSignedLength(v: bigint): number {
  let n = 1;
  while (v < -(1n << BigInt(7 * n - 1)) || v >= 1n << BigInt(7 * n - 1)) n++;
  return n;
}

const SIGNED_EDGES = [0n, 63n, 64n, -1n, -64n, -65n, 1n << 31n, -(1n << 31n), -(1n << 63n), (1n << 63n) - 1n];

test('signed LEB128 round-trips the edge values in the fewest bytes', () => {
  for (const v of SIGNED_EDGES) {
    const bytes = new Code().s64(v).bytes();
    const d = decodeSigned(bytes, 64);
    assert.equal(d.value, v, `value ${v}`);
    assert.equal(d.length, bytes.length, `${v}: the last byte ends the number`);
    assert.equal(bytes.length, minSignedLength(v), `${v}: length`);
  }
});

test('signed LEB128 bytes of values at the 7-bit boundaries', () => {
  const enc = (v: bigint) => [...new Code().s64(v).bytes()];
  assert.deepEqual(enc(0n), [0x00]);
  assert.deepEqual(enc(63n), [0x3f]);
  assert.deepEqual(enc(64n), [0xc0, 0x00]); // bit 6 set would read as negative
  assert.deepEqual(enc(-1n), [0x7f]);
  assert.deepEqual(enc(-64n), [0x40]);
  assert.deepEqual(enc(-65n), [0xbf, 0x7f]);
  assert.deepEqual(enc(1n << 31n), [0x80, 0x80, 0x80, 0x80, 0x08]);
  assert.deepEqual(enc(-(1n << 63n)), [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  assert.deepEqual(enc((1n << 63n) - 1n), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
});

test('s64 takes its argument modulo 2^64 and s32 modulo 2^32, as two\'s complement', () => {
  assert.equal(decodeSigned(new Code().s64(1n << 63n).bytes(), 64).value, -(1n << 63n));
  assert.equal(decodeSigned(new Code().s64((1n << 64n) - 1n).bytes(), 64).value, -1n);
  assert.equal(decodeSigned(new Code().s32(0x8000_0000).bytes(), 32).value, -(1n << 31n));
  assert.equal(decodeSigned(new Code().s32(-1).bytes(), 32).value, -1n);
});

test('unsigned LEB128 round-trips 32-bit values', () => {
  for (const v of [0, 63, 64, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32 - 1]) {
    const bytes = new Code().u32(v).bytes();
    const d = decodeUnsigned(bytes, 32);
    assert.equal(d.value, BigInt(v), `value ${v}`);
    assert.equal(d.length, bytes.length);
    assert.equal(bytes.length, Math.max(1, Math.ceil(Math.log2(v + 1) / 7)), `${v}: length`);
  }
});

test('a Code buffer grows past its initial size and append copies it', () => {
  const a = new Code();
  for (let i = 0; i < 3000; i++) a.byte(i & 0xff);
  const b = new Code().byte(0xaa).append(a);
  const bytes = b.bytes();
  assert.equal(bytes.length, 3001);
  assert.equal(bytes[0], 0xaa);
  assert.equal(bytes[3000], 2999 & 0xff);
});

// ---------------------------------------------------------------- modules

/** (value: i64, addr: i32, n: i32) -> i64, the shape of the JIT's block functions. */
const PARAMS = [I64, I32, I32], RESULTS = [I64];

/** mem64[addr] += value, n times in a loop (a local counts down); returns the new mem64[addr]. */
function addLoop(): WasmFunction {
  const c = new Code(), n = 2, k = 3;
  c.get(n).set(k);
  c.op(Op.block).byte(VOID).op(Op.loop).byte(VOID);
  c.get(k).op(Op.i32Eqz).op(Op.brIf).u32(1);
  c.get(1).get(1).mem(Op.i64Load, 3).get(0).op(Op.i64Add).mem(Op.i64Store, 3);
  c.get(k).i32(1).op(Op.i32Sub).set(k);
  c.op(Op.br).u32(0);
  c.op(Op.end).op(Op.end);
  c.get(1).mem(Op.i64Load, 3);
  return { locals: [[1, I32]], body: c };
}

/** Returns the constant `v` (the engine's decoder checks the LEB128 of every edge value). */
function constant(v: bigint): WasmFunction {
  return { locals: [], body: new Code().i64(v) };
}

test('a module from moduleBytes validates and its functions run over a shared Memory', () => {
  const funcs = [addLoop(), ...SIGNED_EDGES.map(constant)];
  const bytes = moduleBytes(PARAMS, RESULTS, funcs);
  assert.equal(WebAssembly.validate(bytes), true);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const f = instance.exports as Record<string, (v: bigint, addr: number, n: number) => bigint>;
  const view = new DataView(memory.buffer);
  view.setBigInt64(64, 5n, true);
  assert.equal(f.f0(3n, 64, 4), 17n);
  assert.equal(view.getBigInt64(64, true), 17n, 'the store reached the shared Memory');
  SIGNED_EDGES.forEach((v, i) => assert.equal(f[`f${i + 1}`](0n, 0, 0), v, `constant ${v}`));
});

test('a module that imports a non-shared Memory is rejected', () => {
  const bytes = moduleBytes(PARAMS, RESULTS, [constant(1n)]);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  assert.throws(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }), WebAssembly.LinkError);
});
