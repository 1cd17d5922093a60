/**
 * What rendered Markdown may contain: the tags markdown-it makes from Markdown, a few attributes, and
 * links to http(s), mailto and relative or in-page addresses. Used when the site is generated (on
 * markdown-it's tokens) and again by the page before it inserts the HTML. No imports: the site's bundle
 * uses it too.
 */

/** Tags markdown-it makes from Markdown (no raw HTML): everything else is dropped. */
export const MARKDOWN_TAGS = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 's',
  'a', 'img', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
]);

/** Attributes kept, per tag; all others (on*, style elsewhere, srcset...) are dropped. */
const ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(['href', 'title', 'target', 'rel']),
  img: new Set(['src', 'alt', 'title']),
  ol: new Set(['start']),
  code: new Set(['class']),
  th: new Set(['style']),
  td: new Set(['style']),
};

const SAFE_STYLE = /^text-align:(left|right|center)$/;
const SAFE_CLASS = /^language-[\w+-]+$/;

/** http(s), mailto, in-page and relative addresses; never javascript:, data:, vbscript:, file:... */
export function isSafeUrl(url: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"): so do we.
  const compact = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact);
  return !scheme || scheme[1] === 'http' || scheme[1] === 'https' || scheme[1] === 'mailto';
}

export function allowedAttribute(tag: string, name: string, value: string): boolean {
  if (!ATTRIBUTES[tag]?.has(name)) return false;
  if (name === 'href' || name === 'src') return isSafeUrl(value);
  if (name === 'style') return SAFE_STYLE.test(value);
  if (name === 'class') return SAFE_CLASS.test(value);
  if (name === 'target') return value === '_blank';
  if (name === 'rel') return value === 'noopener noreferrer';
  return true;
}
