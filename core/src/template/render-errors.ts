/**
 * Turns whatever went wrong during a render into an XformError that names the template or macro file and
 * line where it happened (the innermost one), says where a failing macro was called from, and suggests a
 * name when an undefined one looks like a typo.
 */
import { XformError, didYouMeanHint, isXformError } from '../errors.js';
import { MAX_MACRO_DEPTH, MacroRecursionError, ReturnSignal, type MacroMeta } from './runtime/macro.js';
import { TEMPLATE_LOCATION, type TemplateLocation } from './runtime/rt.js';
import { PyError } from './runtime/values.js';

export const TEMPLATE_ERROR = 'XFORM_TEMPLATE_ERROR';

function joinHints(...hints: (string | undefined)[]): string | undefined {
  const parts = hints.filter((h): h is string => !!h);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** A long list shortened to its first `head` items, "... N more", and the last one. */
export function abbreviate(items: readonly string[], head = 3): string[] {
  if (items.length <= head + 2) return [...items];
  return [...items.slice(0, head), `... ${items.length - head - 1} more`, items[items.length - 1]!];
}

/** The repeating tail of a macro call chain: the macros that call each other without end. */
function cycleOf(chain: readonly MacroMeta[]): MacroMeta[] {
  const last = chain[chain.length - 1]!;
  for (let i = chain.length - 2; i >= 0; i--) if (chain[i]!.name === last.name) return chain.slice(i, chain.length - 1);
  return [last];
}

function recursionError(err: MacroRecursionError, location: TemplateLocation | undefined): XformError {
  const cycle = cycleOf(err.chain);
  const first = cycle[0]!;
  const what =
    cycle.length === 1
      ? `macro '${first.name}' calls itself without end`
      : `macros ${[...cycle, first].map((m) => `'${m.name}'`).join(' -> ')} call each other without end`;
  const frames = err.chain.map((m) => `${m.name} (${m.file}:${m.line})`);
  const origin = location?.calledFrom[location.calledFrom.length - 1];
  const chain = [...(origin ? [`${origin.file}:${origin.line}`] : []), ...abbreviate(frames)].join(' -> ');
  return new XformError('XFORM_MACRO_RECURSION', `${what}: more than ${MAX_MACRO_DEPTH} nested macro calls`, {
    location: { file: first.file, line: first.line },
    hint: `call chain: ${chain}; give the recursion a condition that ends it`,
  });
}

export function toRenderError(err: unknown, fallbackFile: string, knownNames: () => Iterable<string>): XformError {
  const loc0 = err !== null && typeof err === 'object' ? ((err as Record<symbol, unknown>)[TEMPLATE_LOCATION] as TemplateLocation | undefined) : undefined;
  if (err instanceof MacroRecursionError) return recursionError(err, loc0);
  if (err instanceof ReturnSignal) {
    return new XformError(TEMPLATE_ERROR, 'return() was called outside of a macro', { location: { file: fallbackFile } });
  }
  const loc = err !== null && typeof err === 'object' ? ((err as Record<symbol, unknown>)[TEMPLATE_LOCATION] as TemplateLocation | undefined) : undefined;
  const location = loc ? { file: loc.file, line: loc.line, column: loc.column } : { file: fallbackFile };
  const where = loc?.macro ? `in macro '${loc.macro}'` : undefined;
  const calledFrom = loc && loc.calledFrom.length > 0 ? `called from ${abbreviate(loc.calledFrom.map((c) => `${c.file}:${c.line}`)).join(', then ')}` : undefined;
  if (isXformError(err)) {
    if (err.location) return err;
    return new XformError(err.code, err.message, {
      location,
      hint: joinHints(err.hint, calledFrom),
      cause: (err as { cause?: unknown }).cause ?? err,
      diagnostics: err.diagnostics,
    });
  }
  let message: string;
  let hint: string | undefined;
  if (err instanceof PyError) {
    message = err.pyType === 'UndefinedError' || err.pyType === 'TemplateRuntimeError' ? err.message : `${err.pyType}: ${err.message}`;
    if (err.undefinedName) hint = didYouMeanHint(err.undefinedName, knownNames());
  } else if (err instanceof RangeError && /call stack/i.test(err.message)) {
    // Deep nesting that is not macro recursion (templates, filters) can still exhaust the JavaScript stack.
    message = 'templates nest too deeply (the call stack overflowed)';
  } else if (err instanceof Error) {
    message = err.message;
  } else {
    message = String(err);
  }
  if (where) message = `${message} (${where})`;
  return new XformError(TEMPLATE_ERROR, message, { location, hint: joinHints(hint, calledFrom), cause: err });
}
