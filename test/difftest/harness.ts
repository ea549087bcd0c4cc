// test/difftest/harness.ts - runs generated cases on qemu-aarch64 (the oracle) and on the engine through the
// user-mode runner, compares the final states byte for byte and explains every mismatch: the instructions,
// their inputs, and each differing register, flag word or memory slot in hex.
//
// A batch of cases is one ELF. On the engine, a case that faults (typically an encoding not implemented yet)
// is recorded and the runner resumes the program at the next case, like a signal handler that longjmps; a
// case that runs away (instruction limit) restarts the program at the next case. qemu runs each ELF once.
// With `jit` the engine translates each body on its first entry (jit.ts) and the outcomes say how much ran
// translated.

import { parseElf, type ElfImage } from '../../src/machine/usermode/elf.js';
import { UserModeMachine, type UserFault } from '../../src/machine/usermode/usermode.js';
import { CaseGen, type InsnClass } from './gen.js';
import { blockAt, describeJit, JIT_MODE, summarizeJit, type CaseJit, type JitSummary } from './jit.js';
import { buildProgram, type GeneratedCase } from './program.js';
import { Rng, seedOf } from './rng.js';
import {
  bytesHex, decodeState, diffStates, fpcrText, fpsrText, hex64, nzcvText, vhex, MEM_BASE, RECORD_HEADER,
  RECORD_MAGIC, RECORD_SIZE, type CaseState, type FieldDiff,
} from './state.js';
import { assembleAndLink, runQemu, WorkDir, type QemuResult } from './toolchain.js';

/**
 * Most cases per ELF: literal pools sit in .rodata after all the code, and LDR (literal) reaches +-1 MiB;
 * one case is ~0.7 KiB of code.
 */
export const MAX_BATCH = 500;

export type CaseStatus = 'pass' | 'fail' | 'fault' | 'not-run' | 'oracle-error';

export interface CaseOutcome {
  c: GeneratedCase;
  status: CaseStatus;
  /** The assembled body, one instruction word per non-label line. */
  words?: number[];
  diffs: FieldDiff[];
  expected?: CaseState;
  actual?: CaseState;
  /** Engine fault or oracle error text. */
  detail?: string;
  /** JIT mode: how much of the case ran translated. */
  jit?: CaseJit;
}

export interface ClassReport {
  cls: InsnClass;
  outcomes: CaseOutcome[];
  /** JIT mode: instructions the engine retired for the class (prologues, epilogues and runner included). */
  instret?: number;
}

export interface DifftestOptions {
  module: WebAssembly.Module;
  seed: number;
  /** Cases per class. */
  count: number;
  classes: InsnClass[];
  /** Cases per ELF (default 200, at most MAX_BATCH). */
  batchSize?: number;
  /** Run only these case indices (for reproducing one case). */
  only?: number[];
  /** Keep the generated .s/.o/ELF files (their directory is printed) instead of deleting them. */
  keepFiles?: boolean;
  /** Run the engine with its JIT translating every body on first entry (jit.ts). */
  jit?: boolean;
  onBatch?: (cls: string, done: number, total: number) => void;
}

/** Generate case `index` of `cls` for run `seed` (deterministic: the same inputs give the same case). */
export function generateCase(cls: InsnClass, seed: number, index: number): GeneratedCase {
  const rng = new Rng(seedOf(seed, cls.name, index));
  const template = cls.templates[index % cls.templates.length];
  const g = new CaseGen(rng, `${cls.name.replace(/[^a-z0-9]/gi, '_')}_${index}`, cls.profile);
  const body = template.gen(g);
  return { cls: cls.name, index, template: template.name, body, input: g.state, literals: g.literals };
}

/** Run the differential test of every class in `opts.classes`. */
export async function runDifftest(opts: DifftestOptions): Promise<ClassReport[]> {
  const machine = await UserModeMachine.create(opts.module, { ramSize: 16 << 20, ...(opts.jit ? JIT_MODE : {}) });
  const dir = await WorkDir.create();
  const reports: ClassReport[] = [];
  try {
    for (const cls of opts.classes) {
      const indices = opts.only ?? Array.from({ length: opts.count }, (_, i) => i);
      const cases = indices.map(i => generateCase(cls, opts.seed, i));
      const size = Math.min(opts.batchSize ?? 200, MAX_BATCH);
      const batches: GeneratedCase[][] = [];
      for (let i = 0; i < cases.length; i += size) batches.push(cases.slice(i, i + size));
      const outcomes: CaseOutcome[] = [];
      let instret = 0;
      // The next batch is assembled and run under qemu (child processes) while the engine runs this one
      let next = batches.length ? prepare(dir, `${cls.name}-0`, batches[0]) : undefined;
      for (let b = 0; next; b++) {
        const ready = await next;
        next = b + 1 < batches.length ? prepare(dir, `${cls.name}-${b + 1}`, batches[b + 1]) : undefined;
        next?.catch(() => undefined); // awaited next iteration; no unhandled rejection if this one throws first
        const engine = runOnEngine(machine, ready, batches[b].length);
        instret += engine.instret;
        outcomes.push(...compareBatch(batches[b], ready.qemu, engine).map((o, k) => ({
          ...o, words: bodyWords(ready, k), ...(opts.jit ? { jit: caseJit(ready, engine, k) } : {}),
        })));
        opts.onBatch?.(cls.name, b + 1, batches.length);
      }
      reports.push({ cls, outcomes, ...(opts.jit ? { instret } : {}) });
    }
  } finally {
    if (opts.keepFiles) console.error(`difftest: generated files kept in ${dir.path}`);
    else await dir.dispose();
  }
  return reports;
}

