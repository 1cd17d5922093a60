/**
 * A generic test's YAML arguments are rendered as dbt renders them when it compiles the test: every string
 * holding Jinja (and one that reads as a bare `var(...)`, `env_var(...)` or `doc(...)` call) is rendered
 * natively, so `values: "{{ var('statuses') }}"` arrives as the var's list, not as text. One `{{ expression }}`
 * keeps the expression's value; anything else renders to text. `column_name` is never rendered.
 */
import { nativeFunction, type CompiledTemplate, type TemplateEngine } from '../template/index.js';

const HAS_JINJA = /\{\{|\{%/;
const LOOKS_LIKE_CALL = /^\s*(env_var|var|doc)\s*\(.+\)\s*$/s;
const ONE_EXPRESSION = /^\s*\{\{([\s\S]*)\}\}\s*$/;

/** Whether any value of `args` needs rendering (most tests' do not, and skip all of this). */
export function needsRendering(value: unknown): boolean {
  if (typeof value === 'string') return HAS_JINJA.test(value) || LOOKS_LIKE_CALL.test(value);
  if (Array.isArray(value)) return value.some(needsRendering);
  if (value !== null && typeof value === 'object') return Object.values(value).some(needsRendering);
  return false;
}

export class TestArgumentRenderer {
  private readonly templates = new Map<string, { template: CompiledTemplate; native: boolean }>();
  private captured: unknown = null;
  private readonly capture = nativeFunction((args: unknown[]) => {
    this.captured = args[0] ?? null;
    return '';
  });

  constructor(
    private readonly engine: TemplateEngine,
    private readonly path: string,
    private readonly packageName: string,
  ) {}

  /** `value` with its strings rendered in `names` (the test's render context). */
  render(value: unknown, names: Record<string, unknown>): unknown {
    if (typeof value === 'string') return needsRendering(value) ? this.renderText(value, names) : value;
    if (Array.isArray(value)) return value.map((v) => this.render(v, names));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.render(v, names)]));
    }
    return value;
  }

  private renderText(text: string, names: Record<string, unknown>): unknown {
    const source = LOOKS_LIKE_CALL.test(text) ? `{{ ${text} }}` : text;
    let entry = this.templates.get(source);
    if (!entry) {
      const inner = ONE_EXPRESSION.exec(source)?.[1];
      const native = inner !== undefined && !HAS_JINJA.test(inner) && !inner.includes('}}');
      const code = native ? `{% do __xform_capture(${inner}) %}` : source;
      entry = { template: this.engine.compile(this.path, code, this.packageName), native };
      this.templates.set(source, entry);
    }
    if (!entry.native) return this.engine.render(entry.template, names);
    this.captured = null;
    this.engine.render(entry.template, { ...names, __xform_capture: this.capture });
    return this.captured;
  }
}
