// cpu/as/jit.ts - the interpreter's side of the JIT (ENGINE.md "two tiers"): a code cache index in the shared
// Memory (layout.ts JIT_*), hotness counts of block starts while they are interpreted, entry into translated
// regions through the function table, the hand-back of single instructions, and invalidation by
// instruction-cache maintenance. src/cpu/jit/README.md describes the whole tier.
//
// A region starts at a branch target and never crosses its 4 KiB page. It is keyed by the host address of its
// first instruction, i.e. by guest physical address: the virtual-to-physical mapping is checked on every entry
// by the fetch TLB, so remapping a page needs no invalidation. Changing code does, and the architecture says so:
// after writing instructions software must invalidate the instruction cache (IC IVAU / IC IALLU) before running
// them (Arm ARM B2.2.5, "Concurrent modification and execution of instructions"; CTR_EL0.DIC = 0 here), which
// Linux does (flush_icache_range). IC IVAU bumps the page's generation, IC IALLU drops every entry.
//
// Translated code (src/cpu/jit/translate.ts) reads guest state from the vCPU block and soft TLB only; on anything
// it does not handle inline (a TLB miss, an unaligned SP, an instruction it does not translate) it returns the
// PC of that instruction unexecuted: the interpreter executes it, so faults are always taken by the interpreter,
// and translated code resumes at the next instruction (armStep).

import {
  DOM_JIT_THRESHOLD, DOM_JIT_FLUSHES, JIT_CACHE_BASE, JIT_CACHE_ENTRIES, JIT_CACHE_ENTRY, JIT_PAGE_GEN_BASE,
  JIT_CACHE_SET_BITS, JIT_FN_NEVER,
  RAM_OFF, S_JIT_RETIRED, S_JIT_INSTRET,
} from "../layout";
import { cpu, irqCheckPending } from "./state";
import { fetchFast, fetchProbe, fetchHost, invalidateFetch, requestIrqCheck } from "./memory";
import { hostJitTranslate } from "./host";

/** Instructions retired by translated blocks in the last jitEnter. */
export let jitRetired: i32 = 0;

/** The cache entry (and its host address) the interpreter is running from, and run()'s budget when it began. */
let lastEntry: u32 = 0;
let lastHost: u32 = 0;
let lastBudget: i32 = 0;

/** run() starts: budgets of an earlier run are not comparable. */
export function jitRunStart(): void {
  lastEntry = 0;
  jitSampleEvery = load<u32>(DOM_JIT_THRESHOLD) > 1 ? JIT_SAMPLE : 1;
  jitStepArmed = false;
  jitResumeNext = false;
}

/**
 * The set of a block start: two entries (ways), chosen by Fibonacci hashing of the word address so that the
 * blocks of one page spread over the index. Why two ways: with one, any block start whose hash collides with a
 * translated block's evicted the translation, and two hot colliding blocks never stayed translated.
 */
@inline function cacheSet(host: u32): u32 {
  return JIT_CACHE_BASE + (((host >> 2) * 0x9e3779b1) >> (32 - JIT_CACHE_SET_BITS)) * (2 * JIT_CACHE_ENTRY);
}

/**
 * The entry of `host` in its set, or a way claimed for it (cleared): its own stale one (an older generation of
 * its page), else one that holds no translation, the one with fewer instructions counted first. 0 when both
 * ways hold translations of other blocks: a block start that is not yet known never evicts translated code.
 */
function cacheEntry(host: u32, gen: u32): u32 {
  const e0 = cacheSet(host), e1 = e0 + JIT_CACHE_ENTRY;
  const h0 = load<u32>(e0) == host, h1 = load<u32>(e1) == host;
  if (h0 && load<u32>(e0, 12) == gen) return e0;
  if (h1 && load<u32>(e1, 12) == gen) return e1;
  const f0 = load<i32>(e0, 4), f1 = load<i32>(e1, 4);
  let e: u32;
  if (h0) e = e0;
  else if (h1) e = e1;
  else if (f0 > 0 && f1 > 0) return 0;
  else if (f0 > 0) e = e1;
  else if (f1 > 0) e = e0;
  else e = load<u32>(e0, 8) <= load<u32>(e1, 8) ? e0 : e1;
  store<u32>(e, host);
  store<i32>(e, 0, 4);
  store<u32>(e, 0, 8);
  store<u32>(e, gen, 12);
  return e;
}

@inline function pageGen(host: u32): u32 {
  return <u32>load<u8>(JIT_PAGE_GEN_BASE + ((host - <u32>RAM_OFF) >> 12));
}

/**
 * Called by the run loop at a branch target `p` while the JIT is on: run translated regions from `p` as long as
 * there are some (following their exits), count the instructions interpreted from block starts that have none,
 * and translate those that became hot. Returns the PC to carry on from and leaves the instructions retired in `jitRetired`.
 */
