// toolstack/cli/main.ts - the `tsxen` command line. Front ends translate, the core decides (STYLE.md rule 12):
// each subcommand lives in its own file and turns its arguments into one toolstack action. Parsing is
// commander's; output goes through the injected host so the CLI runs the same under tests.

import { Command, CommanderError } from 'commander';
import { registerImageCommand } from './image.js';
import { registerRunCommand, type RunCommandHost } from './run.js';

export interface CliHost extends RunCommandHost {
  version: string;
}

/** Run the CLI with `argv` (the arguments after `tsxen`); resolves to the process exit status. */
export async function runCli(argv: string[], host: CliHost): Promise<number> {
  let status = 0;
  const done = (s: number) => { status = s; };
  const program = new Command('tsxen')
    .description('the Xen hypervisor rebuilt in TypeScript')
    .version(host.version)
    .exitOverride()
    .showHelpAfterError('(run tsxen --help for usage)')
    .configureOutput({
      writeOut: s => host.stdout(s.replace(/\n$/, '')),
      writeErr: s => host.stderr(s.replace(/\n$/, '')),
    });
  registerImageCommand(program, host, done);
  registerRunCommand(program, host, done);
  if (argv.length === 0) {
    program.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1 (xl uses 1 too)
      return e.exitCode;
    }
    throw e;
  }
  return status;
}
