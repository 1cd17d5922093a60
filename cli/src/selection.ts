/** The nodes a command works on: `--select`/`--exclude`, or `--selector` (or the default) of selectors.yml. */
import { evaluateYamlSelector, loadSelectorsFile, selectNodes, XformError, type CompiledProject, type SelectionOptions as CoreSelection } from '@xform/core';
import { debug } from './logging.js';
import type { SelectionOptions } from './project-options.js';

export function selectFromOptions(compiled: CompiledProject, options: SelectionOptions, extra: Pick<CoreSelection, 'resourceTypes' | 'indirectSelection' | 'stateMethods'> = {}): Set<string> {
  const { project, graph } = compiled;
  const ctx = { projectName: project.config.name };
  const hasSelect = (options.select ?? []).some((s) => s.trim() !== '');
  let chosen: Set<string> | undefined;
  if (options.selector !== undefined) {
    if (hasSelect) {
      throw new XformError('XFORM_BAD_ARGUMENT', '--selector and --select cannot be used together', { hint: 'put the extra criteria into the selector in selectors.yml, or use --select alone' });
    }
    const file = loadSelectorsFile(project.root);
    if (!file) {
      throw new XformError('XFORM_SELECTOR_NOT_FOUND', `--selector ${options.selector}: the project has no selectors.yml`, {
        hint: `create ${project.root}/selectors.yml with selectors: [{name: ${options.selector}, definition: ...}]`,
      });
    }
    chosen = evaluateYamlSelector(graph, file, options.selector, ctx);
    debug(`selector '${options.selector}' of selectors.yml chooses ${chosen.size} node(s)`);
  } else if (!hasSelect && (options.exclude ?? []).length === 0) {
    // dbt: a selector marked `default: true` applies when a command is given no selection at all.
    const file = loadSelectorsFile(project.root);
    const fallback = file?.selectors.find((s) => s.default);
    if (file && fallback) {
      chosen = evaluateYamlSelector(graph, file, fallback.name, ctx);
      debug(`default selector '${fallback.name}' of selectors.yml chooses ${chosen.size} node(s)`);
    }
  }
  return selectNodes(graph, { select: options.select, exclude: options.exclude, chosen, projectName: project.config.name, ...extra });
}
