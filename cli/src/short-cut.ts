/**
 * The unchanged-compile short cut as an entry of its own: cli/bin/xform.js runs it before anything else for
 * `xform compile` (from cli/dist/process/short.cjs, which scripts/bundle-workspace.mjs and pack-cli.mjs make
 * from this module alone, or from the ES module bundle), and main() runs it when called directly. It imports
 * nothing that loads the compiler; a patch comes from `loadPatcher`.
 */
import { scrubSecrets } from '@xform/core/secrets';
import { setInvocation } from './invocation.js';
import { compileIfUnchanged, logUnchangedCompile, type Patcher } from './unchanged-compile.js';

/** Set on process.stdout once its writes (and stderr's) are scrubbed, by whichever copy of the CLI did it first. */
const GUARDED = Symbol.for('xform.streamsGuarded');

/**
 * `xform build | head`: when the reader goes away, the run still finishes (nothing is left half-done); only
 * its output is dropped, instead of a stack trace. And a driver's error may quote a connection setting: no
 * secret environment variable's value is printed.
 */
export function guardStreams(): void {
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
