/** The arguments `main()` was called with (the partial-parse cache keys a compile on its command line). */
let current: readonly string[] = [];

export function setInvocation(argv: readonly string[]): void {
  current = [...argv];
}

export function invocationArgs(): readonly string[] {
  return current;
}
