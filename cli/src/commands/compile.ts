import path from 'node:path';
import type { Command } from 'commander';
import { loadAdapter, writeCompileArtifacts, writePatchNodes, writePatchState, type CompiledProject, type ExecutableNode, type TestNode } from '@xform/core';
import { recordingEnv } from '@xform/core/partial-parse';
import { addProjectOptions, addSelectionOptions, compileFromOptions, partialParseCaches, type ProjectOptions, type SelectionOptions } from '../project-options.js';
import { printCompileSummary } from '../compile-summary.js';
import { saveCompileSnapshot } from '../compile-snapshot.js';
import { printDryRun } from './compile-dry-run.js';
import { printResult } from '../logging.js';
import { selectFromOptions } from '../selection.js';
import { addDeferOptions, deferIfAsked, stateFromOptions, stateSelectionOf, type StateOptions } from '../state-options.js';

interface CompileOptions extends ProjectOptions, SelectionOptions, StateOptions {
  inline?: string;
  /** false with --no-partial-parse. */
  partialParse: boolean;
  dryRun?: boolean;
}

export function registerCompile(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('compile')
    .description('render every model and test to SQL and write target/manifest.json (connects only for nodes that query the warehouse while rendering)')
    .option('--inline <sql>', 'compile one SQL snippet against the project and print it')
    .option('--no-partial-parse', 'compile everything, even when target/partial_parse.json says nothing changed')
    .option('--dry-run', 'also have the warehouse validate every selected model without running it (BigQuery dry-run jobs)');
  addDeferOptions(addSelectionOptions(addProjectOptions(command))).action(async (options: CompileOptions) => {
    const started = performance.now();
    const startedAt = Date.now();
    const recorder = recordingEnv(process.env);
    const caches = partialParseCaches({ use: options.partialParse });
    // Only a compile of the whole project as it stands leaves what a patch compile starts from.
    const selects = Boolean(options.select?.length || options.exclude?.length || options.selector !== undefined || options.state !== undefined || options.defer);
    const recordPatch = options.inline === undefined && !selects && !options.dryRun;
    // Renders after the compile are few (nodes that query the warehouse, --inline): templates are not kept.
    let compiled = await compileFromOptions(options, { env: recorder.env, ...caches.extras, recordPatch, releaseTemplates: true });
    if (options.inline !== undefined) {
      printResult(`${compiled.compileInline(options.inline).trim()}\n`);
      setExitCode(0);
      return;
    }
    const state = await stateFromOptions(options, compiled);
    let keep: Set<string> | undefined;
    if (options.select?.length || options.exclude?.length || options.selector !== undefined) {
      keep = selectFromOptions(compiled, options, stateSelectionOf(state, compiled));
      if (options.defer === true) {
        // Whether a parent exists in the target decides what a ref reads, so --defer connects.
        const adapter = await loadAdapter(compiled.project.target, { projectRoot: compiled.project.root, threads: 1 });
        try {
          compiled = await deferIfAsked(options, state, compiled, keep, adapter);
        } finally {
          await adapter.close();
        }
      }
    }
    const { manifest, project } = compiled;
    if (keep !== undefined) {
      for (const id of Object.keys(manifest.nodes)) {
        if (!keep.has(id)) delete manifest.nodes[id]?.compiled_code;
      }
    }
    await renderIntrospectingNodes(compiled, keep);
    const targetDir = path.resolve(project.root, project.config.targetPath);
    const snapshot = saveCompileSnapshot(compiled, { targetDir, startedAt, envReads: recorder.reads });
    let manifestWritten: (stamp: string) => void = () => undefined;
    const manifestStamp = new Promise<string>((resolve) => (manifestWritten = resolve));
    // --no-partial-parse writes every file; otherwise files nobody touched and whose SQL is the same stay.
    // The compiled tree goes to worker threads at once: the patch state is laid out meanwhile.
    const writing = writeCompileArtifacts(targetDir, manifest, {
      previous: caches.previouslyWritten(),
      onManifest: (stamp) => manifestWritten(stamp),
    });
    // Its nodes file is written while the artifacts are; a failure to write it only costs the next compile
    // its patch, and is reported by the writes that follow (the same disk).
    const nodes = recordPatch && compiled.diagnostics.length === 0 ? writtenPatchNodes(compiled, targetDir) : undefined;
    const patchState = nodes && writePatchState(targetDir, nodes, manifestStamp).then(() => true, () => false);
    const written = await writing;
    const [, patched] = await Promise.all([caches.save(project, written), patchState]);
    const counts = new Map<string, number>();
    for (const node of [...Object.values(manifest.nodes), ...Object.values(manifest.sources)]) {
      counts.set(node.resource_type, (counts.get(node.resource_type) ?? 0) + 1);
    }
    const summary = ['model', 'seed', 'snapshot', 'test', 'source']
      .filter((t) => counts.has(t))
      .map((t) => `${counts.get(t)} ${t}${counts.get(t) === 1 ? '' : 's'}`)
      .join(', ');
    snapshot.write({ counts: summary, targetDir, warnings: compiled.diagnostics.length, ...(patched ? { manifest: await manifestStamp } : {}) });
    printCompileSummary({ counts: summary, targetDir, warnings: 0 }, started);
    setExitCode(options.dryRun ? await printDryRun(compiled, keep) : 0);
  });
}

