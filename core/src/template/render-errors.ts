/**
 * Turns whatever went wrong during a render into an XformError that names the template or macro file and
 * line where it happened (the innermost one), says where a failing macro was called from, and suggests a
 * name when an undefined one looks like a typo.
 */
import { XformError, didYouMeanHint, isXformError } from '../errors.js';
import { ReturnSignal } from './runtime/macro.js';
import { TEMPLATE_LOCATION, type TemplateLocation } from './runtime/rt.js';
import { PyError } from './runtime/values.js';

export const TEMPLATE_ERROR = 'XFORM_TEMPLATE_ERROR';

function joinHints(...hints: (string | undefined)[]): string | undefined {
  const parts = hints.filter((h): h is string => !!h);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

export function toRenderError(err: unknown, fallbackFile: string, knownNames: () => Iterable<string>): XformError {
  if (err instanceof ReturnSignal) {
    return new XformError(TEMPLATE_ERROR, 'return() was called outside of a macro', { location: { file: fallbackFile } });
  }
  const loc = err !== null && typeof err === 'object' ? ((err as Record<symbol, unknown>)[TEMPLATE_LOCATION] as TemplateLocation | undefined) : undefined;
  const location = loc ? { file: loc.file, line: loc.line, column: loc.column } : { file: fallbackFile };
  const where = loc?.macro ? `in macro '${loc.macro}'` : undefined;
  const calledFrom = loc && loc.calledFrom.length > 0 ? `called from ${loc.calledFrom.map((c) => `${c.file}:${c.line}`).join(', then ')}` : undefined;
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
  } else if (err instanceof Error) {
    message = err.message;
  } else {
    message = String(err);
  }
  if (where) message = `${message} (${where})`;
  return new XformError(TEMPLATE_ERROR, message, { location, hint: joinHints(hint, calledFrom), cause: err });
}
