// machine/fdt/fdt.ts - builds flattened device trees (Devicetree Specification v0.4, chapter 5) from a tree of
// nodes. Property values are encoded by the helpers below (cells are big-endian u32; strings NUL-terminated).

import {
  FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_HEADER_SIZE, FDT_LAST_COMP_VERSION, FDT_MAGIC, FDT_PROP,
  FDT_VERSION, FDTH_BOOT_CPUID_PHYS, FDTH_LAST_COMP_VERSION, FDTH_MAGIC, FDTH_OFF_DT_STRINGS,
  FDTH_OFF_DT_STRUCT, FDTH_OFF_MEM_RSVMAP, FDTH_SIZE_DT_STRINGS, FDTH_SIZE_DT_STRUCT, FDTH_TOTALSIZE,
  FDTH_VERSION,
} from '../../abi/fdt/fdt.js';

export type PropValue = Uint8Array;

export interface FdtNode {
  name: string;
  props: [string, PropValue][];
  children: FdtNode[];
}

export function node(name: string, props: Record<string, PropValue> = {}, children: FdtNode[] = []): FdtNode {
  return { name, props: Object.entries(props), children };
}

/** `<a b c>`: 32-bit cells. Values up to 2^32-1. */
export function cells(...values: number[]): PropValue {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`cell value ${v} out of range`);
    dv.setUint32(i * 4, v);
  });
  return out;
}

/** 64-bit values as pairs of cells (for #address-cells = 2 / #size-cells = 2 and 64-bit properties). */
export function cells64(...values: (number | bigint)[]): PropValue {
  const out = new Uint8Array(values.length * 8);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setBigUint64(i * 8, BigInt(v)));
  return out;
}

/** A string or a string list (each NUL-terminated). */
export function str(...values: string[]): PropValue {
  return new TextEncoder().encode(values.map(s => s + '\0').join(''));
}

/** A property with no value (a boolean property such as `interrupt-controller`). */
export function empty(): PropValue {
  return new Uint8Array(0);
}

export function bytes(data: Uint8Array): PropValue {
  return data;
}

/** Concatenate encoded values (e.g. reg entries built piecewise). */
export function concat(...parts: PropValue[]): PropValue {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

class ByteSink {
  private buf = new Uint8Array(4096);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  u32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.length, v);
    this.length += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  align4(): void {
    const pad = (4 - (this.length & 3)) & 3;
    this.ensure(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export interface FdtOptions {
  bootCpuidPhys?: number;
  /** Memory reservation block entries (address, size). */
  reserved?: [bigint, bigint][];
}

/** Serialize `root` (whose name must be '') into a DTB. */
export function buildFdt(root: FdtNode, opts: FdtOptions = {}): Uint8Array {
  if (root.name !== '') throw new Error('the root node of a device tree has an empty name');
  const struct = new ByteSink();
  const strings = new ByteSink();
  const stringOffsets = new Map<string, number>();
  const enc = new TextEncoder();

  const nameOffset = (name: string): number => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = strings.length;
      strings.bytes(enc.encode(name + '\0'));
      stringOffsets.set(name, off);
    }
    return off;
  };
  const emit = (n: FdtNode): void => {
    struct.u32(FDT_BEGIN_NODE);
    struct.bytes(enc.encode(n.name + '\0'));
    struct.align4();
    const seen = new Set<string>();
    for (const [name, value] of n.props) {
      if (seen.has(name)) throw new Error(`duplicate property ${name} in node '${n.name}'`);
      seen.add(name);
      struct.u32(FDT_PROP);
      struct.u32(value.length);
      struct.u32(nameOffset(name));
      struct.bytes(value);
      struct.align4();
    }
    const names = new Set<string>();
    for (const c of n.children) {
      if (names.has(c.name)) throw new Error(`duplicate node ${c.name} under '${n.name}'`);
      names.add(c.name);
      emit(c);
    }
    struct.u32(FDT_END_NODE);
  };
  emit(root);
  struct.u32(FDT_END);

  const rsv = new ByteSink();
  for (const [addr, size] of opts.reserved ?? []) {
    rsv.bytes(cells64(addr, size));
  }
  rsv.bytes(cells64(0n, 0n));

  // Layout: header, memory reservation block (8-aligned), structure block, strings block (section 5.1)
  const offRsv = FDT_HEADER_SIZE;
  const offStruct = offRsv + rsv.length;
  const offStrings = offStruct + struct.length;
  const total = offStrings + strings.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(FDTH_MAGIC, FDT_MAGIC);
  dv.setUint32(FDTH_TOTALSIZE, total);
  dv.setUint32(FDTH_OFF_DT_STRUCT, offStruct);
  dv.setUint32(FDTH_OFF_DT_STRINGS, offStrings);
  dv.setUint32(FDTH_OFF_MEM_RSVMAP, offRsv);
  dv.setUint32(FDTH_VERSION, FDT_VERSION);
  dv.setUint32(FDTH_LAST_COMP_VERSION, FDT_LAST_COMP_VERSION);
  dv.setUint32(FDTH_BOOT_CPUID_PHYS, opts.bootCpuidPhys ?? 0);
  dv.setUint32(FDTH_SIZE_DT_STRINGS, strings.length);
  dv.setUint32(FDTH_SIZE_DT_STRUCT, struct.length);
  out.set(rsv.result(), offRsv);
  out.set(struct.result(), offStruct);
  out.set(strings.result(), offStrings);
  return out;
}
