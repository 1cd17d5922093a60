/**
 * Jinja2-faithful templating for models and macros. nunjucks' tokenizer reads the source; the parser,
 * code generator and runtime follow Jinja2's grammar and Python's semantics (see the README-style notes at
 * the top of each file under syntax/, compiler/ and runtime/).
 */
export { TemplateEngine } from './engine.js';
export type { CompiledTemplate, MacroFile, MacroInfo, TemplateEngineOptions } from './engine.js';
export { INTERNAL_PACKAGE } from './namespaces.js';
export type { DispatchEntry, LogFn } from './dbt/dbt-globals.js';
export { PY_CALL, PY_GETATTR, nativeFunction, pyFunction, toJs, type Kwargs, type PyCallable } from './runtime/callables.js';
export { arg as pyArg } from './runtime/str-methods.js';
export { pyStr } from './runtime/repr.js';
export { PY_HASH, PY_MAPPING, PyFloat, Undefined, isUndefined, tuple } from './runtime/values.js';
export { TEMPLATE_ERROR } from './render-errors.js';
export { SYNTAX_ERROR as TEMPLATE_SYNTAX_ERROR, UNSUPPORTED as TEMPLATE_UNSUPPORTED } from './syntax/token-stream.js';
export { NativeRenderer } from './native.js';
export { PRINTS_TOKEN, TOKEN_END, TOKEN_START, onTokenRead } from './runtime/relation-tokens.js';
