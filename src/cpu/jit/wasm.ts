// cpu/jit/wasm.ts - a small WebAssembly binary writer for the JIT (WebAssembly Core Specification 2.0, chapter 5
// "Binary Format"): function bodies as byte sequences and a module of functions of one type that imports the
// domain's shared Memory. Written here because the JIT needs only this much and runs it per translation: the
// general-purpose encoders on npm build an AST or text first, which costs more than the translation itself.

/** Value types (5.3.1). */
export const I32 = 0x7f;
export const I64 = 0x7e;

/** The opcodes the translator uses (5.4). */
export const Op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, brTable: 0x0e, return: 0x0f,
  drop: 0x1a, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i64Load: 0x29, i32Load8S: 0x2c, i32Load8U: 0x2d, i32Load16S: 0x2e, i32Load16U: 0x2f,
  i64Load8S: 0x30, i64Load8U: 0x31, i64Load16S: 0x32, i64Load16U: 0x33, i64Load32S: 0x34, i64Load32U: 0x35,
  i32Store: 0x36, i64Store: 0x37, i32Store8: 0x3a, i32Store16: 0x3b, i64Store8: 0x3c, i64Store16: 0x3d,
  i64Store32: 0x3e,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtU: 0x49, i32GtU: 0x4b, i32LeU: 0x4d, i32GeU: 0x4f,
  i64Eqz: 0x50, i64Eq: 0x51, i64Ne: 0x52, i64LtS: 0x53, i64LtU: 0x54, i64GtU: 0x56, i64LeU: 0x58, i64GeU: 0x5a,
  i32Clz: 0x67, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32DivS: 0x6d, i32DivU: 0x6e, i32And: 0x71,
  i32Or: 0x72, i32Xor: 0x73, i32Shl: 0x74, i32ShrS: 0x75, i32ShrU: 0x76, i32Rotr: 0x78,
  i64Clz: 0x79, i64Add: 0x7c, i64Sub: 0x7d, i64Mul: 0x7e, i64DivS: 0x7f, i64DivU: 0x80, i64And: 0x83,
  i64Or: 0x84, i64Xor: 0x85, i64Shl: 0x86, i64ShrS: 0x87, i64ShrU: 0x88, i64Rotr: 0x8a,
  i32WrapI64: 0xa7, i64ExtendI32S: 0xac, i64ExtendI32U: 0xad,
} as const;

/** Block type "no result" (5.4.1). */
export const VOID = 0x40;

/**
 * Bytes of a function body being written, with LEB128 immediates. Why a plain array: a translation writes a few
 * small buffers, and allocating typed arrays for them cost more than the translation itself.
 */
export class Code {
  private buf: number[] = [];

  get length(): number {
    return this.buf.length;
  }

  byte(b: number): this {
    this.buf.push(b);
    return this;
  }

  op(o: number): this {
    return this.byte(o);
  }

  u32(v: number): this {
    let x = v >>> 0;
    do {
      let b = x & 0x7f;
      x >>>= 7;
      if (x !== 0) b |= 0x80;
      this.byte(b);
    } while (x !== 0);
    return this;
  }

  /** Signed LEB128 of a value that fits in 64 bits (a bigint, or a number that is a safe integer). */
  s64(v: bigint | number): this {
    if (typeof v === 'number') {
      // numbers up to 2^53 in magnitude: 7 bits at a time with exact division (no bigint allocation)
      let x = v;
      for (;;) {
        const b = ((x % 128) + 128) % 128;
        x = (x - b) / 128;
        if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) return this.byte(b);
        this.byte(b | 0x80);
      }
    }
    let x = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      if ((x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0)) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }

  s32(v: number): this {
    return this.s64(v | 0);
  }

  i32(v: number): this {
    return this.op(Op.i32Const).s32(v);
  }

  i64(v: bigint | number): this {
    return this.op(Op.i64Const).s64(v);
  }

  get(l: number): this {
    return this.op(Op.localGet).u32(l);
  }

  set(l: number): this {
    return this.op(Op.localSet).u32(l);
  }

  tee(l: number): this {
    return this.op(Op.localTee).u32(l);
  }

  /** A load or store with its memarg (alignment hint log2, constant offset). */
  mem(o: number, align: number, offset = 0): this {
    return this.op(o).u32(align).u32(offset);
  }

  append(other: Code): this {
    this.buf = this.buf.concat(other.buf);
    return this;
  }

  /** Forget the bytes written. */
  clear(): this {
    this.buf.length = 0;
    return this;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.buf);
  }
}

/** A function: its parameters are part of the module's one type; `locals` are runs of (count, type). */
export interface WasmFunction {
  locals: ReadonlyArray<readonly [number, number]>;
  body: Code;
}

function section(out: Code, id: number, content: Code): void {
  out.byte(id).u32(content.length).append(content);
}

function name(c: Code, s: string): void {
  c.u32(s.length);
  for (let i = 0; i < s.length; i++) c.byte(s.charCodeAt(i));
}

/**
 * A module whose functions all have the type params -> results, exported as "f0", "f1", ..., importing the
 * shared Memory as env.memory (limits 0..65536 pages, shared: a domain's Memory matches them).
 */
export function moduleBytes(params: readonly number[], results: readonly number[], funcs: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const out = new Code();
  out.byte(0x00).byte(0x61).byte(0x73).byte(0x6d).byte(0x01).byte(0x00).byte(0x00).byte(0x00);
  const type = new Code().u32(1).byte(0x60).u32(params.length);
  for (const p of params) type.byte(p);
  type.u32(results.length);
  for (const r of results) type.byte(r);
  section(out, 1, type);
  const imp = new Code().u32(1);
  name(imp, 'env');
  name(imp, 'memory');
  imp.byte(0x02).byte(0x03).u32(0).u32(65536); // memory, limits flags 3 = shared with a maximum
  section(out, 2, imp);
  const fn = new Code().u32(funcs.length);
  for (let i = 0; i < funcs.length; i++) fn.u32(0);
  section(out, 3, fn);
  const exp = new Code().u32(funcs.length);
  for (let i = 0; i < funcs.length; i++) {
    name(exp, `f${i}`);
    exp.byte(0x00).u32(i);
  }
  section(out, 7, exp);
  // the code section: bodies are the bulk of the bytes, so they are copied once, into the result
  const bodies = funcs.map(f => {
    const head = new Code().u32(f.locals.length);
    for (const [count, t] of f.locals) head.u32(count).byte(t);
    const size = head.length + f.body.length + 1;
    return { size: new Code().u32(size).bytes(), head: head.bytes(), body: f.body.bytes() };
  });
  const count = new Code().u32(funcs.length).bytes();
  let sectionSize = count.length;
  for (const b of bodies) sectionSize += b.size.length + b.head.length + b.body.length + 1;
  const sectionHead = new Code().byte(10).u32(sectionSize).bytes();
  const front = out.bytes();
  const result = new Uint8Array(front.length + sectionHead.length + sectionSize);
  let at = 0;
  const put = (a: Uint8Array) => { result.set(a, at); at += a.length; };
  put(front);
  put(sectionHead);
  put(count);
  for (const b of bodies) {
    put(b.size);
    put(b.head);
    put(b.body);
    result[at++] = Op.end;
  }
  return result;
}
