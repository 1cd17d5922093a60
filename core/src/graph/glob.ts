/**
 * Shell-style wildcard matching with Python's `fnmatch` semantics, which is what dbt uses for selector
 * values: `*` matches any run of characters (including `/` and `.`), `?` one character, `[abc]` / `[!abc]`
 * a character class. Matching is case-sensitive, as dbt's is on POSIX systems.
 */

const cache = new Map<string, RegExp>();

/** True when `text` contains a wildcard character and so must be matched as a pattern. */
export function hasWildcard(text: string): boolean {
  return /[*?[\]]/.test(text);
}

export function fnmatch(name: string, pattern: string): boolean {
  if (!hasWildcard(pattern)) return name === pattern;
  let re = cache.get(pattern);
  if (re === undefined) {
    re = compile(pattern);
    // A CLI invocation has a handful of patterns; the cap only guards long-lived processes.
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(name);
}

function compile(pattern: string): RegExp {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    i++;
    if (c === '*') {
      out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      // Like fnmatch: a `]` right after `[` or `[!` belongs to the class; an unclosed `[` is literal.
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        out += '\\[';
      } else {
        let body = pattern.slice(i, j);
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        body = body.replace(/[\\^\]]/g, '\\$&');
        out += `[${negate ? '^' : ''}${body}]`;
        i = j + 1;
      }
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`, 's');
}
