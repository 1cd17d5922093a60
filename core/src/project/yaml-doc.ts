/**
 * YAML with positions. Every project YAML file (xform_project.yml, profiles.yml, schema files) goes through
 * here so that any problem found later — by zod or by hand — can be reported at its file, line and column,
 * with the YAML path of the offending key.
 */
import type { Document, Node } from 'yaml';
import type * as z from 'zod';
import { lineStarts, linePos, parseFast } from './yaml-fast.js';
import { yamlLib } from './yaml-lib.js';
import { didYouMean, likelyTypo, type DiagnosticBag, type SourceLocation } from '../errors.js';
import { flat } from '../flat-string.js';

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  /** The file as shown in messages (relative to the project root where possible). */
  readonly file: string;
  /** The document as plain JS; `undefined` for an empty file. */
  readonly value: unknown;
  /**
   * Location of the node at `path`. With `at: 'key'` the location of the map key itself (best for "unknown
   * key" messages). When the path does not exist (a missing key), the deepest existing ancestor is used.
   */
  locate(path: YamlPath, at?: 'key' | 'value'): SourceLocation;
}

/** `models[2].columns[0].tests` */
export function formatYamlPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return flat(out);
}

/**
 * Parses YAML text. Syntax errors become diagnostics (with `code`) at the parser's line/column and the
 * result is undefined. Messages never quote the source text: profiles.yml may hold passwords.
 *
 * Plain files take the fast path (yaml-fast.ts: no CST, positions found only when asked for); the rest, and
 * every file with an error, go through the `yaml` Document API, which stays the reference for values,
 * messages and positions.
 */
export function parseYaml(text: string, file: string, bag: DiagnosticBag, code = 'XFORM_YAML_SYNTAX'): YamlSource | undefined {
  const fast = parseFast(text);
  if (fast !== undefined) {
    let starts: number[] | undefined;
    let document: Document.Parsed | undefined;
    return {
      file,
      value: fast.value,
      locate(path, at = 'value') {
        let offset = fast.offsetOf(path, at);
        if (offset === undefined) {
          // A node the fast index does not place exactly (a block scalar...): ask the Document API.
          document ??= yamlLib().parseDocument(text, DOCUMENT_OPTIONS);
          offset = findOffset(document, path, at);
        }
        starts ??= lineStarts(text);
        const pos = linePos(starts, offset);
        return { file, line: Math.max(1, pos.line), column: Math.max(1, pos.col), yamlPath: formatYamlPath(path) || undefined };
      },
    };
  }
  return parseDocumentYaml(text, file, bag, code);
}

// merge: dbt projects commonly share column lists with `<<: *anchor`.
const DOCUMENT_OPTIONS = { prettyErrors: false, merge: true, uniqueKeys: true } as const;

