/** The arguments `main()` was called with (the partial-parse cache keys a compile on its command line). */
let current: readonly string[] = [];

export function setInvocation(argv: readonly string[]): void {
  current = [...argv];
}

export function invocationArgs(): readonly string[] {
  return current;
}

/** The CLI's code as cli/bin/xform.js loaded it: the one-file CommonJS script, or an ES module (a file URL). */
export type CliCode = { script: string } | { module: string };

let code: CliCode | undefined;

/** Where render helper threads load the CLI from (render-helpers.ts); without it (in-process), there are none. */
export function setCliCode(value: CliCode | undefined): void {
  code = value;
}

export function cliCode(): CliCode | undefined {
  return code;
}
