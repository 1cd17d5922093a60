/**
 * Descriptions and docs blocks as Markdown, rendered once when the docs site is generated so that the page
 * only inserts ready HTML. Safe by construction: markdown-it runs with raw HTML off (`<script>` or
 * `<img onerror=...>` in a description comes out as text), and every token it produces is checked against
 * an allow-list of tags, attributes and URL schemes before rendering. Links open in a new tab without
 * access to this page (rel="noopener noreferrer").
 */
import markdownIt, { type MarkdownIt, type Token } from 'markdown-it';
import { allowedAttribute, isSafeUrl, MARKDOWN_TAGS } from './markdown-policy.js';

export { isSafeUrl } from './markdown-policy.js';

/** Drops tokens whose tag is not allowed (their text stays) and attributes not on the allow-list. */
function sanitizeTokens(tokens: Token[]): void {
  for (const token of tokens) {
    if (token.type === 'html_block' || token.type === 'html_inline') {
      // Unreachable with html: false; kept so that a future option cannot let markup through.
      token.type = 'text';
    }
    if (token.tag && !MARKDOWN_TAGS.has(token.tag)) {
      token.attrs = null;
      token.hidden = true;
    }
    if (token.attrs) token.attrs = token.attrs.filter(([name, value]) => allowedAttribute(token.tag, name, String(value)));
    if (token.children) sanitizeTokens(token.children);
  }
}

function createRenderer(): MarkdownIt {
  const md = markdownIt({ html: false, linkify: true, typographer: false });
  const defaultValidate = md.validateLink.bind(md);
  md.validateLink = (url) => defaultValidate(url) && isSafeUrl(url);
  const renderToken = md.renderer.renderToken.bind(md.renderer);
  md.renderer.rules.link_open = (tokens, i, options) => {
    const token = tokens[i]!;
    const href = String(token.attrGet('href') ?? '');
    // Links leave the docs site in a new tab, which cannot reach back to this page.
    if (!href.startsWith('#')) {
      token.attrSet('target', '_blank');
      token.attrSet('rel', 'noopener noreferrer');
    }
    return renderToken(tokens, i, options);
  };
  return md;
}

export interface RenderedMarkdown {
  /** Safe HTML. */
  html: string;
  /** The words, without markup (for search and tooltips). */
  text: string;
}

/**
 * Renders Markdown texts; the same text is rendered once (many columns share a description). One renderer
 * per docs generation.
 */
export class MarkdownRenderer {
  private readonly md = createRenderer();
  private readonly cache = new Map<string, RenderedMarkdown>();

  render(source: string): RenderedMarkdown {
    if (!source.trim()) return { html: '', text: '' };
    let out = this.cache.get(source);
    if (!out && isPlainSentence(source)) out = { html: `<p>${source.replace(/"/g, '&quot;')}</p>`, text: source };
    if (!out) {
      const env = {};
      const tokens = this.md.parse(source, env);
      sanitizeTokens(tokens);
      out = { html: this.md.renderer.render(tokens, this.md.options, env).trimEnd(), text: plainText(tokens) };
      this.cache.set(source, out);
    }
    return out;
  }

  html(source: string): string {
    return this.render(source).html;
  }
}

/**
 * One line of words and plain punctuation, which Markdown leaves as it is: most descriptions of a large
 * project. They skip the parser (about 80 µs each), with the same result (checked in the tests).
 */
const PLAIN = /^[\p{L}\p{N}][\p{L}\p{N} ,.;'"?!()%-]*$/u;
export function isPlainSentence(text: string): boolean {
  // "1." or "2)" starts a list, "x.org" is linked, a trailing space or two may be a line break.
  return PLAIN.test(text) && !/\.[\p{L}\p{N}]/u.test(text) && !/^\p{N}+[.)]/u.test(text) && !text.endsWith(' ');
}

/** The text of the tokens: blocks on their own lines, inline markup dropped. */
function plainText(tokens: Token[]): string {
  const parts: string[] = [];
  const walk = (list: Token[]) => {
    for (const t of list) {
      if (t.type === 'text' || t.type === 'code_inline') parts.push(t.content);
      else if (t.type === 'code_block' || t.type === 'fence') parts.push(t.content.trimEnd(), '\n');
      else if (t.type === 'softbreak' || t.type === 'hardbreak') parts.push(' ');
      else if (t.type === 'image') parts.push(t.content);
      else if (t.children) walk(t.children);
      else if (t.nesting === -1 && t.block && t.type !== 'th_close' && t.type !== 'td_close') parts.push('\n');
      else if ((t.type === 'th_open' || t.type === 'td_open') && parts.length && !parts[parts.length - 1]!.endsWith('\n')) parts.push(' ');
    }
  };
  walk(tokens);
  return parts.join('').replace(/\n{2,}/g, '\n').trim();
}
