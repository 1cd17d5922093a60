/**
 * A compile renders each template once before every relation's final name is known: ref(), source() and
 * `this` print as tokens (TOKEN_START, an index, TOKEN_END), swapped for the final names afterwards. Printing
 * a token, joining it (`~`) or passing it along keeps it whole, and the swap is exact. An operation that reads
 * the text (a filter such as `upper` or `replace`, a string method, a comparison, `in`, an index or a slice)
 * would read the token instead of the name, and the swap could not undo that: `{{ this | replace('"', '') }}`
 * printed the quoted name. Such an operation says so here, and the compile renders that template again once
 * the names are final, as it does for a template that reads a relation's parts (`.identifier`).
 */
export const TOKEN_START = '\u0001';
export const TOKEN_END = '\u0002';

/** Marks an object that prints as a token (a relation whose name is not final yet). */
export const PRINTS_TOKEN: unique symbol = Symbol('xform.printsToken');

/** Held weakly: the last render's listener must not keep its compile (project, nodes) alive once it is done. */
let listener: WeakRef<() => void> | null = null;

/**
 * Who is told that a render read a token's text: the render under way (its caller keeps `fn` as long as it
 * renders). Null: nobody.
 */
export function onTokenRead(fn: (() => void) | null): void {
  if (fn === null) listener = null;
  else if (listener?.deref() !== fn) listener = new WeakRef(fn);
}

/** Tells the listener when `value` is text holding a token, or an object that prints as one. */
export function readsText(value: unknown): void {
  if (listener === null) return;
  if (typeof value === 'string' ? value.includes(TOKEN_START) : typeof value === 'object' && value !== null && (value as { [PRINTS_TOKEN]?: boolean })[PRINTS_TOKEN] === true) {
    listener.deref()?.();
  }
}
