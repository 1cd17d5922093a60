import { Command, CommanderError } from 'commander';
import { printError } from './output.js';
import { registerCommands } from './commands/index.js';
import { XFORM_VERSION } from './version.js';

/** Runs the CLI and returns the process exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('xform')
    .description('Declarative SQL transformations: compile a project into a lineage graph and run it in your warehouse.')
    .version(XFORM_VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .showSuggestionAfterError(true);

  let exitCode = 0;
  registerCommands(program, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return err.exitCode;
    }
    printError(err);
    return 2;
  }
}