interface PreparedBatch {
  image: ElfImage;
  /** Addresses of the program's labels (case_k, body_k, epi_k, done). */
  labels: Map<string, bigint>;
  qemu: QemuResult;
}

async function prepare(dir: WorkDir, name: string, cases: GeneratedCase[]): Promise<PreparedBatch> {
  const elf = await assembleAndLink(dir, name, buildProgram(cases));
  const qemu = await runQemu(dir.file(name));
  const image = parseElf(elf, name);
  return { image, labels: new Map(image.symbols.map(s => [s.name, s.value])), qemu };
}

/** The instruction words of case k's body, read from the ELF between body_k and epi_k. */
function bodyWords({ image, labels }: PreparedBatch, k: number): number[] {
  const start = labels.get(`body_${k}`), end = labels.get(`epi_${k}`);
  if (start === undefined || end === undefined) return [];
  for (const seg of image.segments) {
    const off = Number(start - seg.vaddr);
    if (start < seg.vaddr || off + Number(end - start) > seg.data.length) continue;
    const dv = new DataView(seg.data.buffer, seg.data.byteOffset + off, Number(end - start));
    return Array.from({ length: dv.byteLength / 4 }, (_, i) => dv.getUint32(4 * i, true));
  }
  return [];
}

interface EngineBatch {
  records: Map<number, Uint8Array>;
  faults: Map<number, string>;
  /** Problems with the output stream itself. */
  notes: string[];
  /** Instructions retired, and per case those retired by translated code (engine.jitInstret). */
  instret: number;
  jitRan: Map<number, number>;
}

function caseJit({ image, labels }: PreparedBatch, eng: EngineBatch, k: number): CaseJit {
  const body = labels.get(`body_${k}`);
  const block = body === undefined ? { block: 0, stoppedAt: null, mayBail: true } : blockAt(image, body);
  return { ran: eng.jitRan.get(k) ?? 0, ...block };
}

/** Run a batch ELF on the engine, resuming at the next case after each fault or runaway case. */
function runOnEngine(machine: UserModeMachine, { image, labels }: PreparedBatch, n: number): EngineBatch {
  const addr = (name: string) => labels.get(name);
  const starts = Array.from({ length: n }, (_, k) => addr(`case_${k}`) ?? 0n);
  const done = addr('done') ?? 0n;
  const caseAt = (pc: bigint) => {
    let k = -1;
    for (let i = 0; i < n; i++) if (starts[i] <= pc) k = i;
    return pc < done ? k : -1;
  };
  const phase = (k: number, pc: bigint) =>
    pc >= (addr(`epi_${k}`) ?? 0n) ? 'in the epilogue' : pc >= (addr(`body_${k}`) ?? 0n) ? 'in the body' : 'in the prologue';
  const faults = new Map<number, string>();
  const notes: string[] = [];
  const out: Uint8Array[] = [];
  // Translated instructions since the last record or fault belong to that case: only bodies run translated
  const jitRan = new Map<number, number>();
  let jitMark = 0n, instret = 0;
  const jitUpTo = (k: number) => {
    const now = machine.engine.jitInstret(0);
    if (k >= 0) jitRan.set(k, (jitRan.get(k) ?? 0) + Number(now - jitMark));
    jitMark = now;
  };
  let from = 0;
  while (from < n) {
    machine.load(image);
    machine.engine.setPc(0, starts[from]);
    jitMark = machine.engine.jitInstret(0);
    const r = machine.run({
      maxInstructions: 20_000 * (n - from) + 100_000,
      onOutput: (fd, data) => {
        if (fd === 1 && data.length >= 8) jitUpTo(new DataView(data.buffer, data.byteOffset).getUint32(4, true));
      },
      onFault: (f: UserFault) => {
        const k = caseAt(f.elr);
        jitUpTo(k);
        if (k < 0) return undefined;
        faults.set(k, `engine fault ${phase(k, f.elr)}: ${f.message}`);
        return k + 1 < n ? starts[k + 1] : done;
      },
    });
    instret += Number(r.instructions);
    out.push(r.stdout);
    const last = r.faults[r.faults.length - 1];
    if (r.exitCode !== null || !last) break;
    // Instruction limit, a failure of the runner's EL1 code, a halt, or a fault outside every case:
    // blame the case at the PC and go on with the next one
    const at = caseAt(last.kind === 'exception' ? last.elr : last.pc);
    jitUpTo(at);
    if (at < 0 || last.kind === 'exception') {
      notes.push(`engine stopped outside the cases: ${last.message}`);
      break;
    }
    faults.set(at, `engine stopped (${last.kind}): ${last.message}`);
    from = at + 1;
  }
  const parsed = parseRecords(concatBytes(out), n, 'engine');
  return { records: parsed.records, faults, notes: [...notes, ...parsed.notes], instret, jitRan };
}