export function jitEnter(p: u64, budget: i32): u64 {
  // Hotness is counted in instructions, not entries: the instructions the interpreter ran since the last entry it
  // counted (up to this branch) are that entry's. Why: a block of a few hundred instructions (an unrolled hash
  // round) is as hot after a hundred entries as a short one after thousands.
  if (lastEntry != 0) {
    if (load<u32>(lastEntry) == lastHost && load<i32>(lastEntry, 4) == 0) {
      store<u32>(lastEntry, load<u32>(lastEntry, 8) + <u32>(lastBudget - budget), 8);
    }
    lastEntry = 0;
  }
  let retired: i32 = 0;
  while (retired < budget) {
    // a pending interrupt check dropped the fetch page: the interpreter must look first
    if (!fetchFast(p) && (irqCheckPending || !fetchProbe(p))) break;
    const host = fetchHost(p);
    if (host < <u32>RAM_OFF) break; // hypervisor pages are not guest RAM
    const e = cacheEntry(host, pageGen(host));
    if (e == 0) break; // its set is full of translations: interpreted, uncounted
    let fn = load<i32>(e, 4);
    if (fn == 0) {
      // (+ 1: with a threshold of 1 a block is translated the first time it is reached)
      if (load<u32>(e, 8) + 1 < load<u32>(DOM_JIT_THRESHOLD)) {
        // interpreted from here: the next jitEnter adds the instructions it took
        lastEntry = e;
        lastHost = host;
        lastBudget = budget - retired;
        break;
      }
      fn = hostJitTranslate(p, host, e);
      // the host may have dropped every translation to make room: re-check the entry
      if (load<u32>(e) != host) break;
      store<i32>(e, fn, 4);
    }
    if (fn < 0) { // JIT_FN_NEVER, JIT_FN_PENDING: keep counting (the host's statistics read the counts)
      store<u32>(e, load<u32>(e, 8) + 1, 8);
      if (fn == JIT_FN_NEVER) armStep();
      break;
    }
    // fn: table index of the region's function (bits 15:0) and the id of this block in the region (bits 23:16)
    const next = call_indirect<u64>(<u32>fn & 0xffff, p, budget - retired, cpu, <u32>fn >> 16);
    const r0 = load<i32>(cpu + S_JIT_RETIRED);
    const r = r0 & 0x7fffffff;
    retired += r;
    p = next;
    if (r0 < 0) { // it unmasked interrupts (MSR DAIFClr / DAIF): the run loop looks at them before going on
      requestIrqCheck();
      break;
    }
    if (r == 0) { // it stopped at its first instruction (a TLB miss, ...): the interpreter executes that one
      armStep();
      break;
    }
  }
  jitRetired = retired;
  if (retired != 0) {
    store<i64>(cpu + S_JIT_INSTRET, load<i64>(cpu + S_JIT_INSTRET) + <i64>retired);
    jitSkip = 0; // translated code nearby: look at every branch
  } else if (jitSkip < 0) jitSkip = jitSampleEvery - 1;
  return p;
}

/**
 * Branches the run loop lets pass without a jitEnter while it runs code with no translations around: looking up
 * every branch target cost a boot ~25% with nothing translated. Hotness is then counted from a sample of the
 * block starts (instructions are still all counted, to the sampled starts), and the first branch into a
 * translation turns the sampling off until code without translations runs again.
 */
const JIT_SAMPLE: i32 = 4;
let jitSkip: i32 = 0;
/** JIT_SAMPLE, or 1 with a threshold of 1 (tests: a block is translated the first time a branch reaches it). */
let jitSampleEvery: i32 = JIT_SAMPLE;

/** Whether the run loop should call jitEnter at this branch. */
@inline export function jitSample(): bool {
  return --jitSkip < 0;
}

/**
 * Translated code stopped before an instruction, or cannot start with it: the run loop executes that one
 * instruction and then calls jitResume, instead of interpreting on to the next branch (straight-line code such
 * as an unrolled hash round has none for a thousand instructions). The arming goes through the slow fetch path,
 * so the loop pays nothing for it otherwise.
 */
export let jitStepArmed: bool = false;
/** Set by the run loop after the stepped instruction's fetch: at the next instruction, call jitEnter. */
export let jitResumeNext: bool = false;

function armStep(): void {
  jitStepArmed = true;
  invalidateFetch();
}

/** The run loop fetched the instruction it steps: have the next fetch take the slow path and resume. */
export function jitStepFetched(): void {
  jitStepArmed = false;
  jitResumeNext = true;
  invalidateFetch();
}

export function jitResumeTaken(): void {
  jitResumeNext = false;
}

/** IC IALLU, IC IALLUIS: every translation is stale. */
export function jitFlushAll(): void {
  memory.fill(JIT_CACHE_BASE, 0, JIT_CACHE_ENTRIES * JIT_CACHE_ENTRY);
  store<u32>(DOM_JIT_FLUSHES, load<u32>(DOM_JIT_FLUSHES) + 1);
}

/** IC IVAU on a page of guest RAM at host address `host`: the translations made from that page are stale. */
export function jitFlushPage(host: u32): void {
  if (host < <u32>RAM_OFF) return;
  const a = JIT_PAGE_GEN_BASE + ((host - <u32>RAM_OFF) >> 12);
  const g = (<u32>load<u8>(a) + 1) & 0xff;
  store<u8>(a, <u8>g);
  // after 256 bumps an old entry's generation would match again
  if (g == 0) jitFlushAll();
}
