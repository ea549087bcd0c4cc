// cpu/jit/jit.ts - the JIT's host side: translates the blocks the interpreter found hot (cpu/as/jit.ts calls
// host.jitTranslate), compiles them into WebAssembly modules that import the domain's Memory, and installs their
// functions in the engine's function table, where the interpreter calls them (call_indirect).
//
// Two modes. Background (the default): translations are queued during a run() and compiled together in one
// module with WebAssembly.compile, which V8 does on its own threads while the vCPU keeps interpreting; the
// functions are installed when the compile finishes (a host with two cores runs the guest and the compiler side
// by side). Why batches: V8's cost per module (~60-80 us, ENGINE.md) dominates small blocks. Synchronous (tests,
// single-stepping tools): each block is compiled at once and runs on its next entry.

import * as L from '../layout.js';
import { Logger } from '../../base/log.js';
import { BLOCK_PARAMS, BLOCK_RESULTS, translateRegion, type Region } from './translate.js';
import { moduleBytes } from './wasm.js';

/**
 * Table slots before the whole cache is dropped and the table reused: bounds the compiled code a domain keeps (a
 * region is a few KiB of machine code; a Debian boot makes ~400). A cache entry holds the slot in 16 bits.
 */
export const MAX_TRANSLATIONS = 16384;
/** Most blocks compiled in one background module. */
const MAX_BATCH = 512;
/** Most continuation regions translated along with one region (continueRegion). */
const MAX_CONTINUATIONS = 16;

export interface JitStats {
  /** Blocks translated and installed. */
  translated: number;
  /** Block starts whose first instruction is left to the interpreter. */
  untranslatable: number;
  /** Modules compiled. */
  modules: number;
  /** Host milliseconds spent translating on the vCPU's thread (compiling in the background not included). */
  ms: number;
  /** Times every translation was dropped to reuse the table. */
  resets: number;
  /** Background modules V8 refused to compile (a translator bug; their blocks stay interpreted). */
  failures: number;
}

interface Pending {
  region: Region;
  host: number;
  entry: number;
  gen: number;
}

/** The first entry of the two-entry set of a block at host address `host` (cpu/as/jit.ts cacheSet). */
export function cacheSetOf(host: number): number {
  return L.JIT_CACHE_BASE + (Math.imul(host >>> 2, 0x9e3779b1) >>> (32 - L.JIT_CACHE_SET_BITS)) * 2 * L.JIT_CACHE_ENTRY;
}

const log = new Logger('jit');

export class Jit {
  readonly stats: JitStats = { translated: 0, untranslatable: 0, modules: 0, ms: 0, resets: 0, failures: 0 };
  /** The message of the last failed compile, for diagnostics. */
  lastFailure: string | undefined;
  private next = 1;
  private batch: Pending[] = [];
  /** Background compiles in flight (tests await them with settle()). */
  private inflight = new Set<Promise<void>>();
  private readonly view: DataView;

  constructor(
    private readonly memory: WebAssembly.Memory,
    readonly table: WebAssembly.Table,
    private readonly sync: boolean,
    private readonly maxTranslations = MAX_TRANSLATIONS,
  ) {
    this.view = new DataView(memory.buffer);
  }

  /**
   * host.jitTranslate: the table index of the block at guest `pc` (host address `host`, cache entry `entry`),
   * JIT_FN_PENDING when it is queued for the background compiler, or JIT_FN_NEVER.
   */
  translate(_pc: bigint, host: number, entry: number): number {
    const t0 = performance.now();
    try {
      return this.translateOrThrow(host, entry);
    } catch (err) {
      this.fail(err);
      return L.JIT_FN_NEVER;
    } finally {
      this.stats.ms += performance.now() - t0;
    }
  }

  private translateOrThrow(host: number, entry: number): number {
    // the whole code page: a region may branch backwards from its entry
    const page = new Uint32Array(this.memory.buffer, host & ~0xfff, 1024);
    const region = translateRegion(page, (host & 0xfff) >>> 2);
    if (!region) {
      this.stats.untranslatable++;
      return L.JIT_FN_NEVER;
    }
    const gen = this.view.getUint32(entry + 12, true);
    const result = this.compile(region, host, entry, gen);
    this.continueRegion(page, host & ~0xfff, region, gen);
    return result;
  }

