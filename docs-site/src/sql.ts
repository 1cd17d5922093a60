/**
 * SQL highlighting with highlight.js (core + the SQL grammar only). highlight.js escapes the code it is
 * given, so its markup holds the user's SQL as text only.
 */
import hljs from 'highlight.js/lib/core';
import sqlLanguage from 'highlight.js/lib/languages/sql';
import { h } from './dom.ts';

hljs.registerLanguage('sql', sqlLanguage);

export function sqlBlock(code: string): HTMLElement {
  const el = h('code', { class: 'hljs language-sql' });
  // Very long generated SQL is shown plain: highlighting it would stall the page.
  if (code.length > 200_000) el.textContent = code;
  else el.innerHTML = hljs.highlight(code, { language: 'sql', ignoreIllegals: true }).value;
  return h('pre', { class: 'sql' }, el);
}
