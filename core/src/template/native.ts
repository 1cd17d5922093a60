/**
 * dbt's native rendering, used where dbt renders a YAML value with its native environment (a generic
 * test's arguments, config values): a value that is one `{{ expression }}` keeps the expression's value (a
 * var's list stays a list); anything else renders to text. A trailing `as_bool`, `as_number` or
 * `as_native` filter reads the text as a Python literal (`'5432' | as_number` is 5432) and must give a
 * bool or a number; `as_text` keeps text. In SQL rendering these filters change nothing (filters-text.ts).
 */
import { XformError } from '../errors.js';
import type { CompiledTemplate, TemplateEngine } from './engine.js';
import { nativeFunction } from './runtime/callables.js';
import { pyStr } from './runtime/repr.js';
import { isFloat } from './runtime/values.js';

const HAS_JINJA = /\{\{|\{%/;
const ONE_EXPRESSION = /^\s*\{\{-?([\s\S]*?)-?\}\}\s*$/;
const MARKER = /\|\s*(as_text|as_bool|as_number|as_native)\s*$/;
/** Tokens of a Python literal: strings, numbers, True/False/None and punctuation; nothing callable. */
const LITERAL_TOKEN = /\s+|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|[-+]?(?:\d[\d_]*\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|True|False|None|[[\](){},:]/y;

function isPythonLiteral(text: string): boolean {
  if (text.trim() === '') return false;
  LITERAL_TOKEN.lastIndex = 0;
  while (LITERAL_TOKEN.lastIndex < text.length) {
    const at = LITERAL_TOKEN.lastIndex;
    if (!LITERAL_TOKEN.exec(text) || LITERAL_TOKEN.lastIndex === at) return false;
  }
  return true;
}

export class NativeRenderer {
  private readonly templates = new Map<string, { template: CompiledTemplate; marker: string | undefined; native: boolean }>();
  private captured: unknown = null;
  private readonly capture = nativeFunction((args: unknown[]) => {
    this.captured = args[0] ?? null;
    return '';
  });

  constructor(
    private readonly engine: TemplateEngine,
    private readonly path: string,
    private readonly packageName?: string,
  ) {}

  render(text: string, names: Record<string, unknown>): unknown {
    let entry = this.templates.get(text);
    if (!entry) {
      const inner = ONE_EXPRESSION.exec(text)?.[1];
      const native = inner !== undefined && !HAS_JINJA.test(inner) && !inner.includes('}}');
      const marker = native ? MARKER.exec(inner)?.[1] : undefined;
      const expression = marker === undefined ? inner : inner!.replace(MARKER, '');
      const code = native ? `{% do __xform_capture(${expression}) %}` : text;
      entry = { template: this.engine.compile(this.path, code, this.packageName), marker, native };
      this.templates.set(text, entry);
    }
    if (!entry.native) return this.engine.render(entry.template, names);
    const value = this.evaluate(entry.template, names);
    return entry.marker === undefined ? value : this.convert(value, entry.marker);
  }

  private evaluate(template: CompiledTemplate, names: Record<string, unknown>): unknown {
    this.captured = null;
    this.engine.render(template, { ...names, __xform_capture: this.capture });
    return this.captured;
  }

  /** dbt's quoted_native_concat for one marked value: Python's literal_eval of its text, then the type check. */
  private convert(value: unknown, marker: string): unknown {
    const text = pyStr(value);
    if (marker === 'as_text') return text;
    let result: unknown = text;
    if (isPythonLiteral(text)) {
      try {
        result = this.evaluate(this.engine.compile(this.path, `{% do __xform_capture(${text}) %}`, this.packageName), {});
      } catch {
        result = text;
      }
    }
    const isNumber = (typeof result === 'number' || isFloat(result)) && typeof result !== 'boolean';
    if ((marker === 'as_bool' && typeof result !== 'boolean') || (marker === 'as_number' && !isNumber)) {
      throw new XformError('XFORM_NATIVE_CONVERSION', `could not convert value '${text}' into type '${marker === 'as_bool' ? 'bool' : 'number'}'`, {
        hint: marker === 'as_bool' ? 'give True or False (Python spelling)' : 'give a number',
      });
    }
    return result;
  }
}
