import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import { enableMmu, PageTables, DEFAULT_ATTRS, PTE, MEM } from '../../cpu/testing.js';
import { xenTestbed } from './testbed.js';

/** Guest VA 0xffff_0000_0000_0000 + ... mapped page by page onto scattered physical pages. */
async function mapped() {
  const t = await xenTestbed(createEngine);
  const tables = new PageTables(t.e, MEM.TABLES, 48);
  const va = 0x0000_7000_0000_0000n;
  // page 0 -> DATA + 0x5000, page 1 -> DATA + 0x2000 (not contiguous), page 2 unmapped, page 3 read-only
  tables.map(va, MEM.DATA + 0x5000n, 0x1000n);
  tables.map(va + 0x1000n, MEM.DATA + 0x2000n, 0x1000n);
  tables.map(va + 0x3000n, MEM.DATA + 0x7000n, 0x1000n, { attrs: (DEFAULT_ATTRS & ~(3n << 6n)) | PTE.AP_RO_EL1 });
  enableMmu(t.e, 0, { ttbr0: tables });
  return { t, va };
}

test('a copy that crosses a page boundary follows the stage-1 tables page by page', async () => {
  const { t, va } = await mapped();
  const data = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
  assert.equal(t.d.guest.write(0, va + 0xfe0n, data), true);
  assert.deepEqual([...t.e.readPhys(MEM.DATA + 0x5fe0n, 32)], [...data.subarray(0, 32)]);
  assert.deepEqual([...t.e.readPhys(MEM.DATA + 0x2000n, 32)], [...data.subarray(32)]);
  assert.deepEqual([...t.d.guest.read(0, va + 0xfe0n, 64)!], [...data]);
});

test('any faulting page makes the whole copy fail before a byte moves', async () => {
  const { t, va } = await mapped();
  t.e.writePhys(MEM.DATA + 0x2000n, new Uint8Array(0x1000).fill(7));
  // pages 1 and 2: page 2 has no translation
  assert.equal(t.d.guest.write(0, va + 0x1ff0n, new Uint8Array(32)), false);
  assert.deepEqual([...t.e.readPhys(MEM.DATA + 0x2ff0n, 16)], new Array(16).fill(7));
  assert.equal(t.d.guest.read(0, va + 0x1ff0n, 32), null);
  // page 3 is read-only at EL1: readable, not writable
  assert.notEqual(t.d.guest.read(0, va + 0x3000n, 8), null);
  assert.equal(t.d.guest.write(0, va + 0x3000n, new Uint8Array(8)), false);
});

test('hostile addresses and lengths are faults, not exceptions', async () => {
  const { t } = await mapped();
  for (const va of [-1n, 1n << 64n, (1n << 64n) - 1n, 0xffff_ffff_ffff_f000n, 0x4000_0000n]) {
    assert.equal(t.d.guest.read(0, va, 16), null, `0x${va.toString(16)}`);
    assert.equal(t.d.guest.write(0, va, new Uint8Array(16)), false);
  }
  assert.equal(t.d.guest.read(0, 0n, -1), null);
  assert.equal(t.d.guest.readU64(0, 0x7000_0000_2000n, 1), null);
});

test('with the MMU off a virtual address is the physical address', async () => {
  const t = await xenTestbed(createEngine);
  t.e.writePhys(MEM.DATA, Uint8Array.of(1, 2, 3, 4));
  assert.deepEqual([...t.d.guest.read(0, MEM.DATA, 4)!], [1, 2, 3, 4]);
  assert.equal(t.d.guest.readU32(0, MEM.DATA), 0x04030201);
  // the end of RAM: the last 4 bytes are fine, one more is not
  const end = 0x4000_0000n + BigInt(t.e.ramSize);
  assert.notEqual(t.d.guest.read(0, end - 4n, 4), null);
  assert.equal(t.d.guest.read(0, end - 4n, 5), null);
});

test('gfnToHost: RAM frames, frames outside RAM and absurd frame numbers', async () => {
  const t = await xenTestbed(createEngine);
  assert.ok(t.d.guest.gfnToHost(0x40000n) > 0);
  assert.equal(t.d.guest.gfnToHost(0x3ffffn), -1);
  assert.equal(t.d.guest.gfnToHost(1n << 60n), -1);
  assert.equal(t.d.guest.gfnToHost((1n << 64n) - 1n), -1);
});
