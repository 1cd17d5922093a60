/**
 * The docs site's search: node names, `source.table`, columns, tags, tests, descriptions, column
 * descriptions, SQL text and macros. Every query word must match some field of an item (multi-word queries
 * narrow); items rank by the sum over words of the best field each word matched, so that name matches come
 * first. Pure (no DOM): the site bundles it, and it is unit-tested here.
 *
 * Each field is one string of all items' values, lower-cased and joined with separators, plus the offset at
 * which each item starts. A word is found with `indexOf` over that string, jumping to the next item after a
 * hit: one pass per field and word, about 10 ms for 10,000 models with their SQL (measured in `pnpm bench`).
 */
import type { SiteGraph, SiteSearch } from './site-types.js';

/** Field kinds, best first; a word's score is the kind of the best field it matched. */
export const FIELD = {
  exactName: 0,
  namePrefix: 1,
  name: 2,
  exactColumn: 3,
  column: 4,
  tag: 5,
  test: 6,
  description: 7,
  columnDescription: 8,
  sql: 9,
} as const;

export interface SearchHit {
  /** Node index, or -1 for a macro. */
  node: number;
  /** Macro index (into `SiteSearch.macros`) when the hit is a macro. */
  macro?: number;
  score: number;
  /** What matched, when not the name: `column`, `tag daily`, `test unique_x`, `description`, `SQL`. */
  why?: string;
  column?: string;
  /** A short piece of the SQL around the match, for SQL hits. */
  snippet?: string;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Every item that matched, of which `hits` are the best `limit`. */
  total: number;
}

/** Between items; never typed by a user, so a match can never span two items. */
const ITEM = '\u0001';
/** Between values of one item (columns, tags), for the same reason. */
const VALUE = '\u0002';
const VALUE_CODE = 2;

class Field {
  readonly text: string;
  readonly starts: Int32Array;

  constructor(values: string[]) {
    this.starts = new Int32Array(values.length + 1);
    let at = 0;
    values.forEach((v, i) => {
      this.starts[i] = at;
      at += v.length + 1;
    });
    this.starts[values.length] = at;
    this.text = values.join(ITEM) + ITEM;
  }

  /** Calls `hit(item)` once for every item whose value contains `word`. */
  each(word: string, hit: (item: number) => void): void {
    let pos = this.text.indexOf(word);
    while (pos >= 0) {
      const item = this.itemAt(pos);
      hit(item);
      pos = this.text.indexOf(word, this.starts[item + 1]!);
    }
  }

  /** Whether one of `item`'s values (between separators) is exactly `word`; no slicing or splitting. */
  hasValue(item: number, word: string): boolean {
    const text = this.text;
    const start = this.starts[item]!;
    const end = this.starts[item + 1]! - 1;
    for (let pos = text.indexOf(word, start); pos >= 0 && pos + word.length <= end; pos = text.indexOf(word, pos + 1)) {
      const after = pos + word.length;
      if ((pos === start || text.charCodeAt(pos - 1) === VALUE_CODE) && (after === end || text.charCodeAt(after) === VALUE_CODE)) return true;
    }
    return false;
  }

  value(item: number): string {
    return this.text.slice(this.starts[item]!, this.starts[item + 1]! - 1);
  }

