import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ElfError, parseElf, PF_R, PF_X, symbolize } from './elf.js';

interface FakeElf {
  type?: number;
  machine?: number;
  klass?: number;
  data?: number;
  phType?: number;
  filesz?: number;
  memsz?: number;
  symbols?: { name: string; value: bigint }[];
}

/** A minimal ELF64 executable: header, one program header, 16 bytes of code, optional .symtab/.strtab. */
function fakeElf(o: FakeElf = {}): Uint8Array {
  const syms = o.symbols ?? [];
  const strtab = [0];
  const nameOff = syms.map(s => {
    const off = strtab.length;
    for (const c of s.name) strtab.push(c.charCodeAt(0));
    strtab.push(0);
    return off;
  });
  const codeOff = 0x78, code = 16;
  const symOff = codeOff + code, symSize = 24 * (syms.length + 1);
  const strOff = symOff + symSize;
  const shOff = (strOff + strtab.length + 7) & ~7;
  const b = new Uint8Array(shOff + 3 * 64);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, o.klass ?? 2, o.data ?? 1, 1]);
  v.setUint16(16, o.type ?? 2, true);
  v.setUint16(18, o.machine ?? 183, true);
  v.setBigUint64(24, 0x40080000n, true); // e_entry
  v.setBigUint64(32, 64n, true); // e_phoff
  v.setBigUint64(40, BigInt(syms.length ? shOff : 0), true); // e_shoff
  v.setUint16(54, 56, true);
  v.setUint16(56, 1, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, syms.length ? 3 : 0, true);
  // PT_LOAD
  v.setUint32(64, o.phType ?? 1, true);
  v.setUint32(68, PF_R | PF_X, true);
  v.setBigUint64(72, BigInt(codeOff), true);
  v.setBigUint64(80, 0x40080000n, true);
  v.setBigUint64(88, 0x40080000n, true);
  v.setBigUint64(96, BigInt(o.filesz ?? code), true);
  v.setBigUint64(104, BigInt(o.memsz ?? 0x100), true);
  b.fill(0xaa, codeOff, codeOff + code);
  syms.forEach((s, i) => {
    const e = symOff + 24 * (i + 1);
    v.setUint32(e, nameOff[i], true);
    b[e + 4] = 0; // STB_LOCAL, STT_NOTYPE (a label)
    v.setUint16(e + 6, 1, true); // st_shndx: some section
    v.setBigUint64(e + 8, s.value, true);
  });
  b.set(strtab, strOff);
  // section 1: .symtab (link = 2), section 2: .strtab
  v.setUint32(shOff + 64 + 4, 2, true);
  v.setBigUint64(shOff + 64 + 24, BigInt(symOff), true);
  v.setBigUint64(shOff + 64 + 32, BigInt(symSize), true);
  v.setUint32(shOff + 64 + 40, 2, true);
  v.setUint32(shOff + 128 + 4, 3, true);
  v.setBigUint64(shOff + 128 + 24, BigInt(strOff), true);
  v.setBigUint64(shOff + 128 + 32, BigInt(strtab.length), true);
  return b;
}

test('a static AArch64 executable yields its entry point and PT_LOAD segments with BSS size', () => {
  const img = parseElf(fakeElf());
  assert.equal(img.entry, 0x40080000n);
  assert.equal(img.segments.length, 1);
  assert.equal(img.segments[0].vaddr, 0x40080000n);
  assert.equal(img.segments[0].data.length, 16);
  assert.equal(img.segments[0].memsz, 0x100);
  assert.equal(img.segments[0].data[0], 0xaa);
});

test('symbols come back sorted, without mapping symbols, and name addresses', () => {
  const img = parseElf(fakeElf({ symbols: [
    { name: 'body_0', value: 0x40080010n }, { name: '$x', value: 0x40080000n }, { name: 'case_0', value: 0x40080000n },
  ] }));
  assert.deepEqual(img.symbols.map(s => s.name), ['case_0', 'body_0']);
  assert.equal(symbolize(img.symbols, 0x40080014n), '0x40080014 <body_0+0x4>');
  assert.equal(symbolize(img.symbols, 0x40080000n), '0x40080000 <case_0>');
  assert.equal(symbolize(img.symbols, 0x3000n), '0x3000');
});

test('files that are not static AArch64 executables are refused with the reason', () => {
  const cases: [FakeElf | Uint8Array, RegExp][] = [
    [new Uint8Array([1, 2, 3]), /not an ELF file/],
    [{ klass: 1 }, /not a 64-bit ELF/],
    [{ data: 2 }, /big-endian/],
    [{ machine: 62 }, /machine 62 is not AArch64/],
    [{ type: 3 }, /position-independent.*-no-pie/],
    [{ type: 1 }, /not an executable/],
    [{ phType: 3 }, /dynamically linked.*-static/],
    [{ filesz: 0x200, memsz: 0x100 }, /p_filesz > p_memsz|past the end/],
  ];
  for (const [o, re] of cases) {
    const bytes = o instanceof Uint8Array ? o : fakeElf(o);
    assert.throws(() => parseElf(bytes, 'prog'), (e: unknown) => e instanceof ElfError && re.test(e.message), String(re));
  }
});
