import path from 'node:path';
import type { Command } from 'commander';
import { selectNodes, writeCompileArtifacts } from '@xform/core';
import { recordingEnv } from '@xform/core/partial-parse';
import { addProjectOptions, addSelectionOptions, compileFromOptions, partialParseCaches, type ProjectOptions, type SelectionOptions } from '../project-options.js';
import { printCompileSummary } from '../compile-summary.js';
import { saveCompileSnapshot } from '../compile-snapshot.js';
import { printDryRun } from './compile-dry-run.js';

interface CompileOptions extends ProjectOptions, SelectionOptions {
  inline?: string;
  /** false with --no-partial-parse. */
  partialParse: boolean;
  dryRun?: boolean;
}

export function registerCompile(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('compile')
    .description('render every model and test to SQL and write target/manifest.json (no warehouse connection needed)')
    .option('--inline <sql>', 'compile one SQL snippet against the project and print it')
    .option('--no-partial-parse', 'compile everything, even when target/partial_parse.json says nothing changed')
    .option('--dry-run', 'also have the warehouse validate every selected model without running it (BigQuery dry-run jobs)');
  addSelectionOptions(addProjectOptions(command)).action(async (options: CompileOptions) => {
    const started = performance.now();
    const startedAt = Date.now();
    const recorder = recordingEnv(process.env);
    const caches = partialParseCaches({ use: options.partialParse });
    const compiled = await compileFromOptions(options, { env: recorder.env, ...caches.extras });
    if (options.inline !== undefined) {
      process.stdout.write(`${compiled.compileInline(options.inline).trim()}\n`);
      setExitCode(0);
      return;
    }
    const { manifest, project } = compiled;
    let keep: Set<string> | undefined;
    if (options.select?.length || options.exclude?.length) {
      keep = selectNodes(compiled.graph, { select: options.select, exclude: options.exclude });
      for (const id of Object.keys(manifest.nodes)) {
        if (!keep.has(id)) delete manifest.nodes[id]?.compiled_code;
      }
    }
    const targetDir = path.resolve(project.root, project.config.targetPath);
    const snapshot = saveCompileSnapshot(compiled, { targetDir, startedAt, envReads: recorder.reads });
    // --no-partial-parse writes every file; otherwise files nobody touched and whose SQL is the same stay.
    await caches.save(project, await writeCompileArtifacts(targetDir, manifest, { previous: caches.previouslyWritten() }));
    const counts = new Map<string, number>();
    for (const node of [...Object.values(manifest.nodes), ...Object.values(manifest.sources)]) {
      counts.set(node.resource_type, (counts.get(node.resource_type) ?? 0) + 1);
    }
    const summary = ['model', 'seed', 'snapshot', 'test', 'source']
      .filter((t) => counts.has(t))
      .map((t) => `${counts.get(t)} ${t}${counts.get(t) === 1 ? '' : 's'}`)
      .join(', ');
    snapshot.write({ counts: summary, targetDir, warnings: compiled.diagnostics.length });
    printCompileSummary({ counts: summary, targetDir, warnings: 0 }, started);
    setExitCode(options.dryRun ? await printDryRun(compiled, keep) : 0);
  });
}
