import { describe, expect, test } from 'vitest';
import markdownIt from 'markdown-it';
import { isPlainSentence, isSafeUrl, MarkdownRenderer } from './markdown.js';

const render = (text: string) => new MarkdownRenderer().render(text);

describe('Markdown descriptions', () => {
  test('headings, lists, tables, emphasis, code and links become HTML', () => {
    const { html } = render(['# Orders', '', 'One row per **order**, see `id`.', '', '- placed', '- shipped', '', '| status | meaning |', '|---|--:|', '| placed | new |'].join('\n'));
    expect(html).toContain('<h1>Orders</h1>');
    expect(html).toContain('<strong>order</strong>');
    expect(html).toContain('<code>id</code>');
    expect(html).toContain('<ul>\n<li>placed</li>');
    expect(html).toContain('<th style="text-align:right">meaning</th>');
    expect(html).toContain('<td>placed</td>');
  });

  test('raw HTML stays text: no script, no event handler attribute', () => {
    const { html } = render('<script>window.__pwned=1</script>\n\n<img src=x onerror="window.__pwned=1"> <a href="javascript:alert(1)">x</a>');
    expect(html).not.toMatch(/<script|<img|<a /);
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
  });

  test('javascript:, vbscript:, data: and file: links and images are not made, even disguised', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'vbscript:msgbox', 'data:text/html,<b>x</b>', 'file:///etc/passwd']) {
      const { html } = render(`[link](${url}) ![img](${url})`);
      expect(html, url).not.toMatch(/<a |<img /);
    }
    expect(render('[x](java\tscript:alert(1))').html).not.toContain('<a ');
    expect(render('<javascript:alert(1)>').html).not.toContain('<a ');
  });

  test('web links open in a new tab that cannot reach the page; in-page links stay', () => {
    expect(render('[docs](https://example.com/a?b=1)').html).toContain('<a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer">docs</a>');
    expect(render('see https://example.com').html).toContain('rel="noopener noreferrer"');
    expect(render('[orders](#/model/orders)').html).toContain('<a href="#/model/orders">orders</a>');
    expect(render('mail [us](mailto:data@example.com)').html).toContain('href="mailto:data@example.com"');
  });

  test('a fence language cannot break out of its class attribute', () => {
    const { html } = render('```sql" onmouseover="x\nselect 1\n```');
    expect(html).not.toMatch(/ onmouseover=/);
  });

  test('plain text drops the markup, for search and tooltips', () => {
    expect(render('# Orders\n\nOne row per **order** ([docs](https://example.com)).').text).toBe('Orders\nOne row per order (docs).');
    expect(render('   ')).toEqual({ html: '', text: '' });
  });

  test('isSafeUrl', () => {
    expect(['https://x.org', 'http://x', 'mailto:a@b', '#/model/x', 'other.html', '/abs', '?q=1'].every(isSafeUrl)).toBe(true);
    expect(['javascript:x', ' javascript:x', 'JAVASCRIPT:x', 'jav\u0000ascript:x', 'data:x', 'vbscript:x', 'file:///x'].some(isSafeUrl)).toBe(false);
  });

  test('plain sentences skip the parser with the same HTML as markdown-it', () => {
    const md = markdownIt({ html: false, linkify: true });
    const plain = ["Generated model 12 in the silver layer", "The order's id.", 'Sum of the "order" amounts (in euros), per country; 100% done!', 'Übersicht der Bestellungen - täglich', 'x'];
    for (const text of plain) {
      expect(isPlainSentence(text), text).toBe(true);
      expect(render(text).html, text).toBe(md.render(text).trimEnd());
      expect(render(text).text).toBe(text);
    }
    for (const text of ['1. first', '2) second', 'see example.com', 'a *b*', '- item', '# title', 'line  ', 'a\nb', ' x', 'a & b', 'a <b>']) expect(isPlainSentence(text), text).toBe(false);
  });
});
