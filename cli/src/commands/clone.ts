/** `xform clone --state DIR`: the state's relations of the selected nodes, created in the target. */
import type { Command } from 'commander';
import { cloneFromState, loadAdapter, selectNodes, XformError, type CloneResult } from '@xform/core';
import { addProjectOptions, addSelectionOptions, compileFromOptions, type ProjectOptions, type SelectionOptions } from '../project-options.js';
import { green, red, yellow } from '../output.js';
import { stateFromOptions, stateSelectionOf } from '../state-options.js';

interface CloneOptions extends ProjectOptions, SelectionOptions {
  fullRefresh?: boolean;
}

export function registerClone(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('clone')
    .description("create the --state relations of the selected models, seeds and snapshots in the target: zero-copy clones where the warehouse has them (Snowflake, BigQuery), else views reading the state's relations")
    .option('--full-refresh', 'replace tables that already exist in the target (by default they are kept)');
  addSelectionOptions(addProjectOptions(command)).action(async (options: CloneOptions) => {
    if (options.state === undefined) {
      throw new XformError('XFORM_BAD_ARGUMENT', 'xform clone needs --state <dir>: the target/ folder of the run whose relations to clone', {
        hint: 'e.g. xform clone --state prod-artifacts --select state:modified+',
      });
    }
    const compiled = await compileFromOptions(options);
    const state = (await stateFromOptions(options, compiled))!;
    const { project, manifest } = compiled;
    const selected = selectNodes(compiled.graph, {
      select: options.select,
      exclude: options.exclude,
      resourceTypes: ['model', 'seed', 'snapshot'],
      ...stateSelectionOf(state, compiled),
    });
    // One relation after another: each is one cheap statement, so one connection is enough.
    const adapter = await loadAdapter(project.target, { projectRoot: project.root, threads: 1 });
    let results: CloneResult[];
    try {
      results = await cloneFromState({ manifest, selected, state, adapter, fullRefresh: options.fullRefresh === true, onResult: (r) => printResult(r, adapter.dialect.relationName.bind(adapter.dialect)) });
    } finally {
      await adapter.close();
    }
    const count = (status: string) => results.filter((r) => r.status === status).length;
    if (results.length === 0) process.stderr.write(`${yellow('warning')} nothing to clone: no models, seeds or snapshots match the selection\n`);
    process.stdout.write(`clone: ${count('cloned')} cloned, ${count('view')} as views, ${count('skipped')} skipped, ${count('error')} errors\n`);
    setExitCode(count('error') > 0 ? 1 : 0);
  });
}

function printResult(result: CloneResult, name: (r: CloneResult['relation']) => string): void {
  const target = name(result.relation);
  switch (result.status) {
    case 'cloned':
      process.stdout.write(`${green('CLONED')} ${target} from ${name(result.source)}\n`);
      break;
    case 'view':
      process.stdout.write(`${green('VIEW')}   ${target} -> ${name(result.source)}\n`);
      break;
    case 'skipped':
      process.stdout.write(`${yellow('SKIP')}   ${result.unique_id}: ${result.message}\n`);
      break;
    default:
      process.stdout.write(`${red('ERROR')}  ${result.unique_id}: ${result.message}\n`);
  }
}
