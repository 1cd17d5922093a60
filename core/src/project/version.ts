/**
 * `require-xform-version`: the running version (from @xform/core's package.json) and a small comparator
 * check. Only plain comparators are supported (`>=0.1.0`, `<1`, `=0.2.3`, `0.2.3`), several per range
 * separated by commas or spaces; every one must hold. Pre-release tags are ignored.
 */
import { XFORM_CORE_VERSION } from '../version.js';

/** The version of @xform/core that is running. */
export function xformVersion(): string {
  return XFORM_CORE_VERSION;
}

const COMPARATOR = /^(>=|<=|>|<|==|=|!=)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+][0-9A-Za-z.-]*)?$/;

function parts(version: string): [number, number, number] {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : [0, 0, 0];
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** true / false, or 'invalid' when the range cannot be read. */
export function satisfiesVersion(version: string, range: string): boolean | 'invalid' {
  // Join an operator to its number ("'>= 1.0'" -> ">=1.0"), then split on commas/spaces.
  const comparators = range.replace(/(>=|<=|==|!=|>|<|=)\s+/g, '$1').split(/[\s,]+/).filter(Boolean);
  if (comparators.length === 0) return 'invalid';
  const current = parts(version);
  for (const text of comparators) {
    const m = COMPARATOR.exec(text);
    if (!m) return 'invalid';
    const d = compare(current, [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)]);
    const op = m[1] ?? '=';
    const ok = op === '>=' ? d >= 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : op === '<' ? d < 0 : op === '!=' ? d !== 0 : d === 0;
    if (!ok) return false;
  }
  return true;
}
