import { scrubSecrets } from '@xform/core/secrets';
import { setInvocation } from './invocation.js';
import { compileIfUnchanged, logUnchangedCompile } from './unchanged-compile.js';
import { XFORM_VERSION } from './version.js';

/** Runs the CLI and returns the process exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  setInvocation(argv);
  // `xform build | head`: when the reader goes away, the run still finishes (nothing is left half-done);
  // only its output is dropped, instead of a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
    // A driver's error may quote a connection setting: no secret environment variable's value is printed.
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? scrubSecrets(chunk) : chunk, ...rest)) as typeof stream.write;
  }
  // An unchanged project re-compiles without loading the compiler (which alone takes ~0.3 s).
  try {
    const shortCut = await compileIfUnchanged(argv);
    if (shortCut !== undefined) {
      logUnchangedCompile(argv, shortCut);
      return 0;
    }
  } catch {
    // Any doubt about the snapshot means a full compile.
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
