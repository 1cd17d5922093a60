/**
 * dbt's YAML selectors (`selectors.yml`, used with `--selector NAME`): named definitions built of
 * method/value criteria, `union`, `intersection` and `exclude`, with the graph operators spelled as flags
 * (`parents`, `children`, `parents_depth`, `children_depth`, `childrens_parents`). A definition may also be
 * a string in the CLI's grammar, a one-key mapping `{tag: nightly}`, or `{method: selector, value: other}`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticBag, XformError, didYouMeanHint, isXformError } from '../errors.js';
import { parseYaml, type YamlPath, type YamlSource } from '../project/yaml-doc.js';
import type { LineageGraph } from './lineage-graph.js';
import { evaluate } from './select.js';
import { parseSelector } from './selector-parse.js';
import type { MatchContext } from './selector-methods.js';

export const SELECTORS_FILE = 'selectors.yml';

export interface YamlSelector {
  name: string;
  description?: string;
  /** Used when a command is given neither --select nor --selector. Default false. */
  default: boolean;
  definition: unknown;
  /** Index in the file's `selectors:` list, to point at it in messages. */
  index: number;
}

export interface SelectorsFile {
  src: YamlSource;
  selectors: YamlSelector[];
}

/** Reads `<root>/selectors.yml`; undefined when the project has none. Malformed files throw XFORM_BAD_SELECTOR. */
export function loadSelectorsFile(root: string): SelectorsFile | undefined {
  const file = path.join(root, SELECTORS_FILE);
  if (!existsSync(file)) return undefined;
  const bag = new DiagnosticBag();
  const src = parseYaml(readFileSync(file, 'utf8'), SELECTORS_FILE, bag);
  bag.throwIfErrors('XFORM_BAD_SELECTOR', `${SELECTORS_FILE} is not valid YAML`);
  const value = src!.value as { selectors?: unknown } | undefined;
  const list = value?.selectors;
  if (!Array.isArray(list)) throw bad(src!, [], `${SELECTORS_FILE} must have a 'selectors:' list`, 'selectors:\n  - name: nightly\n    definition: "tag:nightly"');
  const selectors = list.map((entry: unknown, index): YamlSelector => {
    const e = entry as Record<string, unknown> | null;
    if (!e || typeof e !== 'object' || typeof e.name !== 'string' || !('definition' in e)) {
      throw bad(src!, ['selectors', index], 'each selector needs a name and a definition', undefined);
    }
    return { name: e.name, description: typeof e.description === 'string' ? e.description : undefined, default: e.default === true, definition: e.definition, index };
  });
  const defaults = selectors.filter((s) => s.default);
  if (defaults.length > 1) throw bad(src!, ['selectors', defaults[1]!.index, 'default'], `only one selector can be the default; ${defaults.map((s) => s.name).join(' and ')} both say default: true`, undefined);
  return { src: src!, selectors };
}

/** The nodes selector `name` selects (before indirect test selection, as `--select` would). */
export function evaluateYamlSelector(graph: LineageGraph, file: SelectorsFile, name: string, ctx: MatchContext = {}): Set<string> {
  return new Evaluator(graph, file, ctx).selector(name, [], []);
}

class Evaluator {
  constructor(
    private readonly graph: LineageGraph,
    private readonly file: SelectorsFile,
    private readonly ctx: MatchContext,
  ) {}

  selector(name: string, at: YamlPath, stack: string[]): Set<string> {
    const found = this.file.selectors.find((s) => s.name === name);
    if (!found) {
      throw new XformError('XFORM_SELECTOR_NOT_FOUND', `no selector named '${name}' in ${SELECTORS_FILE}`, {
        location: at.length > 0 ? this.file.src.locate(at) : { file: SELECTORS_FILE },
        hint: didYouMeanHint(name, this.file.selectors.map((s) => s.name)) ?? `selectors: ${this.file.selectors.map((s) => s.name).join(', ') || 'none'}`,
      });
    }
    if (stack.includes(name)) throw bad(this.file.src, at, `selector '${name}' refers to itself (${[...stack, name].join(' -> ')})`, undefined);
    return this.definition(found.definition, ['selectors', found.index, 'definition'], [...stack, name]);
  }

