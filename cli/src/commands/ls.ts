import type { Command } from 'commander';
import { RESOURCE_TYPES, XformError, didYouMeanHint, type GraphNode, type ResourceType } from '@xform/core';
import { addProjectOptions, addSelectionOptions, compileFromOptions, type ProjectOptions, type SelectionOptions } from '../project-options.js';
import { yellow } from '../output.js';
import { printResult } from '../logging.js';
import { selectFromOptions } from '../selection.js';
import { stateFromOptions, stateSelectionOf } from '../state-options.js';

interface LsOptions extends ProjectOptions, SelectionOptions {
  output: 'name' | 'path' | 'json' | 'selector';
  resourceType?: string[];
}

/** `--resource-type` values: xform's resource types, or dbt's `all` (no filter). */
function parseResourceTypes(values: string[] | undefined): ResourceType[] | undefined {
  if (values === undefined || values.includes('all')) return undefined;
  for (const value of values) {
    if (!(RESOURCE_TYPES as readonly string[]).includes(value)) {
      throw new XformError('XFORM_BAD_ARGUMENT', `--resource-type expects one of ${[...RESOURCE_TYPES, 'all'].join(', ')}, got '${value}'`, {
        hint: didYouMeanHint(value, RESOURCE_TYPES),
      });
    }
  }
  return values as ResourceType[];
}

function selectorOf(node: GraphNode): string {
  if (node.resource_type === 'source') return `source:${node.fqn.slice(1).join('.')}`;
  return node.fqn.join('.');
}

export function registerLs(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('ls')
    .alias('list')
    .description('list the selected nodes')
    .option('-o, --output <format>', 'name | path | selector | json', 'selector')
    .option('--resource-type <type...>', 'only these resource types (model, seed, snapshot, source, test, unit_test, or all)');
  addSelectionOptions(addProjectOptions(command)).action(async (options: LsOptions) => {
    const resourceTypes = parseResourceTypes(options.resourceType);
    const compiled = await compileFromOptions(options);
    const state = await stateFromOptions(options, compiled);
    const selected = selectFromOptions(compiled, options, { resourceTypes, ...stateSelectionOf(state, compiled) });
    const { manifest } = compiled;
    const nodes = compiled.graph
      .topoOrder()
      .filter((id) => selected.has(id))
      .map((id) => (manifest.nodes[id] ?? manifest.sources[id]) as GraphNode);
    if (nodes.length === 0) process.stderr.write(`${yellow('warning')} no nodes match the selection\n`);
    for (const node of nodes) {
      let line: string;
      switch (options.output) {
        case 'name':
          line = node.name;
          break;
        case 'path':
          line = node.original_file_path;
          break;
        case 'json':
          line = JSON.stringify({
            unique_id: node.unique_id,
            name: node.name,
            resource_type: node.resource_type,
            original_file_path: node.original_file_path,
            layer: node.layer ?? null,
            tags: node.tags,
            config: { materialized: node.config.materialized ?? null },
            depends_on: node.depends_on.nodes,
          });
          break;
        default:
          line = selectorOf(node);
      }
      printResult(`${line}\n`);
    }
    setExitCode(0);
  });
}
