/**
 * A list that builds only the rows in view (plus a few around them): a 9,999-item trace keeps a few dozen
 * elements in the page, not 40,000. Rows have one fixed height; the list scrolls inside its own box.
 */
import { h } from './dom.ts';

export interface VirtualListOptions<T> {
  items: T[];
  /** Height of one row in px. */
  rowHeight: number;
  /** Rows shown before the list scrolls. Default 12. */
  visibleRows?: number;
  render(item: T, index: number): HTMLElement;
  /** Attributes of the inner element (`ul` by default) that holds the rows. */
  attrs?: Record<string, string>;
  tag?: 'ul' | 'ol' | 'div';
}

export interface VirtualList {
  /** The scrolling box, to put in the page. */
  element: HTMLElement;
  /** Scrolls row `index` into view (keyboard navigation) and redraws. */
  reveal(index: number): void;
  /** Redraws the rows in view (after the items' state changed). */
  refresh(): void;
}

/** Rows drawn beyond each edge of the view, so that a fast scroll does not show blanks. */
const OVERSCAN = 6;

export function virtualList<T>(options: VirtualListOptions<T>): VirtualList {
  const { items, rowHeight } = options;
  const visible = options.visibleRows ?? 12;
  const inner = h(options.tag ?? 'ul', { ...options.attrs, class: `${options.attrs?.class ?? ''} vlist-rows`.trim() });
  inner.style.height = `${items.length * rowHeight}px`;
  const element = h('div', { class: 'vlist' }, inner);
  element.style.maxHeight = `${visible * rowHeight}px`;
  let drawn = '';
  const draw = () => {
    // Before the box is laid out its height is 0: draw what the box will show.
    const height = element.clientHeight || visible * rowHeight;
    const first = Math.max(0, Math.floor(element.scrollTop / rowHeight) - OVERSCAN);
    const last = Math.min(items.length, Math.ceil((element.scrollTop + height) / rowHeight) + OVERSCAN);
    const key = `${first}:${last}`;
    if (key === drawn) return;
    drawn = key;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = options.render(items[i]!, i);
      row.classList.add('vlist-row');
      row.style.top = `${i * rowHeight}px`;
      row.style.height = `${rowHeight}px`;
      rows.push(row);
    }
    inner.replaceChildren(...rows);
  };
  element.addEventListener('scroll', draw, { passive: true });
  draw();
  return {
    element,
    reveal(index: number) {
      const top = index * rowHeight;
      const height = element.clientHeight || visible * rowHeight;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + rowHeight > element.scrollTop + height) element.scrollTop = top + rowHeight - height;
      drawn = '';
      draw();
    },
    refresh() {
      drawn = '';
      draw();
    },
  };
}
