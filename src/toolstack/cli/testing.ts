// toolstack/cli/testing.ts - a CliHost for tests: members a test does not provide throw when used.

import type { CliHost } from './main.js';

export function testCliHost(partial: Partial<CliHost>): CliHost {
  const unused = (name: string) => () => { throw new Error(`CliHost.${name} is not available in this test`); };
  return {
    version: '0',
    stdout: unused('stdout'),
    stderr: unused('stderr'),
    imageHost: unused('imageHost'),
    createEngine: unused('createEngine'),
    clock: { monotonicNs: unused('clock'), wallSeconds: unused('clock') },
    scheduler: { yieldToHost: unused('scheduler'), sleep: unused('scheduler') },
    readFile: unused('readFile'),
    attachConsole: unused('attachConsole'),
    ...partial,
  };
}
