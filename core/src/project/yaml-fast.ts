/**
 * The fast path of project YAML: js-yaml's event parser, values built straight from the events (no CST, no
 * Document nodes), and positions looked up in those same events only when someone asks for one.
 *
 * It answers only for the plain YAML that project files are made of — mappings, sequences and scalars —
 * and gives up (returns undefined) on everything whose meaning or position it does not reproduce exactly
 * as the `yaml` Document API does: anchors, aliases, merge keys, tags, directives, several documents,
 * collection or null keys, lone CR line breaks, and any syntax error. The caller then uses the `yaml`
 * Document API, whose values, errors and positions are the reference (yaml-doc.ts).
 *
 * Scalars resolve with the YAML 1.2 core schema as `yaml` does it: `yes`/`no`/`on`/`off` and dates stay
 * strings, `0o17` is octal, `017` is decimal 17.
 */
import {
  boolCoreTag,
  constructFromEvents,
  defineScalarTag,
  EVENT_ID,
  getScalarValue,
  mapTag,
  NOT_RESOLVED,
  nullCoreTag,
  parseEvents,
  Schema,
  SCALAR_STYLE,
  seqTag,
  strTag,
  type Event,
  type ScalarEvent,
} from 'js-yaml';
import type { YamlPath } from './yaml-doc.js';

const NULL = /^(?:~|[Nn]ull|NULL)?$/;

/** `yaml`'s core-schema integers: intOct, int, intHex, in that order. */
function resolveInt(source: string): number | typeof NOT_RESOLVED {
  if (/^0o[0-7]+$/.test(source)) return parseInt(source.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
  if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.substring(2), 16);
  return NOT_RESOLVED;
}

/** `yaml`'s core-schema floats: floatNaN, floatExp, float. */
function resolveFloat(source: string): number | typeof NOT_RESOLVED {
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) {
    if (source.slice(-3).toLowerCase() === 'nan') return NaN;
    return source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return parseFloat(source);
  return NOT_RESOLVED;
}

const DIGITS = [...'0123456789'];
const intTag = defineScalarTag('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['-', '+', ...DIGITS],
  resolve: resolveInt,
  identify: (data) => Number.isInteger(data),
});
const floatTag = defineScalarTag('tag:yaml.org,2002:float', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...DIGITS],
  resolve: resolveFloat,
  identify: (data) => typeof data === 'number',
});

/** js-yaml's core null and bool tags read exactly `yaml`'s forms (`~`, `Null`, `TRUE`...); int and float are ours. */
const SCHEMA = new Schema([strTag, seqTag, mapTag, nullCoreTag, boolCoreTag, intTag, floatTag]);

/** The value a plain scalar resolves to, as a map key's lookup string (`1.0:` is key '1'). */
function plainKey(source: string): string {
  if (NULL.test(source)) return 'null';
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(source)) return String(source[0] === 't' || source[0] === 'T');
  const int = resolveInt(source);
  if (int !== NOT_RESOLVED) return String(int);
  const float = resolveFloat(source);
  return float !== NOT_RESOLVED ? String(float) : source;
}

export interface FastYaml {
  /** The document as plain JS; `undefined` for an empty file. */
  value: unknown;
  /**
   * The offset `yaml`'s findOffset gives for `path`, or undefined where this index does not know it exactly
   * (block scalars, empty sequence items, a scalar document): the caller asks the Document API then.
   */
  offsetOf(path: YamlPath, at: 'key' | 'value'): number | undefined;
}

/** Parses `text` on the fast path, or returns undefined when it must go through the `yaml` Document API. */
export function parseFast(text: string): FastYaml | undefined {
  if (/\r(?!\n)/.test(text)) return undefined;
  let events: Event[];
  let value: unknown;
  try {
    events = parseEvents(text, {});
    if (!plainEvents(events, text)) return undefined;
    const documents = constructFromEvents(events, { source: text, schema: SCHEMA });
    value = documents[0];
  } catch {
    return undefined;
  }
  let index: IndexNode | null | undefined;
  return {
    value: value ?? undefined,
    offsetOf(path, at) {
      // Built on the first look-up only: most files are never asked for a position.
      if (index === undefined) index = buildIndex(events, text);
      return index === null ? undefined : offsetIn(index, path, at);
    },
  };
}

