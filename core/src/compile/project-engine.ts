/** The template engine a project's nodes render with, shared by the compiler and patch compiles. */
import { BUILTIN_TESTS_PATH, BUILTIN_TESTS_SQL } from '../quality/builtin-tests.js';
import type { LoadedProject } from '../project/types.js';
import { INTERNAL_PACKAGE, TemplateEngine, type LogFn } from '../template/index.js';
import type { RenderContext } from './render-context.js';

/** Names through which a template reads the warehouse while rendering (and the internal macros that do). */
export const INTROSPECTION_WORDS = /\b(run_query|statement|load_result|get_columns_in_relation|get_relation|load_relation|get_missing_columns|date_spine|get_intervals_between|get_columns_in_query)\b/;

/** The template engine of a project: dbt's built-in tests, then the project's and its packages' macros. */
export function projectEngine(project: Pick<LoadedProject, 'macros' | 'target' | 'config'>, ctx: RenderContext, log?: LogFn): TemplateEngine {
  return new TemplateEngine({
    macroFiles: [{ path: BUILTIN_TESTS_PATH, contents: BUILTIN_TESTS_SQL, packageName: INTERNAL_PACKAGE }, ...project.macros],
    adapterType: project.target.type,
    rootPackage: project.config.name,
    dispatch: project.config.dispatch,
    globals: ctx.globals,
    log,
  });
}
