import { scrubSecrets } from '@xform/core/secrets';
import { setInvocation } from './invocation.js';
import { compileIfUnchanged, logUnchangedCompile, type Patcher } from './unchanged-compile.js';
import { XFORM_VERSION } from './version.js';

/** Set on process.stdout once its writes (and stderr's) are scrubbed, by whichever copy of the CLI did it first. */
const GUARDED = Symbol.for('xform.streamsGuarded');

/**
 * `xform build | head`: when the reader goes away, the run still finishes (nothing is left half-done); only
 * its output is dropped, instead of a stack trace. And a driver's error may quote a connection setting: no
 * secret environment variable's value is printed.
 */
function guardStreams(): void {
  const marked = process.stdout as unknown as Record<symbol, boolean>;
  if (marked[GUARDED]) return;
  marked[GUARDED] = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? scrubSecrets(chunk) : chunk, ...rest)) as typeof stream.write;
  }
}

/**
 * `xform compile` answered without loading the compiler (which alone takes ~0.3 s): the exit code when the
 * project is unchanged since the last compile or only a few models were edited (patched); undefined when a
 * full compile is needed. Never throws. `loadPatcher`: where the patch comes from (cli/bin/xform.js loads it
 * from a script with V8's code cache); by default, this module's own import of patch-compile.ts.
 */
export async function compileShortCut(argv: string[], { loadPatcher }: { loadPatcher?: () => Patcher } = {}): Promise<number | undefined> {
  setInvocation(argv);
  guardStreams();
  try {
    const shortCut = await compileIfUnchanged(argv, loadPatcher);
    if (shortCut === undefined) return undefined;
    logUnchangedCompile(argv, shortCut);
    return 0;
  } catch {
    // Any doubt about the snapshot means a full compile.
    return undefined;
  }
}

/**
 * Runs the CLI and returns the process exit code. Never throws. `shortCutTried`: the caller already ran
 * compileShortCut, which answered undefined (cli/bin/xform.js does, from the lighter bundle).
 */
export async function main(argv: string[], { shortCutTried = false }: { shortCutTried?: boolean } = {}): Promise<number> {
  setInvocation(argv);
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