  private itemAt(pos: number): number {
    let lo = 0;
    let hi = this.starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

interface Items {
  count: number;
  names: string[];
  fields: { kind: number; field: Field }[];
}

const lower = (s: string) => s.toLowerCase();

export class SearchIndex {
  private readonly nodes: Items;
  private macros?: Items;
  private sqlField?: Field;
  private testField?: Field;

  constructor(private readonly graph: SiteGraph, private extra?: SiteSearch) {
    const nodes = graph.nodes;
    // A source table is also found as `source_name.table`, the way models refer to it.
    const qualified = nodes.map((n) => (n.type === 'source' ? `${graph.groups[n.group]?.folder ?? ''}.${n.name}`.toLowerCase() : ''));
    const names = nodes.map((n) => lower(n.name));
    this.nodes = {
      count: nodes.length,
      names,
      fields: [
        { kind: FIELD.name, field: new Field(names.map((n, i) => (qualified[i] ? `${n}${VALUE}${qualified[i]}` : n))) },
        { kind: FIELD.column, field: new Field(nodes.map((n) => n.columns.map(lower).join(VALUE))) },
        { kind: FIELD.tag, field: new Field(nodes.map((n) => n.tags.map(lower).join(VALUE))) },
        { kind: FIELD.description, field: new Field(nodes.map((n) => lower(n.description))) },
        { kind: FIELD.columnDescription, field: new Field(nodes.map((n) => (n.columnDocs ?? []).map(lower).join(VALUE))) },
      ],
    };
    if (extra) this.addExtra(extra);
  }

  /** Whether SQL text, tests and macros (data/search.js, loaded after the page) are searched yet. */
  get complete(): boolean {
    return this.extra !== undefined;
  }

  addExtra(extra: SiteSearch): void {
    this.extra = extra;
    this.sqlField = new Field(extra.sql.map(lower));
    this.testField = new Field(extra.tests.map((t) => t.map(lower).join(VALUE)));
    this.nodes.fields.push({ kind: FIELD.test, field: this.testField }, { kind: FIELD.sql, field: this.sqlField });
    const names = extra.macros.map((m) => lower(m.name));
    this.macros = {
      count: extra.macros.length,
      names,
      fields: [
        { kind: FIELD.name, field: new Field(extra.macros.map((m, i) => `${names[i]}${VALUE}${lower(m.package)}.${names[i]}`)) },
        { kind: FIELD.description, field: new Field(extra.macros.map((m) => lower(m.description))) },
        { kind: FIELD.sql, field: new Field(extra.macros.map((m) => lower(m.sql))) },
      ],
    };
  }

  query(text: string, limit = 50): SearchResult {
    const words = [...new Set(text.trim().toLowerCase().split(/\s+/).filter(Boolean))];
    if (!words.length) return { hits: [], total: 0 };
    // A query like `model_name` can match every one of 10,000 nodes: only the best `limit` are kept, in a
    // sorted array that a worse candidate leaves after one comparison, so no object is made per match and
    // nothing sorts the whole list.
    const top: Found[] = [];
    let total = 0;
    const offer = (f: Found) => {
      total++;
      if (top.length === limit && !before(f, top[limit - 1]!)) return;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(f, top[mid]!)) hi = mid;
        else lo = mid + 1;
      }
      top.splice(lo, 0, f);
      if (top.length > limit) top.pop();
    };
    const collect = (items: Items, isMacro: boolean) => {
      const n = items.count;
      let alive: Uint8Array | undefined;
      const sum = new Int32Array(n);
      const worst = new Int8Array(n);
      const best = new Int8Array(n);
      for (const [w, word] of words.entries()) {
        best.fill(127);
        for (const { kind, field } of items.fields) {
          field.each(word, (i) => {
            if (alive && !alive[i]) return;
            let k: number = kind;
            if (kind === FIELD.name) k = nameScore(items.names[i]!, field, i, word);
            else if (kind === FIELD.column && best[i]! > FIELD.exactColumn && field.hasValue(i, word)) k = FIELD.exactColumn;
            if (k < best[i]!) best[i] = k;
          });
        }
        const next = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          if (best[i] === 127 || (alive && !alive[i])) continue;
          next[i] = 1;
          sum[i] += best[i]!;
          if (w === 0 || best[i]! > worst[i]!) worst[i] = best[i]!;
        }
        alive = next;
      }
      for (let i = 0; i < n; i++) {
        if (!alive![i]) continue;
        const f: Found = { node: isMacro ? -1 : i, score: sum[i]!, worst: worst[i]!, nameLength: items.names[i]!.length };
        if (isMacro) f.macro = i;
        offer(f);
      }
    };
    collect(this.nodes, false);
    if (this.macros) collect(this.macros, true);
    return { hits: top.map((f) => this.explain(f, words)), total };
  }

  /** Says why a hit matched: the field of its least direct word (a column, a tag, SQL...). */
  private explain(f: Found, words: string[]): SearchHit {
    const hit: SearchHit = { node: f.node, score: f.score };
    if (f.macro !== undefined) hit.macro = f.macro;
    const kind = f.worst;
    if (kind <= FIELD.name) return hit;
    const word = words.find((w) => this.bestKind(f, w) === kind) ?? words[0]!;
    if (f.macro !== undefined) {
      const m = this.extra!.macros[f.macro]!;
      if (kind === FIELD.sql) Object.assign(hit, { why: 'SQL', snippet: snippet(m.sql, word) });
      else hit.why = 'description';
      return hit;
    }
    const node = this.graph.nodes[f.node]!;
    if (kind === FIELD.exactColumn || kind === FIELD.column) {
      const cols = node.columns.map(lower);
      const c = kind === FIELD.exactColumn ? cols.indexOf(word) : cols.findIndex((x) => x.includes(word));
      hit.why = 'column';
      hit.column = node.columns[c]!;
    } else if (kind === FIELD.tag) hit.why = `tag ${node.tags.find((t) => lower(t).includes(word)) ?? ''}`;
    else if (kind === FIELD.test) hit.why = `test ${this.extra!.tests[f.node]!.find((t) => lower(t).includes(word)) ?? ''}`;
    else if (kind === FIELD.description) hit.why = 'description';
    else if (kind === FIELD.columnDescription) {
      const c = (node.columnDocs ?? []).findIndex((d) => lower(d).includes(word));
      hit.why = 'column description';
      hit.column = node.columns[c]!;
    } else if (kind === FIELD.sql) {
      hit.why = 'SQL';
      hit.snippet = snippet(this.extra!.sql[f.node]!, word);
    }
    return hit;
  }

  private bestKind(f: { node: number; macro?: number }, word: string): number {
    const items = f.macro !== undefined ? this.macros! : this.nodes;
    const i = f.macro ?? f.node;
    let best = 127;
    for (const { kind, field } of items.fields) {
      const v = field.value(i);
      if (!v.includes(word)) continue;
      const k = kind === FIELD.name ? nameScore(items.names[i]!, field, i, word) : kind === FIELD.column && field.hasValue(i, word) ? FIELD.exactColumn : kind;
      best = Math.min(best, k);
    }
    return best;
  }
}

interface Found {
  /** Node index, or -1 for a macro. */
  node: number;
  macro?: number;
  score: number;
  /** The least direct field any word matched: what `explain` reports. */
  worst: number;
  nameLength: number;
}

/** Ranking: best score first; then shorter names (closer to the query), then nodes before macros, then order. */
function before(a: Found, b: Found): boolean {
  return (a.score - b.score || a.nameLength - b.nameLength || (a.macro ?? -1) - (b.macro ?? -1) || a.node - b.node) < 0;
}

/** A name field holds the name and, for a source table, `source.table` as a second value. */
function nameScore(name: string, field: Field, item: number, word: string): number {
  if (name === word || field.hasValue(item, word)) return FIELD.exactName;
  if (name.startsWith(word)) return FIELD.namePrefix;
  return FIELD.name;
}

/** About 60 characters of `text` around the first `word`, on one line. */
export function snippet(text: string, word: string): string {
  const at = text.toLowerCase().indexOf(word);
  if (at < 0) return '';
  const from = Math.max(0, at - 24);
  const to = Math.min(text.length, at + word.length + 36);
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/g, ' ').trim()}${to < text.length ? '…' : ''}`;
}
