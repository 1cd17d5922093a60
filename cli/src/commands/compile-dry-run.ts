/** Prints `xform compile --dry-run`: one line per model, then a summary; exit code 1 when any fails. */
import { dryRunModels, dryRunnableModels, loadAdapter, type CompiledProject } from '@xform/core';
import { formatBytes } from '../format-bytes.js';
import { dim, green, red } from '../output.js';

export async function printDryRun(compiled: CompiledProject, selected: ReadonlySet<string> | undefined): Promise<number> {
  const { project } = compiled;
  const nodes = dryRunnableModels(compiled, selected);
  const adapter = await loadAdapter(project.target, { projectRoot: project.root, threads: project.target.threads });
  try {
    process.stdout.write(`Dry run of ${nodes.length} model${nodes.length === 1 ? '' : 's'} on ${project.target.type} (target ${project.target.name})\n`);
    const results = await dryRunModels(adapter, compiled, nodes, project.target.threads);
    const width = Math.max(0, ...results.map((r) => r.unique_id.length));
    let bytes = 0;
    for (const r of results) {
      if (r.status === 'ok') {
        bytes += r.bytes_processed ?? 0;
        const size = r.bytes_processed === undefined ? '' : `  ${formatBytes(r.bytes_processed)}`;
        process.stdout.write(`  ${green('OK   ')}  ${r.unique_id.padEnd(width)}${dim(size)}\n`);
      } else {
        process.stdout.write(`  ${red('ERROR')}  ${r.unique_id.padEnd(width)}  ${r.file}: ${r.message ?? ''}\n`);
      }
    }
    const failed = results.filter((r) => r.status === 'error').length;
    const summary = `${results.length - failed} ok, ${failed} failed; ${formatBytes(bytes)} would be processed`;
    process.stdout.write(`${failed > 0 ? red('Dry run failed:') : green('Dry run passed:')} ${summary}\n`);
    return failed > 0 ? 1 : 0;
  } finally {
    await adapter.close();
  }
}
