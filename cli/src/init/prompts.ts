/** Asking for what `xform init` was not told, when a person is at the terminal (stdin is a TTY). */
import { createInterface } from 'node:readline';
import { XformError } from '@xform/core';
import { INIT_ADAPTERS, checkAdapter, checkProjectName, type InitAdapter } from './scaffold.js';

export interface InitAnswers {
  name: string;
  adapter: InitAdapter;
}

/**
 * Asks for the name and the adapter (each only when `known` lacks it), repeating a question until the
 * answer is valid. Lines typed ahead are kept for the next question; Ctrl+C or Ctrl+D cancels.
 */
export async function promptForInit(known: { name?: string; adapter?: InitAdapter; defaultName: string }): Promise<InitAnswers> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  rl.on('SIGINT', () => rl.close());
  const lines = rl[Symbol.asyncIterator]();
  try {
    const ask = async <T>(question: string, fallback: string, check: (text: string) => T): Promise<T> => {
      for (;;) {
        rl.setPrompt(`${question} [${fallback}]: `);
        rl.prompt();
        const next = await lines.next();
        if (next.done === true) {
          throw new XformError('XFORM_INIT_CANCELLED', 'xform init cancelled: nothing was written', { hint: 'run it again, or pass the folder, --name and --adapter' });
        }
        const answer = String(next.value).trim() || fallback;
        try {
          return check(answer);
        } catch (err) {
          const e = err as { message: string; hint?: string };
          process.stderr.write(`  ${e.message}${e.hint ? ` — ${e.hint}` : ''}\n`);
        }
      }
    };
    const name = known.name ?? (await ask('Project name', known.defaultName, checkProjectName));
    const adapter = known.adapter ?? (await ask(`Warehouse (${INIT_ADAPTERS.join(', ')})`, 'duckdb', checkAdapter));
    return { name, adapter };
  } finally {
    rl.close();
  }
}
