/** The template engine a project's nodes render with, shared by the compiler and patch compiles. */
import { BUILTIN_TESTS_PATH, BUILTIN_TESTS_SQL } from '../quality/builtin-tests.js';
import type { LoadedProject } from '../project/types.js';
import { INTERNAL_PACKAGE, TemplateEngine, type LogFn, type MacroFile, type MacroInfo } from '../template/index.js';
import type { MacroResolver } from './macro-deps.js';
import type { RenderContext } from './render-context.js';

/** Names through which a template reads the warehouse while rendering (and the internal macros that do). */
export const INTROSPECTION_WORDS = /\b(run_query|statement|load_result|get_columns_in_relation|get_relation|load_relation|get_missing_columns|date_spine|get_intervals_between|get_columns_in_query)\b/;

/** dbt's built-in generic tests (not_null, unique...), a macro file of the internal package. */
export const BUILTIN_TESTS_FILE: MacroFile = { path: BUILTIN_TESTS_PATH, contents: BUILTIN_TESTS_SQL, packageName: INTERNAL_PACKAGE };

/** The template engine of a project: dbt's built-in tests, then the project's and its packages' macros. */
export function projectEngine(project: Pick<LoadedProject, 'macros' | 'target' | 'config'>, ctx: RenderContext, log?: LogFn): TemplateEngine {
  return new TemplateEngine({
    macroFiles: [BUILTIN_TESTS_FILE, ...project.macros],
    adapterType: project.target.type,
    rootPackage: project.config.name,
    dispatch: project.config.dispatch,
    globals: ctx.globals,
    log,
  });
}

/**
 * Whether a template of package `pkg` can read the warehouse while rendering, read from the text alone: it
 * names an introspection call, or a macro it calls (on any branch, through any number of macros, as
 * depends_on.macros finds calls) does. dbt's internal macros are not followed, as in the compiler's
 * readsWarehouse: a template that calls date_spine names it.
 */
export function reachesIntrospection(text: string, pkg: string, macros: readonly MacroInfo[], resolver: MacroResolver): boolean {
  if (INTROSPECTION_WORDS.test(text)) return true;
  const byId = new Map(macros.map((m) => [`macro.${m.packageName}.${m.name}`, m]));
  const seen = new Set<string>();
  const pending = resolver.callsIn(text, pkg);
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const macro = byId.get(id);
    if (!macro || macro.packageName === INTERNAL_PACKAGE) continue;
    if (INTROSPECTION_WORDS.test(macro.sql)) return true;
    pending.push(...resolver.callsIn(macro.sql, macro.packageName));
  }
  return false;
}
