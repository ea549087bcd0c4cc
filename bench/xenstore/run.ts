// bench/xenstore/run.ts - `node --import tsx bench/xenstore/run.ts [--runs N]`: xenstored request round trips
// per second, sequential (one request in flight, as a guest's xenbus or a libxenstore client issues them):
//   ring        a guest's ring page (the guest side simulated in this process: write the request, kick,
//               read the reply), READ of a 24-byte value
//   in-process  dom0's XsClient API (the same dispatch, no transport)
//   socket      a separate Node process on the Unix socket, raw READ messages
//   libxenstore Debian's xenstore-read with K paths in one process (one transaction, K READs), per-request
//               time = (time with K paths - time with 1 path) / (K - 1): C client round trips over the socket
// N runs each (default 5), medians. Writes the "Xenstore" section of bench/RESULTS.md and prints it.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as W from '../../src/abi/xen/io/xs_wire.js';
import { XsClient } from '../../src/dom0/xenstore/client.js';
import { encodeMessage } from '../../src/dom0/xenstore/connection.js';
import { FakeGuestRing, payload } from '../../src/dom0/xenstore/testing.js';
import { Xenstored } from '../../src/dom0/xenstore/xenstored.js';
import { havePeer, type Peer } from '../../src/host/peers.js';
import { listenXenstore } from '../../src/host/xenstore-socket.js';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, '..', 'RESULTS.md');
const XENSTORE_UTILS: Peer = { command: 'xenstore-read', debianPackage: 'xenstore-utils' };
const VALUE = 'x'.repeat(24);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** A domain on a fake ring page; the "guest" sends READs one at a time. */
function benchRing(n: number): number {
  const guest = new FakeGuestRing();
  let kick: () => void = () => {};
  const xs = new Xenstored({
    platform: { mapRing: () => ({ page: guest.page, notify: () => {}, setKickHandler: h => (kick = h ?? (() => {})) }) },
  });
  const dom0 = new XsClient(xs);
  dom0.mkdir('/local/domain/1');
  dom0.setPerms('/local/domain/1', ['n1']);
  dom0.write('/local/domain/1/value', VALUE);
  dom0.introduce(1, 0x39001, 1);
  const req = encodeMessage({ type: W.XS_READ, reqId: 1, txId: 0, payload: payload(['value']) });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    guest.put(req);
    kick();
    const r = guest.take();
    if (r.length !== 16 + VALUE.length) throw new Error(`ring reply of ${r.length} bytes`);
  }
  return seconds(t0);
}

function benchInProcess(n: number): number {
  const xs = new XsClient(new Xenstored());
  xs.write('/bench/value', VALUE);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (xs.read('/bench/value') === null) throw new Error('read failed');
  return seconds(t0);
}

function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', d => (out += d));
    c.on('exit', code => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

async function benchSocket(path: string, n: number): Promise<number> {
  const out = await runChild(process.execPath, ['--import', 'tsx', join(here, 'socket-client.ts'), path, String(n)], process.env);
  return (JSON.parse(out) as { seconds: number }).seconds;
}

async function benchLibxenstore(path: string, k: number): Promise<number> {
  const env = { ...process.env, XENSTORED_PATH: path };
  const time = async (paths: string[]) => {
    const t0 = process.hrtime.bigint();
    await runChild('xenstore-read', paths, env);
    return seconds(t0);
  };
  const one = await time(['/bench/value']);
  const many = await time(Array.from({ length: k }, () => '/bench/value'));
  return (many - one) / (k - 1);
}

interface Row { name: string; perRequest: number[]; note: string }

function section(rows: Row[], runs: number, load: number): string {
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    '## Xenstore',
    '',
    `Measured by \`node --import tsx bench/xenstore/run.ts\` (bench/xenstore/run.ts) on ${date}.`,
    '',
    `- Host: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Linux ${release()}, Node ${process.version}, load average ${load.toFixed(1)} at the start (shared host: differences under ~30% are noise)`,
    '- Sequential round trips (one request in flight), READ of a 24-byte value; xenstored runs on the main thread of this process',
    `- ${runs} runs each, medians`,
    '',
    '| path | round trips/s | µs per request | what |',
    '|---|---|---|---|',
  ];
  for (const r of rows) {
    const m = median(r.perRequest);
    lines.push(`| ${r.name} | ${Math.round(1 / m).toLocaleString('en-US')} | ${(m * 1e6).toFixed(1)} | ${r.note} |`);
  }
  return lines.join('\n') + '\n';
}

/** Replace (or append) the "## Xenstore" section of bench/RESULTS.md, keeping the other sections. */
function writeSection(text: string): void {
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n\nWritten by the bench/ scripts; each owns one section.\n';
  const start = old.search(/^## Xenstore$/m);
  let next = start < 0 ? -1 : old.slice(start + 1).search(/^## /m);
  if (next >= 0) next += start + 1;
  const updated = start < 0 ? `${old.trimEnd()}\n\n${text}` : old.slice(0, start) + text + (next >= 0 ? '\n' + old.slice(next) : '');
  writeFileSync(RESULTS, updated.trimEnd() + '\n');
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--runs');
  const runs = i >= 0 ? Number(process.argv[i + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  const load = loadavg()[0]!;
  const N_LOCAL = 100_000, N_SOCKET = 20_000, K = 4000;
  const rows: Row[] = [
    { name: 'ring', perRequest: [], note: 'guest ring page, request + kick + reply (guest side simulated in-process)' },
    { name: 'in-process', perRequest: [], note: 'dom0 XsClient.read (wire dispatch, no transport)' },
    { name: 'socket', perRequest: [], note: `Unix socket, a separate Node process sending raw READs (${N_SOCKET} per run)` },
  ];
  const lib = havePeer(XENSTORE_UTILS);
  if (lib) rows.push({ name: 'libxenstore', perRequest: [], note: `Debian xenstore-read (libxenstore 4.17) with ${K} paths, start-up subtracted` });
  else process.stderr.write('bench:xenstore: xenstore-utils missing, skipping the libxenstore row\n');

  const dir = mkdtempSync(join(tmpdir(), 'tsxen-bench-xs-'));
  const xs = new Xenstored();
  new XsClient(xs).write('/bench/value', VALUE);
  const server = await listenXenstore(xs, join(dir, 'socket'));
  try {
    benchRing(5000); // warm up the JIT
    benchInProcess(5000);
    for (let r = 0; r < runs; r++) {
      rows[0]!.perRequest.push(benchRing(N_LOCAL) / N_LOCAL);
      rows[1]!.perRequest.push(benchInProcess(N_LOCAL) / N_LOCAL);
      rows[2]!.perRequest.push((await benchSocket(server.path, N_SOCKET)) / N_SOCKET);
      if (lib) rows[3]!.perRequest.push(await benchLibxenstore(server.path, K));
      process.stderr.write(`bench:xenstore: run ${r + 1}/${runs} done\n`);
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const text = section(rows, runs, load);
  writeSection(text);
  process.stdout.write(text);
}

await main();
