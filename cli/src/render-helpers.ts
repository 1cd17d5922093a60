/**
 * The CLI's render helper threads (core's compile/render-helpers.ts): a compile of a large project renders
 * on every core. Each helper runs the CLI as cli/bin/xform.js loaded it (the one-file script with its code
 * cache, or the ES modules) and loads the project itself with the command's options.
 *
 * `XFORM_RENDER_HELPERS` sets how many (0: none). By default a project with at least MIN_NODES models, snapshots
 * and singular tests, whose renders are not in the partial-parse cache, gets one per core beyond the first (at
 * most MAX_HELPERS) on a machine with at least MIN_CORES cores. On the 2-core machine of `pnpm bench` a helper
 * does ~45% of a cold 10,000-model compile's renders, but the main thread's load and render run ~1.8 times as
 * slowly beside it (the render phase takes as long as alone: 1.37 s against 1.41; the compile 5.5 against 5.0 s):
 * V8's own background threads (parallel scavenges, optimizing compiles) already use the second core, and the
 * allocation-heavy work shares the memory system.
 */
import os from 'node:os';
import {
  XformError,
  helpRender,
  helperRenderer,
  loadDialect,
  loadProject,
  RenderCache,
  startRenderHelpers,
  type DiscoveredCounts,
  type HelperChannel,
  type LoadProjectOptions,
  type ProjectConfig,
  type RenderShare,
} from '@xform/core';
import { registerCliAdapters } from './built-in-adapters.js';
import { cliCode, type CliCode } from './invocation.js';

/**
 * Fewer nodes than this render faster than a helper starts and loads the project a second time (the 1,000-model
 * generated project renders in ~0.15 s; a helper is ready ~1 s into a 10,000-model compile).
 */
export const MIN_NODES = 2000;
/**
 * Each helper holds a whole project of its own (~36 MB of heap for 10,000 models, before rendering), and
 * rendering is about a quarter of a cold compile: past 3 helpers, memory grows faster than the compile shrinks.
 */
const MAX_HELPERS = 3;
const MIN_CORES = 4;

/** XFORM_RENDER_HELPERS when it is set to something (blank counts as unset). */
function askedCount(env: Record<string, string | undefined>): string | undefined {
  const asked = env.XFORM_RENDER_HELPERS;
  return asked !== undefined && asked.trim() !== '' ? asked : undefined;
}

/** How many helpers a compile of a project with `counts` starts. */
export function renderHelperCount(counts: DiscoveredCounts, env: Record<string, string | undefined>, cores = os.availableParallelism()): number {
  const asked = askedCount(env);
  if (asked !== undefined) {
    const n = Number(asked);
    if (!Number.isInteger(n) || n < 0 || n > 64) {
      throw new XformError('XFORM_BAD_ARGUMENT', `XFORM_RENDER_HELPERS must be a whole number from 0 to 64, got '${asked}'`, {
        hint: 'unset it to have one helper thread per core beyond the first for large projects, or set 0 for none',
      });
    }
    return n;
  }
  if (counts.models + counts.snapshots + counts.tests < MIN_NODES || cores < MIN_CORES) return 0;
  return Math.min(MAX_HELPERS, cores - 1);
}

/**
 * The helpers of one compile: `onDiscovered` (for loadProject) starts them when the project is large enough
 * and its renders are not cached (`rendersCached`; XFORM_RENDER_HELPERS starts them regardless); `share` is
 * then what compileProject takes, and `end()` stops them whatever happened.
 */
export function renderHelpers(
  load: LoadProjectOptions,
  env: Record<string, string | undefined>,
  { empty, rendersCached }: { empty: boolean; rendersCached?: (root: string, config: ProjectConfig) => boolean },
): {
  onDiscovered: NonNullable<LoadProjectOptions['onDiscovered']>;
  share(): RenderShare | undefined;
  /** How many were started. */
  count(): number;
  end(): void;
} {
  let share: RenderShare | undefined;
  let started = 0;
  return {
    onDiscovered(counts, { root, config }) {
      const from = cliCode();
      if (from === undefined || share !== undefined) return;
      const count = renderHelperCount(counts, env);
      if (count === 0 || (askedCount(env) === undefined && rendersCached?.(root, config))) return;
      const data: HelperData = { entry: from, load, empty };
      share = startRenderHelpers(count, { source: HELPER_SOURCE, workerData: { ...data } });
      started = count;
    },
    share: () => share,
    count: () => started,
    end: () => share?.end(),
  };
}

interface HelperData {
  entry: CliCode;
  /** The command's project options (plain data: the helper reads its own process.env). */
  load: LoadProjectOptions;
  empty: boolean;
}

/** A helper thread's work, called by HELPER_SOURCE once the CLI's code is loaded in the thread. */
export async function runRenderHelper(data: HelperData & HelperChannel): Promise<void> {
  registerCliAdapters();
  await helpRender(data, async () => {
    const project = await loadProject(data.load);
    const dialect = await loadDialect(project.target.type, { projectRoot: project.root });
    return helperRenderer(project, { dialect, renderCache: RenderCache.empty(), empty: data.empty });
  });
}

/**
 * The thread's main: loads the CLI as cli/bin/xform.js does (the script with its code cache, which it only
 * reads; or the ES module) and calls runRenderHelper.
 */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { entry } = workerData;
if (entry.script !== undefined) {
  const fs = require('node:fs');
  const path = require('node:path');
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  let cachedData;
  try { cachedData = fs.readFileSync(entry.script + '.cache'); } catch {}
  const script = new vm.Script(fs.readFileSync(entry.script, 'latin1'), { filename: entry.script, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(entry.script), module, entry.script, path.dirname(entry.script));
  module.exports.runRenderHelper(workerData);
} else {
  import(entry.module).then((m) => m.runRenderHelper(workerData));
}
`;
