import { setCliCode, setInvocation, type CliCode } from './invocation.js';
import { compileShortCut, guardStreams } from './short-cut.js';
import { XFORM_VERSION } from './version.js';

export { compileShortCut } from './short-cut.js';

/** A render helper thread's work (render-helpers.ts), loaded only there. */
export async function runRenderHelper(data: Parameters<typeof import('./render-helpers.js').runRenderHelper>[0]): Promise<void> {
  await (await import('./render-helpers.js')).runRenderHelper(data);
}

/**
 * Runs the CLI and returns the process exit code. Never throws. `shortCutTried`: the caller already ran
 * compileShortCut, which answered undefined (cli/bin/xform.js does, from the lighter bundle). `code`: where
 * this code was loaded from, for render helper threads (cli/bin/xform.js gives it; default: no helpers).
 */
export async function main(argv: string[], { shortCutTried = false, code }: { shortCutTried?: boolean; code?: CliCode } = {}): Promise<number> {
  setInvocation(argv);
  setCliCode(code);
  guardStreams();
  if (!shortCutTried) {
    const code = await compileShortCut(argv);
    if (code !== undefined) return code;
  }
  const [{ Command, CommanderError }, { printError }, { registerCommands }, { addGlobalOptions }, { stopLogging }, { WARN_ERROR }, { registerCliAdapters }] = await Promise.all([
    import('commander'),
    import('./output.js'),
    import('./commands/index.js'),
    import('./global-options.js'),
    import('./logging.js'),
    import('./warn-error.js'),
    import('./built-in-adapters.js'),
  ]);
  registerCliAdapters();
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
  addGlobalOptions(program, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; an unknown command, flag or a bad value is a
      // usage error: 2, as the README says.
      exitCode = err.exitCode === 0 ? 0 : 2;
    } else {
      printError(err);
      // Warnings made errors fail the command as a failed node does; other errors are usage or project errors.
      exitCode = (err as { code?: unknown }).code === WARN_ERROR ? 1 : 2;
    }
  }
  // Lines a printer batches to the next turn of the event loop still reach the log file.
  await new Promise((resolve) => setImmediate(resolve));
  stopLogging(exitCode);
  return exitCode;
}