/** Whether the events use only what the fast path reproduces exactly (see the module comment). */
function plainEvents(events: Event[], text: string): boolean {
  // Per open collection: is it a mapping, and is its next child a key?
  const isMap: boolean[] = [];
  const atKey: boolean[] = [];
  let documents = 0;
  for (const e of events) {
    const top = isMap.length - 1;
    const keyPosition = top >= 0 && isMap[top] === true && atKey[top] === true;
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1 || e.directives.length > 0) return false;
        continue;
      case EVENT_ID.ALIAS:
        return false;
      case EVENT_ID.POP:
        if (isMap.length === 0) continue; // the document's end
        isMap.pop();
        atKey.pop();
        if (top - 1 >= 0) atKey[top - 1] = !atKey[top - 1];
        continue;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        if (e.anchorStart !== -1 || e.tagStart !== -1 || keyPosition) return false;
        isMap.push(e.type === EVENT_ID.MAPPING);
        atKey.push(true);
        continue;
      case EVENT_ID.SCALAR:
        if (e.anchorStart !== -1 || e.tagStart !== -1) return false;
        // `yaml` limits implicit keys to 1024 characters; js-yaml does not.
        if (keyPosition && e.valueEnd - e.valueStart > 1000) return false;
        // `<<` merges and null keys ('' in `yaml`, 'null' in js-yaml) are left to the Document API.
        if (keyPosition && e.style === SCALAR_STYLE.PLAIN) {
          const source = e.valueStart === -1 ? '' : getScalarValue(text, e);
          if (source === '<<' || NULL.test(source)) return false;
        }
        if (top >= 0) atKey[top] = !atKey[top];
        continue;
    }
  }
  return true;
}

/** Where a node starts (`yaml`'s range[0]); -1 where the index does not know. */
interface IndexNode {
  start: number;
  /** A scalar that resolves to null: `key: ~` points at its key. */
  isNull: boolean;
  entries?: Map<string, { key: number; value: IndexNode }>;
  items?: IndexNode[];
}

function scalarNode(e: ScalarEvent, text: string): { node: IndexNode; key: string } {
  if (e.valueStart === -1) return { node: { start: -1, isNull: true }, key: 'null' };
  const source = getScalarValue(text, e);
  switch (e.style) {
    case SCALAR_STYLE.PLAIN:
      return { node: { start: e.valueStart, isNull: NULL.test(source) }, key: plainKey(source) };
    case SCALAR_STYLE.SINGLE_QUOTED:
    case SCALAR_STYLE.DOUBLE_QUOTED:
      // The event's range is inside the quotes; `yaml`'s starts at the opening quote.
      return { node: { start: e.valueStart - 1, isNull: false }, key: source };
    default:
      // Block scalars: `yaml` starts them at the `|` / `>` header, which the event does not hold.
      return { node: { start: -1, isNull: false }, key: source };
  }
}

/** The tree of positions of the document's content; null for an empty document or a scalar one. */
function buildIndex(events: Event[], text: string): IndexNode | null {
  const stack: IndexNode[] = [];
  const pendingKey: ({ key: string; start: number } | undefined)[] = [];
  const found: { root?: IndexNode } = {};
  const add = (node: IndexNode, key?: string): void => {
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      found.root = node;
      return;
    }
    if (parent.items) {
      parent.items.push(node);
      return;
    }
    const top = stack.length - 1;
    const pending = pendingKey[top];
    if (pending === undefined) {
      pendingKey[top] = { key: key!, start: node.start };
      return;
    }
    pendingKey[top] = undefined;
    if (!parent.entries!.has(pending.key)) parent.entries!.set(pending.key, { key: pending.start, value: node });
  };
  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const node: IndexNode = e.type === EVENT_ID.MAPPING ? { start: e.start, isNull: false, entries: new Map() } : { start: e.start, isNull: false, items: [] };
        add(node);
        stack.push(node);
        pendingKey.push(undefined);
        break;
      }
      case EVENT_ID.SCALAR: {
        const { node, key } = scalarNode(e, text);
        add(node, key);
        break;
      }
      case EVENT_ID.POP:
        stack.pop();
        pendingKey.pop();
        break;
      default:
        break;
    }
  }
  const root = found.root;
  return root !== undefined && (root.entries !== undefined || root.items !== undefined) ? root : null;
}

/** `yaml-doc.ts`'s findOffset over the index: the same walk, the same fall-backs to the nearest ancestor. */
function offsetIn(root: IndexNode, path: YamlPath, at: 'key' | 'value'): number | undefined {
  let node: IndexNode | undefined = root;
  let offset = root.start;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (node?.entries) {
      const entry = node.entries.get(String(segment));
      if (!entry) return offset;
      if (last && at === 'key') return entry.key === -1 ? undefined : entry.key;
      // `key:` with no value (or a null one): point at the key.
      offset = entry.value.isNull ? entry.key : entry.value.start;
      node = entry.value;
    } else if (node?.items && typeof segment === 'number') {
      const item: IndexNode | undefined = node.items[segment];
      if (!item) return offset;
      offset = item.start;
      node = item;
    } else {
      return offset;
    }
    if (offset === -1) return undefined;
  }
  return offset;
}

/** 1-based line starts as `yaml`'s LineCounter records them: offset 0 and after every `\n`. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** `yaml`'s LineCounter.linePos. */
export function linePos(starts: readonly number[], offset: number): { line: number; col: number } {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (starts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  if (starts[low] === offset) return { line: low + 1, col: 1 };
  if (low === 0) return { line: 0, col: offset };
  return { line: low, col: offset - starts[low - 1]! + 1 };
}
