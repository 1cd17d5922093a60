/** The commands `xform init` prints to run next, written so that they work as printed when pasted in a shell. */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** `text` as one shell word: unchanged when it is safe, else single-quoted. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/**
 * How to call this xform from any folder: `xform` when a command of that name is on PATH (an installed
 * CLI), else `node <absolute path of the script running now>` (a clone run as `node cli/bin/xform.js`).
 */
export function xformCommand(env: NodeJS.ProcessEnv = process.env, script: string | undefined = process.argv[1]): string {
  if (onPath('xform', env) || script === undefined) return 'xform';
  const node = onPath('node', env) ? 'node' : process.execPath;
  return `${shellQuote(node)} ${shellQuote(path.resolve(script))}`;
}