function parseRecords(stream: Uint8Array, n: number, who: string): { records: Map<number, Uint8Array>; notes: string[] } {
  const records = new Map<number, Uint8Array>();
  const notes: string[] = [];
  const dv = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  let off = 0;
  for (; off + RECORD_SIZE <= stream.length; off += RECORD_SIZE) {
    const magic = dv.getUint32(off, true), k = dv.getUint32(off + 4, true);
    if (magic !== RECORD_MAGIC || k >= n) {
      notes.push(`${who}: malformed output record at byte ${off} (magic 0x${magic.toString(16)}, case ${k}): rest ignored`);
      return { records, notes };
    }
    if (records.has(k)) notes.push(`${who}: case ${k} reported twice (control flow re-entered it)`);
    else records.set(k, stream.subarray(off + RECORD_HEADER, off + RECORD_SIZE));
  }
  if (off !== stream.length) notes.push(`${who}: ${stream.length - off} trailing output bytes`);
  return { records, notes };
}

function compareBatch(cases: GeneratedCase[], qemu: QemuResult, eng: EngineBatch): CaseOutcome[] {
  const q = parseRecords(qemu.stdout, cases.length, 'qemu');
  const qemuEnd = qemu.status === 0 ? '' :
    `qemu exited with ${qemu.signal ?? `status ${qemu.status}`}: ${qemu.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return cases.map((c, k): CaseOutcome => {
    const exp = q.records.get(k);
    if (!exp) {
      const why = [qemuEnd || 'qemu produced no record for this case', ...q.notes].join('; ');
      return { c, status: 'oracle-error', diffs: [], detail: `${why} (a generator bug: the case must be valid A64)` };
    }
    const expected = decodeState(exp);
    const fault = eng.faults.get(k);
    if (fault) return { c, status: 'fault', diffs: [], expected, detail: fault };
    const act = eng.records.get(k);
    if (!act) {
      const why = eng.notes.length ? eng.notes.join('; ') : 'an earlier case did not return control';
      return { c, status: 'not-run', diffs: [], expected, detail: `no engine record: ${why}` };
    }
    const actual = decodeState(act);
    const diffs = diffStates(expected, actual);
    return { c, status: diffs.length ? 'fail' : 'pass', diffs, expected, actual };
  });
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---- reporting ----

/** The inputs a case's instructions name: the registers in the text, flags, FP control and status. */
export function describeInputs(c: GeneratedCase): string[] {
  const s = c.input, text = c.body.join('\n').toLowerCase();
  const out: string[] = [];
  const xs = new Set<number>(), vs = new Set<number>();
  for (const m of text.matchAll(/\b[xw]([0-9]|[12][0-9]|30)\b/g)) xs.add(Number(m[1]));
  for (const m of text.matchAll(/\b[vqdshb]([0-9]|[12][0-9]|3[01])\b/g)) vs.add(Number(m[1]));
  for (const n of [...xs].sort((a, b) => a - b)) out.push(`X${n}=${hex64(s.x[n])}`);
  if (/\b(w?sp)\b/.test(text)) out.push(`SP=${hex64(s.sp)}`);
  for (const n of [...vs].sort((a, b) => a - b)) out.push(`V${n}=${vhex(s.v, n)}`);
  out.push(`NZCV=${nzcvText(s.nzcv)}`, `FPCR=${fpcrText(s.fpcr)}`, `FPSR=${fpsrText(s.fpsr)}`);
  return out;
}

export function reproCommand(o: CaseOutcome, seed: number): string {
  const jit = o.jit ? ' --jit' : '';
  return `node --import tsx scripts/difftest.ts --class ${o.c.cls} --seed ${seed} --case ${o.c.index}${jit}`;
}

/** A failing case, in the form an engine engineer can act on. */
export function formatOutcome(o: CaseOutcome, seed: number): string {
  const lines = [`${o.status.toUpperCase()} ${o.c.cls} case ${o.c.index} [${o.c.template}]`];
  let w = 0;
  for (const l of o.c.body) {
    const word = l.endsWith(':') ? undefined : o.words?.[w++];
    lines.push(word === undefined ? `    ${l}` : `    ${l.padEnd(40)} // ${word.toString(16).padStart(8, '0')}`);
  }
  lines.push(`  inputs: ${describeInputs(o.c).join(', ')}`);
  if (o.detail) lines.push(`  ${o.detail}`);
  if (o.jit) lines.push(`  ${describeJit(o.jit)}`);
  for (const d of o.diffs) {
    let input = '';
    const m = /^mem\[0x([0-9a-f]+)\]$/.exec(d.field);
    if (m) {
      const off = Number(BigInt('0x' + m[1]) - MEM_BASE);
      input = `  (before: ${bytesHex(o.c.input.mem.subarray(off, off + 8))})`;
    }
    lines.push(`  ${d.field.padEnd(18)} qemu ${d.expected}  engine ${d.actual}${input}`);
  }
  lines.push(`  repro: ${reproCommand(o, seed)}`);
  return lines.join('\n');
}