/** The compile's patch nodes file, written; the draft's 10,000 node texts are garbage once it is. Undefined when there is none. */
function writtenPatchNodes(compiled: CompiledProject, targetDir: string) {
  const draft = compiled.patchDraft();
  if (!draft) return undefined;
  try {
    return writePatchNodes(targetDir, draft);
  } catch {
    return undefined;
  }
}

/**
 * dbt's two phases: a node whose template reads the warehouse while rendering (run_query, statement,
 * adapter.get_columns_in_relation...) compiles to its real SQL only with a connection. xform connects just for
 * those nodes among the selected ones, says so, and renders them as a run would; every other node compiled
 * without a warehouse. An unreachable warehouse, or a question it cannot answer yet (a table not built), is a
 * warning: those nodes keep dbt's parse-time answers, and a run renders them again.
 */
async function renderIntrospectingNodes(compiled: CompiledProject, keep: Set<string> | undefined): Promise<void> {
  const { manifest, project } = compiled;
  const nodes = Object.values(manifest.nodes).filter(
    (n): n is ExecutableNode | TestNode => (keep === undefined || keep.has(n.unique_id)) && (n.resource_type === 'model' || (n.resource_type === 'test' && n.compiled_code !== undefined)),
  );
  const reading = nodes.filter((n) => compiled.readsWarehouse(n));
  if (reading.length === 0) return;
  const names = reading.slice(0, 5).map((n) => n.name).join(', ') + (reading.length > 5 ? `, and ${reading.length - 5} more` : '');
  const target = project.target;
  process.stderr.write(`connecting to target '${target.name}' (${target.type}): ${reading.length === 1 ? '1 node queries' : `${reading.length} nodes query`} the warehouse while rendering (${names})\n`);
  let adapter;
  try {
    adapter = await loadAdapter(target, { projectRoot: project.root, threads: 1 });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    process.stderr.write(`warning: could not connect (${reason}); their compiled SQL holds the answers dbt gives while parsing (run_query: none, no columns)\n`);
    return;
  }
  try {
    await adapter.withConnection(async (connection) => {
      for (const node of reading) {
        try {
          node.compiled_code =
            node.resource_type === 'test'
              ? await compiled.renderTestForExecution(node as TestNode, { connection, adapter })
              : await compiled.renderForExecution(node as ExecutableNode, { isIncremental: false, connection, adapter });
        } catch (err) {
          // Typically a relation not built yet (compile before the first build): the build will ask again.
          const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
          process.stderr.write(`warning: ${node.original_file_path}: ${reason}; compiled with the answers dbt gives while parsing\n`);
        }
      }
    });
  } finally {
    await adapter.close();
  }
}
