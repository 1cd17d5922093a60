/** `--state`, `--defer` and `--favor-state`: reading a previous invocation's artifacts for selection and refs. */
import path from 'node:path';
import type { Command } from 'commander';
import {
  compileProject,
  deferredRelations,
  loadPreviousState,
  stateMethods,
  XformError,
  type Adapter,
  type CompiledProject,
  type PreviousState,
  type StateMethods,
} from '@xform/core';

export interface StateOptions {
  state?: string;
  defer?: boolean;
  favorState?: boolean;
}

export function addDeferOptions(command: Command): Command {
  return command
    .option('--defer', 'refs to nodes not selected read the --state relation when the target has none (needs --state)')
    .option('--favor-state', 'with --defer, read the --state relation of unselected nodes even when the target has its own');
}

/** The previous state given `--state` (undefined without it); usage mistakes with the defer flags are errors. */
export async function stateFromOptions(options: StateOptions, compiled: CompiledProject): Promise<PreviousState | undefined> {
  if (options.defer === true && options.state === undefined) {
    throw new XformError('XFORM_BAD_ARGUMENT', '--defer needs --state <dir>: the target/ folder of the run whose relations to read', {
      hint: 'e.g. --defer --state prod-artifacts',
    });
  }
  if (options.favorState === true && options.defer !== true) {
    throw new XformError('XFORM_BAD_ARGUMENT', '--favor-state only changes what --defer reads; add --defer --state <dir>');
  }
  if (options.state === undefined) return undefined;
  const { project } = compiled;
  return loadPreviousState(options.state, { currentTargetDir: path.resolve(project.root, project.config.targetPath) });
}

/** selectNodes' `stateMethods` for a state (none without one: `state:` then asks for --state). */
export function stateSelectionOf(state: PreviousState | undefined, compiled: CompiledProject): { stateMethods?: StateMethods } {
  return state === undefined ? {} : { stateMethods: stateMethods(state, compiled.manifest) };
}

/**
 * With `--defer`: the project compiled again with refs to unselected nodes pointing at the state's relations
 * where dbt's rules say so (see core/src/state/defer.ts); otherwise `compiled` as it is.
 */
export async function deferIfAsked(
  options: StateOptions & { empty?: boolean },
  state: PreviousState | undefined,
  compiled: CompiledProject,
  selected: ReadonlySet<string>,
  adapter: Adapter,
): Promise<CompiledProject> {
  if (options.defer !== true || state === undefined) return compiled;
  const deferred = await deferredRelations({
    graph: compiled.graph,
    manifest: compiled.manifest,
    selected,
    state,
    favorState: options.favorState === true,
    exists: async (relation) => (await adapter.catalog.getRelation(relation)) !== undefined,
  });
  if (deferred.size === 0) return compiled;
  process.stderr.write(`deferring ${deferred.size} unselected node${deferred.size === 1 ? '' : 's'} to ${state.dir}: ${[...deferred.keys()].map((id) => compiled.manifest.nodes[id]?.name ?? id).join(', ')}\n`);
  return compileProject(compiled.project, { dialect: adapter.dialect, deferred, invocationId: compiled.manifest.metadata.invocation_id, empty: options.empty === true });
}
