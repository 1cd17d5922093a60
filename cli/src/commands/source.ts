import path from 'node:path';
import type { Command } from 'commander';
import { checkFreshness, hasFreshness, loadAdapter, writeSourcesJson, XFORM_CORE_VERSION, type SourceNode } from '@xform/core';
import { addProjectOptions, addSelectionOptions, compileFromOptions, parseThreads, type ProjectOptions, type SelectionOptions } from '../project-options.js';
import { FreshnessPrinter } from '../freshness-printer.js';
import { yellow } from '../output.js';
import { selectFromOptions } from '../selection.js';
import { FRESHNESS_WARN, isWarnError } from '../warn-error.js';
import { stateFromOptions, stateSelectionOf } from '../state-options.js';

interface FreshnessOptions extends ProjectOptions, SelectionOptions {
  output?: string;
  threads?: string;
}

export function registerSource(program: Command, setExitCode: (code: number) => void): void {
  const source = program.command('source').description('commands about source tables');
  const command = source
    .command('freshness')
    .description('check how recently each selected source table was loaded (loaded_at_field, warn_after, error_after)')
    .option('-o, --output <file>', 'where to write the results as JSON (default: <target-path>/sources.json)')
    .option('--threads <n>', "how many sources to check at once (default: the profile's threads)");
  addSelectionOptions(addProjectOptions(command)).action(async (options: FreshnessOptions) => {
    setExitCode(await freshnessCommand(options));
  });
}


async function freshnessCommand(options: FreshnessOptions): Promise<number> {
  const started = performance.now();
  const threads = parseThreads(options.threads);
  const compiled = await compileFromOptions(options);
  const { project, manifest } = compiled;
  const state = await stateFromOptions(options, compiled);
  const selected = selectFromOptions(compiled, options, { resourceTypes: ['source'], ...stateSelectionOf(state, compiled) });
  const sources = [...selected].map((id) => manifest.sources[id]).filter((s): s is SourceNode => s !== undefined && hasFreshness(s));
  if (sources.length === 0) {
    process.stderr.write(`${yellow('warning')} no selected source has a loaded_at_field and a freshness rule (warn_after / error_after)\n`);
  }
  const poolSize = threads ?? project.target.threads;
  const adapter = await loadAdapter(project.target, { projectRoot: project.root, threads: poolSize });
  const abort = new AbortController();
  const onSigint = () => {
    abort.abort();
    void adapter.cancelAll();
  };
  process.on('SIGINT', onSigint);
  try {
    const printer = new FreshnessPrinter(new Map(sources.map((s) => [s.unique_id, s])));
    const results = await checkFreshness({ adapter, sources, threads: poolSize, signal: abort.signal, onEvent: (e) => printer.event(e) });
    const elapsed = (performance.now() - started) / 1000;
    const file = options.output !== undefined ? path.resolve(options.output) : path.resolve(project.root, project.config.targetPath, 'sources.json');
    await writeSourcesJson(file, results, { invocationId: manifest.metadata.invocation_id, generatedAt: new Date(), elapsed, xformVersion: XFORM_CORE_VERSION });
    printer.summary(results, elapsed);
    if (abort.signal.aborted) return 130;
    const warnFails = isWarnError(FRESHNESS_WARN);
    return results.some((r) => r.status === 'error' || r.status === 'runtime error' || (warnFails && r.status === 'warn')) ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await adapter.close();
  }
}
