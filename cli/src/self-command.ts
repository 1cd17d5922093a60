/**
 * How a person runs this same xform again from their shell, for the commands the CLI prints to be typed
 * (`xform init`'s next steps): the printed command must work as printed.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';

export interface SelfCommandContext {
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** The running program's path; default: process.argv[1]. */
  program?: string;
}

/**
 * `xform` when that name on PATH is this very program (a global install); `npx xform` when it is found so
 * only in a `node_modules/.bin` that npx / `npm exec` put on PATH for this one command; otherwise
 * `node <program>` (the workspace's cli/bin/xform.js).
 */
export function selfCommand(context: SelfCommandContext = {}): string {
  const env = context.env ?? process.env;
  const program = context.program ?? process.argv[1];
  const self = program === undefined ? undefined : realpath(program);
  if (program === undefined || self === undefined) return 'xform';
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '' || realpath(path.join(dir, 'xform')) !== self) continue;
    const throughNpx = env.npm_command === 'exec' && path.basename(dir) === '.bin' && path.basename(path.dirname(dir)) === 'node_modules';
    return throughNpx ? 'npx xform' : 'xform';
  }
  return `node ${shellWord(path.resolve(program))}`;
}

function realpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

/** A path as one shell word: as it is when it holds only safe characters, single-quoted otherwise. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