  private definition(def: unknown, at: YamlPath, stack: string[]): Set<string> {
    if (typeof def === 'string') return this.cli(def, at);
    if (!def || typeof def !== 'object' || Array.isArray(def)) {
      throw bad(this.file.src, at, 'a selector definition is a string, a method/value mapping, or union/intersection', undefined);
    }
    const d = def as Record<string, unknown>;
    if ('union' in d || 'intersection' in d) {
      const kind = 'union' in d ? 'union' : 'intersection';
      const items = d[kind];
      if (!Array.isArray(items)) throw bad(this.file.src, [...at, kind], `${kind} expects a list`, undefined);
      const included: Set<string>[] = [];
      const excluded = new Set<string>();
      items.forEach((item: unknown, i) => {
        const itemAt = [...at, kind, i];
        if (item && typeof item === 'object' && !Array.isArray(item) && 'exclude' in item) {
          for (const id of this.excludes((item as { exclude: unknown }).exclude, [...itemAt, 'exclude'], stack)) excluded.add(id);
        } else {
          included.push(this.definition(item, itemAt, stack));
        }
      });
      const combined = kind === 'union' ? union(included) : intersection(included);
      for (const id of excluded) combined.delete(id);
      return combined;
    }
    let result: Set<string>;
    if ('method' in d) result = this.criteria(d, at, stack);
    else {
      const keys = Object.keys(d).filter((k) => k !== 'exclude');
      if (keys.length !== 1) throw bad(this.file.src, at, 'expected method: and value:, a one-key mapping like {tag: nightly}, or union/intersection', undefined);
      result = this.criteria({ method: keys[0], value: d[keys[0]!] }, at, stack);
    }
    if ('exclude' in d) for (const id of this.excludes(d.exclude, [...at, 'exclude'], stack)) result.delete(id);
    return result;
  }

  private excludes(list: unknown, at: YamlPath, stack: string[]): Set<string> {
    if (!Array.isArray(list)) throw bad(this.file.src, at, 'exclude expects a list of definitions', undefined);
    return union(list.map((item: unknown, i) => this.definition(item, [...at, i], stack)));
  }

  private criteria(d: Record<string, unknown>, at: YamlPath, stack: string[]): Set<string> {
    const method = String(d.method);
    const value = d.value;
    if (typeof value !== 'string' && typeof value !== 'number') throw bad(this.file.src, [...at, 'value'], `method '${method}' needs a value`, undefined);
    if (method === 'selector') return this.selector(String(value), [...at, 'value'], stack);
    const parents = d.parents === true || d.parents_depth !== undefined;
    const children = d.children === true || d.children_depth !== undefined;
    const depth = (key: string) => (d[key] === undefined ? '' : String(d[key]));
    const atom = `${d.childrens_parents === true ? '@' : ''}${parents ? `${depth('parents_depth')}+` : ''}${method === 'fqn' ? '' : `${method}:`}${value}${children ? `+${depth('children_depth')}` : ''}`;
    return this.cli(atom, [...at, 'method']);
  }

  private cli(text: string, at: YamlPath): Set<string> {
    try {
      return evaluate(this.graph, parseSelector(text), this.ctx);
    } catch (err) {
      if (isXformError(err) && err.location === undefined) {
        throw new XformError(err.code, err.message, { location: this.file.src.locate(at), hint: err.hint });
      }
      throw err;
    }
  }
}

function union(sets: Set<string>[]): Set<string> {
  const out = new Set<string>();
  for (const set of sets) for (const id of set) out.add(id);
  return out;
}

function intersection(sets: Set<string>[]): Set<string> {
  if (sets.length === 0) return new Set();
  const [first, ...rest] = sets;
  return new Set([...first!].filter((id) => rest.every((s) => s.has(id))));
}

function bad(src: YamlSource, at: YamlPath, message: string, hint: string | undefined): XformError {
  return new XformError('XFORM_BAD_SELECTOR', `${SELECTORS_FILE}: ${message}`, { location: src.locate(at), hint });
}
