/**
 * Names against a warehouse's identifier limit (Dialect.identifierLimits): how long a name is in the unit
 * the warehouse counts, and the deterministic shortening used for names xform derives itself.
 */
import { createHash } from 'node:crypto';
import type { NameLimit } from './types.js';

/** The length of `name` in the limit's unit (UTF-8 bytes or characters). */
export function nameLength(name: string, limit: NameLimit): number {
  return limit.unit === 'bytes' ? Buffer.byteLength(name, 'utf8') : [...name].length;
}

/** True when the warehouse keeps `name` whole; always true without a limit. */
export function fitsLimit(name: string, limit: NameLimit | undefined): boolean {
  return limit === undefined || nameLength(name, limit) <= limit.max;
}

/**
 * `name` itself when it fits; otherwise as much of its start as fits before `_<10 hex of its sha256>` and
 * `suffix`. The same name always gives the same result, and names sharing their first bytes stay apart.
 */
export function shortenToFit(name: string, limit: NameLimit | undefined, suffix = ''): string {
  if (fitsLimit(name + suffix, limit)) return name + suffix;
  const tail = `_${createHash('sha256').update(name).digest('hex').slice(0, 10)}${suffix}`;
  const chars = [...name];
  // Whole characters only, so a multi-byte character is never cut in half.
  while (chars.length > 0 && !fitsLimit(chars.join('') + tail, limit)) chars.pop();
  return chars.join('') + tail;
}