  /** Compile `region` now (sync: its table index) or queue it (JIT_FN_PENDING). */
  private compile(region: Region, host: number, entry: number, gen: number): number {
    if (this.sync) {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(BLOCK_PARAMS, BLOCK_RESULTS, [region.fn])), this.imports());
      this.stats.modules++;
      const index = this.install(instance.exports.f0 as Function);
      this.enterOthers(region, host, gen, index);
      return index;
    }
    this.batch.push({ region, host, entry, gen });
    if (this.batch.length >= MAX_BATCH) this.flush();
    return L.JIT_FN_PENDING;
  }

  /**
   * Straight-line code longer than a region (an unrolled hash round) goes on in further regions: translate them
   * now, up to MAX_CONTINUATIONS, instead of letting each warm up in the interpreter in turn.
   */
  private continueRegion(page: Uint32Array, pageHost: number, region: Region, gen: number): void {
    const todo = [...region.continuations];
    for (let n = 0; n < MAX_CONTINUATIONS && todo.length > 0; n++) {
      const k = todo.shift()!;
      const h = pageHost + k * 4;
      const e = this.wayFor(h);
      if (e < 0) continue;
      const fn = this.view.getInt32(e + 4, true);
      if (this.view.getUint32(e, true) === h && fn !== 0) continue; // translated, queued or untranslatable already
      const next = translateRegion(page, k);
      if (!next) continue;
      this.setEntry(e, h, L.JIT_FN_PENDING, gen);
      const r = this.compile(next, h, e, gen);
      if (r !== L.JIT_FN_PENDING) this.view.setInt32(e + 4, r, true);
      todo.push(...next.continuations);
    }
  }

  /** A translation or compile failed: a translator bug. Counted and logged; the blocks stay interpreted. */
  private fail(err: unknown): void {
    this.stats.failures++;
    this.lastFailure = (err as Error).message;
    if (this.stats.failures <= 3) log.warn(`a translation failed, the code stays interpreted: ${this.lastFailure}`);
  }

  /** Start compiling the queued blocks (the engine calls this when run() returns). */
  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    const bytes = moduleBytes(BLOCK_PARAMS, BLOCK_RESULTS, batch.map(p => p.region.fn));
    const job = WebAssembly.instantiate(bytes, this.imports()).then(({ instance }) => {
      this.stats.modules++;
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i];
        // the entry may have been reused, invalidated (IC IVAU bumps the generation) or flushed meanwhile
        if (this.view.getUint32(p.entry, true) !== p.host || this.view.getUint32(p.entry + 12, true) !== p.gen ||
          this.view.getInt32(p.entry + 4, true) !== L.JIT_FN_PENDING) continue;
        const index = this.install(instance.exports[`f${i}`] as Function);
        this.view.setInt32(p.entry + 4, index, true);
        this.enterOthers(p.region, p.host, p.gen, index);
      }
    });
    // A module V8 refuses is a translator bug, never the guest's doing: its blocks stay interpreted (they are
    // marked untranslatable) and the failure is counted, so a guest cannot take the host process down this way.
    const settled = job.catch((err: unknown) => {
      this.fail(err);
      for (const p of batch) {
        if (this.view.getUint32(p.entry, true) === p.host && this.view.getInt32(p.entry + 4, true) === L.JIT_FN_PENDING)
          this.view.setInt32(p.entry + 4, L.JIT_FN_NEVER, true);
      }
    }).finally(() => this.inflight.delete(settled));
    this.inflight.add(settled);
  }

  /** Wait until every background compile has been installed (tests). */
  async settle(): Promise<void> {
    this.flush();
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  /**
   * The region's other blocks are entry points too: give them cache entries that call the same function, where
   * the slot holds nothing translated (a slot with a translation of another block is left alone).
   */
  private enterOthers(region: Region, host: number, gen: number, index: number): void {
    const page = host & ~0xfff;
    for (let id = 1; id < region.blocks.length; id++) {
      const h = page + region.blocks[id] * 4;
      const e = this.wayFor(h);
      if (e < 0) continue;
      this.setEntry(e, h, index | (id << 16), gen);
    }
  }

  /**
   * The entry to write a translation of block `h` into: its own, else a way of its set that holds no
   * translation (fewest instructions counted first); -1 when both hold translations of other blocks.
   */
  private wayFor(h: number): number {
    const e0 = cacheSetOf(h), e1 = e0 + L.JIT_CACHE_ENTRY;
    if (this.view.getUint32(e0, true) === h) return e0; // its own (a stale generation is overwritten)
    if (this.view.getUint32(e1, true) === h) return e1;
    const f0 = this.view.getInt32(e0 + 4, true), f1 = this.view.getInt32(e1 + 4, true);
    if (f0 > 0 && f1 > 0) return -1;
    if (f0 > 0) return e1;
    if (f1 > 0) return e0;
    return this.view.getUint32(e0 + 8, true) <= this.view.getUint32(e1 + 8, true) ? e0 : e1;
  }

  /** A cache entry (layout.ts JIT_CACHE_*): block at host `h`, translation `fn`, no count, page generation. */
  private setEntry(e: number, h: number, fn: number, gen: number): void {
    this.view.setUint32(e, h, true);
    this.view.setInt32(e + 4, fn, true);
    this.view.setUint32(e + 8, 0, true);
    this.view.setUint32(e + 12, gen, true);
  }

  private imports(): WebAssembly.Imports {
    return { env: { memory: this.memory } };
  }

  private install(f: Function): number {
    if (this.next >= this.maxTranslations) this.reset();
    const index = this.next++;
    if (index >= this.table.length) this.table.grow(Math.max(1, Math.min(this.table.length, this.maxTranslations - this.table.length)));
    this.table.set(index, f as never);
    this.stats.translated++;
    return index;
  }

  /** Forget every translation: the cache index is cleared (Engine.invalidateCode, and reset below). */
  invalidate(): void {
    new Uint8Array(this.memory.buffer, L.JIT_CACHE_BASE, L.JIT_CACHE_ENTRIES * L.JIT_CACHE_ENTRY).fill(0);
  }

  /** Drop every translation to reuse the table: the cache index is cleared and slots are reused from 1. */
  private reset(): void {
    this.invalidate();
    this.next = 1;
    this.stats.resets++;
  }
}
