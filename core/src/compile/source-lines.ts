/** Finding where in a model's source a call was written, for error locations after rendering. */
import type { SourceLocation } from '../errors.js';

/** Line/column (1-based) of a character offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Location of the first `fn(... 'arg' ...)` call in `source`, e.g. where `ref('stg_ordrs')` was written.
 * Falls back to the first mention of the quoted argument, then to the file alone.
 */
export function locateCall(file: string, source: string, fn: string, arg: string): SourceLocation {
  const quoted = [`'${arg}'`, `"${arg}"`];
  let best = -1;
  for (let at = source.indexOf(`${fn}(`); at !== -1; at = source.indexOf(`${fn}(`, at + 1)) {
    const close = source.indexOf(')', at);
    const call = source.slice(at, close === -1 ? undefined : close + 1);
    if (quoted.some((q) => call.includes(q))) {
      best = at;
      break;
    }
  }
  if (best === -1) {
    for (const q of quoted) {
      const i = source.indexOf(q);
      if (i !== -1 && (best === -1 || i < best)) best = i;
    }
  }
  if (best === -1) return { file };
  return { file, ...positionAt(source, best) };
}

/** Location of the first `fn(` in `source` (line 1 when absent). */
export function locateFunction(file: string, source: string, fn: string): SourceLocation & { line: number } {
  const at = source.search(new RegExp(`\\b${fn}\\s*\\(`));
  return at === -1 ? { file, line: 1 } : { file, ...positionAt(source, at) };
}

/**
 * Where the argument `key` of the `config(` call is written (`key=...` or `'key': ...` in a dict argument),
 * so that a problem with one key of a multi-line call points at its own line; the call itself otherwise.
 */
export function locateConfigArgument(file: string, source: string, key: string): SourceLocation & { line: number } {
  const call = source.search(/\bconfig\s*\(/);
  if (call === -1) return { file, line: 1 };
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = source.slice(call).search(new RegExp(`(?<![\\w.])${escaped}\\s*=(?!=)|['"]${escaped}['"]\\s*:`));
  return { file, ...positionAt(source, at === -1 ? call : call + at) };
}

/**
 * Where `key='value'` (a config() argument) or `key: value` is written in `source`; line 1 when it is not
 * written there (it came from schema YAML or a folder).
 */
export function locateConfigValue(file: string, source: string, key: string, value: string): SourceLocation & { line: number } {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = source.search(new RegExp(`\\b${key}\\s*[=:]\\s*['"]?${escaped}\\b`));
  return at === -1 ? { file, line: 1 } : { file, ...positionAt(source, at) };
}