/** The reference parse: errors, values and positions from the `yaml` Document API (yaml-fast.test.ts compares with it). */
export function parseDocumentYaml(text: string, file: string, bag: DiagnosticBag, code: string): YamlSource | undefined {
  const { LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...DOCUMENT_OPTIONS, lineCounter });
  const position = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: Math.max(1, pos.line), column: Math.max(1, pos.col) };
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, column } = position(error.pos[0]);
      bag.error(code, `invalid YAML in ${file}: ${firstLine(error.message)}`, { file, line, column });
    }
    return undefined;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 10_000 });
  } catch (err) {
    bag.error(code, `invalid YAML in ${file}: ${firstLine(err instanceof Error ? err.message : String(err))}`, { file, line: 1, column: 1 });
    return undefined;
  }
  return {
    file,
    value: value ?? undefined,
    locate(path, at = 'value') {
      const offset = findOffset(doc, path, at);
      return { file, ...position(offset), yamlPath: formatYamlPath(path) || undefined };
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function findOffset(doc: Document.Parsed, path: YamlPath, at: 'key' | 'value'): number {
  const { isAlias, isMap, isScalar, isSeq } = yamlLib();
  let node: Node | null | undefined = doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return offset;
      const keyNode = pair.key as Node;
      const valueNode = pair.value as Node | null;
      if (last && at === 'key') return keyNode.range?.[0] ?? offset;
      // `key:` with no value: point at the key.
      const valueStart = valueNode?.range?.[0];
      offset = valueStart !== undefined && (!isScalar(valueNode) || valueNode.value !== null) ? valueStart : (keyNode.range?.[0] ?? offset);
      node = valueNode;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

/** The value at `path` inside a plain JS value, or undefined. */
export function valueAt(value: unknown, path: YamlPath): unknown {
  let cur = value;
  for (const segment of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[segment];
  }
  return cur;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Words for the entities named in schema-YAML lists, so messages can say "in column 'id' of model 'orders'". */
const ENTITY_WORDS: Record<string, string> = {
  models: 'model',
  seeds: 'seed',
  snapshots: 'snapshot',
  sources: 'source',
  tables: 'table',
  columns: 'column',
  unit_tests: 'unit test',
  given: 'given input',
  tests: 'test',
  data_tests: 'test',
};

/** "column 'id' of model 'orders'", "'freshness' of source 'raw'", or the YAML path when nothing is named. */
export function describeYamlPath(root: unknown, path: YamlPath): string {
  const entities: string[] = [];
  let trailing: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const parentKey = path[i - 1];
    if (typeof segment === 'number' && typeof parentKey === 'string' && ENTITY_WORDS[parentKey]) {
      const item = valueAt(root, path.slice(0, i + 1));
      const name = isPlainObject(item) && typeof item.name === 'string' ? `'${item.name}'` : `#${segment + 1}`;
      entities.unshift(`${ENTITY_WORDS[parentKey]} ${name}`);
      trailing = undefined;
    } else if (typeof segment === 'string' && !(ENTITY_WORDS[segment] && typeof path[i + 1] === 'number')) {
      trailing = trailing === undefined ? segment : `${trailing}.${segment}`;
    }
  }
  if (entities.length === 0) return path.length === 0 ? 'the top level' : `'${formatYamlPath(path)}'`;
  return trailing === undefined ? entities.join(' of ') : `'${trailing}' of ${entities.join(' of ')}`;
}

export interface ValidateYamlOptions {
  src: YamlSource;
  /** The value to validate; default the whole document. */
  value?: unknown;
  /** Where `value` sits in the document. Default the root. */
  basePath?: YamlPath;
  bag: DiagnosticBag;
  /** Code for type errors and missing keys, e.g. `XFORM_SCHEMA_YAML_INVALID`. */
  errorCode: string;
  /** Keys whose values must never be quoted in a message (passwords). Default: none. */
  isSecret?: (key: string) => boolean;
  /** Quote offending values in messages (`got 'x'`). Default true; profiles.yml turns it off. */
  quoteValues?: boolean;
  /**
   * Whether an unknown key that is a likely typo of a known one (`colums`, `tets`) is an error rather than a
   * warning: a misspelt key silently drops what it holds (a model's column tests). Default false.
   */
  typosAreErrors?: boolean;
}

/**
 * Validates with a zod schema built from strict objects. Unknown keys become warnings with a did-you-mean
 * (and are dropped) — errors, with `typosAreErrors`, when they are likely typos; wrong types and missing
 * keys become errors at the offending node. Returns the parsed data, or undefined when there were errors
 * other than typos.
 */
export function validateYaml<T>(schema: z.ZodType<T>, options: ValidateYamlOptions): T | undefined {
  const { src, bag, errorCode } = options;
  const basePath = options.basePath ?? [];
  const input = 'value' in options ? options.value : src.value;
  const first = schema.safeParse(input);
  if (first.success) return first.data;

  let failed = false;
  const unknown: { path: YamlPath; key: string }[] = [];
  // zod reports inner objects first; report in file order instead.
  const issues = [...first.error.issues].sort((a, b) => {
    const la = src.locate([...basePath, ...(a.path as (string | number)[])]);
    const lb = src.locate([...basePath, ...(b.path as (string | number)[])]);
    return (la.line ?? 0) - (lb.line ?? 0) || (la.column ?? 0) - (lb.column ?? 0);
  });
  for (const issue of issues) {
    const path = [...basePath, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      const known = objectKeysAt(schema, issue.path as (string | number)[]) ?? [];
      for (const key of issue.keys) {
        unknown.push({ path: issue.path as (string | number)[], key });
        const where = describeYamlPath(src.value, path);
        const location = src.locate([...path, key], 'key');
        const typo = options.typosAreErrors === true ? likelyTypo(key, known) : undefined;
        if (typo !== undefined) {
          // Reported, dropped, and the rest still validated: every problem of the file shows at once.
          bag.error('XFORM_UNKNOWN_KEY', `unknown key '${key}' in ${where} — did you mean '${typo}'?`, location, `did you mean '${typo}'?`);
          continue;
        }
        const suggestion = didYouMean(key, known);
        bag.warning(
          'XFORM_UNKNOWN_KEY',
          `unknown key '${key}' in ${where}` + (suggestion ? ` — did you mean '${suggestion}'?` : ''),
          location,
          suggestion ? `did you mean '${suggestion}'?` : `valid keys: ${known.join(', ')}`,
        );
      }
    } else {
      failed = true;
      reportIssue(issue, path, options, input, basePath);
    }
  }
  if (failed) return undefined;
  // Only unknown keys: drop them (the warnings stand) and validate again.
  const stripped = structuredClone(input);
  for (const { path, key } of unknown) {
    const holder = valueAt(stripped, path);
    if (isPlainObject(holder)) delete holder[key];
  }
  const second = schema.safeParse(stripped);
  if (second.success) return second.data;
  for (const issue of second.error.issues) reportIssue(issue, [...basePath, ...(issue.path as (string | number)[])], options, stripped, basePath);
  return undefined;
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  null: 'null',
};

function typeWord(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

function reportIssue(issue: z.core.$ZodIssue, path: YamlPath, options: ValidateYamlOptions, input: unknown, basePath: YamlPath): void {
  const { src, bag, errorCode } = options;
  const relative = path.slice(basePath.length);
  const actual = valueAt(input, relative);
  const lastKey = path[path.length - 1];
  const where = formatYamlPath(path) || 'the top level';
  const secret = typeof lastKey === 'string' && options.isSecret?.(lastKey) === true;
  if (issue.code === 'invalid_type' && actual === undefined && relative.length > 0 && typeof lastKey === 'string') {
    const parent = path.slice(0, -1);
    bag.error(
      errorCode,
      `missing required key '${lastKey}' in ${describeYamlPath(src.value, parent)} (${src.file}): expected ${ARTICLE[issue.expected] ?? issue.expected}`,
      { ...src.locate(parent), yamlPath: formatYamlPath(path) },
    );
    return;
  }
  if (issue.code === 'invalid_type') {
    const expected = ARTICLE[issue.expected] ?? issue.expected;
    bag.error(errorCode, `'${where}' in ${src.file} must be ${expected}, got ${typeWord(actual)}`, src.locate(path));
    return;
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map((v) => `'${String(v)}'`).join(', ');
    const got = secret || options.quoteValues === false || actual === undefined ? '' : `, got '${String(actual)}'`;
    const suggestion = !secret && typeof actual === 'string' ? didYouMean(actual, issue.values.map(String)) : undefined;
    bag.error(
      errorCode,
      `'${where}' in ${src.file} must be one of ${allowed}${got}` + (suggestion ? ` — did you mean '${suggestion}'?` : ''),
      src.locate(path),
      suggestion ? `did you mean '${suggestion}'?` : undefined,
    );
    return;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Each alternative failed; when all failed on the value's type, say which types are allowed.
    const expected = issue.errors.map((branch) => {
      const top = branch.find((i) => i.path.length === 0);
      return top?.code === 'invalid_type' ? (ARTICLE[top.expected] ?? top.expected) : undefined;
    });
    if (expected.every((e) => e !== undefined)) {
      bag.error(errorCode, `'${where}' in ${src.file} must be ${[...new Set(expected)].join(' or ')}, got ${typeWord(actual)}`, src.locate(path));
      return;
    }
    // Otherwise report the alternative that got furthest (its issue is the deepest).
    const deepest = issue.errors
      .flat()
      .reduce<z.core.$ZodIssue | undefined>((best, i) => (best === undefined || i.path.length > best.path.length ? i : best), undefined);
    if (deepest && deepest.path.length > 0) {
      reportIssue(deepest, [...path, ...(deepest.path as (string | number)[])], options, input, basePath);
      return;
    }
  }
  bag.error(errorCode, `'${where}' in ${src.file}: ${issue.message}`, src.locate(path));
}

interface ZodDefLike {
  type: string;
  innerType?: ZodLike;
  in?: ZodLike;
  element?: ZodLike;
  shape?: Record<string, ZodLike>;
  options?: ZodLike[];
  getter?: () => ZodLike;
}
interface ZodLike {
  _zod: { def: ZodDefLike };
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

function unwrap(schema: ZodLike | undefined): ZodLike | undefined {
  let cur = schema;
  for (let i = 0; cur && i < 20; i++) {
    const def = cur._zod.def;
    if (WRAPPERS.has(def.type)) cur = def.innerType;
    else if (def.type === 'pipe') cur = def.in;
    else if (def.type === 'lazy') cur = def.getter?.();
    else return cur;
  }
  return cur;
}

/** The keys an object schema accepts at `path` (for did-you-mean on unknown keys). */
function objectKeysAt(schema: unknown, path: readonly (string | number)[]): string[] | undefined {
  const step = (s: ZodLike | undefined, segment: string | number): ZodLike | undefined => {
    const def = s?._zod.def;
    if (!def) return undefined;
    if (def.type === 'array') return unwrap(def.element);
    if (def.type === 'object') return unwrap(def.shape?.[String(segment)]);
    if (def.type === 'union') {
      for (const option of def.options ?? []) {
        const next = step(unwrap(option), segment);
        if (next) return next;
      }
    }
    return undefined;
  };
  let cur = unwrap(schema as ZodLike);
  for (const segment of path) cur = step(cur, segment);
  const objectOf = (s: ZodLike | undefined): string[] | undefined => {
    const def = s?._zod.def;
    if (def?.type === 'object') return Object.keys(def.shape ?? {});
    if (def?.type === 'union') {
      const keys = (def.options ?? []).flatMap((o) => objectOf(unwrap(o)) ?? []);
      return keys.length > 0 ? [...new Set(keys)] : undefined;
    }
    return undefined;
  };
  return objectOf(cur);
}