export interface ClassSummary {
  name: string;
  mnemonics: number;
  mnemonicsTotal: number;
  cases: number;
  passed: number;
  failed: number;
  faulted: number;
  notRun: number;
  oracleErrors: number;
  /** Template names with at least one non-passing case, with their pass/total counts. */
  failingForms: { name: string; passed: number; total: number }[];
  /** JIT mode only. */
  jit?: JitSummary;
}

export function summarize(r: ClassReport): ClassSummary {
  const forms = new Map<string, { passed: number; total: number }>();
  const count = (s: CaseStatus) => r.outcomes.filter(o => o.status === s).length;
  for (const o of r.outcomes) {
    const f = forms.get(o.c.template) ?? { passed: 0, total: 0 };
    f.total++;
    if (o.status === 'pass') f.passed++;
    forms.set(o.c.template, f);
  }
  return {
    name: r.cls.name,
    mnemonics: forms.size,
    mnemonicsTotal: r.cls.templates.length,
    cases: r.outcomes.length,
    passed: count('pass'),
    failed: count('fail'),
    faulted: count('fault'),
    notRun: count('not-run'),
    oracleErrors: count('oracle-error'),
    failingForms: [...forms].filter(([, f]) => f.passed < f.total).map(([name, f]) => ({ name, ...f })),
    ...(r.instret === undefined ? {} : { jit: summarizeJit(r.outcomes, r.instret) }),
  };
}

/**
 * The coverage table: one row per class. In JIT mode three more columns: cases whose body ran translated of
 * those whose first instruction the JIT translates, body instructions that ran translated, and their share of
 * all instructions retired (prologues and epilogues, always interpreted, included).
 */
export function coverageTable(reports: ClassReport[]): string {
  const jit = reports.some(r => r.instret !== undefined);
  const head = ['class', 'forms', 'cases', 'passed', 'failed', 'faulted', 'not run', 'oracle err',
    ...(jit ? ['jit cases', 'jit insns', 'of instret'] : [])];
  const jitCols = (j: JitSummary | undefined) =>
    j ? [`${j.entered}/${j.translatable}`, String(j.jitInstret), percent(j.jitInstret, j.instret)] : ['', '', ''];
  const rows = reports.map(r => {
    const s = summarize(r);
    const counts = [s.cases, s.passed, s.failed, s.faulted, s.notRun, s.oracleErrors].map(String);
    return [s.name, `${s.mnemonics}/${s.mnemonicsTotal}`, ...counts, ...(jit ? jitCols(s.jit) : [])];
  });
  const tot = (i: number) => rows.reduce((n, r) => n + Number(r[i]), 0);
  const jitTotal = jit ? jitCols(summarizeTotal(reports)) : [];
  rows.push(['total', '', ...[2, 3, 4, 5, 6, 7].map(i => String(tot(i))), ...jitTotal]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(head), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

function summarizeTotal(reports: ClassReport[]): JitSummary {
  const t: JitSummary = { translatable: 0, entered: 0, missed: [], jitInstret: 0, instret: 0 };
  for (const r of reports) {
    const j = summarize(r).jit;
    if (!j) continue;
    t.translatable += j.translatable;
    t.entered += j.entered;
    t.missed.push(...j.missed);
    t.jitInstret += j.jitInstret;
    t.instret += j.instret;
  }
  return t;
}

function percent(part: number, whole: number): string {
  return whole ? `${((100 * part) / whole).toFixed(1)}%` : '-';
}
