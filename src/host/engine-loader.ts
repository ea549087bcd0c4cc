// host/engine-loader.ts - loads the compiled CPU engine (build/engine.wasm, made by `npm run build:engine`).
// TSXEN_ENGINE_WASM overrides the path (used to test a build made elsewhere).

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Engine, type EngineOptions } from '../cpu/engine.js';

const defaultPath = fileURLToPath(new URL('../../build/engine.wasm', import.meta.url));
let cached: Promise<WebAssembly.Module> | undefined;

export function engineWasmPath(): string {
  return process.env.TSXEN_ENGINE_WASM ?? defaultPath;
}

/** The compiled engine module (compiled once per process). */
export function loadEngineModule(): Promise<WebAssembly.Module> {
  cached ??= readFile(engineWasmPath()).then(
    bytes => WebAssembly.compile(bytes),
    (err: NodeJS.ErrnoException) => {
      cached = undefined;
      throw new Error(`cannot read the CPU engine at ${engineWasmPath()} (${err.code ?? err.message}): run \`npm run build\` first`);
    },
  );
  return cached;
}

/**
 * An engine on a new Memory. TSXEN_JIT_THRESHOLD=<n> replaces the JIT's hotness threshold of engines that have
 * the JIT on (tuning and benchmarks).
 */
export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const env = process.env.TSXEN_JIT_THRESHOLD;
  const jitThreshold = env !== undefined && /^\d+$/.test(env) && (opts.jitThreshold ?? 0) > 0 ? Number(env) : opts.jitThreshold;
  return Engine.create(await loadEngineModule(), { ...opts, jitThreshold });
}
