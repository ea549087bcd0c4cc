// host/main.ts - the `tsxen` process: wires Node adapters into the toolstack CLI (bin/tsxen.mjs runs this).

import { readFileSync } from 'node:fs';
import { setLogSink } from '../base/log.js';
import { runCli, type CliHost } from '../toolstack/cli/main.js';
import { nodeImageCommandHost } from './image-host.js';
import { createEngine, loadEngineModule } from './engine-loader.js';
import { attachStdioConsole, nodeClock, nodeSchedulerHost, readFileBytes, serveXenstore } from './node-platform.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  // `tsxen run` needs the CPU engine: compile it while the command line is parsed and the images are read
  if (argv[0] === 'run') loadEngineModule().catch(() => {}); // a failure is reported where the engine is created
  setLogSink((level, source, message) => process.stderr.write(`tsxen: ${level}: ${source}: ${message}\n`),
    process.env.TSXEN_DEBUG ? 'debug' : 'info');
  const host: CliHost = {
    ...nodeImageCommandHost(),
    version: packageVersion(),
    createEngine,
    clock: nodeClock,
    scheduler: nodeSchedulerHost,
    readFile: readFileBytes,
    attachConsole: attachStdioConsole,
    serveXenstore,
    traceHypercalls: process.env.TSXEN_TRACE_HYPERCALLS !== undefined && process.env.TSXEN_TRACE_HYPERCALLS !== '0',
  };
  return runCli(argv, host);
}
