import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadEngineModule } from '../../src/host/engine-loader.js';
import { parseElf } from '../../src/machine/usermode/elf.js';
import { baseline, CLASSES } from './classes/index.js';
import {
  coverageTable, formatOutcome, generateCase, runDifftest, summarize, type CaseOutcome, type ClassReport,
} from './harness.js';
import { buildProgram } from './program.js';
import { decodeState, diffStates, RECORD_HEADER, RECORD_SIZE } from './state.js';
import { assembleAndLink, missingPeers, runQemu, WorkDir } from './toolchain.js';

/** Under CI a missing tool fails the suite (naming the Debian package); elsewhere the suite is skipped. */
const missing = missingPeers();
const skip = missing.length ? `missing ${missing.join(', ')}` : false;
if (skip && process.env.CI === 'true') {
  test('the differential tester has its tools (assembler, linker, qemu-aarch64)', () => assert.fail(skip));
}
const SEED = 20261127;
/** Cases per class: at least 4 per form, never fewer than 400 (the whole sweep takes ~15 s on 2 cores). */
const casesFor = (templates: number) => Math.max(400, 4 * templates);
/** With the JIT: a case is one translated block, so more of them (the JIT sweep adds ~12 s on 2 cores). */
const jitCasesFor = (templates: number) => Math.max(1000, 4 * templates);

describe('the harness itself', { skip }, () => {
  let dir: WorkDir;
  before(async () => {
    dir = await WorkDir.create();
  });
  after(() => dir.dispose());

  test('qemu gives byte-identical output for the same program on every run', async () => {
    const cases = CLASSES.flatMap(c => [0, 1, 2, 3, 4].map(i => generateCase(c, SEED, i)));
    await assembleAndLink(dir, 'stable', buildProgram(cases));
    const a = await runQemu(dir.file('stable')), b = await runQemu(dir.file('stable'));
    assert.equal(a.status, 0, a.stderr);
    assert.equal(a.stdout.length, cases.length * RECORD_SIZE);
    assert.deepEqual(a.stdout, b.stdout);
  });

  test('the prologue and epilogue round-trip every register, flag, FP control word and memory byte', async () => {
    const cases = Array.from({ length: 100 }, (_, i) => generateCase(baseline, SEED, i));
    await assembleAndLink(dir, 'baseline', buildProgram(cases));
    const q = await runQemu(dir.file('baseline'));
    assert.equal(q.status, 0, q.stderr);
    cases.forEach((c, k) => {
      const out = decodeState(q.stdout.subarray(k * RECORD_SIZE + RECORD_HEADER));
      assert.deepEqual(diffStates(c.input, out), [], `case ${k}`);
    });
  });

  test('every body is entered by a branch to it, where the JIT starts a translated block', async () => {
    const cases = CLASSES.map(c => generateCase(c, SEED, 0));
    const image = parseElf(await assembleAndLink(dir, 'entry', buildProgram(cases)), 'entry');
    cases.forEach((_, k) => {
      const body = image.symbols.find(s => s.name === `body_${k}`)!.value;
      const seg = image.segments.find(s => s.vaddr < body && body < s.vaddr + BigInt(s.data.length))!;
      const dv = new DataView(seg.data.buffer, seg.data.byteOffset, seg.data.byteLength);
      // B imm26 with offset +4 (Arm ARM C6.2.26): the word just before the body branches to it
      assert.equal(dv.getUint32(Number(body - seg.vaddr) - 4, true), 0x14000001, `case ${k}`);
    });
  });

  test('a mismatch report names the instruction, its inputs, each differing field and how to reproduce it', () => {
    const c = generateCase(CLASSES.find(x => x.name === 'dp-reg')!, 1, 36);
    const expected = { ...c.input, x: [...c.input.x] };
    const actual = { ...c.input, x: [...c.input.x], nzcv: c.input.nzcv ^ 0x20000000 };
    actual.x[3] = 0x1234n;
    const o: CaseOutcome = { c, status: 'fail', diffs: diffStates(expected, actual), expected, actual };
    const text = formatOutcome(o, 1);
    assert.match(text, /^FAIL dp-reg case 36 \[/);
    assert.ok(text.includes(c.body[0]), text);
    assert.match(text, /inputs: .*NZCV=.*FPCR=/);
    assert.match(text, /X3 +qemu 0x[0-9a-f]{16} {2}engine 0x0000000000001234/);
    assert.match(text, /NZCV +qemu [NZCVnzcv]{4} {2}engine/);
    assert.match(text, /repro: .*--class dp-reg --seed 1 --case 36/);
  });
});

/** Every case of the report passed and every form was generated. */
function assertAllPass(r: ClassReport): void {
  const s = summarize(r);
  assert.equal(s.mnemonics, s.mnemonicsTotal, 'every form of the class was generated');
  const bad = r.outcomes.filter(o => o.status !== 'pass');
  const shown = bad.slice(0, 15).map(o => formatOutcome(o, SEED)).join('\n\n');
  const forms = s.failingForms.map(f => `${f.name} ${f.passed}/${f.total}`).join(', ');
  assert.equal(bad.length, 0,
    `${bad.length} of ${s.cases} ${r.cls.name} cases differ from qemu (forms: ${forms})\n\n${shown}` +
    (bad.length > 15 ? `\n\n... and ${bad.length - 15} more` : ''));
}

describe('engine matches qemu-aarch64 on a fixed-seed sweep', { skip }, () => {
  const reports: ClassReport[] = [];
  after(() => {
    if (reports.length) console.log(`\ndifftest coverage (seed ${SEED}):\n${coverageTable(reports)}`);
  });
  for (const cls of CLASSES) {
    test(`class ${cls.name}: ${cls.description}`, async () => {
      const [r] = await runDifftest({ module: await loadEngineModule(), seed: SEED, count: casesFor(cls.templates.length), classes: [cls] });
      reports.push(r);
      assertAllPass(r);
    });
  }
});

// The same sweep with the JIT translating each body on its first entry (test/difftest/jit.ts): the translated
// code must match qemu like the interpreter, and must really have run. Classes the JIT does not translate
// (FP, SIMD) still run: their bodies stop at the first instruction, which checks the hand-back path.
describe('engine with the JIT matches qemu-aarch64 on a fixed-seed sweep', { skip }, () => {
  const reports: ClassReport[] = [];
  after(() => {
    if (reports.length) console.log(`\ndifftest coverage with the JIT (seed ${SEED}):\n${coverageTable(reports)}`);
  });
  for (const cls of CLASSES) {
    test(`class ${cls.name} (JIT)`, async () => {
      const count = jitCasesFor(cls.templates.length);
      const [r] = await runDifftest({ module: await loadEngineModule(), seed: SEED, count, classes: [cls], jit: true });
      reports.push(r);
      assertAllPass(r);
      const j = summarize(r).jit!;
      const show = (i: number) => formatOutcome(r.outcomes.find(o => o.c.index === i)!, SEED);
      assert.deepEqual(j.missed, [], `${j.missed.length} ${cls.name} cases start with an instruction the JIT ` +
        `translates, yet ran none translated:\n\n${j.missed.slice(0, 5).map(show).join('\n\n')}`);
      if (j.translatable > 0) assert.ok(j.entered > 0, `no ${cls.name} case ran translated code`);
    });
  }
});
