/** The `state:`, `result:` and `source_status:` selector methods, answered from a previous invocation's artifacts. */
import type { Manifest } from '../compile/manifest.js';
import type { NodePredicate, StateMethods, StateValue } from '../graph/index.js';
import { StateComparison } from './modified.js';
import type { PreviousState, StateFreshness } from './previous-state.js';
import { XformError } from '../errors.js';

/** The methods for selectNodes' `stateMethods`, comparing `current` with `state`. */
export function stateMethods(state: PreviousState, current: Pick<Manifest, 'macros'>): StateMethods {
  const comparison = new StateComparison(current, state.manifest);
  return (method, value): NodePredicate => {
    switch (method) {
      case 'state':
        return (node) => comparison.matches(value as StateValue, node);
      case 'result': {
        if (state.results === undefined) throw missing(state, 'run_results.json', `'result:${value}'`);
        const ids = new Set(state.results.filter((r) => r.status === value).map((r) => r.unique_id));
        return (node) => ids.has(node.unique_id);
      }
      case 'source_status': {
        if (state.sources === undefined) throw missing(state, 'sources.json', `'source_status:${value}'`);
        if (state.currentSources === undefined) {
          throw new XformError('XFORM_STATE_INVALID', `'source_status:${value}' compares this target's sources.json with the state's, but the target folder has none`, {
            hint: 'run `xform source freshness` first: it writes target/sources.json',
          });
        }
        const ids = fresher(state.currentSources, state.sources);
        return (node) => ids.has(node.unique_id);
      }
    }
  };
}

/** dbt's `fresher`: sources loaded more recently now than in the state (or checked only now), neither check an error. */
function fresher(current: StateFreshness[], previous: StateFreshness[]): Set<string> {
  const loaded = (results: StateFreshness[]) => new Map(results.filter((r) => typeof r.max_loaded_at === 'string').map((r) => [r.unique_id, Date.parse(r.max_loaded_at!)]));
  const errored = new Set([...current, ...previous].filter((r) => typeof r.max_loaded_at !== 'string').map((r) => r.unique_id));
  const now = loaded(current);
  const before = loaded(previous);
  const out = new Set<string>();
  for (const [id, at] of now) {
    const was = before.get(id);
    if ((was === undefined || at > was) && !errored.has(id)) out.add(id);
  }
  return out;
}

function missing(state: PreviousState, file: string, what: string): XformError {
  return new XformError('XFORM_STATE_INVALID', `${what} needs ${file} in the state folder ${state.dir}, which has none`, {
    hint: file === 'run_results.json' ? 'use the target/ folder of a run, build, seed or test' : 'use a target/ folder where `xform source freshness` ran',
  });
}
