/**
 * Descriptions arrive as HTML rendered from Markdown when the site was generated (raw HTML off, tags and
 * URLs on an allow-list). Before inserting it, the page checks it again against the same allow-list: it
 * parses the HTML in an inert <template> (nothing runs or loads there), drops any element or attribute
 * the list does not name, then moves the clean nodes into the page.
 */
import { allowedAttribute, MARKDOWN_TAGS } from '../../core/src/docs/markdown-policy.ts';
import { h } from './dom.ts';

function clean(parent: ParentNode): void {
  for (const el of [...parent.children]) {
    const tag = el.tagName.toLowerCase();
    if (!MARKDOWN_TAGS.has(tag)) {
      el.remove();
      continue;
    }
    for (const attr of [...el.attributes]) if (!allowedAttribute(tag, attr.name, attr.value)) el.removeAttribute(attr.name);
    if (tag === 'a' && !(el.getAttribute('href') ?? '').startsWith('#')) {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
    clean(el);
  }
}

/** A description's HTML as a `div.markdown` (with `cls` added), or null when there is none. */
export function markdownBlock(html: string | undefined, cls = ''): HTMLElement | null {
  if (!html) return null;
  const template = document.createElement('template');
  template.innerHTML = html;
  clean(template.content);
  const el = h('div', { class: `markdown ${cls}`.trim() });
  el.append(template.content);
  return el;
}
