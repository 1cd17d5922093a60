/**
 * The fast path of project YAML: js-yaml's event parser, values built straight from the events (no CST, no
 * Document nodes), and a compact tree of start offsets recorded from the same events, turned into a line
 * and column only when someone asks for a position.
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
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(source)) return String(source[0] === 't' || source[0] === 'T');
  // Only these can start a number: most keys are names.
  if (!/^[-+.0-9]/.test(source)) return source;
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
  let index: IndexNode | null;
  let value: unknown;
  try {
    const events = parseEvents(text, {});
    // One walk both checks the events and records positions (a second walk costs as much as the check).
    const indexed = indexEvents(events, text);
    if (indexed === false) return undefined;
    index = indexed;
    value = constructFromEvents(events, { source: text, schema: SCHEMA })[0];
  } catch {
    return undefined;
  }
  return {
    value: value ?? undefined,
    offsetOf: (path, at) => (index === null ? undefined : offsetIn(index, path, at)),
  };
}

/**
 * A mapping or sequence of the index. Scalars are numbers (most nodes are scalars; numbers cost no
 * allocation): their start offset (`yaml`'s range[0]), or UNKNOWN, EMPTY, or a null scalar's start s as
 * -(s + 3).
 */
class IndexNode {
  /** Mapping keys as `yaml` compares them (`String(key.value)`), in file order: mappings are small. */
  keys: string[] | undefined;
  keyStarts: number[] | undefined;
  values: (IndexNode | number)[] | undefined;
  items: (IndexNode | number)[] | undefined;
  constructor(
    readonly start: number,
    mapping: boolean,
  ) {
    if (mapping) {
      this.keys = [];
      this.keyStarts = [];
      this.values = [];
    } else {
      this.items = [];
    }
  }
}

/** A block scalar: `yaml` starts it at its `|` / `>` header, which the event does not hold. */
const UNKNOWN = -1;
/** An empty scalar (`key:` with nothing after it). */
const EMPTY = -2;

const startOf = (node: IndexNode | number): number => (typeof node !== 'number' ? node.start : node >= UNKNOWN ? node : node === EMPTY ? UNKNOWN : -node - 3);
const isNullScalar = (node: IndexNode | number): boolean => typeof node === 'number' && node <= EMPTY;

/** A value scalar as an index number. */
function scalarValue(e: ScalarEvent, text: string): number {
  if (e.valueStart === -1) return EMPTY;
  switch (e.style) {
    case SCALAR_STYLE.PLAIN:
      return e.valueEnd - e.valueStart <= 4 && NULL.test(getScalarValue(text, e)) ? -e.valueStart - 3 : e.valueStart;
    case SCALAR_STYLE.SINGLE_QUOTED:
    case SCALAR_STYLE.DOUBLE_QUOTED:
      // The event's range is inside the quotes; `yaml`'s starts at the opening quote.
      return e.valueStart - 1;
    default:
      return UNKNOWN;
  }
}

/**
 * A key scalar's lookup string and start; undefined for the keys left to the Document API: `<<` (a merge)
 * and null keys ('' in `yaml`, 'null' in js-yaml).
 */
function scalarKey(e: ScalarEvent, text: string): { key: string; start: number } | undefined {
  if (e.valueStart === -1) return undefined;
  const source = getScalarValue(text, e);
  if (e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED) return { key: source, start: e.valueStart - 1 };
  if (e.style !== SCALAR_STYLE.PLAIN) return { key: source, start: UNKNOWN };
  if (source === '<<' || NULL.test(source)) return undefined;
  return { key: plainKey(source), start: e.valueStart };
}

/**
 * The tree of positions of the document's content (null for an empty or a scalar document), or false when
 * the events use something the fast path does not reproduce exactly (see the module comment).
 */
function indexEvents(events: Event[], text: string): IndexNode | null | false {
  const stack: IndexNode[] = [];
  let root: IndexNode | null = null;
  let documents = 0;
  // The key read last in each open mapping, waiting for its value.
  const pendingKey: (string | undefined)[] = [];
  const pendingStart: number[] = [];
  const add = (node: IndexNode | number): void => {
    const top = stack.length - 1;
    const parent = stack[top]!;
    if (parent.items !== undefined) {
      parent.items.push(node);
      return;
    }
    const key = pendingKey[top]!;
    pendingKey[top] = undefined;
    // A duplicate key never gets here (js-yaml stops on it), so this is `yaml`'s first match.
    parent.keys!.push(key);
    parent.keyStarts!.push(pendingStart[top]!);
    parent.values!.push(node);
  };
  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1 || e.directives.length > 0) return false;
        break;
      case EVENT_ID.ALIAS:
        return false;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (e.anchorStart !== -1 || e.tagStart !== -1) return false;
        const node = new IndexNode(e.start, e.type === EVENT_ID.MAPPING);
        const top = stack.length - 1;
        if (top < 0) root = node;
        // A collection as a mapping key.
        else if (stack[top]!.keys !== undefined && pendingKey[top] === undefined) return false;
        else add(node);
        stack.push(node);
        pendingKey.push(undefined);
        pendingStart.push(0);
        break;
      }
      case EVENT_ID.SCALAR: {
        if (e.anchorStart !== -1 || e.tagStart !== -1) return false;
        const top = stack.length - 1;
        if (top < 0) break;
        if (stack[top]!.keys !== undefined && pendingKey[top] === undefined) {
          // `yaml` limits implicit keys to 1024 characters; js-yaml does not.
          if (e.valueEnd - e.valueStart > 1000) return false;
          const key = scalarKey(e, text);
          if (key === undefined) return false;
          pendingKey[top] = key.key;
          pendingStart[top] = key.start;
        } else {
          add(scalarValue(e, text));
        }
        break;
      }
      case EVENT_ID.POP:
        stack.pop();
        pendingKey.pop();
        pendingStart.pop();
        break;
    }
  }
  return root;
}

/** `yaml-doc.ts`'s findOffset over the index: the same walk, the same fall-backs to the nearest ancestor. */
function offsetIn(root: IndexNode, path: YamlPath, at: 'key' | 'value'): number | undefined {
  let node: IndexNode | number = root;
  let offset = root.start;
  for (let i = 0; i < path.length; i++) {
    if (typeof node === 'number') return offset;
    const segment = path[i]!;
    if (node.keys !== undefined) {
      const k = node.keys.indexOf(String(segment));
      if (k === -1) return offset;
      const keyStart = node.keyStarts![k]!;
      if (keyStart === UNKNOWN) return undefined;
      if (i === path.length - 1 && at === 'key') return keyStart;
      node = node.values![k]!;
      // `key:` with no value (or a null one): point at the key.
      offset = isNullScalar(node) ? keyStart : startOf(node);
    } else if (typeof segment === 'number') {
      const item: IndexNode | number | undefined = node.items![segment];
      if (item === undefined) return offset;
      node = item;
      offset = startOf(item);
    } else {
      return offset;
    }
    if (offset === UNKNOWN) return undefined;
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
