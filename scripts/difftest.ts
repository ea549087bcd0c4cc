// scripts/difftest.ts - the differential tester against qemu-aarch64 from the command line: generates cases
// per instruction class (test/difftest/classes), runs them on qemu and on the engine, prints each mismatch
// with its inputs and differing registers, then the coverage table.
//
// Usage: node --import tsx scripts/difftest.ts [--seed N] [--count N] [--class A,B] [--case I[,J]]
//          [--batch N] [--show N] [--keep] [--jit] [--list]
// --jit runs the engine with its JIT translating each case's body on first entry (test/difftest/jit.ts).
// The engine is build/engine.wasm, or TSXEN_ENGINE_WASM. Exit status 1 when any case did not pass.

import { loadEngineModule } from '../src/host/engine-loader.js';
import { CLASSES } from '../test/difftest/classes/index.js';
import type { InsnClass } from '../test/difftest/gen.js';
import { coverageTable, formatOutcome, runDifftest, summarize } from '../test/difftest/harness.js';
import { missingPeers } from '../test/difftest/toolchain.js';

interface CliOptions {
  seed: number;
  count: number;
  classes: InsnClass[];
  only?: number[];
  batch: number;
  show: number;
  keep: boolean;
  jit: boolean;
  list: boolean;
}

function usage(msg: string): never {
  console.error(`difftest: ${msg}`);
  console.error('usage: difftest.ts [--seed N] [--count N] [--class A,B] [--case I,J] [--batch N] [--show N] [--keep] [--jit] [--list]');
  process.exit(2);
}

function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { seed: 1, count: 400, classes: CLASSES, batch: 200, show: 10, keep: false, jit: false, list: false };
  const num = (s: string | undefined, what: string) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) usage(`${what} takes a non-negative integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--seed': o.seed = num(argv[++i], a); break;
      case '--count': o.count = num(argv[++i], a); break;
      case '--batch': o.batch = Math.max(1, num(argv[++i], a)); break;
      case '--show': o.show = num(argv[++i], a); break;
      case '--case': o.only = (argv[++i] ?? '').split(',').map(s => num(s, a)); o.show = Infinity; break;
      case '--keep': o.keep = true; break;
      case '--jit': o.jit = true; break;
      case '--list': o.list = true; break;
      case '--class':
        o.classes = (argv[++i] ?? '').split(',').map(name => CLASSES.find(c => c.name === name) ??
          usage(`unknown class ${name}; classes: ${CLASSES.map(c => c.name).join(', ')}`));
        break;
      default: usage(`unknown argument ${a}`);
    }
  }
  return o;
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  if (o.list) {
    for (const c of o.classes) console.log(`${c.name} (${c.templates.length} forms): ${c.description}\n  ${c.templates.map(t => t.name).join(', ')}`);
    return 0;
  }
  const missing = missingPeers();
  if (missing.length) {
    console.error(`difftest: missing ${missing.join(', ')}`);
    return 2;
  }
  const t0 = performance.now();
  const reports = await runDifftest({
    module: await loadEngineModule(), seed: o.seed, count: o.count, classes: o.classes, batchSize: o.batch,
    only: o.only, keepFiles: o.keep, jit: o.jit,
    onBatch: (cls, done, total) => process.stderr.write(`\rdifftest: ${cls} batch ${done}/${total}   `),
  });
  process.stderr.write('\n');
  let bad = 0;
  for (const r of reports) {
    const failing = r.outcomes.filter(x => x.status !== 'pass');
    bad += failing.length;
    for (const x of failing.slice(0, o.show)) console.log(formatOutcome(x, o.seed) + '\n');
    if (failing.length > o.show) console.log(`... ${failing.length - o.show} more non-passing ${r.cls.name} cases (--show N)\n`);
    const s = summarize(r);
    if (s.failingForms.length)
      console.log(`${r.cls.name}: forms with failures: ${s.failingForms.map(f => `${f.name} ${f.passed}/${f.total}`).join(', ')}\n`);
  }
  console.log(coverageTable(reports));
  console.log(`seed ${o.seed}${o.jit ? ', JIT' : ''}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return bad ? 1 : 0;
}

main().then(code => {
  process.exitCode = code;
}, (e: Error) => {
  console.error(`difftest: ${e.stack ?? e.message}`);
  process.exitCode = 1;
});
