/**
 * A generic test's YAML arguments are rendered as dbt renders test kwargs when it compiles the test
 * (natively, see template/native.ts): every string holding Jinja, and one that reads as a bare
 * `var(...)`, `env_var(...)` or `doc(...)` call, so `values: "{{ var('statuses') }}"` arrives as the var's
 * list. `column_name` is never rendered; ref()/source() arguments are relations (generic-tests.ts).
 */
import { NativeRenderer, type TemplateEngine } from '../template/index.js';

const HAS_JINJA = /\{\{|\{%/;
const LOOKS_LIKE_CALL = /^\s*(env_var|var|doc)\s*\(.+\)\s*$/s;

/** Whether any string in `value` needs rendering (most tests' arguments do not, and skip all of this). */
export function needsRendering(value: unknown): boolean {
  if (typeof value === 'string') return HAS_JINJA.test(value) || LOOKS_LIKE_CALL.test(value);
  if (Array.isArray(value)) return value.some(needsRendering);
  if (value !== null && typeof value === 'object') return Object.values(value).some(needsRendering);
  return false;
}

export class TestArgumentRenderer {
  private readonly native: NativeRenderer;

  constructor(engine: TemplateEngine, path: string, packageName: string) {
    this.native = new NativeRenderer(engine, path, packageName);
  }

  /** `value` with its strings rendered in `names` (the test's render context). */
  render(value: unknown, names: Record<string, unknown>): unknown {
    if (typeof value === 'string') {
      if (!needsRendering(value)) return value;
      return this.native.render(LOOKS_LIKE_CALL.test(value) ? `{{ ${value} }}` : value, names);
    }
    if (Array.isArray(value)) return value.map((v) => this.render(v, names));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.render(v, names)]));
    }
    return value;
  }
}
