// Compiles the AssemblyScript CPU engine (src/cpu/as/index.ts) to build/engine.wasm.
// The engine imports the domain's shared Memory (see src/cpu/layout.ts), so one compiled module serves every
// domain and vCPU; data segments are tiny and must stay below the domain block at 0xF000.
import { main } from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

// Usage: node scripts/build-engine.mjs [--debug | --names] [--out FILE.wasm]
//   --debug  unoptimised, with names (for stepping through the engine)
//   --names  optimised like the default build but keeps the function names, so that `node --cpu-prof`
//            attributes time to engine functions instead of wasm-function[N]
const argv = process.argv.slice(2);
const debug = argv.includes('--debug');
const names = argv.includes('--names');
const outIdx = argv.indexOf('--out');
const out = outIdx >= 0 ? argv[outIdx + 1] : 'build/engine.wasm';
mkdirSync(dirname(out), { recursive: true });
const args = [
  'src/cpu/as/index.ts',
  '--outFile', out,
  '--textFile', out.replace(/\.wasm$/, '.wat'),
  '--runtime', 'stub',
  '--importMemory', '--sharedMemory', '--importTable',
  '--initialMemory', '32', '--maximumMemory', '65536',
  '--memoryBase', '256',
  '--enable', 'simd', '--enable', 'threads',
  '--noAssert',
  ...(debug ? ['--debug', '-O0'] : ['-O3', '--converge', ...(names ? ['--debug'] : [])]),
];
const { error, stderr } = await main(args);
if (error) {
  console.error(stderr.toString());
  console.error('engine build failed:', error.message);
  process.exit(1);
}
